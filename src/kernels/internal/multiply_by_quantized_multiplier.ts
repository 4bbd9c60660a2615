/**
 * Requantization: x * M for a real multiplier M stored as a Q0.31 significand and a power-of-two
 * shift (see `quantize_multiplier.ts`), exactly as TFLite's reference kernels compute it with the
 * default double rounding (TFLITE_SINGLE_ROUNDING not defined): first a rounding doubling high
 * multiply (round half up), then a rounding right shift (round half away from zero).
 *
 * Every quantized kernel calls one of these once per output element, so they are small,
 * monomorphic and allocation-free: V8 inlines them into the kernel loop.
 */
import { roundingDivideByPOT, saturatingRoundingDoublingHighMul } from './fixed_point.js';

/**
 * Returns round(x * multiplier * 2^shift / 2^31) for int32 x, TFLite's
 * `MultiplyByQuantizedMultiplier(int32_t x, int32_t quantized_multiplier, int shift)`:
 * `RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(x * 2^max(shift,0), multiplier), max(-shift,0))`.
 * The left shift wraps on overflow as TFLite's `x * (1 << left_shift)` does in practice. Requires
 * -31 <= shift <= 30. Never throws.
 */
export function multiplyByQuantizedMultiplier(x: number, quantizedMultiplier: number, shift: number): number {
  if (shift > 0) {
    return saturatingRoundingDoublingHighMul(Math.imul(x, 1 << shift), quantizedMultiplier);
  }
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, quantizedMultiplier), -shift);
}

/**
 * Returns TFLite's `MultiplyByQuantizedMultiplierSmallerThanOneExp(x, multiplier, leftShift)` for a
 * multiplier below one (leftShift <= 0): `RoundingDivideByPOT(SRDHM(x, multiplier), -leftShift)`.
 * Never throws.
 */
export function multiplyByQuantizedMultiplierSmallerThanOneExp(
  x: number,
  quantizedMultiplier: number,
  leftShift: number,
): number {
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, quantizedMultiplier), -leftShift);
}

/**
 * Returns TFLite's `MultiplyByQuantizedMultiplierGreaterThanOne(x, multiplier, leftShift)` for a
 * multiplier above one (leftShift >= 0): `SRDHM(x * 2^leftShift, multiplier)`, the shift wrapping
 * on overflow. Never throws.
 */
export function multiplyByQuantizedMultiplierGreaterThanOne(
  x: number,
  quantizedMultiplier: number,
  leftShift: number,
): number {
  return saturatingRoundingDoublingHighMul(Math.imul(x, 1 << leftShift), quantizedMultiplier);
}

/**
 * Returns TFLite's `MultiplyByQuantizedMultiplier(int64_t x, int32_t quantized_multiplier, int shift)`,
 * the form the 16x8 kernels (int16 activations, int8 weights, int64 accumulators: CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV) use. It has its own single rounding: the
 * multiplier is first reduced to 15 bits, `reduced = (m + 2^15) >> 16` (0x7FFF when
 * m >= 0x7FFF0000), then `(x * reduced + 2^(total-1)) >> total` with total = 15 - shift, truncated
 * to int32.
 *
 * x is an integer given as a number, exact below 2^53 in magnitude (TFLite requires |x| < 2^47);
 * multiplier >= 0 and -31 <= shift <= 7 as TFLite asserts (not checked here). The 62-bit product
 * is kept exact by splitting x = xh*2^24 + xl (0 <= xl < 2^24), so both partial products stay
 * below 2^39. Never throws.
 */
export function multiplyByQuantizedMultiplierInt64(
  x: number,
  quantizedMultiplier: number,
  shift: number,
): number {
  const reduced = quantizedMultiplier < 0x7fff0000 ? (quantizedMultiplier + 32768) >> 16 : 0x7fff;
  const totalShift = 15 - shift; // 8..46
  const round = 2 ** (totalShift - 1);
  const p = x * reduced;
  if (p < 4503599627370496 && p > -4503599627370496) {
    // |x * reduced| < 2^52: exact, and adding the rounding term (<= 2^45) stays exact.
    return Math.floor((p + round) / 2 ** totalShift) | 0;
  }
  const xh = Math.floor(x / 16777216);
  const xl = x - xh * 16777216;
  const ph = xh * reduced; // x*reduced = ph*2^24 + xl*reduced
  const pl = xl * reduced;
  if (totalShift >= 24) {
    // Split ph = q*2^(t-24) + r: then floor(...) = q + floor((r*2^24 + pl + round) / 2^t).
    const s = 2 ** (totalShift - 24);
    const q = Math.floor(ph / s);
    const r = ph - q * s;
    return (q + Math.floor((r * 16777216 + pl + round) / 2 ** totalShift)) | 0;
  }
  // t < 24: ph*2^24 / 2^t = ph*2^(24-t) is an integer; only its value modulo 2^32 matters for the
  // int32 truncation, so reduce ph first to keep the product exact.
  const k = 24 - totalShift;
  const m = 2 ** (32 - k);
  const phMod = ph - Math.floor(ph / m) * m;
  return (phMod * 2 ** k + Math.floor((pl + round) / 2 ** totalShift)) | 0;
}
