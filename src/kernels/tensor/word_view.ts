/**
 * Byte-exact element views for data movement. Ops that only move elements (transpose, slice,
 * gather, pad, ...) never look at values, so they copy integer "words" instead of typed values:
 * a float32 NaN keeps its payload and an int64 is copied as two 32-bit words without BigInt.
 */
import type { DType } from '../../ir/dtype.js';
import { dtypeSize } from '../../ir/dtype.js';
import type { KernelNode, KernelTensor } from '../kernel.js';
import { unsupported } from '../kernel.js';

/** An integer view of tensor bytes in words of 1, 2 or 4 bytes. */
export type WordArray = Uint8Array | Uint16Array | Int32Array;

/** Returns how many words one element of `dtype` takes (2 for 8-byte types), or 0 when it cannot be moved as words. */
export function wordsPerElement(dtype: DType): number {
  const size = dtypeSize(dtype);
  return size === 8 ? 2 : size === 1 || size === 2 || size === 4 ? 1 : 0;
}

/** Returns the byte size of one word for `dtype` (4 for 8-byte types). Never throws. */
export function wordBytes(dtype: DType): number {
  const size = dtypeSize(dtype);
  return size === 8 ? 4 : size;
}

/**
 * Throws unless tensors of this dtype can be moved element by element (fixed size, not packed):
 * returns the words per element. Use it in prepare so eval never meets an unsupported dtype.
 */
export function expectMovable(node: KernelNode, t: KernelTensor, role: string): number {
  const w = wordsPerElement(t.dtype);
  if (w === 0) {
    throw unsupported(
      node,
      `${role} ${JSON.stringify(t.name)} has dtype ${t.dtype}, which this op cannot move`,
    );
  }
  return w;
}

/** Throws UnsupportedOpError unless every output of the node has the dtype of `x` (movement ops keep it). */
export function expectSameDtypeOutputs(node: KernelNode, x: KernelTensor): void {
  node.outputs.forEach((y, i) => {
    if (y.dtype !== x.dtype) {
      throw unsupported(node, `output ${i} has dtype ${y.dtype} but the input has ${x.dtype}`);
    }
  });
}

/** Returns a word view of a tensor's current bytes (valid in eval). Never throws. */
export function wordView(t: KernelTensor): WordArray {
  const b = t.bytes;
  switch (wordBytes(t.dtype)) {
    case 1:
      return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    case 2:
      return new Uint16Array(b.buffer, b.byteOffset, b.byteLength >> 1);
    default:
      return new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2);
  }
}
