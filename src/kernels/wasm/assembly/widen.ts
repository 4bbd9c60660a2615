// Operand A of the quantized GEMM (q8_gemm.ts) as int16 a = x - inputZeroPoint, the exact factor
// of TFLite's sum (x - zp_in)(w - zp_w), written a block of rows at a time into a per-thread
// scratch buffer (it stays in cache while the GEMM passes over it for every column block). Each
// row holds k8 values, k rounded up to a multiple of 8, zeros past k (the packed weights are zero
// there too). x - zp lies in [-255, 255] for uint8 and int8 inputs: int16 either way.
//
// The block is stored in tiles of 4 rows: per pair of k (j = 0 .. k8/2 - 1) the four rows' pairs
// (a[r][2j], a[r][2j+1]) as four 32-bit words, so the GEMM's 4x8 tile broadcasts each row's pair
// from one pointer at constant offsets 0, 4, 8, 12 (one pointer add per k pair instead of four).
// Row r of a block lives at tile r >> 2, slot r & 3: byte (r >> 2) * k8 * 8 + j * 16 + (r & 3) * 4.
// Slots of a last tile with fewer than 4 rows are never written: the GEMM computes them from
// whatever the scratch holds and stores them only where the tile's real rows overwrite them.

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

/** Address of row r's first pair in a tiled block at dst (see the file comment). */
// @ts-ignore: decorator
@inline
function tileRowAt(dst: usize, r: i32, k8: i32): usize {
  return dst + ((<usize>(r >> 2) * <usize>k8) << 3) + (<usize>(r & 3) << 2);
}

/** Stores the 4 pairs of v (8 int16) at d, d + 16, d + 32, d + 48. */
// @ts-ignore: decorator
@inline
function storePairs(d: usize, v: v128): void {
  v128.store32_lane(d, v, 0);
  v128.store32_lane(d, v, 1, 16);
  v128.store32_lane(d, v, 2, 32);
  v128.store32_lane(d, v, 3, 48);
}

/** Copies one int16 row of k8 values (row-major, at row) into slot r of the tiled block at dst. */
export function tileRow(dst: usize, r: i32, row: usize, k8: i32): void {
  let d = tileRowAt(dst, r, k8);
  const end = row + (<usize>k8 << 1);
  for (let s = row; s < end; s += 16) {
    storePairs(d, v128.load(s));
    d += 64;
  }
}

function rowsOf<T>(src: usize, srcStride: usize, rows: i32, k: i32, dst: usize, k8: i32, zp: i32, r0: i32): void {
  const vzp = i16x8.splat(<i16>zp);
  const kFull = <usize>(k & ~7);
  const kk = <usize>k;
  for (let r = 0; r < rows; r++) {
    const s = src + <usize>r * srcStride;
    let d = tileRowAt(dst, r0 + r, k8);
    let g: usize = 0;
    for (; g < kFull; g += 8) {
      storePairs(d, i16x8.sub(isSigned<T>() ? v128.load8x8_s(s + g) : v128.load8x8_u(s + g), vzp));
      d += 64;
    }
    if (g < kk) {
      // The last group of 8, zeros past k.
      for (let q: usize = 0; q < 8; q++) {
        const x = g + q < kk ? (isSigned<T>() ? <i32>load<i8>(s + g + q) : <i32>load<u8>(s + g + q)) - zp : 0;
        store<i16>(d + ((q >> 1) << 4) + ((q & 1) << 1), <i16>x);
      }
    }
  }
}

/** Writes `rows` rows of k values (stride srcStride bytes) as rows r0.. of the tiled block at dst. */
export function widenRows(
  signed: bool,
  src: usize,
  srcStride: usize,
  rows: i32,
  k: i32,
  dst: usize,
  k8: i32,
  zp: i32,
  r0: i32,
): void {
  if (signed) rowsOf<i8>(src, srcStride, rows, k, dst, k8, zp, r0);
  else rowsOf<u8>(src, srcStride, rows, k, dst, k8, zp, r0);
}
