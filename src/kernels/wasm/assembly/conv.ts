// CONV_2D over NHWC tensors: a GEMM of the im2col matrix (one row of fh*fw*inC values per output
// pixel) with the packed filter. A 1x1 stride-1 convolution multiplies the input in place (its
// pixels already are the im2col rows); other shapes build im2col rows in blocks of a few pixels
// in a per-thread scratch buffer, so the block stays in cache while the GEMM consumes it.
// Padding positions hold 0 (float) or the input zero point (quantized: x - zp = 0 there).

import { f32_conv3x3s1c3_tiles, f32_conv3x3s2c3_tiles } from './f32_conv3x3s2';
import { f32_gemm_simd_4x8, packedABytes } from './f32_gemm';
import { pa, pf, pi, splitAt } from './params';
import { q8_conv3x3s1c3_tiles, q8_conv3x3s2c3_tiles } from './q8_conv3x3c3';
import { q8_gemm_simd_4x8c2 } from './q8_gemm';
import { tileRow, widenRows, widenSpan, zero16 } from './widen';

// Parameter words of a convolution job (float and quantized).
export const C_BATCHES = 0;
export const C_IN_H = 1;
export const C_IN_W = 2;
export const C_IN_C = 3;
export const C_OUT_H = 4;
export const C_OUT_W = 5;
export const C_FH = 6;
export const C_FW = 7;
export const C_SH = 8;
export const C_SW = 9;
export const C_DH = 10;
export const C_DW = 11;
export const C_PAD_H = 12;
export const C_PAD_W = 13;
export const C_X = 14;
export const C_B = 15; // packed weights (+ bias for float)
export const C_Y = 16;
export const C_N = 17; // output channels
export const C_LO = 18; // f32 clamp (float)
export const C_HI = 19; // f32 clamp (float)
export const C_SCRATCH = 20; // im2col scratch (per thread: C_SCRATCH + chunk * C_SCRATCH_STRIDE)
export const C_SCRATCH_STRIDE = 21;
export const C_BLOCK = 22; // pixels per im2col block
export const C_RQ = 23; // requantization block (quantized)
export const C_WROWS = 24; // quantized C_DIRECT = 2: offset of the 3 widened input rows in a part's scratch
export const C_ZP_IN = 25; // input zero point (quantized)
export const C_DIRECT = 26; // 1: 1x1, stride 1, no padding: A is the input itself (widened); float 2: 3x3 stride 1 or 2 over 3 channels (f32_conv3x3s2.ts, q8_conv3x3c3.ts)
export const C_SIGNED = 27; // quantized: 1 for int8 activations, 0 for uint8
export const C_HYBRID = 28; // 1: X is the int8 image hybrid.ts quantized (one batch), output float32
export const C_HOFF = 29; // hybrid: address of the image's zero point (int32)
export const C_HRS = 30; // hybrid: address of the image's scale (float32)
export const C_B3 = 31; // quantized C_DIRECT = 2: the weights repacked for q8_conv3x3c3.ts

/**
 * Copies n bytes (small spans: a few pixels of a few channels) without the call overhead of
 * memory.copy: 8 bytes at a time, then bytes.
 */
// @ts-ignore: decorator
@inline
function copySmall(dst: usize, src: usize, n: usize): void {
  if (n > 64) {
    memory.copy(dst, src, n);
    return;
  }
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) store<u64>(dst + i, load<u64>(src + i));
  for (; i < n; i++) store<u8>(dst + i, load<u8>(src + i));
}

/** Fills n bytes with b (small spans, as copySmall). */
// @ts-ignore: decorator
@inline
function fillSmall(dst: usize, b: u8, n: usize): void {
  if (n > 64) {
    memory.fill(dst, b, n);
    return;
  }
  const w = <u64>b * 0x0101010101010101;
  let i: usize = 0;
  for (; i + 8 <= n; i += 8) store<u64>(dst + i, w);
  for (; i < n; i++) store<u8>(dst + i, b);
}

