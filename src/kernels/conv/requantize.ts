/**
 * Quantization constants of the convolution family (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED,
 * TRANSPOSE_CONV), computed in prepare as TFLite's `PopulateConvolutionQuantizationParams`
 * (kernel_util.cc) does, and the per-element requantization their eval loops share.
 *
 * For every output channel c: real multiplier = input_scale * filter_scale[c] / output_scale in
 * double (a per-tensor filter broadcasts its one scale), then QuantizeMultiplier -> (Q0.31
 * significand, shift). The legacy uint8 path is the one-scale case of the same formula (TFLite's
 * GetQuantizedConvolutionMultipler, also in double).
 *
 * Degenerate scales: squeezenet_v1_1_quant has tensors with scale 1.3e36, giving multipliers with
 * shifts near 118, where TFLite's `x * (1 << left_shift)` is undefined behaviour in C++. We keep
 * what the reference expression does when compiled to WebAssembly (and on x86): the shift count
 * is taken modulo 32 and the product wraps. On such layers LiteRT / TFLite's optimized kernels
 * disagree with this for most inputs; with the model's real data the layer input is always its
 * zero point (every real value below half the scale quantizes to it), the accumulator is the
 * bias, and all agree.
 */
import type { DType } from '../../ir/dtype.js';
import { calculateActivationRangeQuantized } from '../internal/activation_range.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierInt64,
} from '../internal/multiply_by_quantized_multiplier.js';
import { populatePerChannelMultipliers } from '../internal/quantize_multiplier.js';
import { type KernelNode, type KernelTensor, type QuantParams, unsupported } from '../kernel.js';

/** Requantization constants of a quantized convolution-family node. */
export interface Requant {
  /** Zero points of input, filter (uint8 only; 0 otherwise, as TFLite ignores it) and output. */
  inputZeroPoint: number;
  filterZeroPoint: number;
  outputZeroPoint: number;
  /** One Q0.31 multiplier and shift per output channel. */
  multipliers: Int32Array;
  shifts: Int32Array;
  /** Quantized clamp range of the fused activation. */
  qmin: number;
  qmax: number;
  /**
   * True for int16 activations with an int64 (or absent) bias: TFLite's 16x8 kernels then keep an
   * int64 accumulator and requantize with the int64 MultiplyByQuantizedMultiplier.
   */
  wide: boolean;
}

/** Returns the tensor's quantization, throwing UnsupportedOpError when it has none. */
export function quantOf(node: KernelNode, t: KernelTensor, role: string): QuantParams {
  const q = t.quant;
  if (!q || q.scale.length === 0) {
    throw unsupported(node, `${role} ${JSON.stringify(t.name)} (${t.dtype}) has no quantization parameters`);
  }
  return q;
}

/** Returns the tensor's single scale / zero point, throwing when it is quantized per axis. */
export function perTensor(
  node: KernelNode,
  t: KernelTensor,
  role: string,
): { scale: number; zeroPoint: number } {
  const q = quantOf(node, t, role);
  if (q.scale.length !== 1) {
    throw unsupported(
      node,
      `${role} ${JSON.stringify(t.name)} is quantized per axis (${q.scale.length} scales); only per-tensor is supported here`,
    );
  }
  return { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 };
}

/**
 * Returns the requantization constants for a quantized node whose `filter` has `channels` output
 * channels along `channelAxis`. The filter must be per-tensor or per-axis along that axis (one
 * scale is broadcast, whatever its quantized_dimension: person_detect stores per-tensor scales
 * with axis 3). Throws UnsupportedOpError for missing or mismatched quantization, a non-zero int16
 * zero point, or a fused activation that cannot be quantized.
 */
