/**
 * TRANSPOSE_CONV (the gradient of CONV_2D with respect to its input): every input pixel scatters
 * its channel vector times the filter into the output window it maps to,
 *   y[b, iy*sh - padH + fy, ix*sw - padW + fx, oc] += sum_ic x[b, iy, ix, ic] * w[oc, fy, fx, ic]
 * (positions outside the output dropped), then y = act(y + bias). Inputs: 0 = output shape
 * (int32 [4]), 1 = filter [outC, fh, fw, inC], 2 = input NHWC, 3 = optional bias. Padding is TFLite's:
 * ComputePaddingHeightWidth run with the OUTPUT size as the image size.
 *
 * Computation: a GEMM gives, per input pixel, all fh*fw*outC contributions (the filter repacked
 * to rows ordered (fy, fx, oc)), then col2im adds them into the output.
 * - float32: contributions summed in double per tap, accumulated into the float32 output as
 *   TFLite's scatter does (relative error <= 1e-6 on well-conditioned outputs).
 * - uint8 (filter zero point), int8 (per-channel or per-tensor filter), int16 x int8 (int64
 *   accumulator, int64 bias): exact integer sums, then TFLite's requantization; bit-exact with
 *   reference_ops / reference_integer_ops::TransposeConv.
 * A non-constant output-shape tensor makes the output dynamic (sized in eval).
 */
