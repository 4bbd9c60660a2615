/**
 * MAXIMUM and MINIMUM with broadcasting (TFLite `kernels/maximum_minimum.cc`,
 * `reference/maximum_minimum.h`): y = a > b ? a : b (resp. a < b ? a : b) on the raw values of
 * every numeric dtype: float32, int8, uint8, int16, int32, int64. Quantized inputs are compared
 * without requantization (TFLite requires, but does not check, equal quantization). As in
 * TFLite's comparison form, MAXIMUM(NaN, x) = x and MAXIMUM(x, NaN) = NaN. Exact.
 */
import type { Kernel } from '../kernel.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { prepareSameDtypeBinary } from './common.js';

/**
 * Rows on raw values. The arrays are typed as Float32Array for the checker; at run time they may
 * be any typed array, BigInt64Array included (> and < compare bigints exactly).
 */
const maxRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Float32Array;
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

const DTYPES = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64'] as const;

/** MAXIMUM: element-wise larger value. */
export const maximumKernel: Kernel<BinaryData> = {
  op: 'MAXIMUM',
  prepare: (node) => ({ plan: prepareSameDtypeBinary(node, DTYPES).plan, row: maxRow }),
  eval: evalBinary,
};

/** MINIMUM: element-wise smaller value. */
export const minimumKernel: Kernel<BinaryData> = {
  op: 'MINIMUM',
  prepare: (node) => ({ plan: prepareSameDtypeBinary(node, DTYPES).plan, row: minRow }),
  eval: evalBinary,
};
