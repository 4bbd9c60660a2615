/**
 * Runs a model in one of Google's runtimes (LiteRT.js or tfjs-tflite, in Node or in headless
 * Chromium) through the peers harness, for differential tests (design.md §4.2). Each call is one
 * `node peer.mjs ... --out FILE` process with a single timed run (this is for correctness, not
 * speed); the result is the harness's JSON with tensor data decoded to bytes.
 *
 *   const r = await runPeer({ runtime: 'litert', model, inputs: { random: 1 } });
 *   r.outputs[0].data  // raw little-endian bytes, r.outputs[0].dtype says how to read them
 *
 * Skip rules: peersAvailable(env) is false (with one warning line) when the harness or, for the
 * browser, Chromium is missing; with CI=true it throws instead, so CI cannot skip silently.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { IN_CI } from './fixtures.js';
import { CHROMIUM, PEERS_SOURCE, ensurePeersHarness } from './peer_harness.js';

export { compareTensors, expectTensorsMatch, formatComparison } from './peer_compare.js';
export type { CompareDtype, CompareOptions, Comparison } from './peer_compare.js';
export { CHROMIUM, PEERS_CACHE, PEERS_SOURCE, ensurePeersHarness } from './peer_harness.js';

const execFileAsync = promisify(execFile);

export type PeerRuntime = 'litert' | 'tfjs-tflite';
export type PeerEnv = 'node' | 'browser';

export interface PeerRunOptions {
  runtime: PeerRuntime;
  /** Where the wasm runs (default 'node'; 'browser' = headless Chromium). */
  env?: PeerEnv;
  /** Path of the .tflite model. */
  model: string;
  /**
   * Input bytes, one array per input in the order the runtime lists its inputs (LiteRT: the
   * signature's order; tfjs-tflite: the subgraph's), or seeded random inputs (the default is
   * `{ random: 1 }`: mulberry32, the harness README says which values each dtype gets).
   */
  inputs?: readonly Uint8Array[] | { random: number };
  /** Range [lo, hi) of random int32/int64 inputs (harness default 0..10). */
  intRange?: readonly [number, number];
  /** 1 = single-threaded wasm build (default); N > 1 = the threaded build with N threads. */
  threads?: number;
  /** Force one wasm build (see `node peer.mjs --help`). */
  variant?: string;
  /** Timed runs after the first (default 1; the outputs always come from the first run). */
  runs?: number;
  /** Kill the peer after this many ms (default 180 000). */
  timeoutMs?: number;
}

/** A tensor as the peer reports it; `data` holds its raw little-endian bytes. */
export interface PeerTensor {
  name: string;
  shape: number[];
  dtype: string;
  /** The declared shape with -1 for dynamic dims, when it has any (LiteRT runs them as 1). */
  shape_signature?: number[];
  data: Uint8Array;
}

export interface PeerLatency {
  min: number | null;
  median: number | null;
  mean: number | null;
  max: number | null;
  runs: number;
}

/** The JSON that peer.mjs writes (field names as in the harness README), data decoded. */
export interface PeerResult {
  runtime: PeerRuntime;
  runtime_version: string;
  model: string;
  model_sha256: string;
  env: PeerEnv;
  env_version: string;
  variant: string;
  wasm_features: string;
  wasm_loaded: string[];
  threads: number;
  /** LiteRT only: the signature key it ran ('<placeholder signature>' for models without one). */
  signature?: string;
  /** ERROR lines the runtime logged while loading (e.g. tfjs-tflite falling back from XNNPACK). */
  load_errors: string[];
  input_source: string | string[];
  inputs: PeerTensor[];
  outputs: PeerTensor[];
  latency_ms: PeerLatency;
  first_run_ms: number;
  warmup_runs: number;
  batch: number;
  init_ms: number;
}

interface RawTensor {
  name: string;
  shape: number[];
  dtype: string;
  shape_signature?: number[];
  data: string;
}

/** Base64 -> a fresh, 0-offset Uint8Array (so typed views over it are aligned). */
function decodeBase64(s: string): Uint8Array {
  const b = Buffer.from(s, 'base64');
  const out = new Uint8Array(b.byteLength);
  out.set(b);
  return out;
}

function decodeTensor(t: RawTensor): PeerTensor {
  return { ...t, data: decodeBase64(t.data) };
}

const warned = new Set<PeerEnv>();

/** Returns why the peers cannot run in `env` here, or undefined when they can. */
export function peersMissing(env: PeerEnv = 'node'): string | undefined {
  if (!existsSync(join(PEERS_SOURCE, 'peer.mjs'))) {
    return `peers harness not found at ${PEERS_SOURCE} (set TFLITE_TS_PEERS)`;
  }
  if (env === 'browser' && !existsSync(CHROMIUM)) {
    return `Chromium not found at ${CHROMIUM} (apt-get install chromium, or set TFLITE_TS_CHROMIUM)`;
  }
  return undefined;
}

/**
 * Returns true when peer runs in `env` are possible. Otherwise it prints one line saying which
 * tests skip and why, and returns false, except with CI=true, where it throws.
 */
