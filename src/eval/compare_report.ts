/**
 * What `tflite-ts compare` measures for each model: size (file, weights, arena), speed (median
 * latency on 1 and N threads, per-op-type time), accuracy on the photos (top-1, top-k) and
 * closeness to the first model (top-1 agreement, mean |score difference|). The JSON document, the
 * terminal table and the HTML report are all made from this object.
 */

/** Time spent in one op type per invoke (1 thread). */
export interface OpTypeTime {
  op: string;
  /** Nodes of this type. */
  count: number;
  /** Mean milliseconds per invoke, summed over the nodes. */
  ms: number;
}

/** The figures of one model. */
export interface CompareModel {
  /** Path as given. */
  file: string;
  /** Short name for tables and charts (the file name without .tflite). */
  name: string;
  fileBytes: number;
  /** Bytes of constant tensors. */
  weightBytes: number;
  /** Bytes of the planned activation arena. */
  arenaBytes: number;
  /** Multiply-accumulates per invoke. */
  macs: number;
  latency: {
    /** Median ms of one invoke on 1 thread. */
    medianMs1: number;
    /** Median ms on `threads` threads. */
    medianMsN: number;
    threads: number;
    runs: number;
  };
  accuracy: {
    images: number;
    failed: number;
    top1: number;
    topK: number;
    k: number;
  };
  /** Fraction of images whose top-1 class equals the first model's (1 for the first; null: classes differ). */
  agreement: number | null;
  /** Mean over images of the mean |score - first model's score| (0 for the first; null: classes differ). */
  meanAbsDiff: number | null;
  /** Per-op-type time, largest first. */
  ops: OpTypeTime[];
}

/** The compare document. */
export interface CompareReport {
  kind: 'tflite-ts-compare';
  version: 1;
  /** The photos: folder, how many were evaluated, label source. */
  images: { dir: string; count: number; labels: string };
  /** When and where it was measured. */
  environment: { date: string; runtime: string; platform: string; cpus: number };
  models: CompareModel[];
}

/** Returns per-op-type totals of a per-node profile (mean ms per invoke), largest first. */
export function opTypeTimes(profile: readonly { op: string; ms: number }[]): OpTypeTime[] {
  const by = new Map<string, OpTypeTime>();
  for (const p of profile) {
    const e = by.get(p.op) ?? { op: p.op, count: 0, ms: 0 };
    e.count++;
    e.ms += p.ms;
    by.set(p.op, e);
  }
  return [...by.values()].sort((a, b) => b.ms - a.ms || a.op.localeCompare(b.op));
}
