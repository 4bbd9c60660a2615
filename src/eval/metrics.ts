/**
 * The summary of an evaluation from its per-image results: top-1 and top-k accuracy, accuracy per
 * true class, the most frequent confusions and latency percentiles. A pure function of the
 * results (order-independent), so summaries of merged shards equal the unsharded run's.
 */
import type {
  ClassAccuracy,
  Confusion,
  EvalImageResult,
  EvalSummary,
  LatencySummary,
} from './eval_report.js';

/**
 * Returns the q-quantile (0..1) of values by linear interpolation between closest ranks (the
 * "type 7" estimator of R and NumPy's default): position q * (n - 1) in the sorted values.
 * Returns NaN for no values.
 */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = Math.min(1, Math.max(0, q)) * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** Returns median, p90 and mean of latencies in ms (NaN when there are none). */
export function latencySummary(values: readonly number[]): LatencySummary {
  const mean = values.length ? values.reduce((a, v) => a + v, 0) / values.length : NaN;
  return { medianMs: quantile(values, 0.5), p90Ms: quantile(values, 0.9), meanMs: mean };
}

/**
 * Returns the summary of `results` for top-`k` accuracy, listing at most `maxConfusions`
 * confusions. Failed images count in `failed` only.
 */
export function summarizeResults(
  results: readonly EvalImageResult[],
  k: number,
  maxConfusions = 20,
): EvalSummary {
  const ok = results.filter((r) => r.top !== undefined && !r.error);
  const perClass = new Map<number, ClassAccuracy>();
  const confusions = new Map<string, Confusion>();
  let top1 = 0;
  let topK = 0;
  for (const r of ok) {
    const top = r.top!;
    const hit1 = top[0]?.index === r.label;
    const hitK = top.slice(0, k).some((p) => p.index === r.label);
    if (hit1) top1++;
    if (hitK) topK++;
    const c = perClass.get(r.label) ?? { index: r.label, label: r.labelName, images: 0, top1: 0, topK: 0 };
    c.images++;
    if (hit1) c.top1++;
    if (hitK) c.topK++;
    perClass.set(r.label, c);
    const best = top[0];
    if (best && !hit1) {
      const key = `${r.label}>${best.index}`;
      const e = confusions.get(key) ?? {
        label: r.label,
        labelName: r.labelName,
        predicted: best.index,
        predictedName: best.label,
        count: 0,
      };
      e.count++;
      confusions.set(key, e);
    }
  }
  const n = ok.length;
  const times = (f: (r: EvalImageResult) => number) => latencySummary(ok.map(f));
  return {
    images: n,
    failed: results.length - n,
    top1: { correct: top1, accuracy: n ? top1 / n : NaN },
    topK: { k, correct: topK, accuracy: n ? topK / n : NaN },
    perClass: [...perClass.values()].sort((a, b) => a.index - b.index),
    confusions: [...confusions.values()]
      .sort((a, b) => b.count - a.count || a.label - b.label || a.predicted - b.predicted)
      .slice(0, maxConfusions),
    latency: {
      decode: times((r) => r.timings!.decodeMs),
      preprocess: times((r) => r.timings!.preprocessMs),
      inference: times((r) => r.timings!.inferenceMs),
    },
  };
}