export function peersAvailable(env: PeerEnv = 'node'): boolean {
  const why = peersMissing(env);
  if (why === undefined) return true;
  if (IN_CI) throw new Error(`${why}; peer tests cannot run (CI=true)`);
  if (!warned.has(env)) {
    warned.add(env);
    console.warn(`${why}: ${env} peer tests are skipped`);
  }
  return false;
}

/**
 * Runs `opts.model` once in the chosen peer runtime and returns its parsed JSON. Throws an Error
 * carrying the peer's stderr (the runtime's own log lines included) when the peer fails, e.g.
 * when the runtime cannot load the model, and when the harness cannot be installed.
 */
export async function runPeer(opts: PeerRunOptions): Promise<PeerResult> {
  const dir = await ensurePeersHarness();
  const env = opts.env ?? 'node';
  const model = resolve(opts.model);
  const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-peer-'));
  try {
    const out = join(tmp, 'out.json');
    const args = [
      join(dir, 'peer.mjs'),
      '--runtime',
      opts.runtime,
      '--env',
      env,
      '--model',
      model,
      '--threads',
      String(opts.threads ?? 1),
      // correctness, not speed: one timed run, no warm-up, no batching of fast runs
      '--runs',
      String(opts.runs ?? 1),
      '--warmup',
      '0',
      '--warmup-ms',
      '0',
      '--min-sample-ms',
      '0',
      '--out',
      out,
    ];
    const inputs = opts.inputs ?? { random: 1 };
    if ('random' in inputs) {
      args.push('--random', String(inputs.random));
    } else {
      const files = inputs.map((bytes, i) => {
        const f = join(tmp, `input${i}.bin`);
        writeFileSync(f, bytes);
        return f;
      });
      args.push('--input', files.join(','));
    }
    if (opts.intRange) args.push('--int-range', `${opts.intRange[0]}:${opts.intRange[1]}`);
    if (opts.variant) args.push('--variant', opts.variant);
    if (env === 'browser') args.push('--chromium', CHROMIUM);

    try {
      await execFileAsync(process.execPath, args, {
        cwd: dir,
        timeout: opts.timeoutMs ?? 180_000,
        maxBuffer: 64 << 20,
      });
    } catch (e) {
      const err = e as Error & { stderr?: string; code?: number | string; killed?: boolean; signal?: string };
      const how = err.killed ? `killed (${err.signal ?? 'timeout'})` : `exit code ${String(err.code)}`;
      const stderr = (err.stderr ?? '').trimEnd() || err.message;
      // peer.mjs ends with "peer: <reason>"; put the reason in the first line
      const reason = /^peer: (.*)$/m.exec(stderr)?.[1];
      throw new Error(
        `peer ${opts.runtime} (${env}) failed on ${model}: ${how}${reason ? `: ${reason}` : ''}\n${stderr}`,
      );
    }
    const raw = JSON.parse(readFileSync(out, 'utf8')) as Omit<PeerResult, 'inputs' | 'outputs'> & {
      inputs: RawTensor[];
      outputs: RawTensor[];
    };
    return { ...raw, inputs: raw.inputs.map(decodeTensor), outputs: raw.outputs.map(decodeTensor) };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** One seeded run of runPeerSeeds. */
export interface PeerSeedRun {
  seed: number;
  inputs: PeerTensor[];
  outputs: PeerTensor[];
}

/**
 * Runs `model` in a peer runtime in Node on several seeded inputs in one process (the runtime
 * starts once). Inputs are generated as peer.mjs (and src/runtime/random_inputs.ts) do.
 */
export async function runPeerSeeds(opts: {
  runtime: PeerRuntime;
  model: string;
  seeds: readonly number[];
  timeoutMs?: number;
}): Promise<{ signature?: string; results: PeerSeedRun[] }> {
  const dir = await ensurePeersHarness();
  const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-peer-'));
  try {
    const out = join(tmp, 'out.json');
    const script = fileURLToPath(new URL('./peer_multi.mjs', import.meta.url));
    try {
      await execFileAsync(
        process.execPath,
        [script, dir, opts.runtime, resolve(opts.model), opts.seeds.join(','), out],
        { cwd: dir, timeout: opts.timeoutMs ?? 300_000, maxBuffer: 64 << 20 },
      );
    } catch (e) {
      const err = e as Error & { stderr?: string };
      throw new Error(`peer ${opts.runtime} failed on ${opts.model}: ${(err.stderr ?? err.message).trim()}`);
    }
    const raw = JSON.parse(readFileSync(out, 'utf8')) as {
      signature?: string;
      results: { seed: number; inputs: RawTensor[]; outputs: RawTensor[] }[];
    };
    return {
      ...(raw.signature !== undefined ? { signature: raw.signature } : {}),
      results: raw.results.map((r) => ({
        seed: r.seed,
        inputs: r.inputs.map(decodeTensor),
        outputs: r.outputs.map(decodeTensor),
      })),
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
