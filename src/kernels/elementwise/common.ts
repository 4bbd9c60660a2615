/**
 * Prepare-time helpers shared by the element-wise kernels: broadcast output shapes, per-tensor
 * quantization parameters, dtype checks and the integer clamp ranges of fused activations.
 */
import { Activation } from '../../ir/builtin_options.js';
import type { DType } from '../../ir/dtype.js';
import { type KernelNode, type KernelTensor, input, output, unsupported } from '../kernel.js';
import { broadcastShapes } from '../internal/shape.js';
import { type BroadcastPlan, planBroadcast } from './broadcast.js';

/** Per-tensor affine quantization as TFLite's `TfLiteTensor::params` holds it. */
export interface TensorQuant {
  scale: number;
  zeroPoint: number;
}

/**
 * Returns the per-tensor (scale, zero point) of a tensor: the first entry of its quantization, or
 * (0, 0) when it has none, as TFLite's `params` reads for an unquantized tensor. Never throws.
 */
export function tensorQuant(t: KernelTensor): TensorQuant {
  const q = t.quant;
  if (!q || q.scale.length === 0) return { scale: 0, zeroPoint: 0 };
  return { scale: Math.fround(q.scale[0]!), zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** True when the tensor carries quantization parameters. */
export function isQuantized(t: KernelTensor): boolean {
  return t.quant !== null && t.quant.scale.length > 0;
}

/** The per-tensor quantization of a binary op's inputs and output. */
export interface BinaryQuant {
  q1: TensorQuant;
  q2: TensorQuant;
  qo: TensorQuant;
}

/**
 * Returns the per-tensor quantization of inputs `a`, `b` and output `y`. Throws
 * UnsupportedOpError with the message `needs` unless all three are quantized.
 */
export function binaryQuant(
  node: KernelNode,
  a: KernelTensor,
  b: KernelTensor,
  y: KernelTensor,
  needs: string,
): BinaryQuant {
  if (!isQuantized(a) || !isQuantized(b) || !isQuantized(y)) throw unsupported(node, needs);
  return { q1: tensorQuant(a), q2: tensorQuant(b), qo: tensorQuant(y) };
}

/**
 * Sets `y.shape` to the broadcast of the input shapes and returns the iteration plan.
 * Throws ShapeError naming the node when the shapes cannot broadcast.
 */
export function prepareBroadcast(
  node: KernelNode,
  inputs: readonly KernelTensor[],
  y: KernelTensor,
): BroadcastPlan {
  let shape: number[] = [];
  for (const t of inputs) shape = broadcastShapes(shape, t.shape, `node ${node.index} (${node.op})`);
  y.shape = shape;
  return planBroadcast(
    shape,
    inputs.map((t) => t.shape),
  );
}

/**
 * Throws unless both inputs have the same dtype and it is one of `allowed` (TFLite's
 * TF_LITE_ENSURE_TYPES_EQ plus the op's supported-type switch).
 */
export function expectSameDtype(
  node: KernelNode,
  a: KernelTensor,
  b: KernelTensor,
  allowed: readonly DType[],
): DType {
  if (a.dtype !== b.dtype) {
    throw unsupported(
      node,
      `inputs have different dtypes (${a.dtype} and ${b.dtype}); both must be the same`,
    );
  }
  if (!allowed.includes(a.dtype)) {
    throw unsupported(node, `dtype ${a.dtype}; supported: ${allowed.join(', ')}`);
  }
  return a.dtype;
}

/** A binary op's tensors, their common dtype and its broadcast plan (see prepareSameDtypeBinary). */
export interface SameDtypeBinary {
  a: KernelTensor;
  b: KernelTensor;
  y: KernelTensor;
  dtype: DType;
  plan: BroadcastPlan;
}

/**
 * The common start of a binary op's prepare: checks that inputs 0 and 1 share one of the `allowed`
 * dtypes (expectSameDtype), gives output 0 that dtype and the broadcast shape, and returns the
 * tensors with the plan. Throws UnsupportedOpError or ShapeError.
 */
export function prepareSameDtypeBinary(node: KernelNode, allowed: readonly DType[]): SameDtypeBinary {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  const dtype = expectSameDtype(node, a, b, allowed);
  y.dtype = dtype;
  return { a, b, y, dtype, plan: prepareBroadcast(node, [a, b], y) };
}

/** Range of a plain (unquantized) integer dtype. */
export const INT_RANGE: Readonly<Record<string, readonly [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/**
 * Returns TFLite's `CalculateActivationRange<T>` for an integer type T (int16, int32): RELU
 * [0, max], RELU6 [0, 6], RELU_N1_TO_1 [-1, 1], anything else the whole range of T (TANH and
 * SIGN_BIT are ignored by TFLite's non-float kernels too). Never throws.
 */
export function intActivationRange(activation: number, dtype: 'int16' | 'int32'): [number, number] {
  const [lo, hi] = INT_RANGE[dtype]!;
  switch (activation) {
    case Activation.RELU:
      return [0, hi];
    case Activation.RELU6:
      return [0, 6];
    case Activation.RELU_N1_TO_1:
      return [-1, 1];
    default:
      return [lo, hi];
  }
}

/**
 * Returns TFLite's `CalculateActivationRange<int64_t>` as bigints, or null for the full range (no
 * clamp needed). Never throws.
 */
export function int64ActivationRange(activation: number): [bigint, bigint] | null {
  switch (activation) {
    case Activation.RELU:
      return [0n, 0x7fffffffffffffffn];
    case Activation.RELU6:
      return [0n, 6n];
    case Activation.RELU_N1_TO_1:
      return [-1n, 1n];
    default:
      return null;
  }
}