export function convRequant(
  node: KernelNode,
  input: KernelTensor,
  filter: KernelTensor,
  output: KernelTensor,
  bias: KernelTensor | null,
  channels: number,
  channelAxis: number,
  activation: number,
): Requant {
  const inQ = perTensor(node, input, 'input');
  const outQ = perTensor(node, output, 'output');
  const fQ = quantOf(node, filter, 'filter');
  if (fQ.scale.length !== 1 && (fQ.scale.length !== channels || fQ.axis !== channelAxis)) {
    throw unsupported(
      node,
      `filter ${JSON.stringify(filter.name)} has ${fQ.scale.length} scales along axis ${fQ.axis}; ` +
        `expected 1, or ${channels} along axis ${channelAxis}`,
    );
  }
  if (input.dtype === 'int16' && (inQ.zeroPoint !== 0 || outQ.zeroPoint !== 0)) {
    throw unsupported(node, 'int16 input and output must have zero point 0 (symmetric 16x8 quantization)');
  }
  const multipliers = new Int32Array(channels);
  const shifts = new Int32Array(channels);
  populatePerChannelMultipliers(inQ.scale, fQ.scale, outQ.scale, multipliers, shifts);
  const range = calculateActivationRangeQuantized(
    activation,
    output.dtype as 'int8' | 'uint8' | 'int16',
    outQ.scale,
    outQ.zeroPoint,
  );
  return {
    inputZeroPoint: inQ.zeroPoint,
    filterZeroPoint: input.dtype === 'uint8' ? (fQ.zeroPoint[0] ?? 0) : 0,
    outputZeroPoint: outQ.zeroPoint,
    multipliers,
    shifts,
    qmin: range.min,
    qmax: range.max,
    wide: input.dtype === 'int16' && (bias === null || bias.dtype === 'int64'),
  };
}

/** Returns the bias as float64 numbers (exact for int32 and for int64 below 2^53), or null. */
export function biasAsFloat64(bias: KernelTensor | null): Float64Array | null {
  if (!bias) return null;
  const src = bias.data;
  const out = new Float64Array(src.length);
  if (src instanceof BigInt64Array) for (let i = 0; i < src.length; i++) out[i] = Number(src[i]!);
  else out.set(src as Int32Array);
  return out;
}

/** Bias dtypes each activation dtype accepts (TFLite: int32 for 8-bit, int64 or int32 for 16x8). */
export function expectedBiasDtypes(inputDtype: DType): readonly DType[] {
  return inputDtype === 'int16' ? ['int64', 'int32'] : ['int32'];
}

/**
 * Writes `rows` x `channels` accumulators (row-major, from index 0) to `out` (from outOffset)
 * after TFLite's requantization: acc + bias, then MultiplyByQuantizedMultiplier per channel, plus
 * the output zero point, clamped to [qmin, qmax]. 8-bit: the sum wraps to int32 as TFLite's
 * accumulator does; wide (16x8 with int64 bias): the exact sum and the int64 multiplier form.
 * Never throws.
 */
export function requantizeRows(
  r: Requant,
  acc: Float64Array,
  rows: number,
  channels: number,
  bias: Float64Array | null,
  out: Int8Array | Uint8Array | Int16Array,
  outOffset: number,
): void {
  const { multipliers, shifts, outputZeroPoint, qmin, qmax } = r;
  let a = 0;
  let o = outOffset;
  if (r.wide) {
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < channels; c++) {
        const x = acc[a++]! + (bias ? bias[c]! : 0);
        let v = multiplyByQuantizedMultiplierInt64(x, multipliers[c]!, shifts[c]!) + outputZeroPoint;
        v = v < qmin ? qmin : v > qmax ? qmax : v;
        out[o++] = v;
      }
    }
    return;
  }
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < channels; c++) {
      const x = (acc[a++]! + (bias ? bias[c]! : 0)) | 0;
      let v = multiplyByQuantizedMultiplier(x, multipliers[c]!, shifts[c]!) + outputZeroPoint;
      v = v < qmin ? qmin : v > qmax ? qmax : v;
      out[o++] = v;
    }
  }
}
