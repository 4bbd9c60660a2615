// Quantized (uint8 / int8) CONV_2D, 3x3 windows at stride 2 or 1 over a 3-channel image (the
// first layer of image models), without im2col: the counterpart of f32_conv3x3s2.ts. The three
// input rows of an output row are widened once to int16 x - inputZeroPoint (widen.ts's values,
// exactly what im2col would write) into the scratch; for 4 output pixels side by side whose
// windows lie inside the image, pixel i's value at (fy, fx, c) is then at row fy, byte
// (ix0 * 3 + fx * 3 + c) * 2 + i * 6 * stride. Along one window row the 9 values m = fx * 3 + c
// are contiguous, so the pairs (m, m + 1) of q8_gemm.ts's int16 dot products are 32-bit words
// read in place: per window row 5 pairs (m = 0, 2, 4, 6, 8), the last one's partner m = 9 (the
// next pixel's channel 0, or the row's slack) meets a zero weight. Weights are repacked for it
// (conv_2d_wasm.ts: per 8-column block 15 pairs of the GEMM's c2 vectors, k = fy * 9 + m), so
// a tile runs 15 pairs instead of the GEMM's 14 but builds no im2col rows: the sums are the
// same integers (wrapping int32 adds in another order), the accumulators start from the same
// bias and go through the same requantization (q8_gemm.ts storeTile), so the bytes equal the
// im2col path's.

import { storeTile } from './q8_gemm';
import { RQA_BIAS, RQ_CLAMP, RQ_MODE, RQ_QMAX, RQ_QMIN, RQ_SHIFT, RQ_SIGNED, rqArray } from './requantize';

/** Bytes of one 8-column block of the repacked weights: 3 window rows x 5 pairs x 2 vectors. */
export const Q8C3_BLOCK_BYTES: usize = 15 * 32;

/**
 * 4 * tiles output pixels of one row, every window inside the image: x0 is the widened address
 * of the first pixel's window (row 0 of the 3 widened rows, rowStride bytes apart), b the
 * repacked weights of n output channels, rq their requantization block, y0 the first pixel's
 * output (n bytes per pixel).
 */
export function q8_conv3x3s2c3_tiles(x0: usize, rowStride: usize, tiles: i32, b: usize, n: i32, rq: usize, y0: usize): void {
  const mode = load<i32>(rq + (<usize>RQ_MODE << 2));
  if (mode == 4) tiles3x3c3(x0, rowStride, tiles, b, n, rq, y0, true, 4);
  else if (mode == 0) tiles3x3c3(x0, rowStride, tiles, b, n, rq, y0, true, 0);
  else tiles3x3c3(x0, rowStride, tiles, b, n, rq, y0, true, -1);
}

/** As q8_conv3x3s2c3_tiles at stride 1 (pixels 6 bytes apart). */
export function q8_conv3x3s1c3_tiles(x0: usize, rowStride: usize, tiles: i32, b: usize, n: i32, rq: usize, y0: usize): void {
  const mode = load<i32>(rq + (<usize>RQ_MODE << 2));
  if (mode == 4) tiles3x3c3(x0, rowStride, tiles, b, n, rq, y0, false, 4);
  else if (mode == 0) tiles3x3c3(x0, rowStride, tiles, b, n, rq, y0, false, 0);
  else tiles3x3c3(x0, rowStride, tiles, b, n, rq, y0, false, -1);
}

