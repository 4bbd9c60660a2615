/**
 * The sliding-window geometry shared by CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and the 2-D
 * pools: NHWC sizes, strides, dilation, output size and leading padding, computed as TFLite's
 * `ComputePaddingHeightWidth` (kernels/padding.h) does.
 */
import { Padding } from '../../ir/builtin_options.js';
import { type KernelNode, type KernelTensor, shapeError, unsupported } from '../kernel.js';
import { computeOutSize, computePadding } from '../internal/shape.js';

/** Geometry of a 2-D window op over an NHWC input. */
export interface Window2D {
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  /** Leading (top / left) padding; SAME puts an odd extra pixel at the bottom / right. */
  padH: number;
  padW: number;
}

/** The window options as the schema stores them. */
export interface WindowOptions {
  padding: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
}

/**
 * Returns the window geometry of `input` (rank 4, NHWC) under `opts` for a filterH x filterW
 * window. Throws UnsupportedOpError for an unknown padding or a non-positive stride / dilation and
 * ShapeError for a non-4-D input or a window that leaves no output.
 */
export function window2D(
  node: KernelNode,
  input: KernelTensor,
  filterH: number,
  filterW: number,
  opts: WindowOptions,
): Window2D {
  if (input.shape.length !== 4) {
    throw shapeError(
      node,
      `input ${JSON.stringify(input.name)} must be 4-D NHWC, has shape [${input.shape}]`,
    );
  }
  const { padding, strideH, strideW, dilationH, dilationW } = opts;
  if (padding !== Padding.SAME && padding !== Padding.VALID) {
    throw unsupported(node, `padding type ${padding} (only SAME and VALID exist)`);
  }
  if (!(strideH >= 1 && strideW >= 1 && dilationH >= 1 && dilationW >= 1)) {
    throw unsupported(
      node,
      `stride ${strideH}x${strideW} and dilation ${dilationH}x${dilationW} must be positive`,
    );
  }
  if (!(filterH >= 1 && filterW >= 1)) throw shapeError(node, `filter size ${filterH}x${filterW} is empty`);
  const [batches, inH, inW, inC] = input.shape as [number, number, number, number];
  const outH = computeOutSize(padding, inH, filterH, strideH, dilationH);
  const outW = computeOutSize(padding, inW, filterW, strideW, dilationW);
  if (outH < 1 || outW < 1) {
    throw shapeError(
      node,
      `a ${filterH}x${filterW} window (dilation ${dilationH}x${dilationW}) with VALID padding does not fit ` +
        `the ${inH}x${inW} input`,
    );
  }
  return {
    batches,
    inH,
    inW,
    inC,
    outH,
    outW,
    filterH,
    filterW,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padH: computePadding(strideH, dilationH, inH, filterH, outH).pad,
    padW: computePadding(strideW, dilationW, inW, filterW, outW).pad,
  };
}
