// One tflite-ts measurement in a fresh Node process (spawned by bench/run.mjs), printed as one
// JSON line:
//   node bench/node_runner.mjs MODEL --threads N [--runs R] [--reference]
//     cold start: from importing the package ('tflite-ts', as a user does: module load and parse,
//     wasm compile) with the model bytes in memory to the first output (create, allocateTensors, set inputs, first invoke); then a
//     warm-up of at least 1 s and R timed samples (batched when a run is under 0.5 ms), median
//     and min per invocation; peak RSS of the process.
//   node bench/node_runner.mjs --peak
//     best-of-20 multiply-add rate of the kernel module's register-only SIMD loops (GMAC/s).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};

if (args.includes('--peak')) {
  const { instanceFor } = await import('../dist/kernels/wasm/module.js');
  const e = instanceFor(new WebAssembly.Memory({ initial: 1, maximum: 65536 })).exports;
  const best = (fn, macsPerIter) => {
    const iters = 200000;
    fn(iters); // tier up
    let rate = 0;
    for (let r = 0; r < 20; r++) {
      const t = performance.now();
      fn(iters);
      rate = Math.max(rate, (iters * macsPerIter) / ((performance.now() - t) * 1e6));
    }
    return rate;
  };
  const f32 = best((n) => e.peak_f32(n), 32);
  const q8 = best((n) => e.peak_q8(n), 64);
  console.log(JSON.stringify({ f32GmacPerS: f32, q8GmacPerS: q8 }));
  process.exit(0);
}

const model = args[0];
const threads = Number(flag('--threads', '1'));
const runs = Number(flag('--runs', '20'));
const bytes = new Uint8Array(readFileSync(model));

const t0 = performance.now();
// The package entry a user imports (package.json "exports": the bundle in dist/bundle/), through
// the package's self-reference.
const { Interpreter, createBuiltinRegistry, randomInputs } = await import('tflite-ts');
const it = await Interpreter.create(bytes, {
  threads,
  registry: createBuiltinRegistry({ optimized: !args.includes('--reference') }),
});
it.allocateTensors();
const inputs = randomInputs(it.inputs, 1);
inputs.forEach((b, i) => it.input(i).set(b));
it.invoke();
const coldMs = performance.now() - t0;

const w0 = performance.now();
let warm = 0;
while (warm < 3 || performance.now() - w0 < 1000) {
  it.invoke();
  warm++;
}
const per = (performance.now() - w0) / warm;
let batch = 1;
while (per * batch < 0.5 && batch < 1 << 16) batch *= 2;
const samples = [];
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  for (let b = 0; b < batch; b++) it.invoke();
  samples.push((performance.now() - t) / batch);
}
samples.sort((a, b) => a - b);
const median = runs % 2 ? samples[(runs - 1) / 2] : (samples[runs / 2 - 1] + samples[runs / 2]) / 2;
const out = {
  coldMs,
  medianMs: median,
  minMs: samples[0],
  batch,
  threads: it.threadCount,
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  output0: Buffer.from(it.output(0).data.buffer, it.output(0).data.byteOffset, it.output(0).data.byteLength)
    .subarray(0, 64)
    .toString('base64'),
};
it.dispose();
console.log(JSON.stringify(out));
