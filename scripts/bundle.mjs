// The package's JavaScript as users load it: an esbuild bundle with code splitting of the
// compiled modules (dist/, from tsc) into dist/bundle/, one file per public entry point plus the
// workers and the CLI, sharing chunks. Node resolves and reads each ES module file separately, so
// importing the ~280 files of dist/ took ~100 ms before any work began; the bundle takes ~35 ms
// (docs/performance.md, "Cold start"). Types stay dist/**/*.d.ts (package.json "exports").
//
//   node scripts/bundle.mjs        (part of `npm run build`, after tsc)
//
// Layout: every file in one flat folder, so a worker entry referenced as
// `new URL('./eval_worker.js', import.meta.url)` from whichever chunk holds its caller resolves
// to the bundled worker. fflate and flatbuffers are bundled in (their ES module builds: small,
// no further file reads at import; their licenses are written to THIRD_PARTY_LICENSES.txt);
// sharp (native), commander and esbuild stay external.
// platform 'neutral' keeps package resolution off the "node" export conditions, so fflate's
// browser build (no worker_threads import at load) is the one inlined and ./browser stays
// loadable in browsers; Node built-ins are imported as `node:*`.
import { build } from 'esbuild';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const outdir = join(dist, 'bundle');

/** Bundle file name -> compiled module of dist/. */
export const ENTRY_POINTS = {
  index: 'index.js',
  node: 'node/index.js',
  vision: 'vision/index.js',
  browser: 'browser/index.js',
  eval: 'eval/index.js',
  eval_worker: 'node/eval_worker.js',
  cli: 'cli/main.js',
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: Object.fromEntries(Object.entries(ENTRY_POINTS).map(([out, src]) => [out, join(dist, src)])),
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'neutral',
  target: 'node20',
  mainFields: ['module', 'main'],
  external: ['node:*', 'sharp', 'commander', 'esbuild'],
  chunkNames: 'chunk-[hash]',
  legalComments: 'inline',
  metafile: true,
  logLevel: 'warning',
});
// The packages inlined into the bundle ship with it: their licenses go beside it.
const inlined = new Set(
  Object.keys(result.metafile.inputs).flatMap((f) => {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f);
    return m ? [m[1]] : [];
  }),
);
const notices = [...inlined].sort().map((name) => {
  const dir = join(root, 'node_modules', name);
  const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].map((f) => join(dir, f)).find(existsSync);
  if (!file) throw new Error(`bundle: ${name} is inlined but has no LICENSE file to ship with it`);
  return `${name} ${version} (${license})\n\n${readFileSync(file, 'utf8').trim()}\n`;
});
writeFileSync(
  join(outdir, 'THIRD_PARTY_LICENSES.txt'),
  `Packages bundled into these files, with their licenses.\n\n${notices.join('\n' + '-'.repeat(72) + '\n\n')}`,
);
const files = Object.entries(result.metafile.outputs);
const bytes = files.reduce((s, [, o]) => s + o.bytes, 0);
console.log(
  `dist/bundle: ${files.length} files, ${(bytes / 1024).toFixed(0)} KiB; inlined: ${[...inlined].join(', ')}`,
);
