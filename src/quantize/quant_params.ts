/**
 * Quantization parameters as TFLite's 8-bit / 16x8 specification defines them:
 *
 *  - activations int8: asymmetric, real = scale * (q - zp), q in [-128, 127]; the range is first
 *    widened to contain 0 so that zero (padding, ReLU) is exact; the zero point is "nudged": it is
 *    derived from the end of the range that loses less precision and rounded to an integer in
 *    [-128, 127], as TFLite's converter does (GetAsymmetricQuantizationParams).
 *  - activations int16: symmetric, zp = 0, scale = max|x| / 32767.
 *  - weights int8: symmetric, zp = 0, q in [-127, 127] (the value -128 is never used, so that
 *    int8 x int8 products fit the kernels' accumulation tricks), per tensor or per output channel.
 *  - biases int32 (int64 for 16x8): zp = 0, scale = input scale x weight scale (per channel).
 */
import { roundHalfAwayFromZero } from '../kernels/internal/rounding.js';

/** Per-tensor affine parameters: real = scale * (q - zeroPoint). */
export interface AffineParams {
  readonly scale: number;
  readonly zeroPoint: number;
}

/** Integer types activations are quantized to. */
export type ActivationType = 'int8' | 'int16';

/** [qmin, qmax] of an activation type. */
export function activationQRange(type: ActivationType): [number, number] {
  return type === 'int8' ? [-128, 127] : [-32768, 32767];
}

/**
 * Returns the parameters of an activation whose values lie in [lo, hi]. int8: asymmetric with a
 * nudged zero point; int16: symmetric. A degenerate range (all zeros) gets scale 1. Never throws.
 */
export function activationParams(lo: number, hi: number, type: ActivationType): AffineParams {
  const min = Math.min(lo, 0);
  const max = Math.max(hi, 0);
  if (type === 'int16') {
    const m = Math.max(-min, max);
    return { scale: m > 0 ? Math.fround(m / 32767) : 1, zeroPoint: 0 };
  }
  if (!(max - min > 0)) return { scale: 1, zeroPoint: 0 };
  const qmin = -128;
  const qmax = 127;
  // The zero point is derived in double from the exact scale (as the converter does); the file
  // stores the scale as float32.
  const exact = (max - min) / (qmax - qmin);
  // Candidate zero points from each end; keep the one computed with less rounding error.
  const fromMin = qmin - min / exact;
  const fromMax = qmax - max / exact;
  const errMin = Math.abs(qmin) + Math.abs(min / exact);
  const errMax = Math.abs(qmax) + Math.abs(max / exact);
  const zp = errMin < errMax ? fromMin : fromMax;
  const zeroPoint = zp <= qmin ? qmin : zp >= qmax ? qmax : roundHalfAwayFromZero(zp);
  const scale = Math.fround(exact);
  return { scale, zeroPoint };
}

/** Returns the real range [lo, hi] that params represent for the type. */
export function representableRange(p: AffineParams, type: ActivationType): [number, number] {
  const [qmin, qmax] = activationQRange(type);
  return [(qmin - p.zeroPoint) * p.scale, (qmax - p.zeroPoint) * p.scale];
}

/** True when two parameter sets are the same (as stored: float32 scale, integer zero point). */
export function sameParams(a: AffineParams, b: AffineParams): boolean {
  return Math.fround(a.scale) === Math.fround(b.scale) && a.zeroPoint === b.zeroPoint;
}

/** The largest |q| of symmetric int8 weights. */
export const WEIGHT_QMAX = 127;

/** Symmetric weights: the int8 values and one scale per channel (one in all for per-tensor). */
export interface SymmetricWeights {
  readonly data: Int8Array;
  /** float32 scales, one per slice along `axis` (or one). */
  readonly scales: number[];
  /** The axis of per-channel scales (0 for per-tensor, as the schema stores it). */
  readonly axis: number;
}

/**
 * Returns `values` (of `shape`) quantized symmetrically to int8 in [-127, 127] with one scale per
 * index of `axis`, or one scale for all when `axis` is undefined: scale = max|w| / 127 (a slice
 * of zeros gets scale 1). Never throws.
 */
export function quantizeSymmetricWeights(
  values: Float32Array,
  shape: readonly number[],
  axis: number | undefined,
): SymmetricWeights {
  const channels = axis === undefined ? 1 : shape[axis]!;
  const inner = axis === undefined ? values.length : shape.slice(axis + 1).reduce((a, d) => a * d, 1);
  const channelOf = (i: number) => (channels === 1 ? 0 : Math.floor(i / inner) % channels);
  const maxAbs = new Float64Array(channels);
  for (let i = 0; i < values.length; i++) {
    const c = channelOf(i);
    const a = Math.abs(values[i]!);
    if (a > maxAbs[c]!) maxAbs[c] = a;
  }
  const scales = Array.from(maxAbs, (m) => (m > 0 ? Math.fround(m / WEIGHT_QMAX) : 1));
  const data = new Int8Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const q = roundHalfAwayFromZero(values[i]! / scales[channelOf(i)]!);
    data[i] = q > WEIGHT_QMAX ? WEIGHT_QMAX : q < -WEIGHT_QMAX ? -WEIGHT_QMAX : q;
  }
  return { data, scales, axis: axis ?? 0 };
}

/** Returns the float values int8 weights stand for (q * scale of their channel). */
export function dequantizeSymmetricWeights(w: SymmetricWeights, shape: readonly number[]): Float32Array {
  const channels = w.scales.length;
  const inner = channels === 1 ? w.data.length : shape.slice(w.axis + 1).reduce((a, d) => a * d, 1);
  const out = new Float32Array(w.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = channels === 1 ? 0 : Math.floor(i / inner) % channels;
    out[i] = w.data[i]! * w.scales[c]!;
  }
  return out;
}

/**
 * Returns int32 (or, for 16x8, int64) bias values round(b / scale_c) with scale_c = input scale x
 * weight scale of channel c, and those scales. Values beyond the type's range saturate. Never throws.
 */
export function quantizeBias(
  bias: Float32Array,
  inputScale: number,
  weightScales: readonly number[],
  type: 'int32' | 'int64',
): { data: Int32Array | BigInt64Array; scales: number[] } {
  // One bias scale per weight scale (per channel), or one for all with per-tensor weights.
  const scales = weightScales.map((s) => Math.fround(Math.fround(inputScale) * s));
  const scaleOf = (c: number) => (scales.length === 1 ? scales[0]! : scales[c]!);
  const limit = type === 'int32' ? 2 ** 31 : 2 ** 53; // 2^53: what a double holds exactly
  const q = (c: number) => {
    const v = roundHalfAwayFromZero(bias[c]! / scaleOf(c));
    return v >= limit ? limit - 1 : v < -limit ? -limit : v;
  };
  if (type === 'int32') return { data: Int32Array.from(bias, (_, c) => q(c)), scales };
  return { data: BigInt64Array.from(bias, (_, c) => BigInt(q(c))), scales };
}
