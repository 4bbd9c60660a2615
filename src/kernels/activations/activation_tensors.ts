/**
 * Prepare-time checks the activation kernels share: the input's dtype and an output of the same
 * dtype and shape, per-tensor quantization of both for the integer dtypes, and the rows of the
 * ops that work along the last axis (SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION).
 */
import type { DType } from '../../ir/dtype.js';
import { type KernelNode, type KernelTensor, expectDtype, input, output, unsupported } from '../kernel.js';
import { type TensorQuant, isQuantized, tensorQuant } from '../elementwise/common.js';

/**
 * Returns input 0 and output 0 after checking that the input has one of the `allowed` dtypes and
 * the output the same one; gives the output the input's shape. Throws UnsupportedOpError.
 */
export function sameShapeOutput(
  node: KernelNode,
  allowed: readonly DType[],
): { x: KernelTensor; y: KernelTensor } {
  const x = input(node, 0);
  const y = output(node, 0);
  expectDtype(node, x, allowed, 'input');
  if (y.dtype !== x.dtype) throw unsupported(node, `input is ${x.dtype} but output is ${y.dtype}`);
  y.shape = [...x.shape];
  return { x, y };
}

/**
 * Returns the per-tensor quantization of input `x` and output `y`. Throws UnsupportedOpError
 * unless both are quantized.
 */
export function quantizedPair(
  node: KernelNode,
  x: KernelTensor,
  y: KernelTensor,
): { qi: TensorQuant; qo: TensorQuant } {
  if (!isQuantized(x) || !isQuantized(y))
    throw unsupported(node, `${x.dtype} ${node.op} needs quantized input and output`);
  return { qi: tensorQuant(x), qo: tensorQuant(y) };
}

/**
 * Returns `x` as `outer` rows of `depth` values along its last axis. Throws UnsupportedOpError
 * for a scalar.
 */
export function lastAxisRows(node: KernelNode, x: KernelTensor): { outer: number; depth: number } {
  if (x.shape.length < 1) throw unsupported(node, `${node.op} needs an input of rank >= 1`);
  const depth = x.shape[x.shape.length - 1]!;
  const size = x.shape.reduce((p, d) => p * d, 1);
  return { outer: depth === 0 ? 0 : size / depth, depth };
}
