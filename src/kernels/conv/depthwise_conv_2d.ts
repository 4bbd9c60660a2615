/**
 * DEPTHWISE_CONV_2D: each input channel ic is convolved with its own `depthMultiplier` filters;
 * output channel oc = ic * depthMultiplier + m:
 *   y[b, oy, ox, oc] = act(bias[oc] + sum over fy, fx of
 *     x[b, oy*sh - padH + fy*dh, ox*sw - padW + fx*dw, ic] * w[0, fy, fx, oc])
 * with positions outside the image skipped. Filter [1, fh, fw, outC], NHWC.
 *
 * The loop is direct (no im2col): per output pixel the in-image taps are listed once (input and
 * weight offsets), then each output channel sums over them (four channels at a time when the
 * depth multiplier is 1).
 * - float32: double accumulation, one rounding to float32 (relative error <= 1e-6 on
 *   well-conditioned outputs).
 * - uint8 (filter zero point), int8 per-channel / per-tensor, int16 x int8 (int64 or int32 bias):
 *   exact integer sums and TFLite's requantization, bit-exact with reference_ops::DepthwiseConv
 *   (kAwayFromZero rounding) and reference_integer_ops::DepthwiseConvPerChannel.
 * - hybrid (float activations, int8 weights): per-batch asymmetric input quantization and
 *   y = float(acc) * (channel_scale * input_scale) + bias in float32, as TFLite's
 *   DepthwiseConvHybridPerChannel. A one-scale filter is broadcast to every channel.
 *
 * The depth multiplier is taken from the shapes (outC / inC); a non-zero `depthMultiplier` option
 * must agree, as TFLite checks.
 */
import { asymmetricQuantizeFloats } from '../internal/hybrid_quantize.js';
import { numElements } from '../internal/shape.js';
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
import type { QuantizedData } from './im2col.js';
import {
  type PackedWeights,
  initPackedWeights,
  packedWeights,
  requestPackedWeights,
} from './packed_weights.js';
import { type Requant, biasAsFloat64, convRequant, quantOf, requantizeRows } from './requantize.js';
import { scratchF64, scratchI32, scratchI8 } from './scratch.js';
import { type Window2D, window2D } from './window.js';

interface DepthwiseData extends PackedWeights {
  path: ConvPath;
  w: Window2D;
  outC: number;
  multiplier: number;
  lo: number;
  hi: number;
  /** Int32 scratch: input and weight offsets of the in-image taps of one pixel. */
  tapsHandle: number;
  /** Float64 scratch of outC accumulators (quantized / hybrid). */
  accHandle: number;
  quantInputHandle: number;
  rq: Requant | null;
  bias: Float64Array | null;
  filterScales: Float32Array;
}

/** DEPTHWISE_CONV_2D: float32, hybrid, uint8, int8, int16x8. Prepare throws UnsupportedOpError / ShapeError otherwise. */
export const depthwiseConv2dKernel: Kernel<DepthwiseData> = {
  op: 'DEPTHWISE_CONV_2D',
  prepare(node: KernelNode, ctx: PrepareContext): DepthwiseData {
    const x = input(node, 0);
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    const y = output(node, 0);
    const opts = optionsOf(node, 'DepthwiseConv2DOptions');
    expectRank(node, x, 4, 'input');
    expectRank(node, filter, 4, 'filter');
    const [one, fh, fw, outC] = filter.shape as [number, number, number, number];
    if (one !== 1)
      throw shapeError(node, `filter must have shape [1, h, w, channels], has [${filter.shape}]`);
    const w = window2D(node, x, fh, fw, {
      padding: opts.padding,
      strideH: opts.strideH,
      strideW: opts.strideW,
      dilationH: opts.dilationHFactor,
      dilationW: opts.dilationWFactor,
    });
    if (w.inC < 1 || outC % w.inC !== 0) {
      throw shapeError(node, `filter channels ${outC} are not a multiple of the input channels ${w.inC}`);
    }
    const multiplier = outC / w.inC;
    if (opts.depthMultiplier !== 0 && opts.depthMultiplier !== multiplier) {
      throw shapeError(
        node,
        `depth_multiplier ${opts.depthMultiplier} disagrees with the shapes (${w.inC} -> ${outC} channels)`,
      );
    }
    if (bias && numElements(bias.shape) !== outC) {
      throw shapeError(node, `bias [${bias.shape}] must have ${outC} elements (one per output channel)`);
    }
    y.shape = [w.batches, w.outH, w.outW, outC];

    const path = convPath(node, x, filter, 'filter');
    const data: DepthwiseData = {
      path,
      w,
      outC,
      multiplier,
      lo: -Infinity,
      hi: Infinity,
      tapsHandle: ctx.requestScratch(fh * fw * 2 * 4),
      accHandle: ctx.requestScratch(outC * 8),
      quantInputHandle: -1,
      weightsHandle: -1,
      weightsPersistent: false,
      filterZeroPoint: 0,
      rq: null,
      bias: null,
      filterScales: new Float32Array(0),
    };
    if (path === 'float') {
      const r = floatOutputRange(node, y, bias, opts.fusedActivationFunction);
      data.lo = r.min;
      data.hi = r.max;
      return data;
    }
    Object.assign(data, requestPackedWeights(ctx, filter, fh * fw * outC));
    if (path === 'hybrid') {
      const r = floatOutputRange(node, y, bias, opts.fusedActivationFunction);
      const fq = quantOf(node, filter, 'filter');
      if (fq.scale.length !== 1 && fq.scale.length !== outC) {
        throw unsupported(node, `filter has ${fq.scale.length} scales for ${outC} output channels`);
      }
      data.filterScales = Float32Array.from(
        { length: outC },
        (_, c) => fq.scale[fq.scale.length === 1 ? 0 : c]!,
      );
      data.lo = r.min;
      data.hi = r.max;
      data.quantInputHandle = ctx.requestScratch(w.inH * w.inW * w.inC);
      return data;
    }
    // TFLite's 16x8 depthwise kernel takes an int64 bias only (CONV_2D also accepts int32).
    expectQuantizedDtypes(node, x, filter, 'filter', y, bias, x.dtype === 'int16' ? ['int64'] : ['int32']);
    data.rq = convRequant(node, x, filter, y, bias, outC, 3, opts.fusedActivationFunction);
    data.filterZeroPoint = data.rq.filterZeroPoint;
    if (bias?.isConst) data.bias = biasAsFloat64(bias);
    return data;
  },

  init(node: KernelNode, d: DepthwiseData, ctx: InitContext): void {
    initPackedWeights(node, d, ctx);
  },

  eval(node: KernelNode, d: DepthwiseData, ctx: EvalContext): void {
    if (d.path === 'float') evalFloat(node, d, ctx);
    else evalInteger(node, d, ctx);
  },
};