/** Writes im2col rows of `rows` output pixels from pixel q0 to dst; `es` is the element size. */
function im2col(p: usize, q0: i32, rows: i32, dst: usize, es: usize, padByte: i32): void {
  const inH = pi(p, C_IN_H);
  const inW = pi(p, C_IN_W);
  const inC = <usize>pi(p, C_IN_C);
  const outH = pi(p, C_OUT_H);
  const outW = pi(p, C_OUT_W);
  const fh = pi(p, C_FH);
  const fw = pi(p, C_FW);
  const sh = pi(p, C_SH);
  const sw = pi(p, C_SW);
  const dh = pi(p, C_DH);
  const dw = pi(p, C_DW);
  const padH = pi(p, C_PAD_H);
  const padW = pi(p, C_PAD_W);
  const x = pa(p, C_X);
  const pixelBytes = inC * es;
  const rowBytes = <usize>inW * pixelBytes;
  const spanBytes = <usize>fw * pixelBytes;
  const perImage = outH * outW;
  let d = dst;
  for (let q = q0; q < q0 + rows; q++) {
    const b = q / perImage;
    const r = q - b * perImage;
    const oy = r / outW;
    const ox = r - oy * outW;
    const iy0 = oy * sh - padH;
    const ix0 = ox * sw - padW;
    const image = x + <usize>b * <usize>inH * rowBytes;
    const wholeRow = dw == 1 && ix0 >= 0 && ix0 + fw <= inW;
    for (let fy = 0; fy < fh; fy++) {
      const iy = iy0 + fy * dh;
      if (iy < 0 || iy >= inH) {
        fillSmall(d, <u8>padByte, spanBytes);
        d += spanBytes;
        continue;
      }
      const src = image + <usize>iy * rowBytes;
      if (wholeRow) {
        copySmall(d, src + <usize>ix0 * pixelBytes, spanBytes);
        d += spanBytes;
        continue;
      }
      for (let fx = 0; fx < fw; fx++) {
        const ix = ix0 + fx * dw;
        if (ix < 0 || ix >= inW) fillSmall(d, <u8>padByte, pixelBytes);
        else copySmall(d, src + <usize>ix * pixelBytes, pixelBytes);
        d += pixelBytes;
      }
    }
  }
}

/**
 * Job: output pixels of part `chunk` of a float convolution. The part's scratch holds the packed
 * A block (f32_gemm.ts) and, for im2col, the block's im2col rows after it.
 */
export function f32_conv_job(p: usize, chunk: i32, chunks: i32): void {
  const pixels = pi(p, C_BATCHES) * pi(p, C_OUT_H) * pi(p, C_OUT_W);
  const n = pi(p, C_N);
  const k = pi(p, C_FH) * pi(p, C_FW) * pi(p, C_IN_C);
  const q0 = splitAt(pixels, chunk, chunks, 4);
  const q1 = splitAt(pixels, chunk + 1, chunks, 4);
  const b = pa(p, C_B);
  const y = pa(p, C_Y);
  const ldc = (<usize>n) << 2;
  const lo = pf(p, C_LO);
  const hi = pf(p, C_HI);
  const scratch = pa(p, C_SCRATCH) + <usize>chunk * pa(p, C_SCRATCH_STRIDE);
  const block = pi(p, C_BLOCK);
  const direct = pi(p, C_DIRECT);
  if (direct == 1) {
    if (q0 < q1) f32_gemm_simd_4x8(n, k, pa(p, C_X), (<usize>k) << 2, b, y, ldc, lo, hi, q0, q1, 0, n, scratch, block);
    return;
  }
  if (direct == 2) {
    f32Conv3x3c3Rows(p, chunk, chunks, scratch);
    return;
  }
  f32Im2colGemm(p, q0, q1, scratch);
}

/** Output pixels [q0, q1) of a float convolution through im2col blocks and the GEMM. */
function f32Im2colGemm(p: usize, q0: i32, q1: i32, scratch: usize): void {
  const n = pi(p, C_N);
  const k = pi(p, C_FH) * pi(p, C_FW) * pi(p, C_IN_C);
  const ldc = (<usize>n) << 2;
  const b = pa(p, C_B);
  const y = pa(p, C_Y);
  const lo = pf(p, C_LO);
  const hi = pf(p, C_HI);
  const block = pi(p, C_BLOCK);
  const rowsAt = scratch + packedABytes(block, k);
  for (let q = q0; q < q1; q += block) {
    const rows = q + block < q1 ? block : q1 - q;
    im2col(p, q, rows, rowsAt, 4, 0);
    f32_gemm_simd_4x8(n, k, rowsAt, (<usize>k) << 2, b, y + <usize>q * ldc, ldc, lo, hi, 0, rows, 0, n, scratch, block);
  }
}

/**
 * Returns how many groups of 4 output columns, from column oxLo (the first whose window starts
 * inside the image), have their 3-wide windows (stride s, left padding padW) inside a row of inW
 * pixels; outW output columns in all. Both direct 3x3 first-layer paths run those groups.
 */
