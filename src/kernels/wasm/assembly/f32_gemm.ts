// f32 GEMM with a 4x8 register tile: C[i][j] = clamp(bias[j] + sum_k A[i][k] * B[j][k], lo, hi).
// A is row-major with a row stride in bytes (the NHWC input itself for 1x1 convolutions, an im2col
// buffer otherwise); C is row-major (NHWC output).
//
// Packed B (written once at allocateTensors by src/kernels/wasm/packing.ts): blocks of 8 output columns; block jb holds, for
// each k, the 8 weights of columns 8jb..8jb+7 (zero past n), then the packed bias follows all
// blocks as ceil(n/8)*8 floats. One tile step loads 2 B vectors and 4 splatted A values and does
// 8 multiply-adds of 4 lanes: 32 MACs, 8 accumulators in registers.
//
// Rows are processed in panels of up to MC rows so a panel of A stays in cache while every
// column block passes over it. A short last tile repeats its last row (same A pointer, same C
// pointer), which computes and stores identical values: no separate edge kernel.
//
// Float bound: each output is a float32 sum of k products in k order starting from the bias,
// |error| <= k * 2^-24 * sum |terms| (the reference accumulates in double and rounds once).

import { pa, pf, pi, splitAt } from './params';

// Parameter words of a GEMM job.
export const G_M = 0;
export const G_N = 1;
export const G_K = 2;
export const G_A = 3;
export const G_LDA = 4; // bytes
export const G_B = 5; // packed weights, then packed bias
export const G_C = 6;
export const G_LDC = 7; // bytes
export const G_LO = 8; // f32
export const G_HI = 9; // f32

/** Rows [i0, i1) and column blocks [j0, j1) of the GEMM (j0, j1 multiples of 8 or j1 = n). */
export function f32_gemm_simd_4x8(
  n: i32,
  k: i32,
  a: usize,
  lda: usize,
  b: usize,
  c: usize,
  ldc: usize,
  lo: f32,
  hi: f32,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const blocks = (n + 7) >> 3;
  const kBytes = <usize>k << 2;
  const blockBytes = <usize>k << 5;
  const pbias = b + <usize>blocks * blockBytes;
  // Panel height: about 32 KiB of A per panel, at least one tile.
  let mc = (32768 / (k * 4 + 1)) & ~3;
  if (mc < 4) mc = 4;
  for (let ib = i0; ib < i1; ib += mc) {
    const ie = ib + mc < i1 ? ib + mc : i1;
    for (let j = j0; j < j1; j += 8) {
      const pbBase = b + <usize>(j >> 3) * blockBytes;
      const bias0 = v128.load(pbias + (<usize>j << 2));
      const bias1 = v128.load(pbias + (<usize>j << 2), 16);
      const nr = n - j;
      for (let i = ib; i < ie; i += 4) {
        const a0 = a + <usize>i * lda;
        const a1 = i + 1 < ie ? a0 + lda : a0;
        const a2 = i + 2 < ie ? a1 + lda : a1;
        const a3 = i + 3 < ie ? a2 + lda : a2;
        const c0 = c + <usize>i * ldc + (<usize>j << 2);
        const c1 = i + 1 < ie ? c0 + ldc : c0;
        const c2 = i + 2 < ie ? c1 + ldc : c1;
        const c3 = i + 3 < ie ? c2 + ldc : c2;
        let acc00 = bias0,
          acc01 = bias1,
          acc10 = bias0,
          acc11 = bias1,
          acc20 = bias0,
          acc21 = bias1,
          acc30 = bias0,
          acc31 = bias1;
        let pb = pbBase;
        for (let kk: usize = 0; kk < kBytes; kk += 4) {
          const w0 = v128.load(pb);
          const w1 = v128.load(pb, 16);
          pb += 32;
          const x0 = v128.load32_splat(a0 + kk);
          acc00 = f32x4.add(acc00, f32x4.mul(x0, w0));
          acc01 = f32x4.add(acc01, f32x4.mul(x0, w1));
          const x1 = v128.load32_splat(a1 + kk);
          acc10 = f32x4.add(acc10, f32x4.mul(x1, w0));
          acc11 = f32x4.add(acc11, f32x4.mul(x1, w1));
          const x2 = v128.load32_splat(a2 + kk);
          acc20 = f32x4.add(acc20, f32x4.mul(x2, w0));
          acc21 = f32x4.add(acc21, f32x4.mul(x2, w1));
          const x3 = v128.load32_splat(a3 + kk);
          acc30 = f32x4.add(acc30, f32x4.mul(x3, w0));
          acc31 = f32x4.add(acc31, f32x4.mul(x3, w1));
        }
        acc00 = f32x4.min(f32x4.max(acc00, vlo), vhi);
        acc01 = f32x4.min(f32x4.max(acc01, vlo), vhi);
        acc10 = f32x4.min(f32x4.max(acc10, vlo), vhi);
        acc11 = f32x4.min(f32x4.max(acc11, vlo), vhi);
        acc20 = f32x4.min(f32x4.max(acc20, vlo), vhi);
        acc21 = f32x4.min(f32x4.max(acc21, vlo), vhi);
        acc30 = f32x4.min(f32x4.max(acc30, vlo), vhi);
        acc31 = f32x4.min(f32x4.max(acc31, vlo), vhi);
        if (nr >= 8) {
          v128.store(c3, acc30);
          v128.store(c3, acc31, 16);
          v128.store(c2, acc20);
          v128.store(c2, acc21, 16);
          v128.store(c1, acc10);
          v128.store(c1, acc11, 16);
          v128.store(c0, acc00);
          v128.store(c0, acc01, 16);
        } else {
          storePartial(c3, acc30, acc31, nr);
          storePartial(c2, acc20, acc21, nr);
          storePartial(c1, acc10, acc11, nr);
          storePartial(c0, acc00, acc01, nr);
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline
function storePartial(c: usize, v0: v128, v1: v128, nr: i32): void {
  let v = v0;
  let p = c;
  if (nr >= 4) {
    v128.store(p, v0);
    v = v1;
    p += 16;
    nr -= 4;
  }
  if (nr >= 2) {
    v128.store64_lane(p, v, 0);
    v = i64x2.shuffle(v, v, 1, 1);
    p += 8;
    nr -= 2;
  }
  if (nr >= 1) v128.store32_lane(p, v, 0);
}

/**
 * Job: part `chunk` of `chunks` of a GEMM described by the parameter block at p. Splits rows
 * when there are enough of them, else column blocks (fully connected layers with batch 1).
 */
export function f32_gemm_job(p: usize, chunk: i32, chunks: i32): void {
  const m = pi(p, G_M);
  const n = pi(p, G_N);
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
  f32_gemm_simd_4x8(n, pi(p, G_K), pa(p, G_A), pa(p, G_LDA), pa(p, G_B), pa(p, G_C), pa(p, G_LDC), pf(p, G_LO), pf(p, G_HI), i0, i1, j0, j1);
}
