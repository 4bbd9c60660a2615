// Build step of the WebAssembly kernels (run by `npm run build:wasm`, hence by `npm ci` through
// `prepare`): compiles the AssemblyScript sources in ./assembly with asc, checks that the module
// keeps out of the memory the interpreter plans (no static data above RESERVED_BYTES), and writes
// ./generated/kernels_wasm.ts, which holds the module deflated and in base64 so that every
// environment (Node, bundlers, browsers, workers) loads it synchronously without a file path or a
// fetch. Deflate (fflate, level 9: deterministic) shrinks the module ~5x (its inlined kernels
// repeat a lot): the base64 of the raw module was 41 KB of the 300 KB browser bundle, the
// deflated one is ~9 KB, and the bundle already contains fflate's inflateSync.
//
// The module is built twice, with and without relaxed SIMD (assembly/fma.ts); the relaxed build is
// stored as a delta against the plain one (delta.ts), and module.ts uses it where the engine
// validates it. Each imports a shared memory; module.ts flips one
// byte of the import to load it with an unshared memory (see sharedToUnshared there).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'fflate';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-wasm-'));

/** Must equal WASM_RESERVED_BYTES in module.ts: memory below it belongs to the module and the thread pool. */
const RESERVED_BYTES = 4096;
const DATA_BASE = 1024;

/** Compiles the module with the given wasm features; returns its bytes (after the data check). */
function compile(features, name) {
  const wasmPath = join(tmp, `${name}.wasm`);
  const watPath = join(tmp, `${name}.wat`);
  execFileSync(
    process.execPath,
    [
      asc,
      join(here, 'assembly', 'index.ts'),
      '--outFile',
      wasmPath,
      '--textFile',
      watPath,
      '-O3',
      '--runtime',
      'stub',
      '--noAssert',
      '--importMemory',
      '--sharedMemory',
      '--initialMemory',
      '1',
      '--maximumMemory',
      '65536',
      '--memoryBase',
      String(DATA_BASE),
      '--enable',
      features,
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const wasm = readFileSync(wasmPath);
  const wat = readFileSync(watPath, 'utf8');
  // Static data (if any) starts at DATA_BASE; it must end below RESERVED_BYTES.
  for (const m of wat.matchAll(/\(data \$\S+ \(i32\.const (\d+)\) "((?:[^"\\]|\\.)*)"\)/g)) {
    const end = Number(m[1]) + m[2].replace(/\\[0-9a-f]{2}/g, 'x').length;
    if (end > RESERVED_BYTES) throw new Error(`kernel module data ends at ${end}, above ${RESERVED_BYTES}`);
  }
  return wasm;
}

/**
 * Delta of `target` against `base` in delta.ts's format: greedy copies of at least 12 bytes found
 * through an index of the base's 8-byte strings, literal bytes between them.
 */
function encodeDelta(base, target) {
  const K = 8;
  const index = new Map();
  for (let i = 0; i + K <= base.length; i++) {
    const key = base.toString('latin1', i, i + K);
    const at = index.get(key);
    if (at) at.push(i);
    else index.set(key, [i]);
  }
  const out = [];
  const varint = (n) => {
    while (n >= 128) {
      out.push((n % 128) | 128);
      n = Math.floor(n / 128);
    }
    out.push(n);
  };
  varint(target.length);
  let literal = [];
  const flush = () => {
    if (literal.length === 0) return;
    varint(literal.length * 2 + 1);
    out.push(...literal);
    literal = [];
  };
  let i = 0;
  while (i < target.length) {
    let best = 0;
    let from = 0;
    const at = i + K <= target.length ? index.get(target.toString('latin1', i, i + K)) : undefined;
    for (const o of at ?? []) {
      let l = 0;
      while (o + l < base.length && i + l < target.length && base[o + l] === target[i + l]) l++;
      if (l > best) [best, from] = [l, o];
    }
    if (best >= 12) {
      flush();
      varint(from * 2);
      varint(best);
      i += best;
    } else {
      literal.push(target[i++]);
    }
  }
  flush();
  return Uint8Array.from(out);
}

/** Applies a delta (the decoder of delta.ts, repeated here to check the encoding at build time). */
function applyDelta(base, delta) {
  let p = 0;
  const varint = () => {
    let v = 0;
    let scale = 1;
    let b;
    do {
      b = delta[p++];
      v += (b & 127) * scale;
      scale *= 128;
    } while (b & 128);
    return v;
  };
  const out = new Uint8Array(varint());
  let o = 0;
  while (p < delta.length) {
    const t = varint();
    const len = t % 2 === 0 ? varint() : (t - 1) / 2;
    if (t % 2 === 0) out.set(base.subarray(t / 2, t / 2 + len), o);
    else out.set(delta.subarray(p, (p += len)), o);
    o += len;
  }
  return out;
}

try {
  // Two builds: plain SIMD, and relaxed SIMD (assembly/fma.ts: the float kernels' multiply-add),
  // the latter stored as a delta against the former (delta.ts).
  const plain = compile('simd,threads', 'kernels');
  const relaxed = compile('simd,threads,relaxed-simd', 'kernels_relaxed');
  const delta = encodeDelta(plain, relaxed);
  if (!Buffer.from(applyDelta(plain, delta)).equals(relaxed))
    throw new Error('kernel module delta does not decode');
  const builds = [
    ['KERNELS_WASM_DEFLATED_BASE64', plain, `The kernel module (${plain.length} bytes)`],
    [
      'KERNELS_RELAXED_DELTA_DEFLATED_BASE64',
      delta,
      `The kernel module built with relaxed SIMD (${relaxed.length} bytes) as a delta against the plain one (${delta.length} bytes, delta.ts)`,
    ],
  ];
  const out = join(here, 'generated');
  mkdirSync(out, { recursive: true });
  let text = '// Generated by src/kernels/wasm/build.mjs from src/kernels/wasm/assembly: do not edit.\n';
  for (const [name, bytes, what] of builds) {
    const packed = deflateSync(bytes, { level: 9 });
    text +=
      `/** ${what}, deflated (${packed.length} bytes), base64. */\n` +
      `export const ${name} =\n  '${Buffer.from(packed).toString('base64')}';\n`;
    console.log(`${name}: ${bytes.length} bytes (${packed.length} deflated)`);
  }
  writeFileSync(join(out, 'kernels_wasm.ts'), text);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
