/**
 * 256-entry tables for quantized unary ops on 8-bit tensors.
 *
 * An int8 or uint8 input takes only 256 values, so any unary op on it is a function of those
 * 256 values: prepare evaluates the op's reference integer formula once per input value and eval
 * is a table lookup. The outputs are the formula's by construction (bit-exact), and eval no
 * longer pays for the fixed-point arithmetic per element. Tables are indexed by the input byte
 * (q & 0xff) and hold the output byte.
 */
import type { TypedArray } from '../../ir/dtype.js';

/**
 * Returns the table of `fn` (the op's reference formula, input value -> output value, both in the
 * dtype's range) for every value of `dtype`. Never throws (fn must not).
 */
export function tabulate8(dtype: 'int8' | 'uint8', fn: (q: number) => number): Uint8Array {
  const table = new Uint8Array(256);
  const lo = dtype === 'int8' ? -128 : 0;
  for (let q = lo; q < lo + 256; q++) table[q & 0xff] = fn(q) & 0xff;
  return table;
}

/** Applies a table to every element: y[i] = table[x[i] & 0xff] (x, y: Int8Array or Uint8Array). Never throws. */
export function applyTable8(x: TypedArray, y: TypedArray, table: Uint8Array): void {
  const a = x as Uint8Array; // Int8Array for int8: & 0xff gives the byte
  const b = y as Uint8Array; // the store wraps the byte back to int8 for Int8Array
  for (let i = 0; i < a.length; i++) b[i] = table[a[i]! & 0xff]!;
}

/** Output size from which a binary 8-bit op builds a 256x256 table (65536 formula evaluations). */
export const TABLE2D_MIN_OUTPUT = 65536;

/**
 * Returns the 256x256 table of a binary 8-bit op: entry (a & 0xff) << 8 | (b & 0xff) holds the
 * output byte of `fn(a, b)` (the op's reference formula) for every pair of input values. Never
 * throws (fn must not).
 */
export function tabulate8x8(
  dtypeA: 'int8' | 'uint8',
  dtypeB: 'int8' | 'uint8',
  fn: (a: number, b: number) => number,
): Uint8Array {
  const table = new Uint8Array(65536);
  const loA = dtypeA === 'int8' ? -128 : 0;
  const loB = dtypeB === 'int8' ? -128 : 0;
  for (let a = loA; a < loA + 256; a++) {
    const row = (a & 0xff) << 8;
    for (let b = loB; b < loB + 256; b++) table[row | (b & 0xff)] = fn(a, b) & 0xff;
  }
  return table;
}

/**
 * A broadcast row function reading a 256x256 table (see tabulate8x8), or one that builds the
 * table on its first call when given its builder: 65536 formula evaluations cost 5-15 ms of cold
 * JavaScript, paid at prepare by every ADD / SUB / MUL node, also those the wasm kernels run
 * (their prepare runs the reference one first).
 */
export function table8x8Row(
  tableOrBuilder: Uint8Array | (() => Uint8Array),
): (
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  y: TypedArray,
  iy: number,
  n: number,
) => void {
  let built: Uint8Array | undefined = tableOrBuilder instanceof Uint8Array ? tableOrBuilder : undefined;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const table = (built ??= (tableOrBuilder as () => Uint8Array)());
    const A = a as Uint8Array; // Int8Array for int8: & 0xff gives the byte
    const B = b as Uint8Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb)
      Y[iy + i] = table[((A[ia]! & 0xff) << 8) | (B[ib]! & 0xff)]!;
  };
}

/**
 * Row function of a quantized binary op given its per-pair reference formula: a 256x256 table
 * for 8-bit inputs with large outputs, otherwise the formula per element. Never throws.
 */
export function quantizedBinaryRow(
  dtype: string,
  outputSize: number,
  formula: (a: number, b: number) => number,
): ReturnType<typeof table8x8Row> {
  if ((dtype === 'int8' || dtype === 'uint8') && outputSize >= TABLE2D_MIN_OUTPUT) {
    return table8x8Row(() => tabulate8x8(dtype, dtype, formula));
  }
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Int16Array; // Int8Array / Uint8Array / Int16Array at run time
    const B = b as Int16Array;
    const Y = y as Int16Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = formula(A[ia]!, B[ib]!);
  };
}