/**
 * Lists the in-image taps of output pixel (b, oy, ox) into `taps` as pairs (input element offset,
 * weight element offset) and returns their count.
 */
function listTaps(w: Window2D, outC: number, b: number, oy: number, ox: number, taps: Int32Array): number {
  const y0 = oy * w.strideH - w.padH;
  const x0 = ox * w.strideW - w.padW;
  let n = 0;
  for (let fy = 0; fy < w.filterH; fy++) {
    const iy = y0 + fy * w.dilationH;
    if (iy < 0 || iy >= w.inH) continue;
    for (let fx = 0; fx < w.filterW; fx++) {
      const ix = x0 + fx * w.dilationW;
      if (ix < 0 || ix >= w.inW) continue;
      taps[n++] = ((b * w.inH + iy) * w.inW + ix) * w.inC;
      taps[n++] = (fy * w.filterW + fx) * outC;
    }
  }
  return n;
}

/**
 * Writes acc[oc] = sum over the n/2 taps of x[tapIn + ic] * w[tapW + oc] (oc = ic * multiplier +
 * m). With multiplier 1, four channels are summed at a time (four independent accumulators: about
 * twice as fast in V8 as one channel at a time).
 */
function channelSumsF32(
  x: Float32Array,
  wt: Float32Array,
  taps: Int32Array,
  n: number,
  inC: number,
  multiplier: number,
  acc: Float64Array,
): void {
  if (multiplier === 1) {
    let c = 0;
    for (; c + 4 <= inC; c += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < n; t += 2) {
        const xb = taps[t]! + c;
        const wb = taps[t + 1]! + c;
        s0 += x[xb]! * wt[wb]!;
        s1 += x[xb + 1]! * wt[wb + 1]!;
        s2 += x[xb + 2]! * wt[wb + 2]!;
        s3 += x[xb + 3]! * wt[wb + 3]!;
      }
      acc[c] = s0;
      acc[c + 1] = s1;
      acc[c + 2] = s2;
      acc[c + 3] = s3;
    }
    for (; c < inC; c++) {
      let s = 0;
      for (let t = 0; t < n; t += 2) s += x[taps[t]! + c]! * wt[taps[t + 1]! + c]!;
      acc[c] = s;
    }
    return;
  }
  for (let ic = 0; ic < inC; ic++) {
    for (let m = 0; m < multiplier; m++) {
      const oc = ic * multiplier + m;
      let s = 0;
      for (let t = 0; t < n; t += 2) s += x[taps[t]! + ic]! * wt[taps[t + 1]! + oc]!;
      acc[oc] = s;
    }
  }
}