// @ts-ignore: decorator
@inline
function insideTiles(oxLo: i32, padW: i32, s: i32, inW: i32, outW: i32): i32 {
  let oxHi = (inW - 3 + padW) / s + 1;
  if (inW - 3 + padW < 0) oxHi = 0;
  if (oxHi > outW) oxHi = outW;
  return oxHi > oxLo ? (oxHi - oxLo) >> 2 : 0;
}

/**
 * Output rows of part `chunk` of a 3x3 convolution at stride 1 or 2 over 3 channels (C_DIRECT =
 * 2, dilation 1): per row, the pixels whose windows lie inside the image run 4 at a time on the
 * input itself (f32_conv3x3s2.ts); the others (padding, a row's last 1-3) through im2col.
 */
function f32Conv3x3c3Rows(p: usize, chunk: i32, chunks: i32, scratch: usize): void {
  const inH = pi(p, C_IN_H);
  const inW = pi(p, C_IN_W);
  const outH = pi(p, C_OUT_H);
  const outW = pi(p, C_OUT_W);
  const padH = pi(p, C_PAD_H);
  const padW = pi(p, C_PAD_W);
  const s = pi(p, C_SW); // = C_SH
  const n = pi(p, C_N);
  const x = pa(p, C_X);
  const b = pa(p, C_B);
  const y = pa(p, C_Y);
  const lo = pf(p, C_LO);
  const hi = pf(p, C_HI);
  const rows = pi(p, C_BATCHES) * outH;
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  const rowBytes = <usize>inW * 12;
  // Columns whose windows lie inside the image: [oxLo, oxLo + 4 * tiles).
  const oxLo = (padW + s - 1) / s;
  const tiles = insideTiles(oxLo, padW, s, inW, outW);
  const oxEnd = oxLo + 4 * tiles;
  for (let row = r0; row < r1; row++) {
    const bi = row / outH;
    const oy = row - bi * outH;
    const iy0 = oy * s - padH;
    const q = row * outW;
    if (tiles == 0 || iy0 < 0 || iy0 + 2 >= inH) {
      f32Im2colGemm(p, q, q + outW, scratch);
      continue;
    }
    if (oxLo > 0) f32Im2colGemm(p, q, q + oxLo, scratch);
    const x0 = x + (<usize>bi * <usize>inH + <usize>iy0) * rowBytes + <usize>(oxLo * s - padW) * 12;
    const y0 = y + (<usize>(q + oxLo) * <usize>n << 2);
    if (s == 2) f32_conv3x3s2c3_tiles(x0, rowBytes, tiles, b, n, y0, lo, hi);
    else f32_conv3x3s1c3_tiles(x0, rowBytes, tiles, b, n, y0, lo, hi);
    if (oxEnd < outW) f32Im2colGemm(p, q + oxEnd, q + outW, scratch);
  }
}

/**
 * im2col rows of `rows` output pixels from pixel q0 as int16 x - zp (0 at padding taps), k8 per
 * row: each row is built in `row` (k8 values + 16 bytes of slack) and copied into the 4-row
 * tiles of the block at dst (widen.ts).
 */
function im2col16<T>(p: usize, q0: i32, rows: i32, dst: usize, k8: i32, zp: i32, row: usize): void {
  const inH = pi(p, C_IN_H);
  const inW = pi(p, C_IN_W);
  const inC = <usize>pi(p, C_IN_C);
  const outH = pi(p, C_OUT_H);
  const outW = pi(p, C_OUT_W);
  const fh = pi(p, C_FH);
  const fw = pi(p, C_FW);
  const sh = pi(p, C_SH);
  const sw = pi(p, C_SW);
  const dh = pi(p, C_DH);
  const dw = pi(p, C_DW);
  const padH = pi(p, C_PAD_H);
  const padW = pi(p, C_PAD_W);
  const x = pa(p, C_X);
  const vzp = i16x8.splat(<i16>zp);
  const rowBytes = <usize>inW * inC;
  const span = <usize>fw * inC;
  const tail = <usize>k8 - <usize>fh * span;
  const perImage = outH * outW;
  // The pixel's image, row and column, divided out once and then stepped.
  let b = q0 / perImage;
  let oy = (q0 - b * perImage) / outW;
  let ox = q0 - b * perImage - oy * outW;
  for (let q = q0; q < q0 + rows; q++) {
    const iy0 = oy * sh - padH;
    const ix0 = ox * sw - padW;
    const image = x + <usize>b * <usize>inH * rowBytes;
    const wholeRow = dw == 1 && ix0 >= 0 && ix0 + fw <= inW;
    if (++ox == outW) {
      ox = 0;
      if (++oy == outH) {
        oy = 0;
        b++;
      }
    }
    let d = row;
    for (let fy = 0; fy < fh; fy++) {
      const iy = iy0 + fy * dh;
      if (iy < 0 || iy >= inH) {
        zero16(d, span);
      } else if (wholeRow) {
        widenSpan<T>(d, image + <usize>iy * rowBytes + <usize>ix0 * inC, span, vzp, zp);
      } else {
        const src = image + <usize>iy * rowBytes;
        for (let fx = 0; fx < fw; fx++) {
          const ix = ix0 + fx * dw;
          const dd = d + ((<usize>fx * inC) << 1);
          if (ix < 0 || ix >= inW) zero16(dd, inC);
          else widenSpan<T>(dd, src + <usize>ix * inC, inC, vzp, zp);
        }
      }
      d += span << 1;
    }
    zero16(d, tail);
    tileRow(dst, q - q0, row, k8);
  }
}

