/**
 * Evaluation arithmetic on hand-made results: top-1 / top-k, per class, confusions, quantiles,
 * shard slices, and merging slices back (equal to the whole; refuses slices of other runs).
 */
import { describe, expect, it } from 'vitest';
import type { EvalImageResult, EvalReport } from '../../src/eval/eval_report.js';
import { mergeEvalReports } from '../../src/eval/merge.js';
import { quantile, summarizeResults } from '../../src/eval/metrics.js';
import { parseShard, shardPositions } from '../../src/eval/shard.js';

const name = (i: number) => `class ${i}`;

/** A result whose top classes are `top` (scores descending). */
function result(position: number, label: number, top: number[], ms = position + 1): EvalImageResult {
  return {
    position,
    file: `img${position}.png`,
    label,
    labelName: name(label),
    top: top.map((index, k) => ({ index, label: name(index), score: 1 / (k + 2) })),
    timings: { decodeMs: ms, preprocessMs: 2 * ms, inferenceMs: 3 * ms },
  };
}

const RESULTS: EvalImageResult[] = [
  result(0, 1, [1, 2, 3]), // top-1 hit
  result(1, 1, [2, 1, 3]), // top-2 hit; 1 confused as 2
  result(2, 2, [3, 0, 4]), // miss; 2 as 3
  result(3, 1, [2, 3, 1]), // top-3 hit; 1 as 2
  {
    position: 4,
    file: 'bad.png',
    label: 0,
    labelName: name(0),
    error: { code: 'IMAGE_DECODE', message: 'x' },
  },
];

function report(results: EvalImageResult[], shard: EvalReport['shard']): EvalReport {
  return {
    kind: 'tflite-ts-eval',
    version: 1,
    model: { file: 'm.tflite', bytes: 10, sha256: 'ab', classes: 5 },
    dataset: {
      images: 'dir',
      labels: { source: 'folders', column: 'class', shift: 0, kind: 'name' },
      total: 5,
    },
    options: { top: 2, crop: 'center', limit: null },
    shard,
    threads: 2,
    summary: summarizeResults(results, 2),
    results,
  };
}

describe('eval metrics', () => {
  it('counts top-1, top-k, per class and confusions; failures apart', () => {
    const s = summarizeResults(RESULTS, 2);
    expect(s.images).toBe(4);
    expect(s.failed).toBe(1);
    expect(s.top1).toEqual({ correct: 1, accuracy: 0.25 });
    expect(s.topK).toEqual({ k: 2, correct: 2, accuracy: 0.5 });
    expect(s.perClass).toEqual([
      { index: 1, label: 'class 1', images: 3, top1: 1, topK: 2 },
      { index: 2, label: 'class 2', images: 1, top1: 0, topK: 0 },
    ]);
    expect(s.confusions.map((c) => [c.label, c.predicted, c.count])).toEqual([
      [1, 2, 2],
      [2, 3, 1],
    ]);
    // Inference times of the 4 good images: 3, 6, 9, 12 ms.
    expect(s.latency.inference.medianMs).toBe(7.5);
    expect(s.latency.inference.p90Ms).toBeCloseTo(9 + 0.7 * 3, 12);
    expect(s.latency.decode.meanMs).toBe(2.5);
  });

  it('interpolates quantiles between ranks', () => {
    expect(quantile([5, 1, 3], 0.5)).toBe(3);
    expect(quantile([1, 2, 3, 4], 0.9)).toBeCloseTo(3.7, 12);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('slices every n-th image and merges slices back into the whole', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 });
    expect(() => parseShard('4/3')).toThrow(/1 <= i <= n/);
    expect(() => parseShard('0/3')).toThrow();
    expect(shardPositions(7, { index: 2, count: 3 })).toEqual([1, 4]);
    expect(shardPositions(3, undefined)).toEqual([0, 1, 2]);

    const whole = report(RESULTS, null);
    const slices = [1, 2, 3].map((i) => {
      const shard = { index: i, count: 3 };
      return report(
        shardPositions(5, shard).map((p) => RESULTS[p]!),
        shard,
      );
    });
    // Any order of the documents.
    const merged = mergeEvalReports([slices[2]!, slices[0]!, slices[1]!]);
    expect(merged).toEqual(whole);
  });

  it('refuses slices that do not make one run', () => {
    const a = report([RESULTS[0]!], { index: 1, count: 2 });
    const b = report([RESULTS[1]!], { index: 2, count: 2 });
    expect(() => mergeEvalReports([a])).toThrow(/shard\(s\) 2\/2 missing/);
    expect(mergeEvalReports([a], ['a.json'], { allowPartial: true }).summary.images).toBe(1);
    expect(() => mergeEvalReports([a, a], ['a.json', 'a2.json'])).toThrow(/both shard 1\/2/);
    const other = { ...b, model: { ...b.model, sha256: 'cd' } };
    expect(() => mergeEvalReports([a, other], ['a.json', 'b.json'])).toThrow(
      /b.json and a.json differ in model/,
    );
    const opts = { ...b, options: { ...b.options, top: 5 } };
    expect(() => mergeEvalReports([a, opts])).toThrow(/differ in options/);
    expect(() => mergeEvalReports([{} as EvalReport])).toThrow(/not a tflite-ts eval --json document/);
  });
});
