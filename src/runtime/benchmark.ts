/**
 * Latency measurement of a model, reporting what TFLite's benchmark_model reports: init time
 * (parse + allocate), first inference, warm-up mean, then steady-state min / median / mean / max
 * / std over N runs. Warm-up lasts at least `warmup` runs AND `warmupMs` milliseconds, because
 * V8 keeps swapping in optimized code for a while and early runs can be 2x slow. Runs shorter
 * than `minSampleMs` are timed in batches of 2^k back-to-back invocations (the reported times
 * are per invocation). Uses only performance.now(), so it runs in Node and browsers.
 */
import type { KernelRegistry } from '../kernels/registry.js';
import { Interpreter } from './interpreter.js';
import { randomInputs } from './random_inputs.js';
import type { MemoryStats } from './subgraph_executor.js';

/** Options of benchmark(). */
export interface BenchmarkOptions {
  runs?: number;
  warmup?: number;
  warmupMs?: number;
  minSampleMs?: number;
  threads?: number;
  /** Collect a per-op profile after the timed runs. */
  profile?: boolean;
  /** Input bytes per input; default: seeded random inputs (seed 1). */
  inputs?: Uint8Array[];
  registry?: KernelRegistry;
}

/** Summary statistics in milliseconds. */
export interface LatencyStats {
  runs: number;
  minMs: number;
  medianMs: number;
  meanMs: number;
  maxMs: number;
  stdMs: number;
}

/** One row of the per-op profile. */
export interface OpProfile {
  index: number;
  op: string;
  /** Mean milliseconds per invoke. */
  ms: number;
  folded: boolean;
}

/** What benchmark() measured. */
export interface BenchmarkResult {
  initMs: number;
  firstInferenceMs: number;
  warmup: { runs: number; meanMs: number };
  steady: LatencyStats;
  /** Invocations per timed sample (1 unless the model is very fast). */
  batch: number;
  memory: MemoryStats;
  weightBytes: number;
  threads: number;
  profile?: OpProfile[];
}

/** Returns min/median/mean/max/std of samples (ms). */
export function latencyStats(samples: readonly number[]): LatencyStats {
  const s = [...samples].sort((a, b) => a - b);
  const n = s.length;
  const mean = s.reduce((p, v) => p + v, 0) / n;
  const variance = s.reduce((p, v) => p + (v - mean) ** 2, 0) / n;
  const median = n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
  return {
    runs: n,
    minMs: s[0]!,
    medianMs: median,
    meanMs: mean,
    maxMs: s[n - 1]!,
    stdMs: Math.sqrt(variance),
  };
}

/** Creates an interpreter for the model, feeds inputs and times invoke(). */
export async function benchmark(model: Uint8Array, options: BenchmarkOptions = {}): Promise<BenchmarkResult> {
  const runs = options.runs ?? 50;
  const warmupRuns = options.warmup ?? 3;
  const warmupMs = options.warmupMs ?? 1000;
  const minSampleMs = options.minSampleMs ?? 0.5;
  const threads = options.threads ?? 1;

  const t0 = performance.now();
  const it = await Interpreter.create(model, {
    threads,
    ...(options.registry ? { registry: options.registry } : {}),
  });
  it.allocateTensors();
  const initMs = performance.now() - t0;

  const inputs = options.inputs ?? randomInputs(it.inputs, 1);
  inputs.forEach((bytes, i) => it.input(i).set(bytes));

  let t = performance.now();
  it.invoke();
  const firstInferenceMs = performance.now() - t;

  // Warm-up: at least `warmupRuns` runs and `warmupMs` of running.
  let wRuns = 0;
  const wStart = performance.now();
  while (wRuns < warmupRuns || performance.now() - wStart < warmupMs) {
    it.invoke();
    wRuns++;
  }
  const warmupMean = (performance.now() - wStart) / Math.max(1, wRuns);

  // Batch fast models so each sample is long enough for the clock.
  let batch = 1;
  while (warmupMean * batch < minSampleMs && batch < 1 << 16) batch *= 2;
  const samples: number[] = [];
  for (let r = 0; r < runs; r++) {
    t = performance.now();
    for (let b = 0; b < batch; b++) it.invoke();
    samples.push((performance.now() - t) / batch);
  }

  let profile: OpProfile[] | undefined;
  if (options.profile) {
    it.setProfiling(true);
    const profileRuns = Math.max(3, Math.min(runs, 20));
    for (let r = 0; r < profileRuns; r++) it.invoke();
    profile = it.profile().map((p) => ({
      index: p.index,
      op: p.op,
      ms: p.runs > 0 ? p.timeMs / p.runs : 0,
      folded: p.folded,
    }));
    it.setProfiling(false);
  }
  const result: BenchmarkResult = {
    initMs,
    firstInferenceMs,
    warmup: { runs: wRuns, meanMs: warmupMean },
    steady: latencyStats(samples),
    batch,
    memory: it.memoryStats(),
    weightBytes: it.weightBytes(),
    threads,
  };
  if (profile) result.profile = profile;
  return result;
}
