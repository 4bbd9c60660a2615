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

/** POW2[n + 64] = 2^n for n in [-64, 64] (a table lookup is cheaper than `2 ** n` in hot loops). */
const POW2 = Float64Array.from({ length: 129 }, (_, i) => 2 ** (i - 64));

/**
 * Returns TFLite's `MultiplyByQuantizedMultiplier(int64_t x, int32_t quantized_multiplier, int shift)`,
 * the form the 16x8 kernels (int16 activations, int8 weights, int64 accumulators: CONV_2D,
 * DEPTHWISE_CONV_2D, FULLY_CONNECTED, TRANSPOSE_CONV) use. It has its own single rounding: the
 * multiplier is first reduced to 15 bits, `reduced = (m + 2^15) >> 16` (0x7FFF when
 * m >= 0x7FFF0000), then `(x * reduced + 2^(t-1)) >> t` with t = 15 - shift, truncated to int32.
 *
 * x is an integer given as a number, exact below 2^53 in magnitude (TFLite requires |x| < 2^47);
 * multiplier >= 0 and -31 <= shift <= 7 as TFLite asserts (not checked here). The up-to-68-bit
 * product is kept exact by splitting x = xh*2^24 + xl (0 <= xl < 2^24): A = xh*reduced (< 2^44)
 * and B = xl*reduced + 2^(t-1) (< 2^46) are exact, and the result is floor((A*2^24 + B) / 2^t).
 * For t >= 24 (the usual case), u = A*2^(24-t) is exact and
 *   floor(...) = floor(u) + floor(frac(u) + B/2^t),
 * where the second sum is exact (a multiple of 2^-t below 2^(47-t)). For t < 24, A*2^(24-t) is an
 * integer that may exceed 2^53, so only its value modulo 2^32 (all the int32 truncation keeps) is
 * formed. The branch depends on the shift only, which is constant per channel. Never throws.
 */
export function multiplyByQuantizedMultiplierInt64(
  x: number,
  quantizedMultiplier: number,
  shift: number,
): number {
  const reduced = quantizedMultiplier < 0x7fff0000 ? (quantizedMultiplier + 32768) >> 16 : 0x7fff;
  const t = 15 - shift; // 8..46
  const xh = Math.floor(x * 5.960464477539063e-8); // floor(x / 2^24)
  const a = xh * reduced;
  const b = (x - xh * 16777216) * reduced + POW2[t + 63]!; // + 2^(t-1)
  if (t >= 24) {
    const u = a * POW2[88 - t]!; // A * 2^(24-t)
    const fu = Math.floor(u);
    return (fu + Math.floor(u - fu + b * POW2[64 - t]!)) | 0;
  }
  // 8 <= t < 24: reduce A modulo 2^(32-k) before scaling by 2^k, k = 24 - t.
  const m = POW2[t + 72]!; // 2^(32-k) = 2^(8+t)
  const aMod = a - Math.floor(a / m) * m;
  return (aMod * POW2[88 - t]! + Math.floor(b * POW2[64 - t]!)) | 0;
}
