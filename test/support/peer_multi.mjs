// Runs one model in a peer runtime (Node) on several seeded inputs in ONE process, so that
// differential tests pay the runtime start-up once per model instead of once per input.
// Usage: node peer_multi.mjs HARNESS_DIR RUNTIME MODEL SEED[,SEED...] OUT.json
// Inputs are generated exactly as the harness's peer.mjs does (mulberry32, canonical-name
// order, float32 in [-1, 1), all byte values for 8-bit types, int range [0, 10)).
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [harness, runtime, model, seedList, out] = process.argv.slice(2);
const lib = (f) => pathToFileURL(path.join(harness, 'lib', f)).href;
const { bench, dtypeBytes, isErrorLine } = await import(lib('core.mjs'));
const { openInNode } = await import(lib('node-env.mjs'));

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
function randomTensor(dtype, n, next) {
  const f = (A, g) => {
    const a = new A(n);
    for (let i = 0; i < n; i++) a[i] = g();
    return new Uint8Array(a.buffer);
  };
  switch (dtype) {
    case 'float32':
      return f(Float32Array, () => (next() / 2 ** 32) * 2 - 1);
    case 'int8':
    case 'uint8':
      return f(Uint8Array, () => next() >>> 24);
    case 'bool':
      return f(Uint8Array, () => next() >>> 31);
    case 'int16':
    case 'uint16':
      return f(Uint16Array, () => next() >>> 16);
    case 'int32':
    case 'uint32':
      return f(Int32Array, () => next() % 10);
    case 'int64':
      return f(BigInt64Array, () => BigInt(next() % 10));
    default:
      throw new Error(`no random generator for dtype ${dtype}`);
  }
}
const canonical = (name) => name.replace(/^serving_default_/, '').replace(/:\d+$/, '');

const errors = [];
const log = (s) => {
  if (isErrorLine(s)) errors.push(s);
};
const session = await openInNode(runtime, {
  modelBytes: new Uint8Array(fs.readFileSync(model)),
  threads: 1,
  log,
});
const info = session.info;
const b64 = (u8) => Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength).toString('base64');
const results = [];
try {
  for (const seed of seedList.split(',').map(Number)) {
    const next = mulberry32(seed);
    const order = info.inputs
      .map((_, i) => i)
      .sort((a, b) => (canonical(info.inputs[a].name) < canonical(info.inputs[b].name) ? -1 : 1));
    const inputs = [];
    for (const i of order)
      inputs[i] = randomTensor(
        info.inputs[i].dtype,
        info.inputs[i].bytes / dtypeBytes(info.inputs[i].dtype),
        next,
      );
    const r = await bench(session, inputs, { runs: 1, warmup: 0, warmupMs: 0, minSampleMs: 0 }, () =>
      errors.splice(0),
    );
    results.push({
      seed,
      inputs: info.inputs.map((t, i) => ({
        name: t.name,
        shape: t.shape,
        dtype: t.dtype,
        data: b64(inputs[i]),
      })),
      outputs: r.outputs.map((t) => ({ name: t.name, shape: t.shape, dtype: t.dtype, data: b64(t.data) })),
    });
  }
} finally {
  await session.close?.();
}
fs.writeFileSync(out, JSON.stringify({ runtime, model, signature: info.signature, results }));
process.exit(0);
