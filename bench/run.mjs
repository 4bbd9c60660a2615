// `npm run bench`: tflite-ts against Google's TFLite wasm runtimes, side by side on this machine
// and the same seeded inputs (mulberry32 seed 1, as the peers harness), in one run. Speed is
// measured here, never in a test.
//
//   node bench/run.mjs [--models a,b] [--threads 1,2] [--envs node,browser] [--runs 20]
//                      [--repeat 1] [--out bench/results]
//
// For each model and thread count the runtimes run one after another (interleaved, so a noisy
// neighbour hits all of them alike): tflite-ts in Node (fresh process: bench/node_runner.mjs),
// tflite-ts in headless Chromium (bench/browser/page_entry.mjs, a fresh context per run),
// LiteRT.js and tfjs-tflite through ../shared/tools/peers (peer.mjs, Node and Chromium). With
// --repeat N the best median of N rounds is kept for every cell. Figures: median latency and
// the ratio tflite-ts / LiteRT.js; cold start (model bytes to first result) and its ratio; peak
// RSS in Node; the minified browser bundle (raw, gzip) against LiteRT.js's download; and the
// ceiling: the kernel module's peak f32 / int8 multiply-add rate, each model's latency floor
// (MACs / peak) and the fraction of it we reach. Writes bench/results/bench.{md,json}.
//
// Needs `npm run build` (dist/) first. The peers harness is installed into
// node_modules/.cache/tflite-ts-peers on first use (npm ci of its pinned versions).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const fixtures = resolve(process.env.TFLITE_TS_FIXTURES ?? join(root, '..', 'shared', 'fixtures'));
const chromiumPath = process.env.TFLITE_TS_CHROMIUM ?? '/usr/bin/chromium';
const runs = Number(opt('--runs', '20'));
const repeat = Number(opt('--repeat', '1'));
const threadList = opt('--threads', '1,2').split(',').map(Number);
const envs = opt('--envs', 'node,browser').split(',');
const outDir = resolve(root, opt('--out', 'bench/results'));

/** The models of issue 8, with their fixture paths. */
const ALL_MODELS = {
  'mobilenet_v1_0.25_224 float': 'classification/mobilenet_v1_0.25_224_1_default_1.tflite',
  'mobilenet_v1_0.25_224 quant': 'classification/mobilenet_v1_0.25_224_quant.tflite',
  mobilenet_v2_1_0_224_quant: 'classification/mobilenet_v2_1.0_224_quant.tflite',
  tf2_mobilenet_v2_1_0_224_ptq: 'classification/tf2_mobilenet_v2_1.0_224_ptq.tflite',
  'v3-small_224_1.0_uint8': 'classification/v3-small_224_1.0_uint8.tflite',
  vww_96_int8: 'classification/visual_wake_words/vww_96_int8.tflite',
  movenet_single_pose_lightning_ptq: 'pose/movenet_single_pose_lightning_ptq.tflite',
  deeplabv3: 'segmentation/deeplabv3.tflite',
};
const MOBILENETS = new Set(Object.keys(ALL_MODELS).filter((m) => m.includes('mobilenet')));
const selected = opt('--models', '')
  ? opt('--models', '')
      .split(',')
      .map((s) => Object.keys(ALL_MODELS).find((k) => k.includes(s)) ?? s)
  : Object.keys(ALL_MODELS);

if (!existsSync(join(root, 'dist', 'bundle', 'index.js'))) {
  console.error('bench: dist/ is missing; run `npm run build` first');
  process.exit(1);
}

const log = (...a) => console.error(...a);

/** Runs a command; returns stdout (throws with stderr on failure or timeout). */
function run(cmd, argv, { timeoutMs = 600_000, cwd = root, env = process.env } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, argv, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolvePromise(out);
      else reject(new Error(`${cmd} ${argv.join(' ')} exited ${code}: ${err.slice(-800)}`));
    });
  });
}

/** Peak RSS (bytes) of a Node command, via GNU time when present. */
async function runWithRss(argv, opts) {
  if (existsSync('/usr/bin/time')) {
    const rssFile = join(mkdtempSync(join(tmpdir(), 'tflite-ts-bench-')), 'rss');
    const out = await run('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, ...argv], opts);
    return { out, rss: Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) * 1024 };
  }
  return { out: await run(process.execPath, argv, opts), rss: NaN };
}

