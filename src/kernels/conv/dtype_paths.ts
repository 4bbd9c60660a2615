/**
 * The three dtype paths of CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED, chosen in prepare from
 * the input and filter dtypes as TFLite's conv.cc / depthwise_conv.cc / fully_connected.cc do,
 * and the dtype checks each path makes there:
 * - float: float32 input and filter, float32 output and bias;
 * - hybrid: float32 input, int8 filter (dynamic-range quantization), float32 output and bias;
 * - quantized: uint8 input with a uint8 filter, int8 or int16 input with an int8 filter, the
 *   output in the input's dtype, an integer bias.
 */
import type { DType } from '../../ir/dtype.js';
import { type ActivationRange, calculateActivationRangeFloat } from '../internal/activation_range.js';
import { type KernelNode, type KernelTensor, expectDtype, unsupported } from '../kernel.js';

/** Which kernel loop a convolution-family node runs. */
export type ConvPath = 'float' | 'quantized' | 'hybrid';

/**
 * Returns the path the input and filter dtypes select. Throws UnsupportedOpError for any other
 * pair, naming the filter by `filterRole` ('filter' or 'weights').
 */
export function convPath(
  node: KernelNode,
  x: KernelTensor,
  filter: KernelTensor,
  filterRole: string,
): ConvPath {
  if (x.dtype === 'float32' && filter.dtype === 'float32') return 'float';
  if (x.dtype === 'float32' && filter.dtype === 'int8') return 'hybrid';
  if (x.dtype === 'uint8' || x.dtype === 'int8' || x.dtype === 'int16') return 'quantized';
  throw unsupported(node, `input ${x.dtype} with ${filterRole} ${filter.dtype}`);
}

/**
 * Returns the float clamp range of the fused activation (float and hybrid paths) after checking
 * that the output and the bias, if any, are float32. Throws UnsupportedOpError otherwise.
 */
export function floatOutputRange(
  node: KernelNode,
  y: KernelTensor,
  bias: KernelTensor | null,
  activation: number,
): ActivationRange {
  expectDtype(node, y, ['float32'], 'output');
  if (bias) expectDtype(node, bias, ['float32'], 'bias');
  return calculateActivationRangeFloat(activation);
}

/**
 * Checks the dtypes of the quantized path: the filter uint8 for a uint8 input and int8 otherwise,
 * the output in the input's dtype, the bias (if any) one of `biasDtypes`. Throws
 * UnsupportedOpError otherwise.
 */
export function expectQuantizedDtypes(
  node: KernelNode,
  x: KernelTensor,
  filter: KernelTensor,
  filterRole: string,
  y: KernelTensor,
  bias: KernelTensor | null,
  biasDtypes: readonly DType[],
): void {
  expectDtype(node, filter, [x.dtype === 'uint8' ? 'uint8' : 'int8'], filterRole);
  expectDtype(node, y, [x.dtype], 'output');
  if (bias) expectDtype(node, bias, biasDtypes, 'bias');
}
