/**
 * Calibration statistics: the streaming histogram keeps every value (counts, min, max, exact
 * zeros) while its bins double, quantiles land within one bin of the exact sorted-array quantile,
 * and the range estimators behave as documented on data with outliers.
 */
import { describe, expect, it } from 'vitest';
import { HISTOGRAM_BINS, Histogram } from '../../src/quantize/calibration/histogram.js';
import { estimateRange, quantizationError } from '../../src/quantize/calibration/range_estimators.js';
import { mulberry32 } from '../../src/runtime/random_inputs.js';

/** Seeded Laplace(0, b) samples: heavy tails, as activations before ReLU often have. */
function laplace(n: number, b: number, seed: number): Float32Array {
  const next = mulberry32(seed);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const u = (next() + 0.5) / 2 ** 32 - 0.5;
    out[i] = -b * Math.sign(u) * Math.log(1 - 2 * Math.abs(u));
  }
  return out;
}

const exactQuantile = (v: Float32Array, q: number) => {
  const s = Float64Array.from(v).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

describe('Histogram', () => {
  it('keeps count, min, max and zeros while the range grows batch after batch', () => {
    const h = new Histogram();
    h.add(new Float32Array([0, 0, 0])); // zeros before any width is known
    h.add(new Float32Array([0.5, -0.25, 0]));
    h.add(new Float32Array([100, -3, 7]));
    h.add(new Float32Array([NaN, 1e4]));
    expect(h.count).toBe(10);
    expect(h.zeros).toBe(4);
    expect(h.min).toBe(-3);
    expect(h.max).toBe(1e4);
    expect(h.counts.reduce((a, c) => a + c, 0)).toBe(10);
    // The window covers [min, max] and zero is a bin edge.
    expect(h.binLow(0)).toBeLessThanOrEqual(-3);
    expect(h.binLow(HISTOGRAM_BINS - 1) + h.width).toBeGreaterThan(1e4);
    expect(Number.isInteger(-h.start)).toBe(true);
    // Exact zeros sit in bin [0, w).
    expect(h.counts[-h.start]).toBeGreaterThanOrEqual(4);
  });

  it('merges bins exactly when it doubles: the same data in one batch or in growing batches give the same counts at the same width', () => {
    const v = laplace(5000, 1, 3);
    const one = new Histogram();
    one.add(Float32Array.from(v).sort());
    const many = new Histogram();
    // Small values first, so the width doubles several times on the way.
    const sorted = Float32Array.from(v).sort((a, b) => Math.abs(a) - Math.abs(b));
    for (let i = 0; i < sorted.length; i += 250) many.add(sorted.subarray(i, i + 250));
    expect(many.count).toBe(one.count);
    // Bring both to the same width, then compare bin by bin in value space.
    const coarse = (h: Histogram, w: number) => {
      const m = new Map<number, number>();
      h.counts.forEach((c, i) => {
        if (c) {
          const k = Math.floor(h.binLow(i) / w + 1e-9);
          m.set(k, (m.get(k) ?? 0) + c);
        }
      });
      return m;
    };
    const w = Math.max(one.width, many.width);
    expect(coarse(many, w)).toEqual(coarse(one, w));
  });

  it('returns quantiles within one bin of the exact ones', () => {
    const v = laplace(20000, 0.5, 7);
    const h = new Histogram();
    for (let i = 0; i < v.length; i += 1000) h.add(v.subarray(i, i + 1000));
    for (const q of [0.001, 0.1, 0.5, 0.9, 0.999]) {
      expect(Math.abs(h.quantile(q) - exactQuantile(v, q))).toBeLessThanOrEqual(h.width);
    }
    expect(h.quantile(1)).toBe(h.max);
  });
});

describe('range estimators', () => {
  const v = laplace(50000, 1, 11);
  v[0] = 40; // one far outlier
  const h = new Histogram();
  h.add(v);

  it('minmax keeps every value', () => {
    expect(estimateRange(h, { method: 'minmax', type: 'int8' })).toEqual([h.min, h.max]);
  });

  it('percentile clips the tails at the requested quantiles', () => {
    const [lo, hi] = estimateRange(h, { method: 'percentile', type: 'int8', percentile: 99.9 });
    expect(Math.abs(hi - exactQuantile(v, 0.999))).toBeLessThanOrEqual(h.width);
    expect(Math.abs(lo - exactQuantile(v, 0.001))).toBeLessThanOrEqual(h.width);
    expect(hi).toBeLessThan(10);
  });

  it('mse finds the error-minimizing range: for Laplace data it clips near 9.9 b (Banner et al.) and beats minmax', () => {
    const lap = new Histogram();
    lap.add(laplace(200000, 1, 5));
    const [lo, hi] = estimateRange(lap, { method: 'mse', type: 'int8' });
    expect(hi).toBeGreaterThan(8);
    expect(hi).toBeLessThan(lap.max);
    expect(lo).toBeLessThan(-8);
    const err = quantizationError(lap, lo, hi, 'int8');
    expect(err).toBeLessThan(quantizationError(lap, lap.min, lap.max, 'int8'));
    // A brute-force symmetric search does no better than the estimator's optimum (within 2%).
    let best = Infinity;
    for (let a = 2; a <= 16; a += 0.02) best = Math.min(best, quantizationError(lap, -a, a, 'int8'));
    expect(err).toBeLessThanOrEqual(best * 1.02);
  });

  it('mse keeps a lone outlier when clipping it would cost more than the rounding noise saved', () => {
    const [, hi] = estimateRange(h, { method: 'mse', type: 'int8' });
    // Clipping the single 40 to ~10 costs 30^2 = 900; the finer grid saves only ~135 over 50,000 values.
    expect(hi).toBeGreaterThan(35);
  });

  it('non-negative data keeps its lower end at the minimum (ReLU outputs)', () => {
    const r = new Histogram();
    r.add(Float32Array.from(v, (x) => Math.max(0, x)));
    expect(estimateRange(r, { method: 'mse', type: 'int8' })[0]).toBe(0);
    expect(estimateRange(r, { method: 'percentile', type: 'int8' })[0]).toBe(0);
  });

  it('exact zeros cost no rounding error', () => {
    const z = new Histogram();
    z.add(new Float32Array([0, 0, 0, 0, 1]));
    const withZeros = quantizationError(z, 0, 1, 'int8');
    const one = new Histogram();
    one.add(new Float32Array([1]));
    expect(withZeros).toBeCloseTo(quantizationError(one, 0, 1, 'int8'), 12);
  });
});
