/**
 * Shape arithmetic shared by kernels: element counts, strides, broadcasting and the
 * SAME/VALID padding rules of TFLite (kernels/padding.h).
 */
import { ShapeError } from '../../errors.js';

/** Returns the number of elements of a shape (1 for a scalar). */
export function numElements(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Returns row-major strides (in elements) of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** True when two shapes are equal. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Returns the NumPy-style broadcast of two shapes (dims aligned from the right; a dim of 1
 * stretches). Throws ShapeError when they cannot broadcast.
 */
export function broadcastShapes(a: readonly number[], b: readonly number[], where = ''): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${where ? `${where}: ` : ''}shapes [${a}] and [${b}] cannot be broadcast`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Returns the strides (in elements) that walk `inShape` broadcast into `outShape`: 0 where the
 * input dim is 1 (the value repeats), left-padded with 0 to the output rank.
 */
export function broadcastStrides(inShape: readonly number[], outShape: readonly number[]): number[] {
  const rank = outShape.length;
  const s = stridesOf(inShape);
  const out = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    const o = rank - inShape.length + i;
    out[o] = inShape[i] === 1 ? 0 : s[i]!;
  }
  return out;
}

/**
 * Returns TFLite's ComputeOutSize along one axis: SAME -> ceil(in / stride), VALID ->
 * ceil((in - effective + 1) / stride) with effective = (filter - 1) * dilation + 1, using C's
 * truncating division (a window larger than the image gives 0 or less). The stride must be
 * positive (callers check it). Never throws.
 */
export function computeOutSize(
  padding: number,
  imageSize: number,
  filterSize: number,
  stride: number,
  dilation = 1,
): number {
  const effective = (filterSize - 1) * dilation + 1;
  // Padding enum: 0 = SAME, 1 = VALID.
  const num = padding === 0 ? imageSize + stride - 1 : imageSize + stride - effective;
  return Math.trunc(num / stride);
}

/**
 * Leading padding along one axis for SAME/VALID (TFLite ComputePaddingWithOffset): the total
 * padding is split with the extra pixel (odd totals) at the end; returns {pad, offset} where
 * offset is 1 when the trailing side gets one more.
 */
export function computePadding(
  stride: number,
  dilation: number,
  inSize: number,
  filterSize: number,
  outSize: number,
): { pad: number; offset: number } {
  const effective = (filterSize - 1) * dilation + 1;
  let total = (outSize - 1) * stride + effective - inSize;
  total = total > 0 ? total : 0;
  return { pad: Math.floor(total / 2), offset: total % 2 };
}

/** Normalizes a possibly negative axis for a rank; throws ShapeError when out of range. */
export function normalizeAxis(axis: number, rank: number, where = ''): number {
  const a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) {
    throw new ShapeError(`${where ? `${where}: ` : ''}axis ${axis} is out of range for rank ${rank}`);
  }
  return a;
}