import { Padding } from '../../ir/builtin_options.js';
import { calculateActivationRangeFloat } from '../internal/activation_range.js';
import { computeOutSize, computePadding, numElements } from '../internal/shape.js';
import {
  type EvalContext,
  type InitContext,
  type Kernel,
  type KernelNode,
  type KernelTensor,
  type PrepareContext,
  expectDtype,
  expectRank,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { gemmF32 } from './gemm_f32.js';
import { gemmInt } from './gemm_int.js';
import { type QuantizedData, offsetToInt16 } from './im2col.js';
import {
  type Requant,
  biasAsFloat64,
  convRequant,
  expectedBiasDtypes,
  requantizeRows,
} from './requantize.js';
import { chunkRows, scratchF32, scratchF64, scratchI16 } from './scratch.js';

interface TransposeConvData {
  quantized: boolean;
  batches: number;
  inH: number;
  inW: number;
  inC: number;
  outC: number;
  filterH: number;
  filterW: number;
  strideH: number;
  strideW: number;
  padding: number;
  /** Output shape; null until eval when the shape tensor is not constant. */
  outShape: number[] | null;
  /** Input pixels per GEMM chunk. */
  chunk: number;
  lo: number;
  hi: number;
  colHandle: number;
  aHandle: number;
  accHandle: number;
  /** Filter repacked to [fh, fw, outC, inC] (float32, or int16 minus the zero point). */
  weightsHandle: number;
  weightsPersistent: boolean;
  filterZeroPoint: number;
  rq: Requant | null;
  bias: Float64Array | null;
}

/** Reads and checks the 4 output dims from the shape tensor; throws ShapeError. */
function readOutputShape(node: KernelNode, t: KernelTensor, batches: number, outC: number): number[] {
  const v = Array.from(t.data as Int32Array);
  if (v.length !== 4 || v.some((d) => !(d >= 1))) {
    throw shapeError(node, `output shape [${v}] must be 4 positive dims`);
  }
  if (v[0] !== batches || v[3] !== outC) {
    throw shapeError(
      node,
      `output shape [${v}] must have batch ${batches} and ${outC} channels (the filter's)`,
    );
  }
  return v;
}

/**
 * Leading padding along one axis, as TFLite computes it from the output size:
 * ComputePaddingHeightWidth(stride, dilation 1, in = outSize, filter).
 */
function leadingPad(padding: number, outSize: number, filter: number, stride: number): number {
  return computePadding(stride, 1, outSize, filter, computeOutSize(padding, outSize, filter, stride)).pad;
}

/** Repacks [outC, fh, fw, inC] weights into [fh, fw, outC, inC], subtracting zeroPoint. */
function repack(
  src: Float32Array | Int8Array | Uint8Array,
  dst: Float32Array | Int16Array,
  outC: number,
  taps: number,
  inC: number,
  zeroPoint: number,
): void {
  for (let oc = 0; oc < outC; oc++) {
    for (let t = 0; t < taps; t++) {
      const s = (oc * taps + t) * inC;
      const d = (t * outC + oc) * inC;
      for (let ic = 0; ic < inC; ic++) dst[d + ic] = src[s + ic]! - zeroPoint;
    }
  }
}

/** TRANSPOSE_CONV: float32, uint8, int8, int16x8. Prepare throws UnsupportedOpError / ShapeError otherwise. */
export const transposeConvKernel: Kernel<TransposeConvData> = {
  op: 'TRANSPOSE_CONV',
  prepare(node: KernelNode, ctx: PrepareContext): TransposeConvData {
    const shapeT = input(node, 0);
    const filter = input(node, 1);
    const x = input(node, 2);
    const bias = node.inputs[3] ?? null;
    const y = output(node, 0);
    const opts = optionsOf(node, 'TransposeConvOptions');
    expectRank(node, x, 4, 'input');
    expectRank(node, filter, 4, 'filter');
    expectDtype(node, shapeT, ['int32'], 'output shape');
    if (numElements(shapeT.shape) !== 4)
      throw shapeError(node, `output shape tensor [${shapeT.shape}] must hold 4 dims`);
    if (opts.padding !== Padding.SAME && opts.padding !== Padding.VALID) {
      throw unsupported(node, `padding type ${opts.padding}`);
    }
    if (!(opts.strideH >= 1 && opts.strideW >= 1)) throw unsupported(node, 'strides must be positive');
    const [outC, fh, fw, fInC] = filter.shape as [number, number, number, number];
    const [batches, inH, inW, inC] = x.shape as [number, number, number, number];
    if (fInC !== inC)
      throw shapeError(node, `filter [${filter.shape}] has ${fInC} input channels, the input ${inC}`);
    if (bias && numElements(bias.shape) !== outC) {
      throw shapeError(node, `bias [${bias.shape}] must have ${outC} elements`);
    }
    const quantized = x.dtype !== 'float32';
    if (!quantized) {
      expectDtype(node, filter, ['float32'], 'filter');
      if (bias) expectDtype(node, bias, ['float32'], 'bias');
    } else if (x.dtype === 'uint8' || x.dtype === 'int8' || x.dtype === 'int16') {
      expectDtype(node, filter, [x.dtype === 'uint8' ? 'uint8' : 'int8'], 'filter');
      if (bias)
        expectDtype(node, bias, x.dtype === 'int16' ? ['int64'] : expectedBiasDtypes(x.dtype), 'bias');
    } else {
      throw unsupported(node, `input ${x.dtype}`);
    }
    expectDtype(node, y, [x.dtype], 'output');

    let outShape: number[] | null = null;
    if (shapeT.isConst) {
      outShape = readOutputShape(node, shapeT, batches, outC);
      y.shape = outShape;
    } else {
      ctx.markDynamic(y);
    }
    const rowLen = fh * fw * outC;
    const chunk = chunkRows(batches * inH * inW, Math.max(rowLen, inC));
    const eltBytes = quantized ? 2 : 4;
    const data: TransposeConvData = {
      quantized,
      batches,
      inH,
      inW,
      inC,
      outC,
      filterH: fh,
      filterW: fw,
      strideH: opts.strideH,
      strideW: opts.strideW,
      padding: opts.padding,
      outShape,
      chunk,
      lo: -Infinity,
      hi: Infinity,
      colHandle: ctx.requestScratch(chunk * rowLen * (quantized ? 8 : 4)),
      aHandle: quantized ? ctx.requestScratch(chunk * inC * 2) : -1,
      accHandle: -1,
      weightsHandle: -1,
      weightsPersistent: filter.isConst,
      filterZeroPoint: 0,
      rq: null,
      bias: null,
    };
    const weightBytes = outC * fh * fw * inC * eltBytes;
    data.weightsHandle = filter.isConst
      ? ctx.requestPersistent(weightBytes)
      : ctx.requestScratch(weightBytes);
    if (!quantized) {
      const r = calculateActivationRangeFloat(opts.fusedActivationFunction);
      data.lo = r.min;
      data.hi = r.max;
      return data;
    }
    if (!outShape) throw unsupported(node, 'quantized TRANSPOSE_CONV with a non-constant output shape');
    data.accHandle = ctx.requestScratch(numElements(outShape) * 8);
    data.rq = convRequant(node, x, filter, y, bias, outC, 0, opts.fusedActivationFunction);
    // The 16x8 kernel always keeps an int64 accumulator.
    if (x.dtype === 'int16') data.rq.wide = true;
    data.filterZeroPoint = data.rq.filterZeroPoint;
    if (bias?.isConst) data.bias = biasAsFloat64(bias);
    return data;
  },

  init(node: KernelNode, d: TransposeConvData, ctx: InitContext): void {
    if (d.weightsPersistent) packFilter(node, d, ctx.persistent(d.weightsHandle));
  },

  eval(node: KernelNode, d: TransposeConvData, ctx: EvalContext): void {
    const y = output(node, 0);
    let outShape = d.outShape;
    if (!outShape) {
      outShape = readOutputShape(node, input(node, 0), d.batches, d.outC);
      ctx.resizeOutput(y, outShape);
    }
    const weightsBytes = d.weightsPersistent ? ctx.persistent(d.weightsHandle) : ctx.scratch(d.weightsHandle);
    if (!d.weightsPersistent) packFilter(node, d, weightsBytes);
    const [, outH, outW] = outShape as [number, number, number, number];
    const padH = leadingPad(d.padding, outH, d.filterH, d.strideH);
    const padW = leadingPad(d.padding, outW, d.filterW, d.strideW);
    const { inC, outC, chunk } = d;
    const taps = d.filterH * d.filterW;
    const rowLen = taps * outC;
    const pixels = d.batches * d.inH * d.inW;

    // col2im: adds row r of `col` (input pixel p0 + r) into the output window of that pixel.
    const scatter = (
      col: Float32Array | Float64Array,
      p0: number,
      rows: number,
      acc: Float32Array | Float64Array,
    ) => {
      for (let r = 0; r < rows; r++) {
        const p = p0 + r;
        const b = Math.floor(p / (d.inH * d.inW));
        const rem = p - b * d.inH * d.inW;
        const iy = Math.floor(rem / d.inW);
        const ix = rem - iy * d.inW;
        const oy0 = iy * d.strideH - padH;
        const ox0 = ix * d.strideW - padW;
        for (let fy = 0; fy < d.filterH; fy++) {
          const oy = oy0 + fy;
          if (oy < 0 || oy >= outH) continue;
          for (let fx = 0; fx < d.filterW; fx++) {
            const ox = ox0 + fx;
            if (ox < 0 || ox >= outW) continue;
            const o = ((b * outH + oy) * outW + ox) * outC;
            const c = r * rowLen + (fy * d.filterW + fx) * outC;
            for (let oc = 0; oc < outC; oc++) acc[o + oc] += col[c + oc]!;
          }
        }
      }
    };

    if (!d.quantized) {
      const x = input(node, 2).data as Float32Array;
      const out = y.data as Float32Array;
      const weights = scratchF32(weightsBytes);
      const col = scratchF32(ctx.scratch(d.colHandle));
      out.fill(0);
      for (let p0 = 0; p0 < pixels; p0 += chunk) {
        const rows = Math.min(chunk, pixels - p0);
        gemmF32({
          m: rows,
          n: rowLen,
          k: inC,
          a: x,
          aOffset: p0 * inC,
          b: weights,
          bOffset: 0,
          c: col,
          cOffset: 0,
          bias: null,
          lo: -Infinity,
          hi: Infinity,
        });
        scatter(col, p0, rows, out);
      }
      const bias = (node.inputs[3]?.data as Float32Array | undefined) ?? null;
      const { lo, hi } = d;
      for (let o = 0; o < out.length; o += outC) {
        for (let oc = 0; oc < outC; oc++) {
          const v = bias ? Math.fround(out[o + oc]! + bias[oc]!) : out[o + oc]!;
          out[o + oc] = v < lo ? lo : v > hi ? hi : v;
        }
      }
      return;
    }
    const rq = d.rq!;
    const x = input(node, 2).data as QuantizedData;
    const weights = scratchI16(weightsBytes);
    const a = scratchI16(ctx.scratch(d.aHandle));
    const col = scratchF64(ctx.scratch(d.colHandle));
    const acc = scratchF64(ctx.scratch(d.accHandle));
    acc.fill(0);
    for (let p0 = 0; p0 < pixels; p0 += chunk) {
      const rows = Math.min(chunk, pixels - p0);
      offsetToInt16(x, p0 * inC, rows * inC, rq.inputZeroPoint, a);
      gemmInt({
        m: rows,
        n: rowLen,
        k: inC,
        a,
        b: weights,
        acc: col,
      });
      scatter(col, p0, rows, acc);
    }
    const bias = d.bias ?? biasAsFloat64(node.inputs[3] ?? null);
    requantizeRows(rq, acc, numElements(outShape) / outC, outC, bias, y.data as QuantizedData, 0);
  },
};

/** Writes the repacked filter into `bytes` (float32 or int16 minus the zero point). */
function packFilter(node: KernelNode, d: TransposeConvData, bytes: Uint8Array): void {
  const src = input(node, 1).data as Float32Array | Int8Array | Uint8Array;
  const dst = d.quantized ? scratchI16(bytes) : scratchF32(bytes);
  repack(src, dst, d.outC, d.filterH * d.filterW, d.inC, d.filterZeroPoint);
}
