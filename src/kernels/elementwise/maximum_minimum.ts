/**
 * MAXIMUM and MINIMUM with broadcasting (TFLite `kernels/maximum_minimum.cc`,
 * `reference/maximum_minimum.h`): y = a > b ? a : b (resp. a < b ? a : b) on the raw values of
 * every numeric dtype: float32, int8, uint8, int16, int32, int64. Quantized inputs are compared
 * without requantization (TFLite requires, but does not check, equal quantization). As in
 * TFLite's comparison form, MAXIMUM(NaN, x) = x and MAXIMUM(x, NaN) = NaN. Exact.
 */
import { type Kernel, type KernelNode, input, output } from '../kernel.js';
import { type BinaryRow, type BroadcastPlan, walkBinary } from './broadcast.js';
import { expectSameDtype, prepareBroadcast } from './common.js';

interface MaxMinData {
  plan: BroadcastPlan;
  row: BinaryRow;
}

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

function prepareMaxMin(node: KernelNode, max: boolean): MaxMinData {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  const dtype = expectSameDtype(node, a, b, ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64']);
  y.dtype = dtype;
  const plan = prepareBroadcast(node, [a, b], y);
  const row = dtype === 'int64' ? (max ? maxInt64Row : minInt64Row) : max ? maxRow : minRow;
  return { plan, row };
}

function evalMaxMin(node: KernelNode, d: MaxMinData): void {
  walkBinary(d.plan, input(node, 0).data, input(node, 1).data, output(node, 0).data, d.row);
}

/** MAXIMUM: element-wise larger value. */
export const maximumKernel: Kernel<MaxMinData> = {
  op: 'MAXIMUM',
  prepare: (node) => prepareMaxMin(node, true),
  eval: evalMaxMin,
};

/** MINIMUM: element-wise smaller value. */
export const minimumKernel: Kernel<MaxMinData> = {
  op: 'MINIMUM',
  prepare: (node) => prepareMaxMin(node, false),
  eval: evalMaxMin,
};
