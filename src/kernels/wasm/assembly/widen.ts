// Operand A of the quantized GEMM (q8_gemm.ts) as int16 a = x - inputZeroPoint, the exact factor
// of TFLite's sum (x - zp_in)(w - zp_w), written a block of rows at a time into a per-thread
// scratch buffer (it stays in cache while the GEMM passes over it for every column block). Each
// row holds k8 values, k rounded up to a multiple of 8, zeros past k (the packed weights are zero
// there too). x - zp lies in [-255, 255] for uint8 and int8 inputs: int16 either way.

/** Writes n values src[i] - zp (8-bit, signed when T is i8) as int16 to dst. */
// @ts-ignore: decorator
@inline
export function widenSpan<T>(dst: usize, src: usize, n: usize, vzp: v128, zp: i32): void {
  let i: usize = 0;
  if (n >= 8) {
    for (; i + 8 <= n; i += 8) {
      const x = isSigned<T>() ? v128.load8x8_s(src + i) : v128.load8x8_u(src + i);
      v128.store(dst + (i << 1), i16x8.sub(x, vzp));
    }
    if (i < n) {
      // The last 8 values again (overlapping the previous step): no scalar tail.
      i = n - 8;
      const x = isSigned<T>() ? v128.load8x8_s(src + i) : v128.load8x8_u(src + i);
      v128.store(dst + (i << 1), i16x8.sub(x, vzp));
    }
    return;
  }
  for (; i < n; i++) {
    const x = isSigned<T>() ? <i32>load<i8>(src + i) : <i32>load<u8>(src + i);
    store<i16>(dst + (i << 1), <i16>(x - zp));
  }
}

/**
 * Zeros n int16 values at dst (padding taps, row tails) in whole vectors: it may write up to 7
 * values past dst + n, which the caller writes afterwards or which fall in the 16 bytes of slack
 * every scratch block has.
 */
// @ts-ignore: decorator
@inline
export function zero16(dst: usize, n: usize): void {
  for (let i: usize = 0; i < n; i += 8) v128.store(dst + (i << 1), i64x2.splat(0));
}

function rowsOf<T>(src: usize, srcStride: usize, rows: i32, k: i32, dst: usize, k8: i32, zp: i32): void {
  const vzp = i16x8.splat(<i16>zp);
  const kk = <usize>k;
  const dstStride = <usize>k8 << 1;
  if (k == k8 && srcStride == kk) {
    widenSpan<T>(dst, src, <usize>rows * kk, vzp, zp);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const d = dst + <usize>r * dstStride;
    widenSpan<T>(d, src + <usize>r * srcStride, kk, vzp, zp);
    zero16(d + (kk << 1), <usize>(k8 - k));
  }
}

/** Writes `rows` rows of k values (stride srcStride bytes) as int16 rows of k8 values. */
export function widenRows(
  signed: bool,
  src: usize,
  srcStride: usize,
  rows: i32,
  k: i32,
  dst: usize,
  k8: i32,
  zp: i32,
): void {
  if (signed) rowsOf<i8>(src, srcStride, rows, k, dst, k8, zp);
  else rowsOf<u8>(src, srcStride, rows, k, dst, k8, zp);
}
