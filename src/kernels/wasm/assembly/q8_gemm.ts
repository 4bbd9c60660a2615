// Quantized (uint8 / int8) GEMM with a 4x8 tile and int16 dot products, then TFLite's
// requantization (requantize.ts):
//   acc[i][j] = bias'[j] + sum_k a[i][k] * w'[j][k]
// where a = x - inputZeroPoint as int16 (widen.ts writes A that way, from im2col rows or input
// rows, in tiles of 4 rows), and w' = (w - filterZeroPoint) * 2^(1 + left) (or unscaled in the
// scalar mode), bias' likewise: the exact int32 sum TFLite's reference forms, times the factor
// the requantization expects.
//
// "c2" packing (src/kernels/wasm/packing.ts): per 8-column block and per pair of k, two vectors of 8 int16
//   [w'(j0,k) w'(j0,k+1) w'(j1,k) w'(j1,k+1) w'(j2,k) w'(j2,k+1) w'(j3,k) w'(j3,k+1)] and columns 4..7,
// k zero-padded to k8, a multiple of 8. A's rows have k8 int16 values too (zeros past k), so the
// pair (a[k], a[k+1]) is one 32-bit word, and the 4 rows' words of a pair are adjacent (widen.ts):
// v128.load32_splat repeats each in the 4 lanes (a plain broadcast load on x64, no shuffle), and
// i32x4.dot_i16x8_s with a block vector gives the 4 columns' sums directly. Per k pair: 2 B loads,
// 4 A broadcasts at constant offsets from one pointer, 8 dot products + 8 adds for 64 MACs, 2
// pointer adds; 8 accumulators, which start from the bias. Measured on the same machine: one
// pointer per A row (4 adds per pair) was 8% slower on mobilenet_v2's 1x1 convolutions, an
// address add per load ~20% slower, and bodies of 2 or 4 pairs slower still (V8 hoists all
// their loads and spills). The 1x1 convolutions run at ~29-32 GMAC/s (the dot-product peak is
// ~38); on small k most of the rest is the requantization.

import { pa, pi, splitAt } from './params';
import {
  RQ_CLAMP,
  RQ_MODE,
  RQ_QMAX,
  RQ_QMIN,
  RQ_SHIFT,
  RQ_SIGNED,
  RQA_BIAS,
  hybridOut,
  narrow8,
  rqPerChannel,
  rqUniform,
  rqArray,
  rqScalar,
  storePartial,
} from './requantize';

// Stores 8 outputs (or nr < 8) of one row of a tile.
// @ts-ignore: decorator
@inline
function store8(c: usize, v: v128, nr: i32): void {
  if (nr >= 8) v128.store64_lane(c, v, 0);
  else storePartial(c, v, nr);
}

// Mode 2: one row of 8 accumulators, column by column.
function scalarRow(c: usize, acc0: v128, acc1: v128, rq: usize, np: usize, j: usize, nr: i32, signed: bool): void {
  for (let q = 0; q < nr; q++) {
    const v = q < 4 ? acc0 : acc1;
    const l = q & 3;
    const x =
      l == 0 ? i32x4.extract_lane(v, 0) : l == 1 ? i32x4.extract_lane(v, 1) : l == 2 ? i32x4.extract_lane(v, 2) : i32x4.extract_lane(v, 3);
    const r = rqScalar(x, rq, np, j + <usize>q);
    if (signed) store<i8>(c + <usize>q, <i8>r);
    else store<u8>(c + <usize>q, <u8>r);
  }
}

// Mode 3 (hybrid): 8 accumulators of one row as float32 (requantize.ts hybridOut), at c.
// @ts-ignore: decorator
@inline
function storeFloat8(c: usize, acc0: v128, acc1: v128, rq: usize, np: usize, o: usize, rs: usize, nr: i32): void {
  const v0 = hybridOut(acc0, rq, np, o, rs);
  const v1 = hybridOut(acc1, rq, np, o + 16, rs);
  if (nr >= 8) {
    v128.store(c, v0);
    v128.store(c, v1, 16);
    return;
  }
  for (let q = 0; q < nr; q++) {
    const v = q < 4 ? v0 : v1;
    const l = q & 3;
    store<f32>(
      c + (<usize>q << 2),
      l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1) : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3),
    );
  }
}

/**
 * Rows [i0, i1) (i0 a multiple of 4) and columns [j0, j1) (j0 a multiple of 8) of a quantized
 * GEMM of depth k over int16 A rows of k8 = roundUp8(k) values (lda = 2 * k8 bytes) in
 * widen.ts's 4-row tiles from a, packed B, requantization block rq; 8-bit C rows of stride ldc
 * bytes (mode 3: float32 C, row i's input scale at rs + i * rsStride).
 */
