// Per-op minimum times of one model (a kernel engineer's tool: on a shared machine the minimum
// over many invokes is steadier than a mean or median):
//   node bench/op_profile.mjs MODEL [--runs 200] [--threads 1] [--reference] [--top 30] [--json]
// Prints every node (op, implementation, output shape, MACs, min ms, GMAC/s), then the sums per
// op and implementation, and the sum of the per-node minima next to the minimum whole invoke.
// Needs `npm run build` (dist/).
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name, def) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : def;
};
const modelPath = args[0];
const runs = Number(flag('--runs', '200'));
const threads = Number(flag('--threads', '1'));
const top = Number(flag('--top', '30'));
const bytes = new Uint8Array(readFileSync(modelPath));

const { Interpreter } = await import('../dist/runtime/interpreter.js');
const { createBuiltinRegistry } = await import('../dist/kernels/builtin_registry.js');
const { randomInputs } = await import('../dist/runtime/random_inputs.js');
const { readModel } = await import('../dist/format/model_reader.js');
const { computeModelStats } = await import('../dist/ir/model_stats.js');

const stats = computeModelStats(readModel(bytes));
const macs = stats.subgraphs[0].macsPerOp;
const it = await Interpreter.create(bytes, {
  threads,
  registry: createBuiltinRegistry({ optimized: !args.includes('--reference') }),
});
it.allocateTensors();
randomInputs(it.inputs, 1).forEach((b, i) => it.input(i).set(b));
// Internal: which implementation each node runs (the wrapped kernels record it).
const nodes = it.main.nodes;
for (let i = 0; i < 20; i++) it.invoke();
const best = new Array(nodes.length).fill(Infinity);
let bestInvoke = Infinity;
it.setProfiling(true);
for (let r = 0; r < runs; r++) {
  it.setProfiling(true);
  const t = performance.now();
  it.invoke();
  bestInvoke = Math.min(bestInvoke, performance.now() - t);
  it.profile().forEach((p, i) => {
    if (p.runs > 0) best[i] = Math.min(best[i], p.timeMs / p.runs);
  });
}
it.setProfiling(false);
let bestPlain = Infinity;
for (let r = 0; r < runs; r++) {
  const t = performance.now();
  it.invoke();
  bestPlain = Math.min(bestPlain, performance.now() - t);
}
const rows = nodes.map((st, i) => ({
  index: st.node.index,
  op: st.node.op,
  impl:
    (st.data?.impl ?? 'reference') +
    (st.data?.wasm?.requantMode >= 0 ? `/rq${st.data.wasm.requantMode}` : ''),
  shape: st.node.outputs[0] ? `${st.node.outputs[0].dtype}[${st.node.outputs[0].shape.join(',')}]` : '',
  in: st.node.inputs[0] ? `[${st.node.inputs[0].shape.join(',')}]` : '',
  macs: macs[i] ?? 0,
  ms: Number.isFinite(best[i]) ? best[i] : 0,
}));
const byOp = {};
for (const r of rows) {
  const k = `${r.op} ${r.impl}`;
  byOp[k] ??= { ms: 0, macs: 0, n: 0 };
  byOp[k].ms += r.ms;
  byOp[k].macs += r.macs;
  byOp[k].n++;
}
const sum = rows.reduce((a, r) => a + r.ms, 0);
if (args.includes('--json')) {
  console.log(JSON.stringify({ rows, byOp, sum, bestInvoke, bestPlain }));
} else {
  const g = (r) => (r.macs && r.ms ? (r.macs / (r.ms * 1e6)).toFixed(1) : '');
  console.log(`node op impl in -> out macs min_ms GMAC/s`);
  for (const r of [...rows].sort((a, b) => b.ms - a.ms).slice(0, top))
    console.log(
      `${r.index} ${r.op} ${r.impl} ${r.in} -> ${r.shape} ${(r.macs / 1e6).toFixed(2)}M ${r.ms.toFixed(4)} ${g(r)}`,
    );
  console.log('\nper op and implementation (sum of per-node minima):');
  for (const [k, v] of Object.entries(byOp).sort((a, b) => b[1].ms - a[1].ms))
    console.log(
      `  ${k.padEnd(52)} ${String(v.n).padStart(3)} nodes ${v.ms.toFixed(3).padStart(8)} ms ${((100 * v.ms) / sum).toFixed(1).padStart(5)}%${v.macs ? `  ${(v.macs / (v.ms * 1e6)).toFixed(1)} GMAC/s` : ''}`,
    );
  console.log(
    `\nsum of per-node minima ${sum.toFixed(3)} ms; min invoke ${bestInvoke.toFixed(3)} ms profiled, ${bestPlain.toFixed(3)} ms plain`,
  );
}
it.dispose();