/**
 * Job: output pixels of part `chunk` of a quantized (uint8 / int8) convolution: per block of
 * pixels, operand A as int16 rows (the input's own pixels for 1x1 stride-1 convolutions, im2col
 * rows otherwise) in this part's scratch, then the GEMM.
 */
export function q8_conv_job(p: usize, chunk: i32, chunks: i32): void {
  const scratch = pa(p, C_SCRATCH) + <usize>chunk * pa(p, C_SCRATCH_STRIDE);
  if (pi(p, C_DIRECT) == 2) {
    q8Conv3x3c3Rows(p, chunk, chunks, scratch);
    return;
  }
  const pixels = pi(p, C_BATCHES) * pi(p, C_OUT_H) * pi(p, C_OUT_W);
  const q0 = splitAt(pixels, chunk, chunks, 4);
  const q1 = splitAt(pixels, chunk + 1, chunks, 4);
  q8ConvPixels(p, q0, q1, scratch);
}

/** Output pixels [q0, q1) of a quantized convolution: int16 A blocks (widened input or im2col) and the GEMM. */
function q8ConvPixels(p: usize, q0: i32, q1: i32, scratch: usize): void {
  const n = pi(p, C_N);
  const k = pi(p, C_FH) * pi(p, C_FW) * pi(p, C_IN_C);
  const k8 = ((k + 7) >> 3) << 3;
  const b = pa(p, C_B);
  const y = pa(p, C_Y);
  const rq = pa(p, C_RQ);
  const hybrid = pi(p, C_HYBRID) != 0;
  const zp = hybrid ? load<i32>(pa(p, C_HOFF)) : pi(p, C_ZP_IN);
  const signed = hybrid || pi(p, C_SIGNED) != 0;
  const direct = pi(p, C_DIRECT) == 1;
  const x = pa(p, C_X);
  const ldc = hybrid ? <usize>n << 2 : <usize>n;
  const block = pi(p, C_BLOCK);
  // im2col: one row is built after the block's tiles, then copied into them.
  const staging = scratch + (<usize>block * <usize>k8 << 1);
  for (let q = q0; q < q1; q += block) {
    const rows = q + block < q1 ? block : q1 - q;
    if (direct) widenRows(signed, x + <usize>q * <usize>k, <usize>k, rows, k, scratch, k8, zp, 0);
    else if (signed) im2col16<i8>(p, q, rows, scratch, k8, zp, staging);
    else im2col16<u8>(p, q, rows, scratch, k8, zp, staging);
    q8_gemm_simd_4x8c2(n, k, scratch, <usize>k8 << 1, b, rq, y + <usize>q * ldc, ldc, 0, rows, 0, n, pa(p, C_HRS), 0);
  }
}

/**
 * Output rows of part `chunk` of a quantized 3x3 convolution at stride 1 or 2 over 3 channels
 * (C_DIRECT = 2, dilation 1): per row, its 3 input rows are widened into the scratch and the
 * pixels whose windows lie inside the image run 4 at a time on them (q8_conv3x3c3.ts); the
 * others (padding, a row's last 1-3) through im2col.
 */
