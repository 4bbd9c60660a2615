/**
 * FLOOR_DIV and FLOOR_MOD with broadcasting (TFLite `kernels/floor_div.cc`, `floor_mod.cc`;
 * `reference/floor_div.h`, `floor_mod.h`). Integer dtypes are plain integers: quantization
 * parameters, if any, are ignored as in TFLite.
 *
 * FLOOR_DIV (float32, int32, int16, int8): floor(double(a) / double(b)) converted back to the
 *   element type, as TFLite's `FloorDiv<T>` (note: the division is in double even for float32).
 *   Any zero divisor, float included, is an error at eval.
 * FLOOR_MOD (float32, int32, int64, int16, int8): the truncated remainder (fmod for float32),
 *   plus b when it is non-zero and its sign differs from b's. Integer zero divisors are an error;
 *   float zero divisors give NaN.
 *
 * Float error bound: exact (fmod is exact; floor of the double quotient is computed as TFLite).
 */
import type { Kernel, KernelNode } from '../kernel.js';
import type { BinaryRow } from './broadcast.js';
import { prepareSameDtypeBinary } from './common.js';
import { type DivisionData, evalDivision } from './div.js';

/** float32 / int32 / int16 / int8: the double quotient floored, stored in the element type. */
const floorDivRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Float32Array; // any number-valued typed array at run time
  const B = b as Float32Array;
  const Y = y as Float32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = Math.floor(A[ia]! / B[ib]!);
};

/** int32: as floorDivRow, with the int32 conversion of C++ (INT32_MIN / -1 wraps). */
const floorDivInt32Row: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Int32Array;
  const B = b as Int32Array;
  const Y = y as Int32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = Math.floor(A[ia]! / B[ib]!) | 0;
};

/** Number-valued FLOOR_MOD (float32: `%` is C's fmod; ints: `%` truncates like C++). */
const floorModRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Float32Array;
  const B = b as Float32Array;
  const Y = y as Float32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const d = B[ib]!;
    const m = A[ia]! % d;
    Y[iy + i] = m !== 0 && d < 0 !== m < 0 ? m + d : m;
  }
};

const floorModInt64Row: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as BigInt64Array;
  const B = b as BigInt64Array;
  const Y = y as BigInt64Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const d = B[ib]!;
    const m = A[ia]! % d;
    Y[iy + i] = m !== 0n && d < 0n !== m < 0n ? m + d : m;
  }
};

function prepareFloor(node: KernelNode, mod: boolean): DivisionData {
  const { plan, dtype } = prepareSameDtypeBinary(
    node,
    mod ? ['float32', 'int32', 'int64', 'int16', 'int8'] : ['float32', 'int32', 'int16', 'int8'],
  );
  if (!mod) {
    return { plan, row: dtype === 'int32' ? floorDivInt32Row : floorDivRow, zero: 0 };
  }
  if (dtype === 'int64') return { plan, row: floorModInt64Row, zero: 0n };
  return { plan, row: floorModRow, zero: dtype === 'float32' ? null : 0 };
}

/** FLOOR_DIV: y = floor(a / b). */
export const floorDivKernel: Kernel<DivisionData> = {
  op: 'FLOOR_DIV',
  prepare: (node) => prepareFloor(node, false),
  eval: evalDivision,
};

/** FLOOR_MOD: y = a - floor(a / b) * b, with the sign of b. */
export const floorModKernel: Kernel<DivisionData> = {
  op: 'FLOOR_MOD',
  prepare: (node) => prepareFloor(node, true),
  eval: evalDivision,
};
