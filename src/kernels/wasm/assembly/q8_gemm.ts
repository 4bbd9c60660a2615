// Quantized (uint8 / int8) GEMM with a 4x8 tile and int16 dot products, then TFLite's
// requantization (requantize.ts):
//   acc[i][j] = sum_k x[i][k] * w'[j][k],  w' = w - filterZeroPoint (int16)
//   y[i][j]   = requantize(acc[i][j] + biasAdj[j]),  biasAdj[j] = bias[j] - inputZeroPoint * sum_k w'[j][k]
// which equals TFLite's sum_k (x - zp_in)(w - zp_w) + bias exactly in int32 (wrapping) arithmetic.
//
// "c2" packing (src/kernels/wasm/packing.ts): per 8-column block and per pair of k, two vectors of 8 int16
//   [w'(j0,k) w'(j0,k+1) w'(j1,k) w'(j1,k+1) w'(j2,k) w'(j2,k+1) w'(j3,k) w'(j3,k+1)] and columns 4..7,
// k zero-padded to a multiple of 8. The A pair (x(i,k), x(i,k+1)) widened to int16 and splatted to
// the 4 lanes multiplies one block vector with i32x4.dot_i16x8_s, which gives the 4 columns' sums
// directly (no horizontal reduction). The pair comes from one load16_splat + widening per row
// and k pair (fewer live registers than preloading 8 values and shuffling: 8 accumulators, 2 B
// vectors, 1 A vector). Per 8 values of k: 16 widening loads of A, 8 B vectors, 32 dot products
// for 256 MACs.

import { pa, pi, splitAt } from './params';
import { requant4, requant4u, uniformShiftWord } from './requantize';

// Loads x[k], x[k+1] and returns them widened to int16 in every lane pair.
// @ts-ignore: decorator
@inline
function loadPair<T>(p: usize): v128 {
  const v = v128.load16_splat(p);
  if (isSigned<T>()) return i16x8.extend_low_i8x16_s(v);
  return i16x8.extend_low_i8x16_u(v);
}

// Returns int32 lane q of v (a pair of int16) in all four lanes.
// @ts-ignore: decorator
@inline
function splatPair(v: v128, q: i32): v128 {
  return i32x4.splat(load_lane(v, q));
}

// @ts-ignore: decorator
@inline
function load_lane(v: v128, q: i32): i32 {
  if (q == 0) return i32x4.extract_lane(v, 0);
  if (q == 1) return i32x4.extract_lane(v, 1);
  if (q == 2) return i32x4.extract_lane(v, 2);
  return i32x4.extract_lane(v, 3);
}

/** Loads r < 8 values (widened to int16) and zeros. */
// @ts-ignore: decorator
@inline
function loadTail<T>(p: usize, r: i32): v128 {
  let t: u64 = 0;
  for (let q = 0; q < r; q++) t |= (<u64>load<u8>(p + q)) << (<u64>q << 3);
  const v = i64x2.splat(t);
  if (isSigned<T>()) return i16x8.extend_low_i8x16_s(v);
  return i16x8.extend_low_i8x16_u(v);
}

// @ts-ignore: decorator
@inline
function store8<T>(c: usize, r0: v128, r1: v128, nr: i32): void {
  const h = i16x8.narrow_i32x4_s(r0, r1);
  const v = isSigned<T>() ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
  if (nr >= 8) {
    v128.store64_lane(c, v, 0);
    return;
  }
  let u = v;
  let p = c;
  if (nr >= 4) {
    v128.store32_lane(p, u, 0);
    u = i32x4.shuffle(u, u, 1, 1, 1, 1);
    p += 4;
    nr -= 4;
  }
  if (nr >= 2) {
    v128.store16_lane(p, u, 0);
    u = i16x8.shuffle(u, u, 1, 1, 1, 1, 1, 1, 1, 1);
    p += 2;
    nr -= 2;
  }
  if (nr >= 1) v128.store8_lane(p, u, 0);
}

