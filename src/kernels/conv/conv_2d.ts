/**
 * CONV_2D: y[b, oy, ox, oc] = act(bias[oc] + sum over fy, fx, ic of
 *   x[b, oy*sh - padH + fy*dh, ox*sw - padW + fx*dw, ic] * w[oc, fy, fx, ic])
 * with positions outside the image skipped (zero padding). Filter [outC, fh, fw, inC], NHWC.
 *
 * Paths (chosen in prepare from the dtypes, as TFLite's conv.cc does):
 * - float32: im2col + float GEMM; a 1x1 stride-1 convolution is a GEMM on the input itself.
 *   Error bound: each output is within 1 ulp(float32) of the exact sum over float32 products
 *   (double accumulation), i.e. relative error <= 1e-6 on well-conditioned outputs.
 * - uint8 (legacy, per-tensor, filter zero point), int8 (per-channel or per-tensor filter) and
 *   int16 activations x int8 weights (16x8; int64 or int32 bias): im2col of (x - zp) + exact
 *   integer GEMM + TFLite's requantization, bit-exact with reference_ops::Conv /
 *   reference_integer_ops::ConvPerChannel.
 * - hybrid (float activations, int8 weights; dynamic-range quantization): each batch image is
 *   quantized to int8 at run time — symmetric (EvalHybrid) when the filter has one scale (or all
 *   scales equal), asymmetric with a zero point (EvalHybridPerChannel) otherwise — then integer
 *   GEMM and y = float(acc) * input_scale * filter_scale + bias in TFLite's float32 order.
 *   TFLite's hybrid kernels ignore dilation (they force it to 1); this kernel applies it.
 *
 * Fused activations: NONE, RELU, RELU_N1_TO_1, RELU6. As in TFLite, the float paths ignore TANH
 * and SIGN_BIT, and the quantized paths reject them.
 */
