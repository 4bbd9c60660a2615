/**
 * From a calibration histogram to the range [lo, hi] an activation is quantized over.
 *
 *  - minmax: the smallest and largest value seen (what TFLite's converter does).
 *  - percentile: clip the rare tails: [q(1-p), q(p)] for signed data, [0, q(p)] for non-negative
 *    data, p = 99.99% by default. Outliers then saturate instead of stretching the scale for
 *    every other value.
 *  - mse: the range minimizing the expected squared quantization error over the histogram:
 *    values inside the representable range cost the rounding noise of a uniform quantizer,
 *    scale^2 / 12 (exact zeros cost nothing: zero is representable), values outside cost their
 *    squared distance to the clipped end. Searched over shrink factors of [min, max]: jointly for
 *    both ends, then each end alone.
 */
import { type ActivationType, activationParams, representableRange } from '../quant_params.js';
import { HISTOGRAM_BINS, type Histogram } from './histogram.js';

/** How an activation's range is chosen from its calibration statistics. */
export type CalibrationMethod = 'minmax' | 'percentile' | 'mse';

/** Every calibration method, for option parsing. */
export const CALIBRATION_METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'mse'];

/** Options of estimateRange. */
export interface RangeOptions {
  method: CalibrationMethod;
  /** Quantized type the range is for (the MSE search uses its grid). */
  type: ActivationType;
  /** Percentile kept by 'percentile', in percent (default 99.99). */
  percentile?: number;
}

/** Returns the range [lo, hi] to quantize an activation with statistics `h` over. Never throws. */
export function estimateRange(h: Histogram, options: RangeOptions): [number, number] {
  if (h.count === 0) return [0, 0];
  if (options.method === 'minmax' || h.width === 0 || h.min === h.max) return [h.min, h.max];
  if (options.method === 'percentile') {
    const p = (options.percentile ?? 99.99) / 100;
    const hi = h.max > 0 ? h.quantile(p) : h.max;
    const lo = h.min < 0 ? h.quantile(1 - p) : h.min;
    return [lo, hi];
  }
  return mseRange(h, options.type);
}

/** Expected squared error of quantizing the histogram over [lo, hi]. */
export function quantizationError(h: Histogram, lo: number, hi: number, type: ActivationType): number {
  const p = activationParams(lo, hi, type);
  const [qlo, qhi] = representableRange(p, type);
  const noise = (p.scale * p.scale) / 12;
  const w = h.width;
  let err = 0;
  for (let i = 0; i < HISTOGRAM_BINS; i++) {
    let c = h.counts[i]!;
    if (c === 0) continue;
    const x = h.binLow(i) + w / 2;
    if (x < qlo) err += c * (x - qlo) * (x - qlo);
    else if (x > qhi) err += c * (x - qhi) * (x - qhi);
    else {
      // The bin [0, w) holds the exact zeros, which quantize without error.
      if (h.start + i === 0) c -= h.zeros;
      err += c * noise;
    }
  }
  return err;
}

/** Shrink factors tried by the MSE search: 1, 0.995, ..., 0.05. */
const FACTORS = Array.from({ length: 191 }, (_, j) => 1 - j / 200);

function mseRange(h: Histogram, type: ActivationType): [number, number] {
  const { min, max } = h;
  let best: [number, number] = [min, max];
  let bestErr = quantizationError(h, min, max, type);
  const consider = (lo: number, hi: number) => {
    const e = quantizationError(h, lo, hi, type);
    if (e < bestErr) {
      bestErr = e;
      best = [lo, hi];
    }
  };
  if (min >= 0) {
    for (const f of FACTORS) consider(min, max * f);
    return best;
  }
  if (max <= 0) {
    for (const f of FACTORS) consider(min * f, max);
    return best;
  }
  for (const f of FACTORS) consider(min * f, max * f);
  const [lo0] = best;
  for (const f of FACTORS) consider(lo0, max * f);
  const [, hi1] = best;
  for (const f of FACTORS) consider(min * f, hi1);
  return best;
}
