/**
 * Reading small integer tensors (axes, begin/end, paddings, sizes, multiples) as plain numbers,
 * whichever integer dtype the model stores them in.
 */
import type { KernelNode, KernelTensor } from '../kernel.js';
import { shapeError, unsupported } from '../kernel.js';

/** Integer dtypes accepted for shape-determining inputs. */
export const INDEX_DTYPES = ['int32', 'int64', 'int16', 'int8', 'uint8'] as const;

/**
 * Returns the values of an integer tensor as numbers (int64 values must fit in a double's
 * integer range). Throws UnsupportedOpError for a non-integer dtype and ShapeError for an int64
 * value beyond +-2^53.
 */
export function readIndexValues(node: KernelNode, t: KernelTensor, role: string): number[] {
  const d = t.data;
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) {
    const out = new Array<number>(d.length);
    for (let i = 0; i < d.length; i++) {
      const v = d[i]!;
      if (v > 9007199254740991n || v < -9007199254740991n) {
        throw shapeError(node, `${role} value ${v} is out of range`);
      }
      out[i] = Number(v);
    }
    return out;
  }
  if (!(INDEX_DTYPES as readonly string[]).includes(t.dtype)) {
    throw unsupported(
      node,
      `${role} ${JSON.stringify(t.name)} has dtype ${t.dtype}; expected an integer tensor`,
    );
  }
  return Array.from(d as Int32Array);
}

/** Returns the single value of a one-element integer tensor (scalar or [1]). Throws ShapeError otherwise. */
export function readScalarIndex(node: KernelNode, t: KernelTensor, role: string): number {
  const v = readIndexValues(node, t, role);
  if (v.length !== 1) throw shapeError(node, `${role} must hold one value, has ${v.length}`);
  return v[0]!;
}

/** Throws UnsupportedOpError unless the tensor has an integer index dtype. */
export function expectIndexDtype(node: KernelNode, t: KernelTensor, role: string): void {
  if (!(INDEX_DTYPES as readonly string[]).includes(t.dtype)) {
    throw unsupported(
      node,
      `${role} ${JSON.stringify(t.name)} has dtype ${t.dtype}; expected int32 or int64`,
    );
  }
}