export function q8_gemm_simd_4x8c2(
  n: i32,
  k: i32,
  a: usize,
  lda: usize,
  b: usize,
  rq: usize,
  c: usize,
  ldc: usize,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  rs: usize,
  rsStride: usize,
): void {
  // One copy of the tile loops per common mode (the mode a constant in each): the loop then
  // holds no mode tests, and V8 no longer spills the accumulators around them.
  const mode = load<i32>(rq + (<usize>RQ_MODE << 2));
  if (mode == 0) gemmTiles(0, n, k, a, lda, b, rq, c, ldc, i0, i1, j0, j1, rs, rsStride);
  else if (mode == 4) gemmTiles(4, n, k, a, lda, b, rq, c, ldc, i0, i1, j0, j1, rs, rsStride);
  else if (mode == 1) gemmTiles(1, n, k, a, lda, b, rq, c, ldc, i0, i1, j0, j1, rs, rsStride);
  else if (mode == 2) gemmTiles(2, n, k, a, lda, b, rq, c, ldc, i0, i1, j0, j1, rs, rsStride);
  else gemmTiles(3, n, k, a, lda, b, rq, c, ldc, i0, i1, j0, j1, rs, rsStride);
}

// The tiles of q8_gemm_simd_4x8c2 for requantization mode `mode`.
// @ts-ignore: decorator
@inline
function gemmTiles(
  mode: i32,
  n: i32,
  k: i32,
  a: usize,
  lda: usize,
  b: usize,
  rq: usize,
  c: usize,
  ldc: usize,
  i0: i32,
  i1: i32,
  j0: i32,
  j1: i32,
  rs: usize,
  rsStride: usize,
): void {
  const np = <usize>(((n + 7) >> 3) << 3);
  // B blocks hold k8 pairs-rows (k rounded up to 8); the k loop stops after the last pair with a
  // value of k in it (an odd k's partner is 0 in A and B): a 3x3x3 first layer runs 14 pairs, not 16.
  const k8 = ((k + 7) >> 3) << 3;
  const blockBytes = <usize>k8 << 4;
  const pairBytes = <usize>((k + 1) >> 1) << 5;
  const tileBytes = lda << 2; // 4 rows of k8 int16 (widen.ts)
  const s = load<i32>(rq + (<usize>RQ_SHIFT << 2));
  const clamp = load<i32>(rq + (<usize>RQ_CLAMP << 2)) != 0;
  const signed = load<i32>(rq + (<usize>RQ_SIGNED << 2)) != 0;
  const vmin = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMIN << 2)));
  const vmax = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMAX << 2)));
  const biasBase = rqArray(rq, np, RQA_BIAS);
  for (let j = j0; j < j1; j += 8) {
    const pbBase = b + <usize>(j >> 3) * blockBytes;
    const pbEnd = pbBase + pairBytes;
    const nr = j1 - j;
    const o = <usize>j << 2;
    const cj = mode == 3 ? o : <usize>j;
    for (let i = i0; i < i1; i += 4) {
      const c0 = c + <usize>i * ldc + cj;
      const c1 = i + 1 < i1 ? c0 + ldc : c0;
      const c2 = i + 2 < i1 ? c1 + ldc : c1;
      const c3 = i + 3 < i1 ? c2 + ldc : c2;
      let acc00 = v128.load(biasBase + o),
        acc01 = v128.load(biasBase + o, 16),
        acc10 = acc00,
        acc11 = acc01,
        acc20 = acc00,
        acc21 = acc01,
        acc30 = acc00,
        acc31 = acc01;
      // One k pair per loop iteration: V8 then keeps everything in registers (unrolled bodies
      // with immediate offsets were hoisted into all their loads and spilled). The tile's four
      // rows come from one pointer (widen.ts's 4-row tiles), so a pair costs two pointer adds.
      let pb = pbBase;
      let ap = a + <usize>(i >> 2) * tileBytes;
      if (nr <= 4) {
        // A last block of at most 4 columns: the half of the tile with columns 4..7 stays at its
        // bias (those lanes are never stored).
        do {
          const w0 = v128.load(pb);
          acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(v128.load32_splat(ap), w0));
          acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(v128.load32_splat(ap, 4), w0));
          acc20 = i32x4.add(acc20, i32x4.dot_i16x8_s(v128.load32_splat(ap, 8), w0));
          acc30 = i32x4.add(acc30, i32x4.dot_i16x8_s(v128.load32_splat(ap, 12), w0));
          pb += 32;
          ap += 16;
        } while (pb < pbEnd);
      } else do {
        const w0 = v128.load(pb);
        const w1 = v128.load(pb, 16);
        let x = v128.load32_splat(ap);
        acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(x, w0));
        acc01 = i32x4.add(acc01, i32x4.dot_i16x8_s(x, w1));
        x = v128.load32_splat(ap, 4);
        acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(x, w0));
        acc11 = i32x4.add(acc11, i32x4.dot_i16x8_s(x, w1));
        x = v128.load32_splat(ap, 8);
        acc20 = i32x4.add(acc20, i32x4.dot_i16x8_s(x, w0));
        acc21 = i32x4.add(acc21, i32x4.dot_i16x8_s(x, w1));
        x = v128.load32_splat(ap, 12);
        acc30 = i32x4.add(acc30, i32x4.dot_i16x8_s(x, w0));
        acc31 = i32x4.add(acc31, i32x4.dot_i16x8_s(x, w1));
        pb += 32;
        ap += 16;
      } while (pb < pbEnd);
      if (mode == 3) {
        const r0 = rs + <usize>i * rsStride;
        const r1 = i + 1 < i1 ? r0 + rsStride : r0;
        const r2 = i + 2 < i1 ? r1 + rsStride : r1;
        const r3 = i + 3 < i1 ? r2 + rsStride : r2;
        storeFloat8(c3, acc30, acc31, rq, np, o, r3, nr);
        storeFloat8(c2, acc20, acc21, rq, np, o, r2, nr);
        storeFloat8(c1, acc10, acc11, rq, np, o, r1, nr);
        storeFloat8(c0, acc00, acc01, rq, np, o, r0, nr);
        continue;
      }
      storeTile(mode, c0, c1, c2, c3, acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31, rq, np, j, nr, s, clamp, vmin, vmax, signed);
    }
  }
}

