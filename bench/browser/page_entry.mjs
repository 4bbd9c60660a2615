// The bench page (bundled by bench/run.mjs): loads the model named in the query, measures like
// bench/node_runner.mjs and leaves the result in globalThis.__benchResult. Cold start is
// performance.now() at the first result: milliseconds since navigation start, so it includes
// downloading and compiling the bundle and the model, as the peers' init_ms + first_run_ms do.
import { Interpreter } from '../../dist/runtime/interpreter.js';
import { createBuiltinRegistry } from '../../dist/kernels/builtin_registry.js';
import { randomInputs } from '../../dist/runtime/random_inputs.js';

async function main() {
  const q = new URLSearchParams(location.search);
  const threads = Number(q.get('threads') ?? '1');
  const runs = Number(q.get('runs') ?? '20');
  const bytes = new Uint8Array(await (await fetch('/model.tflite')).arrayBuffer());
  const it = await Interpreter.create(bytes, { threads, registry: createBuiltinRegistry() });
  it.allocateTensors();
  randomInputs(it.inputs, 1).forEach((b, i) => it.input(i).set(b));
  it.invoke();
  const coldMs = performance.now();
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
  const threadCount = it.threadCount;
  it.dispose();
  return {
    coldMs,
    medianMs: median,
    minMs: samples[0],
    batch,
    threads: threadCount,
    isolated: globalThis.crossOriginIsolated === true,
  };
}

main().then(
  (r) => (globalThis.__benchResult = r),
  (e) => (globalThis.__benchResult = { error: String(e && e.stack ? e.stack : e) }),
);
