/**
 * Quantize / dequantize one value with TFLite's exact float arithmetic, as the QUANTIZE and
 * DEQUANTIZE reference kernels do (`reference_ops::AffineQuantize`, `reference_ops::Dequantize`),
 * per tensor or, with the channel's scale and zero point, per axis; also what an interpreter uses
 * to quantize float inputs and dequantize outputs. (The hybrid kernels' run-time row quantization
 * is in hybrid_quantize.ts.)
 */
import { castToInt32Saturating, roundHalfAwayFromZero } from './rounding.js';

/**
 * Returns `clamp(int32(round(value / scale)) + zeroPoint, qmin, qmax)` with the division in float32
 * and ties away from zero, as `AffineQuantize` (value and scale are float32 in TFLite). The int32
 * cast saturates where C++ is undefined (|value / scale| >= 2^31, NaN -> zeroPoint). Never throws.
 */
export function quantizeValue(
  value: number,
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): number {
  const q =
    castToInt32Saturating(roundHalfAwayFromZero(Math.fround(Math.fround(value) / Math.fround(scale)))) +
    zeroPoint;
  return q < qmin ? qmin : q > qmax ? qmax : q;
}

/**
 * Returns `float(scale * (q - zeroPoint))` as `Dequantize` computes it (the product in double, then
 * rounded once to float32; the same value as a float32 product). Never throws.
 */
export function dequantizeValue(q: number, scale: number, zeroPoint: number): number {
  return Math.fround(Math.fround(scale) * (q - zeroPoint));
}
