/**
 * Rounding, casts and clamps with C++ semantics, as TFLite's kernels use them.
 *
 * JavaScript numbers are IEEE doubles. A float32 value is exactly representable as a double, so a
 * C++ `float` expression is reproduced by applying `Math.fround` after every float operation
 * (+, -, *, / and sqrt of doubles rounded once to float32 give the correctly rounded float32
 * result, because a double has more than 2*24+2 significand bits). Rounding functions here take
 * the already-rounded value.
 *
 * Casts from floating point to integer are undefined behaviour in C++ when the value does not fit.
 * Where that can happen we saturate (NaN -> 0), which is what ARM and WebAssembly's saturating
 * truncation do (x86-64 returns INT32_MIN instead); each caller documents it.
 */

/** The smallest int32. */
export const INT32_MIN = -2147483648;
/** The largest int32. */
export const INT32_MAX = 2147483647;

/**
 * Returns x rounded to the nearest integer, ties away from zero: C's `round` / `std::round`, which
 * is also TFLite's `TfLiteRound` for both float and double arguments. Keeps -0, NaN and infinities.
 * Never throws.
 */
export function roundHalfAwayFromZero(x: number): number {
  const t = Math.trunc(x);
  const d = x - t; // exact: t and x share the exponent range, the difference is representable
  if (d >= 0.5) return t + 1;
  if (d <= -0.5) return t - 1;
  return t;
}

/**
 * Returns `TfLiteRound(x)` (= `std::round`). For a float32 computation pass the `Math.fround`ed
 * value: rounding a float32 to an integer gives a float32 again, so no further rounding is needed.
 * Never throws.
 */
export const tfliteRound = roundHalfAwayFromZero;

/**
 * Returns x rounded to the nearest integer, ties to even (the IEEE default, `std::nearbyint`,
 * NEON `vcvtnq`, XNNPACK's requantization). Never throws.
 */
export function roundHalfToEven(x: number): number {
  const r = Math.round(x); // ties toward +infinity
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Returns `static_cast<int32_t>(x)` for a floating-point x: truncation toward zero, saturating to
 * [INT32_MIN, INT32_MAX] and mapping NaN to 0 where C++ leaves the result undefined. Never throws.
 */
export function castToInt32Saturating(x: number): number {
  if (x >= 2147483647) return INT32_MAX;
  if (x <= -2147483648) return INT32_MIN;
  return x === x ? Math.trunc(x) | 0 : 0;
}

/** Returns x clamped to [lo, hi] as `std::min(std::max(x, lo), hi)` does (NaN and -0 pass through). Never throws. */
export function clamp(x: number, lo: number, hi: number): number {
  const y = x < lo ? lo : x;
  return hi < y ? hi : y;
}

// The int8/uint8/int16 clamps below are branch-free, because requantized values fall on both
// sides of a bound unpredictably and a mispredicted branch costs more than the requantization
// itself (measured: 12.6 -> 6.2 ns per element in a requantize-and-store loop). `-(x > hi)` is
// -1 or 0, so the masked difference is subtracted only when x is out of range; the differences
// cannot overflow for int32 x because they are only kept when they are small.

/** Returns the int32 x clamped to the int8 range [-128, 127] (branch-free). Never throws. */
export function saturateInt8(x: number): number {
  x -= (x - 127) & -(x > 127);
  return x + ((-128 - x) & -(x < -128));
}

/** Returns the int32 x clamped to the uint8 range [0, 255] (branch-free). Never throws. */
export function saturateUint8(x: number): number {
  x -= (x - 255) & -(x > 255);
  return x & -(x >= 0);
}

/** Returns the int32 x clamped to the int16 range [-32768, 32767] (branch-free). Never throws. */
export function saturateInt16(x: number): number {
  x -= (x - 32767) & -(x > 32767);
  return x + ((-32768 - x) & -(x < -32768));
}

/**
 * Returns x clamped to [lo, hi] (branch-free, the general form of `saturateInt8`, e.g. for a
 * kernel's fused-activation range). Exact when x - hi and lo - x fit in int32, which holds for
 * |x|, |lo|, |hi| < 2^30 (requantized values plus a zero point). Never throws.
 */
export function clampInt32(x: number, lo: number, hi: number): number {
  x -= (x - hi) & -(x > hi);
  return x + ((lo - x) & -(x < lo));
}

/** Returns the integer x (exact in a double) clamped to the int32 range. Never throws. */
export function saturateInt32(x: number): number {
  return x < INT32_MIN ? INT32_MIN : x > INT32_MAX ? INT32_MAX : x;
}

/** Returns the low 8 bits of x as a signed value: `static_cast<int8_t>(x)` (two's-complement wrap). Never throws. */
export function wrapInt8(x: number): number {
  return (x << 24) >> 24;
}

/** Returns the low 16 bits of x as a signed value: `static_cast<int16_t>(x)` (two's-complement wrap). Never throws. */
export function wrapInt16(x: number): number {
  return (x << 16) >> 16;
}

/**
 * Returns `a + b` on int32, saturating instead of overflowing (TFLite's
 * `SaturatingAddNonGemmlowp<int32_t>`). Never throws.
 */
export function saturatingAddInt32(a: number, b: number): number {
  const s = a + b; // exact in a double
  return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : s;
}

/** Returns `a - b` on int32, saturating instead of overflowing (TFLite's `SaturatingSub<int32_t>`). Never throws. */
export function saturatingSubInt32(a: number, b: number): number {
  const s = a - b;
  return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : s;
}

/** Returns `a + b` on int16, saturating (gemmlowp's `SaturatingAdd<int16_t>`). Never throws. */
export function saturatingAddInt16(a: number, b: number): number {
  const s = a + b;
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}

/** Returns `a - b` on int16, saturating (TFLite's `SaturatingSub<int16_t>`). Never throws. */
export function saturatingSubInt16(a: number, b: number): number {
  const s = a - b;
  return s > 32767 ? 32767 : s < -32768 ? -32768 : s;
}
