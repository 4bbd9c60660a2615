// Float CONV_2D, 3x3 windows at stride 2 or 1 over a 3-channel image (the first layer of
// MobileNets, deeplabv3 and most image models), without im2col. For 4 output pixels side by side
// in one row whose windows lie inside the image, the im2col value of pixel i at k = (fy, fx, c)
// is the input at row iy0 + fy, byte (ix0 * 3 + fx * 3 + c) * 4 + i * 12 * stride: along one
// window row the 9 values (fx, c) are contiguous and the 4 pixels are 24 (stride 2) or 12 bytes
// apart. So the 4x8 tile of f32_gemm.ts runs on the input itself: per k, 4 splat loads at
// constant offsets from one pointer, 2 weight vectors, 8 multiply-adds. The im2col + packing
// path spent ~70% of this layer copying (mobilenet_v1_0.25: 0.49 ms for 2.7M multiply-adds,
// Node 20; cifar10 resnet8's stride-1 first layer ran at 8.7 GMAC/s).
//
// Weights are packed as for the GEMM (packing.ts, packF32Gemm, k = 27 in TFLite's (fy, fx, c)
// order); the sums run in the same k order from the bias, so outputs equal the GEMM path's.

import { storeRow } from './f32_gemm';
import { fmadd } from './fma';


/**
 * 4 * tiles output pixels of one row, every window inside the image: x0 is the input address of
 * the first pixel's window (row iy0, column ix0, channel 0), rowBytes the input row stride, b the
 * packed weights and bias of n output channels, y0 the first pixel's output.
 */
export function f32_conv3x3s2c3_tiles(
  x0: usize,
  rowBytes: usize,
  tiles: i32,
  b: usize,
  n: i32,
  y0: usize,
  lo: f32,
  hi: f32,
): void {
  tiles3x3c3(x0, rowBytes, tiles, b, n, y0, lo, hi, true);
}

/** As f32_conv3x3s2c3_tiles at stride 1 (pixels 12 bytes apart). */
export function f32_conv3x3s1c3_tiles(
  x0: usize,
  rowBytes: usize,
  tiles: i32,
  b: usize,
  n: i32,
  y0: usize,
  lo: f32,
  hi: f32,
): void {
  tiles3x3c3(x0, rowBytes, tiles, b, n, y0, lo, hi, false);
}

// The tile loop; `s2` is a constant at each call, so the splat offsets are immediates.
// @ts-ignore: decorator
@inline
function tiles3x3c3(
  x0: usize,
  rowBytes: usize,
  tiles: i32,
  b: usize,
  n: i32,
  y0: usize,
  lo: f32,
  hi: f32,
  s2: bool,
): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const blocks = (n + 7) >> 3;
  const blockBytes: usize = 27 * 32;
  const pbias = b + <usize>blocks * blockBytes;
  const ldc = <usize>n << 2;
  for (let j = 0; j < n; j += 8) {
    const pbBase = b + <usize>(j >> 3) * blockBytes;
    const bias0 = v128.load(pbias + (<usize>j << 2));
    const bias1 = v128.load(pbias + (<usize>j << 2), 16);
    const nr = n - j;
    for (let t = 0; t < tiles; t++) {
      const xt = x0 + <usize>t * (s2 ? 96 : 48);
      const c0 = y0 + <usize>t * (ldc << 2) + (<usize>j << 2);
      const c1 = c0 + ldc;
      const c2 = c1 + ldc;
      const c3 = c2 + ldc;
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
        let p = xt + fy * rowBytes;
        const end = p + 36;
        while (p < end) {
          const w0 = v128.load(pb);
          const w1 = v128.load(pb, 16);
          pb += 32;
          const v0 = v128.load32_splat(p);
          acc00 = fmadd(v0, w0, acc00);
          acc01 = fmadd(v0, w1, acc01);
          const v1 = s2 ? v128.load32_splat(p, 24) : v128.load32_splat(p, 12);
          acc10 = fmadd(v1, w0, acc10);
          acc11 = fmadd(v1, w1, acc11);
          const v2 = s2 ? v128.load32_splat(p, 48) : v128.load32_splat(p, 24);
          acc20 = fmadd(v2, w0, acc20);
          acc21 = fmadd(v2, w1, acc21);
          const v3 = s2 ? v128.load32_splat(p, 72) : v128.load32_splat(p, 36);
          acc30 = fmadd(v3, w0, acc30);
          acc31 = fmadd(v3, w1, acc31);
          p += 4;
        }
      }
      storeRow(c0, acc00, acc01, nr, vlo, vhi);
      storeRow(c1, acc10, acc11, nr, vlo, vhi);
      storeRow(c2, acc20, acc21, nr, vlo, vhi);
      storeRow(c3, acc30, acc31, nr, vlo, vhi);
    }
  }
}
