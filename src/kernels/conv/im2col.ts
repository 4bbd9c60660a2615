/**
 * im2col: lays the receptive field of each output pixel of a convolution out as one row of a
 * matrix, so that the convolution becomes a GEMM with the filter [outC, fh*fw*inC].
 *
 * Row r (output pixel p = firstPixel + r, in (batch, y, x) order) holds, for fy, fx, c in that
 * order, input[b, y*sh - padH + fy*dh, x*sw - padW + fx*dw, c], or the padding value where that
 * position is outside the image. TFLite's reference kernels skip those positions instead; both
 * give the same sums because the padding value is the input's zero (0 for float, the zero point
 * for quantized inputs, which the int form subtracts away).
 *
 * Filling is done a chunk of rows at a time so the scratch buffer stays small. The float and int
 * forms are separate functions for speed: one function over both element types measured 20-50%
 * slower in V8 (polymorphic loads).
 */
import type { Window2D } from './window.js';

/** Input element types of the quantized convolutions. */
export type QuantizedData = Int8Array | Uint8Array | Int16Array;

/** Fills `rows` im2col rows of float input into `dst` (row length fh*fw*inC). Never throws. */
export function im2colF32(
  w: Window2D,
  input: Float32Array,
  firstPixel: number,
  rows: number,
  dst: Float32Array,
): void {
  const { inH, inW, inC, outH, outW, filterH, filterW, strideH, strideW, dilationH, dilationW, padH, padW } =
    w;
  const perImage = outH * outW;
  let d = 0;
  for (let r = 0; r < rows; r++) {
    const p = firstPixel + r;
    const b = Math.floor(p / perImage);
    const rem = p - b * perImage;
    const oy = Math.floor(rem / outW);
    const ox = rem - oy * outW;
    const y0 = oy * strideH - padH;
    const x0 = ox * strideW - padW;
    const imageBase = b * inH;
    for (let fy = 0; fy < filterH; fy++) {
      const iy = y0 + fy * dilationH;
      if (iy < 0 || iy >= inH) {
        dst.fill(0, d, d + filterW * inC);
        d += filterW * inC;
        continue;
      }
      const rowBase = (imageBase + iy) * inW;
      if (dilationW === 1 && x0 >= 0 && x0 + filterW <= inW) {
        // The whole filter row is inside: fw*inC contiguous input values.
        let s = (rowBase + x0) * inC;
        const end = d + filterW * inC;
        while (d < end) dst[d++] = input[s++]!;
        continue;
      }
      for (let fx = 0; fx < filterW; fx++) {
        const ix = x0 + fx * dilationW;
        if (ix < 0 || ix >= inW) {
          for (let c = 0; c < inC; c++) dst[d++] = 0;
        } else {
          let s = (rowBase + ix) * inC;
          for (let c = 0; c < inC; c++) dst[d++] = input[s++]!;
        }
      }
    }
  }
}

/**
 * Fills `rows` im2col rows of a quantized input into `dst` as (value - zeroPoint) int16, with 0
 * (the zero point, subtracted) where the window is outside the image. Never throws.
 */
export function im2colInt(
  w: Window2D,
  input: QuantizedData,
  zeroPoint: number,
  firstPixel: number,
  rows: number,
  dst: Int16Array,
): void {
  const { inH, inW, inC, outH, outW, filterH, filterW, strideH, strideW, dilationH, dilationW, padH, padW } =
    w;
  const perImage = outH * outW;
  let d = 0;
  for (let r = 0; r < rows; r++) {
    const p = firstPixel + r;
    const b = Math.floor(p / perImage);
    const rem = p - b * perImage;
    const oy = Math.floor(rem / outW);
    const ox = rem - oy * outW;
    const y0 = oy * strideH - padH;
    const x0 = ox * strideW - padW;
    const imageBase = b * inH;
    for (let fy = 0; fy < filterH; fy++) {
      const iy = y0 + fy * dilationH;
      if (iy < 0 || iy >= inH) {
        dst.fill(0, d, d + filterW * inC);
        d += filterW * inC;
        continue;
      }
      const rowBase = (imageBase + iy) * inW;
      if (dilationW === 1 && x0 >= 0 && x0 + filterW <= inW) {
        let s = (rowBase + x0) * inC;
        const end = d + filterW * inC;
        while (d < end) dst[d++] = input[s++]! - zeroPoint;
        continue;
      }
      for (let fx = 0; fx < filterW; fx++) {
        const ix = x0 + fx * dilationW;
        if (ix < 0 || ix >= inW) {
          for (let c = 0; c < inC; c++) dst[d++] = 0;
        } else {
          let s = (rowBase + ix) * inC;
          for (let c = 0; c < inC; c++) dst[d++] = input[s++]! - zeroPoint;
        }
      }
    }
  }
}

/**
 * Copies `count` quantized values starting at `from` into `dst` (from index 0) as (value -
 * zeroPoint) int16: the A operand of a 1x1 convolution or a fully connected layer. Never throws.
 */
export function offsetToInt16(
  src: QuantizedData,
  from: number,
  count: number,
  zeroPoint: number,
  dst: Int16Array,
): void {
  for (let i = 0; i < count; i++) dst[i] = src[from + i]! - zeroPoint;
}