// ---- peers harness -------------------------------------------------------------------------
const peersSource = resolve(process.env.TFLITE_TS_PEERS ?? join(fixtures, '..', 'tools', 'peers'));
const peersDir = resolve(
  process.env.TFLITE_TS_PEERS_CACHE ?? join(root, 'node_modules', '.cache', 'tflite-ts-peers'),
);
function ensurePeers() {
  if (existsSync(join(peersDir, 'node_modules', '@litertjs'))) return true;
  if (!existsSync(join(peersSource, 'peer.mjs'))) {
    log(`bench: peers harness not found at ${peersSource}; peer columns stay empty`);
    return false;
  }
  log('bench: installing the peers harness (npm ci) ...');
  mkdirSync(peersDir, { recursive: true });
  cpSync(peersSource, peersDir, { recursive: true, filter: (s) => !s.includes('node_modules') });
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: peersDir, stdio: 'ignore' });
  return true;
}

async function peer(runtime, env, threads, model) {
  const out = join(mkdtempSync(join(tmpdir(), 'tflite-ts-peer-')), 'r.json');
  const argv = [
    join(peersDir, 'peer.mjs'),
    '--runtime',
    runtime,
    '--env',
    env,
    '--threads',
    String(threads),
    '--model',
    model,
    '--runs',
    String(runs),
    '--out',
    out,
  ];
  const { rss } =
    env === 'node'
      ? await runWithRss(argv, { cwd: peersDir })
      : { rss: NaN, out: await run(process.execPath, argv, { cwd: peersDir }) };
  const j = JSON.parse(readFileSync(out, 'utf8'));
  return {
    medianMs: j.latency_ms.median,
    minMs: j.latency_ms.min,
    coldMs: j.init_ms + j.first_run_ms,
    threads: j.threads,
    variant: j.variant,
    peakRssBytes: rss,
  };
}

// ---- tflite-ts in Node -----------------------------------------------------------------------
async function oursNode(model, threads) {
  const { out, rss } = await runWithRss([
    join(root, 'bench', 'node_runner.mjs'),
    model,
    '--threads',
    String(threads),
    '--runs',
    String(runs),
  ]);
  const r = JSON.parse(out.trim().split('\n').pop());
  return { ...r, peakRssBytes: rss || r.peakRssBytes };
}

