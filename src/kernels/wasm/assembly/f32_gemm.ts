// f32 GEMM with a 4x8 register tile: C[i][j] = clamp(bias[j] + sum_k A[i][k] * B[j][k], lo, hi).
// A is row-major with a row stride in bytes (the NHWC input itself for 1x1 convolutions, an im2col
// buffer otherwise); C is row-major (NHWC output).
//
// Packed B (written once at allocateTensors by src/kernels/wasm/packing.ts): blocks of 8 output columns; block jb holds, for
// each k, the 8 weights of columns 8jb..8jb+7 (zero past n), then the packed bias follows all
// blocks as ceil(n/8)*8 floats.
//
// Packed A (per block of rows, at run time, in the job's scratch): tiles of 4 rows, each tile
// [k][4] (the 4 rows' values of one k side by side). The tile step then reads its 4 activations
// from one pointer at constant offsets 0, 4, 8, 12 (v128.load32_splat with an immediate offset),
// where 4 row pointers cost V8 an address add per row per k: 21-22 GMAC/s against 17 on
// 1x1 convolutions of 128-512 channels (Node 20, this machine's EPYC), and the repacking is read
// n/8 times for the cost of one copy. One tile step loads 2 B vectors and 4 splatted A values and
// does 8 multiply-adds of 4 lanes: 32 MACs, 8 accumulators in registers. Unrolling k (by 2 or 4,
// with or without one v128 load of 4 activations and shuffles) and 6x8 tiles were measured
// 25-40% slower: V8 then spills accumulators (it allocates 15 of the 16 xmm registers).
//
// A short last tile repeats its last row (same A values, same C pointer), which computes and
// stores identical values: no separate edge kernel.
//
// The clamp is f32x4.pmax then f32x4.pmin: pmax(v, lo) = v < lo ? lo : v and pmin(v, hi) =
// hi < v ? hi : v are exactly TFLite's min(max(v, lo), hi) (NaN passes through) and one
// instruction each on x64, where f32x4.min/max cost ~7 (their NaN and -0 rules): +50% on k = 8.
//
// Float bound: each output is a float32 sum of k products in k order starting from the bias,
// |error| <= k * 2^-24 * sum |terms| (the reference accumulates in double and rounds once).

import { fmadd } from './fma';
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
export const G_SCRATCH = 10; // packed A, per part: G_SCRATCH + chunk * G_SCRATCH_STRIDE
export const G_SCRATCH_STRIDE = 11;
export const G_BLOCK = 12; // rows packed at a time (multiple of 4)

/** Bytes of `rows` rows of k floats packed as 4-row tiles. */
// @ts-ignore: decorator
@inline
export function packedABytes(rows: i32, k: i32): usize {
  return <usize>((rows + 3) & ~3) * (<usize>k << 2);
}

/**
 * Packs `rows` rows of A (k floats each, row stride lda bytes) at dst as 4-row tiles [k][4]; a
 * short last tile repeats its last row.
 */
export function packA4(a: usize, lda: usize, k: i32, rows: i32, dst: usize): void {
  const kBytes = <usize>k << 2;
  const k4 = <usize>(k & ~3) << 2;
  let d = dst;
  for (let i = 0; i < rows; i += 4) {
    const a0 = a + <usize>i * lda;
    const a1 = i + 1 < rows ? a0 + lda : a0;
    const a2 = i + 2 < rows ? a1 + lda : a1;
    const a3 = i + 3 < rows ? a2 + lda : a2;
    let kk: usize = 0;
    // 4 k of 4 rows: a 4x4 transpose.
    for (; kk < k4; kk += 16) {
      const r0 = v128.load(a0 + kk);
      const r1 = v128.load(a1 + kk);
      const r2 = v128.load(a2 + kk);
      const r3 = v128.load(a3 + kk);
      const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
      const t2 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
      const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
      v128.store(d, i64x2.shuffle(t0, t1, 0, 2));
      v128.store(d, i64x2.shuffle(t0, t1, 1, 3), 16);
      v128.store(d, i64x2.shuffle(t2, t3, 0, 2), 32);
      v128.store(d, i64x2.shuffle(t2, t3, 1, 3), 48);
      d += 64;
    }
    for (; kk < kBytes; kk += 4) {
      store<f32>(d, load<f32>(a0 + kk));
      store<f32>(d, load<f32>(a1 + kk), 4);
      store<f32>(d, load<f32>(a2 + kk), 8);
      store<f32>(d, load<f32>(a3 + kk), 12);
      d += 16;
    }
  }
}

