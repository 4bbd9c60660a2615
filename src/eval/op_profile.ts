/**
 * Time per op type of a model, for the compare report's breakdown. On a busy machine a few
 * invokes are slowed by preemption or garbage collection, and for a small model those few
 * dominate a plain mean. So the profile is taken in batches (a handful of invokes each, after a
 * warm-up): each batch gives every node's mean time, and a node's figure is the median over the
 * batches, summed per op type. Like bench's median latency, it describes a typical invoke.
 */
import type { KernelRegistry } from '../kernels/registry.js';
import { Interpreter } from '../runtime/interpreter.js';
import { randomInputs } from '../runtime/random_inputs.js';
import { type OpTypeTime, opTypeTimes } from './compare_report.js';
import { quantile } from './metrics.js';

/** Options of profileOpTypes. */
export interface OpProfileOptions {
  /** Profiled batches at least (default 30). */
  minBatches?: number;
  /** Invokes per batch (default 4). */
  batch?: number;
  /** Milliseconds of profiled invokes at least (default 300). */
  minMs?: number;
  /** Warm-up invokes before profiling (default 20). */
  warmup?: number;
  registry?: KernelRegistry;
}

/**
 * Returns the typical time per invoke of each op type of `model` on 1 thread, on seeded random
 * inputs (seed 1, as bench), largest first. Throws what Interpreter.create / allocateTensors throw.
 */
export async function profileOpTypes(
  model: Uint8Array,
  options: OpProfileOptions = {},
): Promise<OpTypeTime[]> {
  const it = await Interpreter.create(model, {
    threads: 1,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  try {
    it.allocateTensors();
    randomInputs(it.inputs, 1).forEach((bytes, i) => it.input(i).set(bytes));
    for (let i = 0; i < (options.warmup ?? 20); i++) it.invoke();
    const batch = options.batch ?? 4;
    const minBatches = options.minBatches ?? 30;
    const minMs = options.minMs ?? 300;
    // samples[node] = that node's mean ms per invoke in each batch.
    const samples = new Map<number, { op: string; ms: number[] }>();
    const start = performance.now();
    for (let b = 0; b < minBatches || performance.now() - start < minMs; b++) {
      it.setProfiling(true); // resets the counters
      for (let k = 0; k < batch; k++) it.invoke();
      for (const p of it.profile()) {
        if (p.folded || p.runs === 0) continue;
        const s = samples.get(p.index) ?? { op: p.op, ms: [] };
        s.ms.push(p.timeMs / p.runs);
        samples.set(p.index, s);
      }
    }
    it.setProfiling(false);
    return opTypeTimes([...samples.values()].map((s) => ({ op: s.op, ms: quantile(s.ms, 0.5) })));
  } finally {
    it.dispose();
  }
}
