/**
 * Statistics for bias correction: the mean input patch each weighted node sees.
 *
 * A convolution's output channel c is b_c + sum_k W[c,k] * x_k over the input patch x at each
 * output position. Quantizing W to W_q shifts the expected output by sum_k (W_q - W)[c,k] * E[x_k]
 * — a systematic error per channel that the rounding of W creates and that no later layer undoes.
 * Bias correction (Nagel et al., "Data-Free Quantization Through Weight Equalization and Bias
 * Correction", 2019, the empirical variant) subtracts that shift from the bias. E[x_k], the mean
 * of each patch element over calibration samples and output positions (zeros where the window
 * hangs over the padding), is what this accumulates:
 *
 *  - CONV_2D, filter [O, KH, KW, I]: patch [KH, KW, I];
 *  - DEPTHWISE_CONV_2D, filter [1, KH, KW, I*m]: patch [KH, KW, I] (channel c reads input c/m);
 *  - FULLY_CONNECTED, weights [O, K]: patch [K] (the mean input row).
 */
import type { OptionsOf } from '../../ir/builtin_options.js';
import { window2D } from '../../kernels/conv/window.js';
import type { KernelNode, KernelTensor } from '../../kernels/kernel.js';

/** Ops whose bias correction statistics are collected. */
export const PATCH_MEAN_OPS: ReadonlySet<string> = new Set([
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
]);

/** Running sum of patches for one node. */
export class PatchMeanAccumulator {
  readonly sum: Float64Array;
  count = 0;
  constructor(size: number) {
    this.sum = new Float64Array(size);
  }
  /** Returns the mean patch so far (zeros before any sample). */
  mean(): Float64Array {
    const out = new Float64Array(this.sum.length);
    if (this.count > 0) for (let i = 0; i < out.length; i++) out[i] = this.sum[i]! / this.count;
    return out;
  }
}

/**
 * Adds the patches of one run of `node` (inputs hold this run's values) to `acc`, creating it on
 * the first call. Returns the accumulator, or undefined when the node's geometry is not one this
 * handles (grouped convolution, non-float input).
 */
export function accumulatePatches(
  node: KernelNode,
  acc: PatchMeanAccumulator | undefined,
): PatchMeanAccumulator | undefined {
  const x = node.inputs[0];
  const w = node.inputs[1];
  if (!x || !w) return undefined;
  const data = realValues(x);
  if (!data) return undefined;
  if (node.op === 'FULLY_CONNECTED') {
    const k = w.shape[w.shape.length - 1]!;
    if (k <= 0 || data.length % k !== 0) return undefined;
    const a = acc ?? new PatchMeanAccumulator(k);
    for (let r = 0; r < data.length; r += k) for (let j = 0; j < k; j++) a.sum[j]! += data[r + j]!;
    a.count += data.length / k;
    return a;
  }
  if (x.shape.length !== 4 || w.shape.length !== 4) return undefined;
  const depthwise = node.op === 'DEPTHWISE_CONV_2D';
  const o = node.builtinOptions?.values as Partial<OptionsOf<'Conv2DOptions'>> | undefined;
  const geo = window2D(node, x, w.shape[1]!, w.shape[2]!, {
    padding: o?.padding ?? 0,
    strideH: o?.strideH ?? 1,
    strideW: o?.strideW ?? 1,
    dilationH: o?.dilationHFactor ?? 1,
    dilationW: o?.dilationWFactor ?? 1,
  });
  const c = geo.inC;
  if (!depthwise && w.shape[3] !== c) return undefined;
  const kh = geo.filterH;
  const kw = geo.filterW;
  const a = acc ?? new PatchMeanAccumulator(kh * kw * c);
  const sum = a.sum;
  for (let b = 0; b < geo.batches; b++) {
    for (let fy = 0; fy < kh; fy++) {
      for (let oy = 0; oy < geo.outH; oy++) {
        const iy = oy * geo.strideH - geo.padH + fy * geo.dilationH;
        if (iy < 0 || iy >= geo.inH) continue;
        for (let fx = 0; fx < kw; fx++) {
          const dst = (fy * kw + fx) * c;
          for (let ox = 0; ox < geo.outW; ox++) {
            const ix = ox * geo.strideW - geo.padW + fx * geo.dilationW;
            if (ix < 0 || ix >= geo.inW) continue;
            const src = ((b * geo.inH + iy) * geo.inW + ix) * c;
            for (let ch = 0; ch < c; ch++) sum[dst + ch]! += data[src + ch]!;
          }
        }
      }
    }
  }
  a.count += geo.batches * geo.outH * geo.outW;
  return a;
}

/**
 * Returns the real values of a float32 tensor (its data) or of a per-tensor quantized int8 /
 * uint8 / int16 one (dequantized), or undefined for other tensors.
 */
function realValues(x: KernelTensor): Float32Array | undefined {
  if (x.dtype === 'float32') return x.data as Float32Array;
  const q = x.quant;
  if (!q || q.scale.length !== 1 || (x.dtype !== 'int8' && x.dtype !== 'uint8' && x.dtype !== 'int16'))
    return undefined;
  const src = x.data as Int8Array | Uint8Array | Int16Array;
  const s = q.scale[0]!;
  const z = q.zeroPoint[0]!;
  const out = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) out[i] = s * (src[i]! - z);
  return out;
}

/**
 * Returns, per output channel, sum_k W[c,k] * mean[k]: the mean output (before bias and
 * activation) of a node with filter `W` (laid out as the node's filter) whose mean input patch is
 * `mean`. With W = W_q - W_float it is the shift the weight error causes. Never throws.
 */
export function meanResponse(
  op: string,
  dW: Float32Array,
  filterShape: readonly number[],
  mean: Float64Array,
): Float64Array {
  if (op === 'DEPTHWISE_CONV_2D') {
    // Filter [1, KH, KW, C*m]; output channel c reads input channel floor(c / m).
    const outC = filterShape[3]!;
    const taps = filterShape[1]! * filterShape[2]!;
    const inC = mean.length / taps;
    const m = outC / inC;
    const shift = new Float64Array(outC);
    for (let t = 0; t < taps; t++)
      for (let oc = 0; oc < outC; oc++)
        shift[oc]! += dW[t * outC + oc]! * mean[t * inC + Math.floor(oc / m)]!;
    return shift;
  }
  // CONV_2D [O, KH, KW, I] and FULLY_CONNECTED [O, K]: row c of the filter against the patch.
  const outC = filterShape[0]!;
  const k = mean.length;
  const shift = new Float64Array(outC);
  for (let oc = 0; oc < outC; oc++) {
    let s = 0;
    const row = oc * k;
    for (let j = 0; j < k; j++) s += dW[row + j]! * mean[j]!;
    shift[oc] = s;
  }
  return shift;
}