// @ts-ignore: decorator
@inline
export function clamp(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** Clamps 8 sums of one output row (v0: columns 0-3, v1: 4-7) to [lo, hi] and stores the first nr of them at c. */
// @ts-ignore: decorator
@inline
export function storeRow(c: usize, v0: v128, v1: v128, nr: i32, lo: v128, hi: v128): void {
  const a = clamp(v0, lo, hi);
  const b = clamp(v1, lo, hi);
  if (nr >= 8) {
    v128.store(c, a);
    v128.store(c, b, 16);
  } else {
    storePartial(c, a, b, nr);
  }
}

/**
 * Rows [0, rows) and column blocks [j0, j1) (j0 a multiple of 8, j1 one or n) of the GEMM with
 * A packed by packA4 at ap; C row 0 at c.
 */
export function f32_gemm_packed_4x8(
  n: i32,
  k: i32,
  ap: usize,
  rows: i32,
  b: usize,
  c: usize,
  ldc: usize,
  lo: f32,
  hi: f32,
  j0: i32,
  j1: i32,
): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const blocks = (n + 7) >> 3;
  const tileBytes = <usize>k << 4;
  const blockBytes = <usize>k << 5;
  const pbias = b + <usize>blocks * blockBytes;
  for (let j = j0; j < j1; j += 8) {
    const pbBase = b + <usize>(j >> 3) * blockBytes;
    const bias0 = v128.load(pbias + (<usize>j << 2));
    const bias1 = v128.load(pbias + (<usize>j << 2), 16);
    const nr = n - j;
    let tile = ap;
    for (let i = 0; i < rows; i += 4) {
      const c0 = c + <usize>i * ldc + (<usize>j << 2);
      const c1 = i + 1 < rows ? c0 + ldc : c0;
      const c2 = i + 2 < rows ? c1 + ldc : c1;
      const c3 = i + 3 < rows ? c2 + ldc : c2;
      let acc00 = bias0,
        acc01 = bias1,
        acc10 = bias0,
        acc11 = bias1,
        acc20 = bias0,
        acc21 = bias1,
        acc30 = bias0,
        acc31 = bias1;
      let pb = pbBase;
      let p = tile;
      const end = tile + tileBytes;
      while (p < end) {
        const w0 = v128.load(pb);
        const w1 = v128.load(pb, 16);
        pb += 32;
        const x0 = v128.load32_splat(p);
        acc00 = fmadd(x0, w0, acc00);
        acc01 = fmadd(x0, w1, acc01);
        const x1 = v128.load32_splat(p, 4);
        acc10 = fmadd(x1, w0, acc10);
        acc11 = fmadd(x1, w1, acc11);
        const x2 = v128.load32_splat(p, 8);
        acc20 = fmadd(x2, w0, acc20);
        acc21 = fmadd(x2, w1, acc21);
        const x3 = v128.load32_splat(p, 12);
        acc30 = fmadd(x3, w0, acc30);
        acc31 = fmadd(x3, w1, acc31);
        p += 16;
      }
      tile = end;
      // Rows past the matrix alias the row before them (c1..c3 above): from row 3 down, each
      // valid row is written last with its own sums.
      storeRow(c3, acc30, acc31, nr, vlo, vhi);
      storeRow(c2, acc20, acc21, nr, vlo, vhi);
      storeRow(c1, acc10, acc11, nr, vlo, vhi);
      storeRow(c0, acc00, acc01, nr, vlo, vhi);
    }
  }
}

/**
 * Rows [i0, i1) and column blocks [j0, j1) of the GEMM, A packed `block` rows at a time (a
 * multiple of 4) into `scratch` (packedABytes(block, k) bytes).
 */
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
  scratch: usize,
  block: i32,
): void {
  if (i1 - i0 == 1) {
    f32_gemm_row(n, k, a + <usize>i0 * lda, b, c + <usize>i0 * ldc, lo, hi, j0, j1);
    return;
  }
  for (let i = i0; i < i1; i += block) {
    const rows = i + block < i1 ? block : i1 - i;
    packA4(a + <usize>i * lda, lda, k, rows, scratch);
    f32_gemm_packed_4x8(n, k, scratch, rows, b, c + <usize>i * ldc, ldc, lo, hi, j0, j1);
  }
}