/** Integer analogue of channelSumsF32 on (x - zp) and pre-offset weights; `base` shifts the input offsets. */
function channelSumsInt(
  x: QuantizedData,
  base: number,
  zp: number,
  wt: Int16Array,
  taps: Int32Array,
  n: number,
  inC: number,
  multiplier: number,
  acc: Float64Array,
): void {
  if (multiplier === 1) {
    let c = 0;
    for (; c + 4 <= inC; c += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let t = 0; t < n; t += 2) {
        const xb = base + taps[t]! + c;
        const wb = taps[t + 1]! + c;
        s0 += (x[xb]! - zp) * wt[wb]!;
        s1 += (x[xb + 1]! - zp) * wt[wb + 1]!;
        s2 += (x[xb + 2]! - zp) * wt[wb + 2]!;
        s3 += (x[xb + 3]! - zp) * wt[wb + 3]!;
      }
      acc[c] = s0;
      acc[c + 1] = s1;
      acc[c + 2] = s2;
      acc[c + 3] = s3;
    }
    for (; c < inC; c++) {
      let s = 0;
      for (let t = 0; t < n; t += 2) s += (x[base + taps[t]! + c]! - zp) * wt[taps[t + 1]! + c]!;
      acc[c] = s;
    }
    return;
  }
  for (let ic = 0; ic < inC; ic++) {
    for (let m = 0; m < multiplier; m++) {
      const oc = ic * multiplier + m;
      let s = 0;
      for (let t = 0; t < n; t += 2) s += (x[base + taps[t]! + ic]! - zp) * wt[taps[t + 1]! + oc]!;
      acc[oc] = s;
    }
  }
}

function evalFloat(node: KernelNode, d: DepthwiseData, ctx: EvalContext): void {
  const x = input(node, 0).data as Float32Array;
  const wt = input(node, 1).data as Float32Array;
  const bias = (node.inputs[2]?.data as Float32Array | undefined) ?? null;
  const y = output(node, 0).data as Float32Array;
  const taps = scratchI32(ctx.scratch(d.tapsHandle));
  const acc = scratchF64(ctx.scratch(d.accHandle));
  const { w, outC, multiplier, lo, hi } = d;
  let o = 0;
  for (let b = 0; b < w.batches; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++) {
        const n = listTaps(w, outC, b, oy, ox, taps);
        channelSumsF32(x, wt, taps, n, w.inC, multiplier, acc);
        for (let c = 0; c < outC; c++) {
          const v = acc[c]! + (bias ? bias[c]! : 0);
          y[o++] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
  }
}

/** The quantized and hybrid paths: exact integer sums per channel, then requantize or rescale. */
function evalInteger(node: KernelNode, d: DepthwiseData, ctx: EvalContext): void {
  const xNode = input(node, 0);
  const y = output(node, 0).data as QuantizedData | Float32Array;
  const taps = scratchI32(ctx.scratch(d.tapsHandle));
  const acc = scratchF64(ctx.scratch(d.accHandle));
  const wt = packedWeights(node, d, ctx);
  const { w, outC, multiplier } = d;
  const hybrid = d.path === 'hybrid';
  const rq = d.rq;
  const intBias = hybrid ? null : (d.bias ?? biasAsFloat64(node.inputs[2] ?? null));
  const floatBias = hybrid ? ((node.inputs[2]?.data as Float32Array | undefined) ?? null) : null;
  const qin = hybrid ? scratchI8(ctx.scratch(d.quantInputHandle)) : null;
  const imageSize = w.inH * w.inW * w.inC;
  const rowQ = { scale: 1, offset: 0 };
  const f = Math.fround;
  let o = 0;
  for (let b = 0; b < w.batches; b++) {
    let x: QuantizedData;
    let zp: number;
    let base: number;
    if (hybrid) {
      asymmetricQuantizeFloats(xNode.data as Float32Array, b * imageSize, imageSize, qin!, 0, rowQ);
      x = qin!;
      zp = rowQ.offset;
      base = -b * imageSize; // taps address the whole batch; the quantized copy holds one image
    } else {
      x = xNode.data as QuantizedData;
      zp = rq!.inputZeroPoint;
      base = 0;
    }
    for (let oy = 0; oy < w.outH; oy++) {
      for (let ox = 0; ox < w.outW; ox++) {
        const n = listTaps(w, outC, b, oy, ox, taps);
        channelSumsInt(x, base, zp, wt, taps, n, w.inC, multiplier, acc);
        if (hybrid) {
          const yf = y as Float32Array;
          const { lo, hi, filterScales } = d;
          for (let c = 0; c < outC; c++) {
            let v = f(f(acc[c]!) * f(filterScales[c]! * rowQ.scale));
            if (floatBias) v = f(v + floatBias[c]!);
            yf[o++] = v < lo ? lo : v > hi ? hi : v;
          }
        } else {
          requantizeRows(rq!, acc, 1, outC, intBias, y as QuantizedData, o);
          o += outC;
        }
      }
    }
  }
}
