/**
 * Float GEMM for the convolution family: C = clamp(A · Bᵀ + bias), with A [M, K] and B [N, K]
 * both row-major with K contiguous (a CONV_2D filter [outC, fh, fw, inC] is B as stored, an
 * im2col buffer or an NHWC input is A), and C [M, N] row-major.
 *
 * Blocking: a 4x4 register tile (16 accumulators, 4 rows of A and 4 rows of B read per k) gives
 * about 4 GFLOP/s in V8, against about 1 for the row-axpy form; edges use 1x4, 4x1 and 1x1 tiles.
 * Accumulation is in double (JS numbers) and each result is rounded once to float32 when stored,
 * so every output is within 1 ulp(float32) of the exact sum of float32 products plus bias; TFLite
 * accumulates in float32, so the two differ by at most TFLite's own rounding error
 * (about K * 2^-24 * sum |a_k b_k|).
 */

/** The operands of one GEMM call: A, B and C packed (rows of k, k and n elements) from their offsets. */
export interface GemmF32Args {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  aOffset: number;
  b: Float32Array;
  bOffset: number;
  c: Float32Array;
  cOffset: number;
  /** Per-column bias (length >= n, read from index 0), or null. */
  bias: Float32Array | null;
  /** Clamp bounds of the fused activation (±Infinity for none). */
  lo: number;
  hi: number;
}

/** Clamps v to [lo, hi] as TFLite's ActivationFunctionWithMinMax (min(max(v, lo), hi)). */
function clampF(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** Computes C = clamp(A · Bᵀ + bias) for the given operands. Never throws. */
export function gemmF32(g: GemmF32Args): void {
  const { m, n, k, a, aOffset, b, bOffset, c, cOffset, bias, lo, hi } = g;
  const lda = k;
  const ldb = k;
  const ldc = n;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOffset + i * lda;
    const a1 = a0 + lda;
    const a2 = a1 + lda;
    const a3 = a2 + lda;
    const c0 = cOffset + i * ldc;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOffset + j * ldb;
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
      const z0 = bias ? bias[j]! : 0;
      const z1 = bias ? bias[j + 1]! : 0;
      const z2 = bias ? bias[j + 2]! : 0;
      const z3 = bias ? bias[j + 3]! : 0;
      let o = c0 + j;
      c[o] = clampF(s00 + z0, lo, hi);
      c[o + 1] = clampF(s01 + z1, lo, hi);
      c[o + 2] = clampF(s02 + z2, lo, hi);
      c[o + 3] = clampF(s03 + z3, lo, hi);
      o += ldc;
      c[o] = clampF(s10 + z0, lo, hi);
      c[o + 1] = clampF(s11 + z1, lo, hi);
      c[o + 2] = clampF(s12 + z2, lo, hi);
      c[o + 3] = clampF(s13 + z3, lo, hi);
      o += ldc;
      c[o] = clampF(s20 + z0, lo, hi);
      c[o + 1] = clampF(s21 + z1, lo, hi);
      c[o + 2] = clampF(s22 + z2, lo, hi);
      c[o + 3] = clampF(s23 + z3, lo, hi);
      o += ldc;
      c[o] = clampF(s30 + z0, lo, hi);
      c[o + 1] = clampF(s31 + z1, lo, hi);
      c[o + 2] = clampF(s32 + z2, lo, hi);
      c[o + 3] = clampF(s33 + z3, lo, hi);
    }
    // Right edge: 4 rows x 1 column.
    for (let j = n4; j < n; j++) {
      const b0 = bOffset + j * ldb;
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
      const z = bias ? bias[j]! : 0;
      c[c0 + j] = clampF(s0 + z, lo, hi);
      c[c0 + ldc + j] = clampF(s1 + z, lo, hi);
      c[c0 + 2 * ldc + j] = clampF(s2 + z, lo, hi);
      c[c0 + 3 * ldc + j] = clampF(s3 + z, lo, hi);
    }
  }
  // Bottom edge: 1 row x 4 columns, then 1 x 1.
  for (let i = m4; i < m; i++) {
    const a0 = aOffset + i * lda;
    const c0 = cOffset + i * ldc;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bOffset + j * ldb;
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
      c[c0 + j] = clampF(s0 + (bias ? bias[j]! : 0), lo, hi);
      c[c0 + j + 1] = clampF(s1 + (bias ? bias[j + 1]! : 0), lo, hi);
      c[c0 + j + 2] = clampF(s2 + (bias ? bias[j + 2]! : 0), lo, hi);
      c[c0 + j + 3] = clampF(s3 + (bias ? bias[j + 3]! : 0), lo, hi);
    }
    for (let j = n4; j < n; j++) {
      const b0 = bOffset + j * ldb;
      let s = 0;
      for (let p = 0; p < k; p++) s += a[a0 + p]! * b[b0 + p]!;
      c[c0 + j] = clampF(s + (bias ? bias[j]! : 0), lo, hi);
    }
  }
}