/**
 * One row of A (batch-1 fully connected layers, a 1x1 convolution of one pixel), column blocks
 * [j0, j1): 4 column blocks at a time (8 accumulators, one splat of A per k), so no tile computes
 * 4 copies of the row: the 4x8 tile ran at a quarter of its rate there (256 x 1001 head of
 * mobilenet_v1_0.25: 0.059 ms).
 */
function f32_gemm_row(n: i32, k: i32, a: usize, b: usize, c: usize, lo: f32, hi: f32, j0: i32, j1: i32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const blocks = (n + 7) >> 3;
  const kBytes = <usize>k << 2;
  const blockBytes = <usize>k << 5;
  const pbias = b + <usize>blocks * blockBytes;
  let j = j0;
  for (; j + 32 <= j1; j += 32) {
    let p0 = b + <usize>(j >> 3) * blockBytes;
    let p1 = p0 + blockBytes;
    let p2 = p1 + blockBytes;
    let p3 = p2 + blockBytes;
    const pj = pbias + (<usize>j << 2);
    let acc0 = v128.load(pj),
      acc1 = v128.load(pj, 16),
      acc2 = v128.load(pj, 32),
      acc3 = v128.load(pj, 48),
      acc4 = v128.load(pj, 64),
      acc5 = v128.load(pj, 80),
      acc6 = v128.load(pj, 96),
      acc7 = v128.load(pj, 112);
    for (let kk: usize = 0; kk < kBytes; kk += 4) {
      const x = v128.load32_splat(a + kk);
      acc0 = fmadd(x, v128.load(p0), acc0);
      acc1 = fmadd(x, v128.load(p0, 16), acc1);
      acc2 = fmadd(x, v128.load(p1), acc2);
      acc3 = fmadd(x, v128.load(p1, 16), acc3);
      acc4 = fmadd(x, v128.load(p2), acc4);
      acc5 = fmadd(x, v128.load(p2, 16), acc5);
      acc6 = fmadd(x, v128.load(p3), acc6);
      acc7 = fmadd(x, v128.load(p3, 16), acc7);
      p0 += 32;
      p1 += 32;
      p2 += 32;
      p3 += 32;
    }
    const cj = c + (<usize>j << 2);
    v128.store(cj, clamp(acc0, vlo, vhi));
    v128.store(cj, clamp(acc1, vlo, vhi), 16);
    v128.store(cj, clamp(acc2, vlo, vhi), 32);
    v128.store(cj, clamp(acc3, vlo, vhi), 48);
    v128.store(cj, clamp(acc4, vlo, vhi), 64);
    v128.store(cj, clamp(acc5, vlo, vhi), 80);
    v128.store(cj, clamp(acc6, vlo, vhi), 96);
    v128.store(cj, clamp(acc7, vlo, vhi), 112);
  }
  for (; j < j1; j += 8) {
    let p0 = b + <usize>(j >> 3) * blockBytes;
    let acc0 = v128.load(pbias + (<usize>j << 2));
    let acc1 = v128.load(pbias + (<usize>j << 2), 16);
    for (let kk: usize = 0; kk < kBytes; kk += 4) {
      const x = v128.load32_splat(a + kk);
      acc0 = fmadd(x, v128.load(p0), acc0);
      acc1 = fmadd(x, v128.load(p0, 16), acc1);
      p0 += 32;
    }
    storeRow(c + (<usize>j << 2), acc0, acc1, n - j, vlo, vhi);
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
  const scratch = pa(p, G_SCRATCH) + <usize>chunk * pa(p, G_SCRATCH_STRIDE);
  f32_gemm_simd_4x8(
    n,
    pi(p, G_K),
    pa(p, G_A),
    pa(p, G_LDA),
    pa(p, G_B),
    pa(p, G_C),
    pa(p, G_LDC),
    pf(p, G_LO),
    pf(p, G_HI),
    i0,
    i1,
    j0,
    j1,
    scratch,
    pi(p, G_BLOCK),
  );
}
