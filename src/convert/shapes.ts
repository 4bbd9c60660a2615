/**
 * Static shape arithmetic of the converter (TensorFlow's conventions, which TFLite shares).
 */
import { ConversionError } from '../errors.js';

/** TF padding modes. */
export type PaddingMode = 'same' | 'valid';

/**
 * Returns the output size of a conv/pool window along one spatial axis: SAME gives
 * ceil(in / stride); VALID gives ceil((in - effectiveKernel + 1) / stride) with the dilated
 * kernel extent effectiveKernel = (k - 1) * dilation + 1.
 */
export function windowOutputSize(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: PaddingMode,
): number {
  if (padding === 'same') return Math.ceil(input / stride);
  const eff = (kernel - 1) * dilation + 1;
  return Math.max(0, Math.ceil((input - eff + 1) / stride));
}

/**
 * Returns the [before, after] zero padding that SAME padding implies: total =
 * max((out - 1) * stride + effectiveKernel - in, 0), the odd unit going after (TF's rule).
 */
export function samePadding(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
): [number, number] {
  const out = Math.ceil(input / stride);
  const eff = (kernel - 1) * dilation + 1;
  const total = Math.max((out - 1) * stride + eff - input, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Returns the numpy-style broadcast of two shapes. Throws ConversionError when they do not broadcast. */
export function broadcastShapes(a: readonly number[], b: readonly number[], where: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new ConversionError(`${where}: shapes [${a}] and [${b}] do not broadcast`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Returns the number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Returns `axis` made non-negative for a tensor of rank `rank`. */
export function normAxis(axis: number, rank: number): number {
  return axis < 0 ? axis + rank : axis;
}

/**
 * Returns `target` with one -1 entry resolved so that it holds `count` elements. Throws
 * ConversionError when that is impossible.
 */
export function resolveReshape(target: readonly number[], count: number, where: string): number[] {
  const known = target.filter((d) => d !== -1).reduce((p, d) => p * d, 1);
  const unknown = target.filter((d) => d === -1).length;
  if (unknown > 1) throw new ConversionError(`${where}: reshape target [${target}] has more than one -1`);
  if (unknown === 1) {
    if (known === 0 || count % known !== 0) {
      throw new ConversionError(`${where}: cannot reshape ${count} elements to [${target}]`);
    }
    return target.map((d) => (d === -1 ? count / known : d));
  }
  if (known !== count) throw new ConversionError(`${where}: cannot reshape ${count} elements to [${target}]`);
  return [...target];
}
