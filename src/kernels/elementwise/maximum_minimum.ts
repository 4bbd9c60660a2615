/**
 * MAXIMUM and MINIMUM with broadcasting (TFLite `kernels/maximum_minimum.cc`,
 * `reference/maximum_minimum.h`): y = a > b ? a : b (resp. a < b ? a : b) on the raw values of
 * every numeric dtype: float32, int8, uint8, int16, int32, int64. Quantized inputs are compared
 * without requantization (TFLite requires, but does not check, equal quantization). As in
 * TFLite's comparison form, MAXIMUM(NaN, x) = x and MAXIMUM(x, NaN) = NaN. Exact.
 */
import type { Kernel, KernelNode } from '../kernel.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { prepareSameDtypeBinary } from './common.js';

const maxRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Float32Array; // any number-valued typed array at run time
  const B = b as Float32Array;
  const Y = y as Float32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const u = A[ia]!;
    const v = B[ib]!;
    Y[iy + i] = u > v ? u : v;
  }
};

const minRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Float32Array;
  const B = b as Float32Array;
  const Y = y as Float32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const u = A[ia]!;
    const v = B[ib]!;
    Y[iy + i] = u < v ? u : v;
  }
};

const maxInt64Row: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as BigInt64Array;
  const B = b as BigInt64Array;
  const Y = y as BigInt64Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const u = A[ia]!;
    const v = B[ib]!;
    Y[iy + i] = u > v ? u : v;
  }
};

const minInt64Row: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as BigInt64Array;
  const B = b as BigInt64Array;
  const Y = y as BigInt64Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const u = A[ia]!;
    const v = B[ib]!;
    Y[iy + i] = u < v ? u : v;
  }
};

function prepareMaxMin(node: KernelNode, max: boolean): BinaryData {
  const { plan, dtype } = prepareSameDtypeBinary(node, [
    'float32',
    'int8',
    'uint8',
    'int16',
    'int32',
    'int64',
  ]);
  const row = dtype === 'int64' ? (max ? maxInt64Row : minInt64Row) : max ? maxRow : minRow;
  return { plan, row };
}

/** MAXIMUM: element-wise larger value. */
export const maximumKernel: Kernel<BinaryData> = {
  op: 'MAXIMUM',
  prepare: (node) => prepareMaxMin(node, true),
  eval: evalBinary,
};

/** MINIMUM: element-wise smaller value. */
export const minimumKernel: Kernel<BinaryData> = {
  op: 'MINIMUM',
  prepare: (node) => prepareMaxMin(node, false),
  eval: evalBinary,
};
