/**
 * Integer GEMM for the quantized convolution family: ACC = A · Bᵀ with A [M, K] and B [N, K]
 * row-major int16 (K contiguous) and ACC [M, N] row-major float64.
 *
 * The quantized kernels bring both operands to this form first: A holds (input - input zero
 * point) — from int8/uint8 that is in [-255, 255], int16 inputs have zero point 0 — and B holds
 * (weight - weight zero point). So the products are exactly TFLite's `filter_val * (input_val +
 * input_offset)` terms and no zero-point correction is needed afterwards.
 *
 * Exactness: every product is below 2^23 in magnitude and the sums are accumulated in doubles,
 * which are exact integers up to 2^53, so ACC is the exact (int64) sum for K < 2^30. The 8-bit
 * kernels then wrap it to int32 (`| 0`) as TFLite's int32 accumulator does; the 16x8 kernels use
 * it as TFLite's int64 accumulator.
 *
 * Blocking as in gemm_f32.ts: 4x4 register tiles, 4x1 / 1x4 / 1x1 edges. The two are kept apart
 * on purpose: one function over both element types makes V8's loads polymorphic, which measured
 * 15-24% slower for both (256x64x288 GEMM, Node 20).
 */

/** The operands of one integer GEMM call: A, B and ACC packed from index 0 (rows of k, k and n elements). */
export interface GemmIntArgs {
  m: number;
  n: number;
  k: number;
  a: Int16Array;
  b: Int16Array;
  acc: Float64Array;
}

/** Computes ACC = A · Bᵀ exactly for the given operands. Never throws. */
export function gemmInt(g: GemmIntArgs): void {
  const { m, n, k, a, b, acc } = g;
  const lda = k;
  const ldb = k;
  const ldacc = n;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = i * ldacc;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s00 = 0,
        s01 = 0,
        s02 = 0,
        s03 = 0;
      let s10 = 0,
        s11 = 0,
        s12 = 0,
        s13 = 0;
      let s20 = 0,
        s21 = 0,
        s22 = 0,
        s23 = 0;
      let s30 = 0,
        s31 = 0,
        s32 = 0,
        s33 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = a[a0 + p]!;
        const x1 = a[a1 + p]!;
        const x2 = a[a2 + p]!;
        const x3 = a[a3 + p]!;
        const y0 = b[b0 + p]!;
        const y1 = b[b1 + p]!;
        const y2 = b[b2 + p]!;
        const y3 = b[b3 + p]!;
        s00 += x0 * y0;
        s01 += x0 * y1;
        s02 += x0 * y2;
        s03 += x0 * y3;
        s10 += x1 * y0;
        s11 += x1 * y1;
        s12 += x1 * y2;
        s13 += x1 * y3;
        s20 += x2 * y0;
        s21 += x2 * y1;
        s22 += x2 * y2;
        s23 += x2 * y3;
        s30 += x3 * y0;
        s31 += x3 * y1;
        s32 += x3 * y2;
        s33 += x3 * y3;
      }
      let o = c0 + j;
      acc[o] = s00;
      acc[o + 1] = s01;
      acc[o + 2] = s02;
      acc[o + 3] = s03;
      o += ldacc;
      acc[o] = s10;
      acc[o + 1] = s11;
      acc[o + 2] = s12;
      acc[o + 3] = s13;
      o += ldacc;
      acc[o] = s20;
      acc[o + 1] = s21;
      acc[o + 2] = s22;
      acc[o + 3] = s23;
      o += ldacc;
      acc[o] = s30;
      acc[o + 1] = s31;
      acc[o + 2] = s32;
      acc[o + 3] = s33;
    }
    for (let j = n4; j < n; j++) {
      const b0 = j * ldb;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = 0; p < k; p++) {
        const y = b[b0 + p]!;
        s0 += a[a0 + p]! * y;
        s1 += a[a1 + p]! * y;
        s2 += a[a2 + p]! * y;
        s3 += a[a3 + p]! * y;
      }
      acc[c0 + j] = s0;
      acc[c0 + ldacc + j] = s1;
      acc[c0 + 2 * ldacc + j] = s2;
      acc[c0 + 3 * ldacc + j] = s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const a0 = i * lda;
    const c0 = i * ldacc;
    for (let j = 0; j < n4; j += 4) {
      const b0 = j * ldb;
      const b1 = b0 + ldb;
      const b2 = b1 + ldb;
      const b3 = b2 + ldb;
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = 0; p < k; p++) {
        const x = a[a0 + p]!;
        s0 += x * b[b0 + p]!;
        s1 += x * b[b1 + p]!;
        s2 += x * b[b2 + p]!;
        s3 += x * b[b3 + p]!;
      }
      acc[c0 + j] = s0;
      acc[c0 + j + 1] = s1;
      acc[c0 + j + 2] = s2;
      acc[c0 + j + 3] = s3;
    }
    for (let j = n4; j < n; j++) {
      const b0 = j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * b[b0 + p]!;
      acc[c0 + j] = s;
    }
  }
}
