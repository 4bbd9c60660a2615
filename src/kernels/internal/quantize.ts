/**
 * Quantize / dequantize one value with TFLite's exact float arithmetic, as the QUANTIZE and
 * DEQUANTIZE reference kernels do (`reference_ops::AffineQuantize`, `reference_ops::Dequantize`),
 * per tensor or, with the channel's scale and zero point, per axis; also what an interpreter uses
 * to quantize float inputs and dequantize outputs. (The hybrid kernels' run-time row quantization
 * is in hybrid_quantize.ts.)
 */

/**
 * Returns `clamp(int32(round(value / scale)) + zeroPoint, qmin, qmax)` with the division in float32
 * and ties away from zero, as `AffineQuantize` (value and scale are float32 in TFLite). Where the
 * C++ cast is undefined, NaN gives the zero point and a quotient beyond int32 the clamp bound.
 * Never throws.
 */
export function quantizeValue(
  value: number,
  scale: number,
  zeroPoint: number,
  qmin: number,
  qmax: number,
): number {
  // No branch on the sign or on saturation, both data-dependent (inputs have random signs): a
  // mispredicted branch per element made QUANTIZE's loop 5x slower. r is a float32 value, so
  // r + 0.5 is exact and floor(r + 0.5) rounds half up; a negative tie (r + 0.5 an integer) is
  // moved down to round half away from zero, as TfLiteRound does.
  const r = Math.fround(Math.fround(value) / Math.fround(scale));
  const t = r + 0.5;
  let q = Math.floor(t);
  if (q === t && r < 0) q -= 1;
  if (q !== q) q = 0;
  return Math.min(Math.max(q + zeroPoint, qmin), qmax);
}

/**
 * Returns `float(scale * (q - zeroPoint))` as `Dequantize` computes it (the product in double, then
 * rounded once to float32; the same value as a float32 product). Never throws.
 */
export function dequantizeValue(q: number, scale: number, zeroPoint: number): number {
  return Math.fround(Math.fround(scale) * (q - zeroPoint));
}