import { numElements } from '../internal/shape.js';
import { quantizeFloatsRow } from '../internal/hybrid_quantize.js';
import {
  type EvalContext,
  type InitContext,
  type Kernel,
  type KernelNode,
  type PrepareContext,
  expectRank,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { type ConvPath, convPath, expectQuantizedDtypes, floatOutputRange } from './dtype_paths.js';
import { gemmF32 } from './gemm_f32.js';
import { gemmInt } from './gemm_int.js';
import { type QuantizedData, im2colF32, im2colInt, offsetToInt16 } from './im2col.js';
import {
  type Requant,
  biasAsFloat64,
  convRequant,
  expectedBiasDtypes,
  quantOf,
  requantizeRows,
} from './requantize.js';
import {
  type PackedWeights,
  initPackedWeights,
  packedWeights,
  requestPackedWeights,
} from './packed_weights.js';
import { chunkRows, scratchF32, scratchF64, scratchI16, scratchI8 } from './scratch.js';
import { type Window2D, window2D } from './window.js';

interface ConvData extends PackedWeights {
  path: ConvPath;
  w: Window2D;
  outC: number;
  /** Length of one im2col row: fh * fw * inC. */
  k: number;
  /** 1x1 filter, stride 1: the input is already the GEMM's A operand. */
  direct: boolean;
  /** Output pixels per chunk. */
  chunk: number;
  /** Float clamp range (float and hybrid paths). */
  lo: number;
  hi: number;
  /** Scratch handles (-1 when unused). */
  colHandle: number;
  accHandle: number;
  quantInputHandle: number;
  rq: Requant | null;
  /** Integer bias as float64 (quantized path), converted in prepare when constant. */
  bias: Float64Array | null;
  /** Hybrid: per-channel filter scales (asymmetric path) or one scale (symmetric path). */
  filterScales: Float32Array;
  hybridPerChannel: boolean;
}

/** Returns the input's shape after checking filter/bias/output consistency; throws ShapeError. */
function checkShapes(node: KernelNode, inC: number, filterShape: readonly number[], outC: number): void {
  if (filterShape[3] !== inC) {
    throw unsupported(
      node,
      `filter [${filterShape}] has ${filterShape[3]} input channels, the input has ${inC}` +
        ' (grouped convolution is not supported)',
    );
  }
  if (outC < 1) throw shapeError(node, `filter [${filterShape}] has no output channels`);
}

/** True when a per-axis filter's scales are not all equal (TFLite's is_hybrid_per_channel). */
function scalesDiffer(scales: readonly number[]): boolean {
  for (let i = 1; i < scales.length; i++) if (scales[i] !== scales[0]) return true;
  return false;
}

/** CONV_2D: float32, hybrid, uint8, int8, int16x8. Prepare throws UnsupportedOpError / ShapeError for other dtypes or shapes. */
export const conv2dKernel: Kernel<ConvData> = {
  op: 'CONV_2D',
  prepare(node: KernelNode, ctx: PrepareContext): ConvData {
    const x = input(node, 0);
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    const y = output(node, 0);
    const opts = optionsOf(node, 'Conv2DOptions');
    expectRank(node, x, 4, 'input');
    expectRank(node, filter, 4, 'filter');
    const [outC, fh, fw] = filter.shape as [number, number, number, number];
    const w = window2D(node, x, fh, fw, {
      padding: opts.padding,
      strideH: opts.strideH,
      strideW: opts.strideW,
      dilationH: opts.dilationHFactor,
      dilationW: opts.dilationWFactor,
    });
    checkShapes(node, w.inC, filter.shape, outC);
    if (bias && numElements(bias.shape) !== outC) {
      throw shapeError(node, `bias [${bias.shape}] must have ${outC} elements (one per output channel)`);
    }

    const path = convPath(node, x, filter, 'filter');
    const k = fh * fw * w.inC;
    const perImage = w.outH * w.outW;
    const direct = fh === 1 && fw === 1 && w.strideH === 1 && w.strideW === 1;
    const chunk = chunkRows(perImage, Math.max(k, outC));
    y.shape = [w.batches, w.outH, w.outW, outC];

    const data: ConvData = {
      path,
      w,
      outC,
      k,
      direct,
      chunk,
      lo: -Infinity,
      hi: Infinity,
      colHandle: -1,
      accHandle: -1,
      quantInputHandle: -1,
      weightsHandle: -1,
      weightsPersistent: false,
      filterZeroPoint: 0,
      rq: null,
      bias: null,
      filterScales: new Float32Array(0),
      hybridPerChannel: false,
    };
    if (path === 'float') {
      const r = floatOutputRange(node, y, bias, opts.fusedActivationFunction);
      data.lo = r.min;
      data.hi = r.max;
      if (!direct) data.colHandle = ctx.requestScratch(chunk * k * 4);
      return data;
    }

    // Integer GEMM paths: int16 operands, float64 accumulators.
    Object.assign(data, requestPackedWeights(ctx, filter, outC * k));
    data.colHandle = ctx.requestScratch(chunk * k * 2);
    data.accHandle = ctx.requestScratch(chunk * outC * 8);

    if (path === 'hybrid') {
      const r = floatOutputRange(node, y, bias, opts.fusedActivationFunction);
      const fq = quantOf(node, filter, 'filter');
      if (fq.scale.length !== 1 && fq.scale.length !== outC) {
        throw unsupported(node, `filter has ${fq.scale.length} scales for ${outC} output channels`);
      }
      data.hybridPerChannel = fq.scale.length > 1 && scalesDiffer(fq.scale);
      data.filterScales = Float32Array.from(data.hybridPerChannel ? fq.scale : [fq.scale[0]!]);
      data.lo = r.min;
      data.hi = r.max;
      data.quantInputHandle = ctx.requestScratch(w.inH * w.inW * w.inC);
      return data;
    }

    // Quantized: uint8 x uint8, int8 x int8, int16 x int8.
    expectQuantizedDtypes(node, x, filter, 'filter', y, bias, expectedBiasDtypes(x.dtype));
    data.rq = convRequant(node, x, filter, y, bias, outC, 0, opts.fusedActivationFunction);
    data.filterZeroPoint = data.rq.filterZeroPoint;
    if (bias?.isConst) data.bias = biasAsFloat64(bias);
    return data;
  },

  init(node: KernelNode, d: ConvData, ctx: InitContext): void {
    initPackedWeights(node, d, ctx);
  },

  eval(node: KernelNode, d: ConvData, ctx: EvalContext): void {
    if (d.path === 'float') evalFloat(node, d, ctx);
    else if (d.path === 'quantized') evalQuantized(node, d, ctx);
    else evalHybrid(node, d, ctx);
  },
};

function evalFloat(node: KernelNode, d: ConvData, ctx: EvalContext): void {
  const x = input(node, 0).data as Float32Array;
  const filter = input(node, 1).data as Float32Array;
  const bias = (node.inputs[2]?.data as Float32Array | undefined) ?? null;
  const y = output(node, 0).data as Float32Array;
  const { w, k, outC, lo, hi } = d;
  if (d.direct) {
    gemmF32({
      m: w.batches * w.outH * w.outW,
      n: outC,
      k,
      a: x,
      aOffset: 0,
      b: filter,
      bOffset: 0,
      c: y,
      cOffset: 0,
      bias,
      lo,
      hi,
    });
    return;
  }
  const col = scratchF32(ctx.scratch(d.colHandle));
  const pixels = w.batches * w.outH * w.outW;
  for (let p0 = 0; p0 < pixels; p0 += d.chunk) {
    const rows = Math.min(d.chunk, pixels - p0);
    im2colF32(w, x, p0, rows, col);
    gemmF32({
      m: rows,
      n: outC,
      k,
      a: col,
      aOffset: 0,
      b: filter,
      bOffset: 0,
      c: y,
      cOffset: p0 * outC,
      bias,
      lo,
      hi,
    });
  }
}

function evalQuantized(node: KernelNode, d: ConvData, ctx: EvalContext): void {
  const x = input(node, 0).data as QuantizedData;
  const y = output(node, 0).data as QuantizedData;
  const rq = d.rq!;
  const bias = d.bias ?? biasAsFloat64(node.inputs[2] ?? null);
  const weights = packedWeights(node, d, ctx);
  const col = scratchI16(ctx.scratch(d.colHandle));
  const acc = scratchF64(ctx.scratch(d.accHandle));
  const { w, k, outC } = d;
  const pixels = w.batches * w.outH * w.outW;
  for (let p0 = 0; p0 < pixels; p0 += d.chunk) {
    const rows = Math.min(d.chunk, pixels - p0);
    if (d.direct) offsetToInt16(x, p0 * k, rows * k, rq.inputZeroPoint, col);
    else im2colInt(w, x, rq.inputZeroPoint, p0, rows, col);
    gemmInt({
      m: rows,
      n: outC,
      k,
      a: col,
      b: weights,
      acc,
    });
    requantizeRows(rq, acc, rows, outC, bias, y, p0 * outC);
  }
}

function evalHybrid(node: KernelNode, d: ConvData, ctx: EvalContext): void {
  const x = input(node, 0).data as Float32Array;
  const bias = (node.inputs[2]?.data as Float32Array | undefined) ?? null;
  const y = output(node, 0).data as Float32Array;
  const weights = packedWeights(node, d, ctx);
  const qin = scratchI8(ctx.scratch(d.quantInputHandle));
  const col = scratchI16(ctx.scratch(d.colHandle));
  const acc = scratchF64(ctx.scratch(d.accHandle));
  const { w, k, outC, lo, hi, filterScales } = d;
  const f = Math.fround;
  const imageSize = w.inH * w.inW * w.inC;
  const perImage = w.outH * w.outW;
  const one: Window2D = { ...w, batches: 1 };
  const rowQ = { scale: 1, offset: 0 };
  for (let b = 0; b < w.batches; b++) {
    // Quantize this batch image: asymmetric (zero point rowQ.offset) or symmetric (zero point 0).
    quantizeFloatsRow(d.hybridPerChannel, x, b * imageSize, imageSize, qin, 0, rowQ);
    // TFLite: scaling_factors_ptr[b] *= filter->params.scale (float32).
    if (!d.hybridPerChannel) rowQ.scale = f(rowQ.scale * filterScales[0]!);
    for (let p0 = 0; p0 < perImage; p0 += d.chunk) {
      const rows = Math.min(d.chunk, perImage - p0);
      if (d.direct) offsetToInt16(qin, p0 * k, rows * k, rowQ.offset, col);
      else im2colInt(one, qin, rowQ.offset, p0, rows, col);
      gemmInt({
        m: rows,
        n: outC,
        k,
        a: col,
        b: weights,
        acc,
      });
      let o = (b * perImage + p0) * outC;
      let a = 0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < outC; c++) {
          // Per-tensor (HybridConv): out = float(acc) * scale, then + bias.
          // Per-channel (reference HybridConvPerChannel): float(acc) * channel_scale * input_scale.
          let v = d.hybridPerChannel
            ? f(f(f(acc[a]!) * filterScales[c]!) * rowQ.scale)
            : f(f(acc[a]!) * rowQ.scale);
          if (bias) v = f(v + bias[c]!);
          y[o++] = v < lo ? lo : v > hi ? hi : v;
          a++;
        }
      }
    }
  }
}
