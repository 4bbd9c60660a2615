/**
 * Bit helpers of TFLite Micro's signal library (signal/src/msb_32.cc, msb_64.cc,
 * square_root_32.cc, square_root_64.cc), with the GCC/Clang behaviour of the reference build:
 * the most significant bit of 0 is reported as 32 (resp. 64), from `32 - __builtin_clz`.
 */

/** Returns the 1-based index of x's highest set bit for a uint32 x (32 for x = 0). Never throws. */
export function mostSignificantBit32(x: number): number {
  const u = x >>> 0;
  return u === 0 ? 32 : 32 - Math.clz32(u);
}

/** Returns the 1-based index of x's highest set bit for a uint64 x (64 for x = 0). Never throws. */
export function mostSignificantBit64(x: bigint): number {
  if (x === 0n) return 64;
  return x.toString(2).length;
}

/**
 * Returns TFLM's Sqrt32: the integer square root of a uint32 by the bit-pair method, rounded up
 * when the remainder exceeds the root (unless the root is 0xFFFF), truncated to uint16. Never throws.
 */
export function sqrt32(num: number): number {
  let n = num >>> 0;
  if (n === 0) return 0;
  let res = 0;
  const maxBit = (32 - mostSignificantBit32(n)) | 1;
  let bit = (1 << (31 - maxBit)) >>> 0;
  let iterations = ((31 - maxBit) >> 1) + 1;
  while (iterations--) {
    if (n >= res + bit) {
      n -= res + bit;
      res = (res >>> 1) + bit;
    } else {
      res >>>= 1;
    }
    bit >>>= 2;
  }
  if (n > res && res !== 0xffff) res++;
  return res & 0xffff;
}

/**
 * Returns TFLM's Sqrt64 of a uint64: Sqrt32 when the upper word is clear (the library's
 * shortcut), else the 64-bit bit-pair method with the same rounding, as uint32. Never throws.
 */
export function sqrt64(num: bigint): number {
  if (num >> 32n === 0n) return sqrt32(Number(num));
  let n = num;
  let res = 0n;
  const maxBit = (64 - mostSignificantBit64(n)) | 1;
  let bit = 1n << BigInt(63 - maxBit);
  let iterations = ((63 - maxBit) >> 1) + 1;
  while (iterations--) {
    if (n >= res + bit) {
      n -= res + bit;
      res = (res >> 1n) + bit;
    } else {
      res >>= 1n;
    }
    bit >>= 2n;
  }
  if (n > res && res !== 0xffffffffn) res++;
  return Number(res & 0xffffffffn);
}