// One k pair of the 4x8 tile: splat pair `lane` of each row and accumulate against (w0, w1).
// @ts-ignore: decorator
@inline
function gemmTile<T>(
  n: i32,
  k: i32,
  a: usize,
  lda: usize,
  b: usize,
  rq: usize,
  zp: i32,
  qmin: i32,
  qmax: i32,
  c: usize,
  ldc: usize,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
): void {
  const np = <usize>(((n + 7) >> 3) << 3);
  const k8 = ((k + 7) >> 3) << 3;
  const kFull = <usize>(k & ~7);
  const kRem = k & 7;
  const blockBytes = <usize>k8 << 4;
  const vzp = i32x4.splat(zp);
  const vmin = i32x4.splat(qmin);
  const vmax = i32x4.splat(qmax);
  const uw = uniformShiftWord(rq, np, n);
  let mc = <i32>(16384 / (k + 1)) & ~3;
  if (mc < 4) mc = 4;
  for (let ib = i0; ib < i1; ib += mc) {
    const ie = ib + mc < i1 ? ib + mc : i1;
    for (let j = j0; j < j1; j += 8) {
      const pbBase = b + <usize>(j >> 3) * blockBytes;
      const nr = n - j;
      for (let i = ib; i < ie; i += 4) {
        const a0 = a + <usize>i * lda;
        const a1 = i + 1 < ie ? a0 + lda : a0;
        const a2 = i + 2 < ie ? a1 + lda : a1;
        const a3 = i + 3 < ie ? a2 + lda : a2;
        const c0 = c + <usize>i * ldc + <usize>j;
        const c1 = i + 1 < ie ? c0 + ldc : c0;
        const c2 = i + 2 < ie ? c1 + ldc : c1;
        const c3 = i + 3 < ie ? c2 + ldc : c2;
        let acc00 = i32x4.splat(0),
          acc01 = acc00,
          acc10 = acc00,
          acc11 = acc00,
          acc20 = acc00,
          acc21 = acc00,
          acc30 = acc00,
          acc31 = acc00;
        let pb = pbBase;
        for (let kk: usize = 0; kk < kFull; kk += 8) {
          for (let q: usize = 0; q < 8; q += 2) {
            // Pair (x[k], x[k+1]) of each row, widened to int16 and repeated over the 4 lanes.
            const w0 = v128.load(pb);
            const w1 = v128.load(pb, 16);
            pb += 32;
            let s = loadPair<T>(a0 + kk + q);
            acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(s, w0));
            acc01 = i32x4.add(acc01, i32x4.dot_i16x8_s(s, w1));
            s = loadPair<T>(a1 + kk + q);
            acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(s, w0));
            acc11 = i32x4.add(acc11, i32x4.dot_i16x8_s(s, w1));
            s = loadPair<T>(a2 + kk + q);
            acc20 = i32x4.add(acc20, i32x4.dot_i16x8_s(s, w0));
            acc21 = i32x4.add(acc21, i32x4.dot_i16x8_s(s, w1));
            s = loadPair<T>(a3 + kk + q);
            acc30 = i32x4.add(acc30, i32x4.dot_i16x8_s(s, w0));
            acc31 = i32x4.add(acc31, i32x4.dot_i16x8_s(s, w1));
          }
        }
        if (kRem != 0) {
          // Last k values: pairs from a zero-padded vector (the packed weights are zero there).
          const x0 = loadTail<T>(a0 + kFull, kRem);
          const x1 = loadTail<T>(a1 + kFull, kRem);
          const x2 = loadTail<T>(a2 + kFull, kRem);
          const x3 = loadTail<T>(a3 + kFull, kRem);
          for (let q = 0; q < 4; q++) {
            const w0 = v128.load(pb);
            const w1 = v128.load(pb, 16);
            pb += 32;
            let s = splatPair(x0, q);
            acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(s, w0));
            acc01 = i32x4.add(acc01, i32x4.dot_i16x8_s(s, w1));
            s = splatPair(x1, q);
            acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(s, w0));
            acc11 = i32x4.add(acc11, i32x4.dot_i16x8_s(s, w1));
            s = splatPair(x2, q);
            acc20 = i32x4.add(acc20, i32x4.dot_i16x8_s(s, w0));
            acc21 = i32x4.add(acc21, i32x4.dot_i16x8_s(s, w1));
            s = splatPair(x3, q);
            acc30 = i32x4.add(acc30, i32x4.dot_i16x8_s(s, w0));
            acc31 = i32x4.add(acc31, i32x4.dot_i16x8_s(s, w1));
          }
        }
        const jj = <usize>j;
        if (uw != 0) {
          const sh = uw - 64;
          store8<T>(c3, requant4u(acc30, rq, np, jj, sh, vzp, vmin, vmax), requant4u(acc31, rq, np, jj + 4, sh, vzp, vmin, vmax), nr);
          store8<T>(c2, requant4u(acc20, rq, np, jj, sh, vzp, vmin, vmax), requant4u(acc21, rq, np, jj + 4, sh, vzp, vmin, vmax), nr);
          store8<T>(c1, requant4u(acc10, rq, np, jj, sh, vzp, vmin, vmax), requant4u(acc11, rq, np, jj + 4, sh, vzp, vmin, vmax), nr);
          store8<T>(c0, requant4u(acc00, rq, np, jj, sh, vzp, vmin, vmax), requant4u(acc01, rq, np, jj + 4, sh, vzp, vmin, vmax), nr);
        } else {
          store8<T>(c3, requant4(acc30, rq, np, jj, vzp, vmin, vmax), requant4(acc31, rq, np, jj + 4, vzp, vmin, vmax), nr);
          store8<T>(c2, requant4(acc20, rq, np, jj, vzp, vmin, vmax), requant4(acc21, rq, np, jj + 4, vzp, vmin, vmax), nr);
          store8<T>(c1, requant4(acc10, rq, np, jj, vzp, vmin, vmax), requant4(acc11, rq, np, jj + 4, vzp, vmin, vmax), nr);
          store8<T>(c0, requant4(acc00, rq, np, jj, vzp, vmin, vmax), requant4(acc01, rq, np, jj + 4, vzp, vmin, vmax), nr);
        }
      }
    }
  }
}

