/**
 * IEEE binary16 (FLOAT16 tensors, float16 post-training quantization) and bfloat16 conversions,
 * bit-exact with the `fp16` library TFLite uses and Eigen's `half` / `bfloat16`:
 * float32 -> 16 bits rounds to nearest, ties to even, keeps subnormals, overflows to infinity and
 * maps NaN to the quiet NaN 0x7e00 (bfloat16: 0x7fc0) with the sign kept; 16 bits -> float32 is
 * exact.
 *
 * The float32 -> half conversion starts from the float32 value (a number is first rounded with
 * `Math.fround`), as TFLite converts float32 tensors: rounding a double straight to half could
 * differ by double rounding.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** Returns the binary16 bits (0..0xffff) of the float32 value of x, rounded to nearest even. Never throws. */
export function float32ToFloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  const mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | (mantissa !== 0 ? 0x7e00 : 0x7c00);
  const e = exponent - 112; // rebias 127 -> 15
  if (e >= 31) return sign | 0x7c00; // >= 2^16: overflows to infinity
  if (e <= 0) {
    // Subnormal half (or zero): value = m24 * 2^(exponent - 150) = (m24 >> (14 - e)) * 2^-24.
    if (e < -10) return sign; // below 2^-25: rounds to zero
    const m = mantissa | 0x800000;
    const shift = 14 - e;
    let h = m >>> shift;
    const rem = m & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    if (rem > half || (rem === half && (h & 1) !== 0)) h++;
    return sign | h;
  }
  let h = (e << 10) | (mantissa >>> 13);
  const rem = mantissa & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) !== 0)) h++; // a carry into the exponent is correct
  return sign | h;
}

/** Returns the value of binary16 bits as a number (exact; NaN payloads are not kept, see `float16BitsToFloat32Bits`). Never throws. */
export function float16BitsToFloat32(h: number): number {
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  let v: number;
  if (exponent === 0)
    v = mantissa * 5.960464477539063e-8; // 2^-24
  else if (exponent === 31) v = mantissa !== 0 ? NaN : Infinity;
  else v = (1024 + mantissa) * 2 ** (exponent - 25);
  return h & 0x8000 ? -v : v;
}

/** Returns the float32 bit pattern (uint32) of binary16 bits, NaN payloads included (fp16's `fp16_ieee_to_fp32_bits`). Never throws. */
export function float16BitsToFloat32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exponent = (h >>> 10) & 0x1f;
  const mantissa = h & 0x3ff;
  if (exponent === 31) return (sign | 0x7f800000 | (mantissa << 13)) >>> 0;
  if (exponent !== 0) return (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0;
  if (mantissa === 0) return sign >>> 0;
  f32[0] = mantissa * 5.960464477539063e-8; // exact float32 (a float32 normal)
  return (sign | u32[0]!) >>> 0;
}

/** Writes the binary16 bits of each float32 of `src` into `dst` (same length). Never throws. */
export function float32ArrayToFloat16(src: ArrayLike<number>, dst: Uint16Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = float32ToFloat16Bits(src[i]!);
}

/** Writes the float32 value of each binary16 of `src` into `dst` (same length). Never throws. */
export function float16ArrayToFloat32(src: Uint16Array, dst: Float32Array): void {
  for (let i = 0; i < src.length; i++) dst[i] = float16BitsToFloat32(src[i]!);
}

/** Returns the bfloat16 bits of the float32 value of x, rounded to nearest even; NaN -> sign | 0x7fc0. Never throws. */
export function float32ToBfloat16Bits(x: number): number {
  f32[0] = x;
  const bits = u32[0]!;
  if ((bits & 0x7fffffff) > 0x7f800000) return ((bits >>> 16) & 0x8000) | 0x7fc0;
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}

/** Returns the value of bfloat16 bits (exact: the top half of a float32). Never throws. */
export function bfloat16BitsToFloat32(b: number): number {
  u32[0] = (b & 0xffff) << 16;
  return f32[0]!;
}
