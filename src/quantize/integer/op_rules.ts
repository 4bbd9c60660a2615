/**
 * Per-op quantization rules of full-integer quantization, as data: which inputs carry quantized
 * data, which are weights and biases, and how an op's output parameters are chosen. They follow
 * TFLite's "8-bit quantization specification" and its 16x8 mode:
 *
 *  - weighted: CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED / TRANSPOSE_CONV. Weights int8,
 *    symmetric (zp 0, [-127, 127]), per output channel along `weightAxis` (0 for conv and fully
 *    connected, 3 for depthwise); bias int32 (int64 in 16x8) with scale input x weight scale;
 *    output parameters from calibration.
 *  - free: output parameters from calibration, inputs keep their own (ADD, MUL, MEAN, RELU...);
 *    a constant data input gets its own per-tensor parameters from its values.
 *  - same: inputs and outputs share one scale and zero point (pooling, reshape, concatenation,
 *    pad, resize, slicing, max/min): the kernels copy or compare quantized values directly.
 *  - fixed: the output parameters are fixed by the op's range (SOFTMAX and LOGISTIC in [0, 1]:
 *    scale 1/256, zp -128; TANH in [-1, 1]: 1/128, zp 0; int16: 1/32768, zp 0).
 *
 * An op absent from this table has no integer kernel in TFLite and stays float (with DEQUANTIZE
 * before and QUANTIZE after it). `int16` says whether the op has a 16x8 kernel.
 */
import type { AffineParams } from '../quant_params.js';

/** How one op is quantized. */
export type OpRule =
  | {
      readonly kind: 'weighted';
      /** Positions of the activation input, the weights and the (optional) bias. */
      readonly input: number;
      readonly weights: number;
      readonly bias: number;
      /** Axis of the weights' output channels (per-channel scales). */
      readonly weightAxis: number;
      readonly int16: boolean;
    }
  | {
      readonly kind: 'free' | 'same';
      /** Positions of the inputs carrying quantized data ('all' = every input). */
      readonly inputs: readonly number[] | 'all';
      readonly int16: boolean;
    }
  | {
      readonly kind: 'fixed';
      readonly inputs: readonly number[];
      readonly int8: AffineParams;
      /** Output parameters in 16x8 mode; absent when the op has no int16 kernel. */
      readonly int16?: AffineParams;
    };

const weighted = (weights: number, input: number, bias: number, weightAxis: number): OpRule => ({
  kind: 'weighted',
  input,
  weights,
  bias,
  weightAxis,
  int16: true,
});
const free = (inputs: readonly number[] | 'all', int16 = true): OpRule => ({ kind: 'free', inputs, int16 });
const same = (inputs: readonly number[] | 'all', int16 = true): OpRule => ({ kind: 'same', inputs, int16 });

const UNIT_INT16: AffineParams = { scale: 1 / 32768, zeroPoint: 0 };

/** The rules, by builtin op name. */
export const OP_RULES: Readonly<Record<string, OpRule>> = {
  CONV_2D: weighted(1, 0, 2, 0),
  DEPTHWISE_CONV_2D: weighted(1, 0, 2, 3),
  FULLY_CONNECTED: weighted(1, 0, 2, 0),
  // TRANSPOSE_CONV inputs: output shape (int32), weights [O, H, W, I], input, bias.
  TRANSPOSE_CONV: weighted(1, 2, 3, 0),

  ADD: free([0, 1]),
  SUB: free([0, 1]),
  MUL: free([0, 1]),
  SQUARED_DIFFERENCE: free([0, 1], false),
  MEAN: free([0]),
  SUM: free([0], false),
  RELU: free([0]),
  RELU6: free([0]),
  RELU_N1_TO_1: free([0], false),
  LEAKY_RELU: free([0]),
  HARD_SWISH: free([0], false),
  PRELU: free([0, 1], false),

  AVERAGE_POOL_2D: same([0]),
  MAX_POOL_2D: same([0]),
  RESHAPE: same([0]),
  SQUEEZE: same([0]),
  EXPAND_DIMS: same([0]),
  TRANSPOSE: same([0]),
  CONCATENATION: same('all'),
  PACK: same('all'),
  UNPACK: same([0]),
  SPLIT: same([1]),
  SPLIT_V: same([0]),
  PAD: same([0]),
  PADV2: same([0, 2]),
  MIRROR_PAD: same([0], false),
  RESIZE_BILINEAR: same([0]),
  RESIZE_NEAREST_NEIGHBOR: same([0]),
  SLICE: same([0]),
  STRIDED_SLICE: same([0]),
  GATHER: same([0]),
  SPACE_TO_DEPTH: same([0], false),
  DEPTH_TO_SPACE: same([0], false),
  SPACE_TO_BATCH_ND: same([0]),
  BATCH_TO_SPACE_ND: same([0]),
  TILE: same([0], false),
  MAXIMUM: same([0, 1]),
  MINIMUM: same([0, 1]),
  REDUCE_MAX: same([0]),
  REDUCE_MIN: same([0]),

  SOFTMAX: { kind: 'fixed', inputs: [0], int8: { scale: 1 / 256, zeroPoint: -128 }, int16: UNIT_INT16 },
  LOGISTIC: { kind: 'fixed', inputs: [0], int8: { scale: 1 / 256, zeroPoint: -128 }, int16: UNIT_INT16 },
  TANH: { kind: 'fixed', inputs: [0], int8: { scale: 1 / 128, zeroPoint: 0 }, int16: UNIT_INT16 },
  LOG_SOFTMAX: { kind: 'fixed', inputs: [0], int8: { scale: 16 / 256, zeroPoint: 127 } },
  L2_NORMALIZATION: { kind: 'fixed', inputs: [0], int8: { scale: 1 / 128, zeroPoint: 0 } },
};

/** Returns the positions of the quantized data inputs of a node with `inputCount` inputs under `rule`. */
export function dataInputs(rule: OpRule, inputCount: number): number[] {
  if (rule.kind === 'weighted') return [rule.input];
  if (rule.inputs === 'all') return Array.from({ length: inputCount }, (_, i) => i);
  return rule.inputs.filter((i) => i < inputCount);
}

/** True when the rule has a kernel for `type` activations. */
export function ruleSupports(rule: OpRule, type: 'int8' | 'int16'): boolean {
  if (type === 'int8') return true;
  return rule.kind === 'fixed' ? rule.int16 !== undefined : rule.int16;
}