/** Rows [i0, i1) and columns [j0, j1) of a quantized GEMM; int8 activations when `signed`. */
export function q8_gemm_simd_4x8c2(
  signed: bool,
  n: i32,
  k: i32,
  a: usize,
  lda: usize,
  b: usize,
  rq: usize,
  zp: i32,
  qmin: i32,
  qmax: i32,
  c: usize,
  ldc: usize,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
): void {
  if (signed) gemmTile<i8>(n, k, a, lda, b, rq, zp, qmin, qmax, c, ldc, i0, i1, j0, j1);
  else gemmTile<u8>(n, k, a, lda, b, rq, zp, qmin, qmax, c, ldc, i0, i1, j0, j1);
}

// Parameter words of a quantized GEMM job (fully connected layers).
export const Q_M = 0;
export const Q_N = 1;
export const Q_K = 2;
export const Q_A = 3;
export const Q_LDA = 4; // bytes
export const Q_B = 5;
export const Q_C = 6;
export const Q_LDC = 7; // bytes
export const Q_ZP = 8;
export const Q_QMIN = 9;
export const Q_QMAX = 10;
export const Q_RQ = 11;
export const Q_SIGNED = 12;

/** Job: part `chunk` of a quantized GEMM (rows when there are enough, else column blocks). */
export function q8_gemm_job(p: usize, chunk: i32, chunks: i32): void {
  const m = pi(p, Q_M);
  const n = pi(p, Q_N);
  let i0 = 0,
    i1 = m,
    j0 = 0,
    j1 = n;
  if (m >= 4 * chunks || n <= 8) {
    i0 = splitAt(m, chunk, chunks, 4);
    i1 = splitAt(m, chunk + 1, chunks, 4);
  } else {
    j0 = splitAt(n, chunk, chunks, 8);
    j1 = splitAt(n, chunk + 1, chunks, 8);
  }
  if (i0 >= i1 || j0 >= j1) return;
  q8_gemm_simd_4x8c2(
    pi(p, Q_SIGNED) != 0,
    n,
    pi(p, Q_K),
    pa(p, Q_A),
    pa(p, Q_LDA),
    pa(p, Q_B),
    pa(p, Q_RQ),
    pi(p, Q_ZP),
    pi(p, Q_QMIN),
    pi(p, Q_QMAX),
    pa(p, Q_C),
    pa(p, Q_LDC),
    i0,
    i1,
    j0,
    j1,
  );
}