// Requantizes a 4x8 tile (modes 0, 1, 2, 4) and stores rows 3, 2, 1, 0 (a short tile's missing
// rows alias the last real one, which is stored last) at c3 .. c0, nr columns from column j.
// @ts-ignore: decorator
@inline
export function storeTile(
  mode: i32,
  c0: usize,
  c1: usize,
  c2: usize,
  c3: usize,
  acc00: v128,
  acc01: v128,
  acc10: v128,
  acc11: v128,
  acc20: v128,
  acc21: v128,
  acc30: v128,
  acc31: v128,
  rq: usize,
  np: usize,
  j: i32,
  nr: i32,
  s: i32,
  clamp: bool,
  vmin: v128,
  vmax: v128,
  signed: bool,
): void {
  const o = <usize>j << 2;
  if (mode == 2) {
    scalarRow(c3, acc30, acc31, rq, np, <usize>j, nr < 8 ? nr : 8, signed);
    scalarRow(c2, acc20, acc21, rq, np, <usize>j, nr < 8 ? nr : 8, signed);
    scalarRow(c1, acc10, acc11, rq, np, <usize>j, nr < 8 ? nr : 8, signed);
    scalarRow(c0, acc00, acc01, rq, np, <usize>j, nr < 8 ? nr : 8, signed);
  } else if (mode == 0) {
    store8(c3, narrow8(rqUniform(acc30, rq, np, o, s), rqUniform(acc31, rq, np, o + 16, s), clamp, vmin, vmax, signed), nr);
    store8(c2, narrow8(rqUniform(acc20, rq, np, o, s), rqUniform(acc21, rq, np, o + 16, s), clamp, vmin, vmax, signed), nr);
    store8(c1, narrow8(rqUniform(acc10, rq, np, o, s), rqUniform(acc11, rq, np, o + 16, s), clamp, vmin, vmax, signed), nr);
    store8(c0, narrow8(rqUniform(acc00, rq, np, o, s), rqUniform(acc01, rq, np, o + 16, s), clamp, vmin, vmax, signed), nr);
  } else if (mode == 4) {
    store8(c3, narrow8(rqPerChannel(acc30, rq, np, o, s, false), rqPerChannel(acc31, rq, np, o + 16, s, false), clamp, vmin, vmax, signed), nr);
    store8(c2, narrow8(rqPerChannel(acc20, rq, np, o, s, false), rqPerChannel(acc21, rq, np, o + 16, s, false), clamp, vmin, vmax, signed), nr);
    store8(c1, narrow8(rqPerChannel(acc10, rq, np, o, s, false), rqPerChannel(acc11, rq, np, o + 16, s, false), clamp, vmin, vmax, signed), nr);
    store8(c0, narrow8(rqPerChannel(acc00, rq, np, o, s, false), rqPerChannel(acc01, rq, np, o + 16, s, false), clamp, vmin, vmax, signed), nr);
  } else {
    store8(c3, narrow8(rqPerChannel(acc30, rq, np, o, s, true), rqPerChannel(acc31, rq, np, o + 16, s, true), clamp, vmin, vmax, signed), nr);
    store8(c2, narrow8(rqPerChannel(acc20, rq, np, o, s, true), rqPerChannel(acc21, rq, np, o + 16, s, true), clamp, vmin, vmax, signed), nr);
    store8(c1, narrow8(rqPerChannel(acc10, rq, np, o, s, true), rqPerChannel(acc11, rq, np, o + 16, s, true), clamp, vmin, vmax, signed), nr);
    store8(c0, narrow8(rqPerChannel(acc00, rq, np, o, s, true), rqPerChannel(acc01, rq, np, o + 16, s, true), clamp, vmin, vmax, signed), nr);
  }
}