// ---- tflite-ts in Chromium --------------------------------------------------------------------
let browserState;
async function oursBrowser(model, threads) {
  if (!browserState) {
    const { build } = await import('esbuild');
    const bundle = await build({
      entryPoints: [join(root, 'bench', 'browser', 'page_entry.mjs')],
      bundle: true,
      minify: true,
      format: 'esm',
      platform: 'browser',
      write: false,
      logLevel: 'silent',
    });
    const files = new Map([
      [
        '/',
        {
          type: 'text/html',
          body: Buffer.from('<!doctype html><script type="module" src="/bundle.js"></script>'),
        },
      ],
      ['/bundle.js', { type: 'text/javascript', body: Buffer.from(bundle.outputFiles[0].contents) }],
    ]);
    const server = createServer((req, res) => {
      const f = files.get((req.url ?? '').split('?')[0]);
      if (!f) return res.writeHead(404).end();
      res
        .writeHead(200, {
          'content-type': f.type,
          'content-length': f.body.byteLength,
          'cross-origin-opener-policy': 'same-origin',
          'cross-origin-embedder-policy': 'require-corp',
          'cache-control': 'no-store',
        })
        .end(f.body);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    browserState = { files, server, browser, origin: `http://127.0.0.1:${server.address().port}` };
  }
  const { files, browser, origin } = browserState;
  files.set('/model.tflite', { type: 'application/octet-stream', body: readFileSync(model) });
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    await page.goto(`${origin}/?threads=${threads}&runs=${runs}`);
    await page.waitForFunction(() => globalThis.__benchResult !== undefined, null, { timeout: 600_000 });
    const r = await page.evaluate(() => globalThis.__benchResult);
    if (r.error) throw new Error(r.error);
    return r;
  } finally {
    await context.close();
  }
}

// ---- sizes, ceiling, MACs ---------------------------------------------------------------------
async function bundleSize() {
  const { build } = await import('esbuild');
  const r = await build({
    entryPoints: [join(root, 'bench', 'browser', 'runtime_entry.mjs')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = r.outputFiles[0].contents;
  const byFolder = {};
  for (const [file, v] of Object.entries(Object.values(r.metafile.outputs)[0].inputs)) {
    const key = file
      .replace(/^dist\//, '')
      .split('/')
      .slice(0, 2)
      .join('/');
    byFolder[key] = (byFolder[key] ?? 0) + v.bytesInOutput;
  }
  return { raw: bytes.byteLength, gzip: gzipSync(bytes, { level: 9 }).byteLength, byFolder };
}

async function litertSize() {
  try {
    const out = await run(process.execPath, [join(peersDir, 'peer.mjs'), '--sizes'], { cwd: peersDir });
    const row = out.split('\n').find((l) => l.startsWith('| litert | internal'));
    const cells = row.split('|').map((s) => s.trim());
    return {
      raw: Number(cells[4].split(' ')[0]),
      gzip: Number(cells[5].split(' ')[0]) * 1024,
      build: 'internal',
    };
  } catch (e) {
    log(`bench: litert sizes unavailable: ${e.message}`);
    return null;
  }
}

async function modelMacs(model) {
  const { readModel } = await import(join(root, 'dist', 'format', 'model_reader.js'));
  const { computeModelStats } = await import(join(root, 'dist', 'ir', 'model_stats.js'));
  const m = readModel(new Uint8Array(readFileSync(model)));
  const stats = computeModelStats(m);
  const quant =
    m.subgraphs[0].tensors.some((t) => t.type === 9 || t.type === 3) &&
    !model.includes('deeplab') &&
    !model.includes('default_1');
  return { macs: stats.macs, quant };
}

// ---- main -----------------------------------------------------------------------------------
const havePeers = ensurePeers();
const haveChromium = envs.includes('browser') && existsSync(chromiumPath);
if (envs.includes('browser') && !haveChromium)
  log(`bench: ${chromiumPath} missing; browser columns stay empty`);
const results = {};
const better = (a, b) =>
  !a
    ? b
    : !b
      ? a
      : b.medianMs < a.medianMs
        ? { ...b, coldMs: Math.min(a.coldMs, b.coldMs) }
        : { ...a, coldMs: Math.min(a.coldMs, b.coldMs) };
const cell = async (label, fn) => {
  try {
    return await fn();
  } catch (e) {
    log(`  ${label}: ${e.message.split('\n')[0]}`);
    return { error: e.message.split('\n')[0] };
  }
};

const peak = JSON.parse(
  (await run(process.execPath, [join(root, 'bench', 'node_runner.mjs'), '--peak'])).trim(),
);
log(`peak: f32 ${peak.f32GmacPerS.toFixed(1)} GMAC/s, int8 ${peak.q8GmacPerS.toFixed(1)} GMAC/s`);
for (let rep = 0; rep < repeat; rep++) {
  for (const name of selected) {
    const model = join(fixtures, 'models', ALL_MODELS[name]);
    if (!existsSync(model)) {
      log(`bench: ${model} missing, skipped`);
      continue;
    }
    const r = (results[name] ??= { ...(await modelMacs(model)), cells: {} });
    for (const threads of threadList) {
      const jobs = [];
      if (envs.includes('node')) {
        jobs.push([`ours node t${threads}`, () => oursNode(model, threads)]);
        if (havePeers) jobs.push([`litert node t${threads}`, () => peer('litert', 'node', threads, model)]);
        if (havePeers && threads === 1)
          jobs.push([`tfjs node t${threads}`, () => peer('tfjs-tflite', 'node', threads, model)]);
      }
      if (haveChromium) {
        jobs.push([`ours browser t${threads}`, () => oursBrowser(model, threads)]);
        if (havePeers)
          jobs.push([`litert browser t${threads}`, () => peer('litert', 'browser', threads, model)]);
        if (havePeers)
          jobs.push([`tfjs browser t${threads}`, () => peer('tfjs-tflite', 'browser', threads, model)]);
      }
      for (const [label, fn] of jobs) {
        const v = await cell(`${name} ${label}`, fn);
        log(
          `${name} | ${label} | ${v.error ? 'error' : `median ${v.medianMs.toFixed(3)} ms, cold ${v.coldMs.toFixed(0)} ms`}`,
        );
        r.cells[label] = v.error
          ? (r.cells[label] ?? v)
          : better(r.cells[label]?.error ? undefined : r.cells[label], v);
      }
    }
  }
}
if (browserState) {
  await browserState.browser.close();
  browserState.server.close();
}
const size = await bundleSize();
const lsize = havePeers ? await litertSize() : null;

// ---- report ---------------------------------------------------------------------------------
const f = (v, d = 2) =>
  typeof v === 'number' && Number.isFinite(v)
    ? v >= 100
      ? v.toFixed(0)
      : v >= 10
        ? v.toFixed(1)
        : v.toFixed(d)
    : '-';
const med = (r, k) => r.cells[k]?.medianMs;
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) ? `${(a / b).toFixed(2)}x` : '-');
const MB = (b) => (Number.isFinite(b) ? `${(b / 1048576).toFixed(0)} MiB` : '-');
const lines = [];
const cpu = cpus()[0]?.model ?? 'unknown CPU';
lines.push(`# tflite-ts benchmark`, '');
lines.push(
  `${new Date().toISOString()} · ${cpus().length} cores (${cpu}) · Node ${process.version} · runs ${runs} · repeat ${repeat} · load average at the end ${(
    await import('node:os')
  )
    .loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
  '',
);
lines.push(
  'Median ms per invocation. ours = tflite-ts, L = LiteRT.js, T = tfjs-tflite. Ratios are ours / LiteRT.js from the same run.',
  '',
);
for (const threads of threadList) {
  lines.push(`## Latency, ${threads} thread${threads > 1 ? 's' : ''}`, '');
  lines.push(
    '| model | ours node | L node | ours/L | T node | ours browser | L browser | ours/L | T browser |' +
      (threads > 1 ? ' ours node t2/t1 | ours browser t2/t1 |' : ''),
  );
  lines.push('|---|---|---|---|---|---|---|---|---|' + (threads > 1 ? '---|---|' : ''));
  for (const [name, r] of Object.entries(results)) {
    const t = `t${threads}`;
    const row = [
      name,
      f(med(r, `ours node ${t}`)),
      f(med(r, `litert node ${t}`)),
      ratio(med(r, `ours node ${t}`), med(r, `litert node ${t}`)),
      f(med(r, `tfjs node ${t}`)),
      f(med(r, `ours browser ${t}`)),
      f(med(r, `litert browser ${t}`)),
      ratio(med(r, `ours browser ${t}`), med(r, `litert browser ${t}`)),
      f(med(r, `tfjs browser ${t}`)),
    ];
    if (threads > 1)
      row.push(
        ratio(med(r, `ours node ${t}`), med(r, 'ours node t1')),
        ratio(med(r, `ours browser ${t}`), med(r, 'ours browser t1')),
      );
    lines.push(`| ${row.join(' | ')} |`);
  }
  lines.push('');
}
lines.push('## Cold start (model bytes to first result, 1 thread)', '');
lines.push(
  'Node: from importing the package (`tflite-ts`, its bundled entry) to the first output. Browser: from navigation start (page, bundle and model download included), as the peers harness measures init_ms + first_run_ms.',
  '',
);
lines.push(
  '| model | ours node | L node | ours/L | ours browser | L browser | ours/L |',
  '|---|---|---|---|---|---|---|',
);
for (const [name, r] of Object.entries(results)) {
  const c = (k) => r.cells[k]?.coldMs;
  lines.push(
    `| ${name} | ${f(c('ours node t1'), 0)} | ${f(c('litert node t1'), 0)} | ${ratio(c('ours node t1'), c('litert node t1'))} | ${f(c('ours browser t1'), 0)} | ${f(c('litert browser t1'), 0)} | ${ratio(c('ours browser t1'), c('litert browser t1'))} |`,
  );
}
lines.push('', '## Memory and ceiling (Node, 1 thread)', '');
lines.push(
  `Peak multiply-add rate of the kernel module on this machine (best of 20): f32 ${peak.f32GmacPerS.toFixed(1)} GMAC/s, int8 (int16 dot products) ${peak.q8GmacPerS.toFixed(1)} GMAC/s. Floor = MACs / peak; achieved = floor / our median.`,
  '',
);
lines.push(
  '| model | MACs | floor ms | ours ms | achieved | peak RSS ours | peak RSS L |',
  '|---|---|---|---|---|---|---|',
);
for (const [name, r] of Object.entries(results)) {
  const floor = r.macs / ((r.quant ? peak.q8GmacPerS : peak.f32GmacPerS) * 1e6);
  const ours = med(r, 'ours node t1');
  lines.push(
    `| ${name} | ${(r.macs / 1e6).toFixed(0)} M | ${f(floor)} | ${f(ours)} | ${Number.isFinite(ours) ? `${((100 * floor) / ours).toFixed(0)}%` : '-'} | ${MB(r.cells['ours node t1']?.peakRssBytes)} | ${MB(r.cells['litert node t1']?.peakRssBytes)} |`,
  );
}
lines.push('', '## Targets (issue 8)', '');
const verdict = (ok) => (ok === undefined ? 'not measured' : ok ? 'met' : 'NOT met');
const le = (a, b, k) => (Number.isFinite(a) && Number.isFinite(b) ? a <= k * b : undefined);
lines.push('| target | model | node | browser |', '|---|---|---|---|');
for (const [name, r] of Object.entries(results)) {
  lines.push(
    `| t1 latency <= 1.0x LiteRT.js | ${name} | ${verdict(le(med(r, 'ours node t1'), med(r, 'litert node t1'), 1))} | ${verdict(le(med(r, 'ours browser t1'), med(r, 'litert browser t1'), 1))} |`,
  );
}
for (const [name, r] of Object.entries(results)) {
  if (!MOBILENETS.has(name) || !threadList.includes(2)) continue;
  lines.push(
    `| t2 <= 0.6x own t1 | ${name} | ${verdict(le(med(r, 'ours node t2'), med(r, 'ours node t1'), 0.6))} | ${verdict(le(med(r, 'ours browser t2'), med(r, 'ours browser t1'), 0.6))} |`,
  );
}
for (const [name, r] of Object.entries(results)) {
  const c = (k) => r.cells[k]?.coldMs;
  lines.push(
    `| cold start <= 0.5x LiteRT.js | ${name} | ${verdict(le(c('ours node t1'), c('litert node t1'), 0.5))} | ${verdict(le(c('ours browser t1'), c('litert browser t1'), 0.5))} |`,
  );
}
lines.push(
  `| bundle <= 300 KB raw, 120 KB gzip | all kernels | ${verdict(size.raw <= 300 * 1024 && size.gzip <= 120 * 1024)} (${(size.raw / 1024).toFixed(0)} / ${(size.gzip / 1024).toFixed(0)} KiB) | |`,
);

lines.push('', '## Download size of the browser runtime', '');
lines.push('| runtime | raw | gzip -9 |', '|---|---|---|');
lines.push(
  `| tflite-ts (minified bundle, all kernels, wasm embedded) | ${(size.raw / 1024).toFixed(0)} KiB | ${(size.gzip / 1024).toFixed(0)} KiB |`,
);
if (lsize)
  lines.push(
    `| LiteRT.js (${lsize.build} build: js + wasm) | ${(lsize.raw / 1024).toFixed(0)} KiB | ${(lsize.gzip / 1024).toFixed(0)} KiB |`,
  );
lines.push('', 'Largest parts of the bundle (bytes after minification):', '');
for (const [k, v] of Object.entries(size.byFolder)
  .sort((a, b) => b[1] - a[1])
  .slice(0, 8))
  lines.push(`- ${k}: ${(v / 1024).toFixed(1)} KiB`);
lines.push('');

mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'bench.md'), lines.join('\n'));
writeFileSync(
  join(outDir, 'bench.json'),
  JSON.stringify(
    { date: new Date().toISOString(), runs, repeat, peak, size, litertSize: lsize, results },
    null,
    2,
  ),
);
console.log(lines.join('\n'));