function q8Conv3x3c3Rows(p: usize, chunk: i32, chunks: i32, scratch: usize): void {
  const inH = pi(p, C_IN_H);
  const inW = pi(p, C_IN_W);
  const outH = pi(p, C_OUT_H);
  const outW = pi(p, C_OUT_W);
  const padH = pi(p, C_PAD_H);
  const padW = pi(p, C_PAD_W);
  const s = pi(p, C_SW); // = C_SH
  const n = pi(p, C_N);
  const x = pa(p, C_X);
  const b3 = pa(p, C_B3);
  const rq = pa(p, C_RQ);
  const y = pa(p, C_Y);
  const zp = pi(p, C_ZP_IN);
  const vzp = i16x8.splat(<i16>zp);
  const signed = pi(p, C_SIGNED) != 0;
  const rows = pi(p, C_BATCHES) * outH;
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  const rowBytes = <usize>inW * 3;
  const wrows = scratch + pa(p, C_WROWS);
  // Widened rows: inW * 3 int16 values + slack (the last pair's partner, whole-vector stores).
  const wStride = ((rowBytes << 1) + 31) & ~15;
  // Columns whose windows lie inside the image: [oxLo, oxLo + 4 * tiles).
  const oxLo = (padW + s - 1) / s;
  const tiles = insideTiles(oxLo, padW, s, inW, outW);
  const oxEnd = oxLo + 4 * tiles;
  for (let row = r0; row < r1; row++) {
    const bi = row / outH;
    const oy = row - bi * outH;
    const iy0 = oy * s - padH;
    const q = row * outW;
    if (tiles == 0 || iy0 < 0 || iy0 + 2 >= inH) {
      q8ConvPixels(p, q, q + outW, scratch);
      continue;
    }
    if (oxLo > 0) q8ConvPixels(p, q, q + oxLo, scratch);
    const src = x + (<usize>bi * <usize>inH + <usize>iy0) * rowBytes;
    for (let fy: usize = 0; fy < 3; fy++) {
      if (signed) widenSpan<i8>(wrows + fy * wStride, src + fy * rowBytes, rowBytes, vzp, zp);
      else widenSpan<u8>(wrows + fy * wStride, src + fy * rowBytes, rowBytes, vzp, zp);
    }
    const x0 = wrows + (<usize>(oxLo * s - padW) * 6);
    const y0 = y + <usize>(q + oxLo) * <usize>n;
    if (s == 2) q8_conv3x3s2c3_tiles(x0, wStride, tiles, b3, n, rq, y0);
    else q8_conv3x3s1c3_tiles(x0, wStride, tiles, b3, n, rq, y0);
    if (oxEnd < outW) q8ConvPixels(p, q + oxEnd, q + outW, scratch);
  }
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
export const Q_RQ = 8;
export const Q_SIGNED = 9; // 1 for int8 activations
export const Q_ZP_IN = 10;
export const Q_SCRATCH = 11; // per part: Q_SCRATCH + chunk * Q_SCRATCH_STRIDE
export const Q_SCRATCH_STRIDE = 12;
export const Q_BLOCK = 13; // rows widened at a time
export const Q_HYBRID = 14; // 1: A holds int8 rows hybrid.ts quantized, output float32
export const Q_HOFF = 15; // hybrid: zero point of each row (int32)
export const Q_HRS = 16; // hybrid: scale of each row (float32)

/**
 * Job: part `chunk` of a quantized GEMM (fully connected): rows when there are enough, else
 * column blocks; the part widens the rows it needs, a block at a time, into its scratch.
 */
export function q8_gemm_job(p: usize, chunk: i32, chunks: i32): void {
  const m = pi(p, Q_M);
  const n = pi(p, Q_N);
  const k = pi(p, Q_K);
  const k8 = ((k + 7) >> 3) << 3;
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
  const a = pa(p, Q_A);
  const lda = pa(p, Q_LDA);
  const c = pa(p, Q_C);
  const ldc = pa(p, Q_LDC);
  const scratch = pa(p, Q_SCRATCH) + <usize>chunk * pa(p, Q_SCRATCH_STRIDE);
  const block = pi(p, Q_BLOCK);
  const hybrid = pi(p, Q_HYBRID) != 0;
  const signed = hybrid || pi(p, Q_SIGNED) != 0;
  const off = pa(p, Q_HOFF);
  for (let i = i0; i < i1; i += block) {
    const rows = i + block < i1 ? block : i1 - i;
    if (hybrid) {
      // Each row has its own zero point.
      for (let r = 0; r < rows; r++) {
        const row = <usize>(i + r);
        widenRows(true, a + row * lda, lda, 1, k, scratch, k8, load<i32>(off + (row << 2)), r);
      }
    } else {
      widenRows(signed, a + <usize>i * lda, lda, rows, k, scratch, k8, pi(p, Q_ZP_IN), 0);
    }
    const rs = pa(p, Q_HRS) + (<usize>i << 2);
    q8_gemm_simd_4x8c2(n, k, scratch, <usize>k8 << 1, pa(p, Q_B), pa(p, Q_RQ), c + <usize>i * ldc, ldc, 0, rows, j0, j1, rs, 4);
  }
}