// The tile loop; `s2` is a constant at each call, so the splat offsets are immediates. `mode`
// too: modes 0 and 4 (most layers) have the requantization inlined in their copy (movenet's and
// mobilenet_v2's first convolutions 12% faster than one call per tile), the others (-1) call
// storeTile4x8.
// @ts-ignore: decorator
@inline
function tiles3x3c3(x0: usize, rowStride: usize, tiles: i32, b: usize, n: i32, rq: usize, y0: usize, s2: bool, mode: i32): void {
  const s = load<i32>(rq + (<usize>RQ_SHIFT << 2));
  const clamp = load<i32>(rq + (<usize>RQ_CLAMP << 2)) != 0;
  const signed = load<i32>(rq + (<usize>RQ_SIGNED << 2)) != 0;
  const vmin = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMIN << 2)));
  const vmax = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMAX << 2)));
  const np = <usize>(((n + 7) >> 3) << 3);
  const biasBase = rqArray(rq, np, RQA_BIAS);
  const ldc = <usize>n;
  for (let j = 0; j < n; j += 8) {
    const pbBase = b + <usize>(j >> 3) * Q8C3_BLOCK_BYTES;
    const bias0 = v128.load(biasBase + (<usize>j << 2));
    const bias1 = v128.load(biasBase + (<usize>j << 2), 16);
    for (let t = 0; t < tiles; t++) {
      const xt = x0 + <usize>t * (s2 ? 48 : 24);
      let acc00 = bias0,
        acc01 = bias1,
        acc10 = bias0,
        acc11 = bias1,
        acc20 = bias0,
        acc21 = bias1,
        acc30 = bias0,
        acc31 = bias1;
      let pb = pbBase;
      for (let fy: usize = 0; fy < 3; fy++) {
        let p = xt + fy * rowStride;
        const end = p + 20;
        do {
          const w0 = v128.load(pb);
          const w1 = v128.load(pb, 16);
          let x = v128.load32_splat(p);
          acc00 = i32x4.add(acc00, i32x4.dot_i16x8_s(x, w0));
          acc01 = i32x4.add(acc01, i32x4.dot_i16x8_s(x, w1));
          x = s2 ? v128.load32_splat(p, 12) : v128.load32_splat(p, 6);
          acc10 = i32x4.add(acc10, i32x4.dot_i16x8_s(x, w0));
          acc11 = i32x4.add(acc11, i32x4.dot_i16x8_s(x, w1));
          x = s2 ? v128.load32_splat(p, 24) : v128.load32_splat(p, 12);
          acc20 = i32x4.add(acc20, i32x4.dot_i16x8_s(x, w0));
          acc21 = i32x4.add(acc21, i32x4.dot_i16x8_s(x, w1));
          x = s2 ? v128.load32_splat(p, 36) : v128.load32_splat(p, 18);
          acc30 = i32x4.add(acc30, i32x4.dot_i16x8_s(x, w0));
          acc31 = i32x4.add(acc31, i32x4.dot_i16x8_s(x, w1));
          pb += 32;
          p += 4;
        } while (p < end);
      }
      const c = y0 + <usize>t * (ldc << 2);
      if (mode < 0) storeTile4x8(c, ldc, acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31, rq, np, j, n - j);
      else {
        const cj = c + <usize>j;
        storeTile(mode, cj, cj + ldc, cj + 2 * ldc, cj + 3 * ldc, acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31, rq, np, j, n - j, s, clamp, vmin, vmax, signed);
      }
    }
  }
}

/**
 * Requantizes a 4x8 tile of accumulators (the rows' sums from the bias, as gemmTiles forms them;
 * modes 0, 1, 2, 4 of the block rq over np columns) and stores its 8-bit rows at c0 + r * ldc,
 * columns j .. j + min(nr, 8) - 1 (the tile loop's epilogue, a call: one copy for both strides).
 */
function storeTile4x8(
  c0: usize,
  ldc: usize,
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
): void {
  const mode = load<i32>(rq + (<usize>RQ_MODE << 2));
  const s = load<i32>(rq + (<usize>RQ_SHIFT << 2));
  const clamp = load<i32>(rq + (<usize>RQ_CLAMP << 2)) != 0;
  const signed = load<i32>(rq + (<usize>RQ_SIGNED << 2)) != 0;
  const vmin = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMIN << 2)));
  const vmax = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMAX << 2)));
  const c = c0 + <usize>j;
  storeTile(mode, c, c + ldc, c + 2 * ldc, c + 3 * ldc, acc00, acc01, acc10, acc11, acc20, acc21, acc30, acc31, rq, np, j, nr, s, clamp, vmin, vmax, signed);
}
