/**
 * SQUARED_DIFFERENCE with broadcasting (TFLite `kernels/squared_difference.cc`): y = (a - b)^2.
 *
 * dtypes: float32 ((a - b) rounded to float32, then squared and rounded), int32 (wrapping), and
 * quantized int8: both inputs are moved onto 2*max(s_a, s_b) with 7 extra bits (as ADD does with
 * 20), subtracted, squared in int32 (at most 255^2 * 2^14), and rescaled by
 * (2*max)^2 / (2^14 * s_y) to the output's scale and zero point, clamped to int8.
 *
 * Float error bound: exact (two correctly rounded float32 operations, as C++ computes them).
 */
import type { Kernel, KernelNode } from '../kernel.js';
import { multiplyByQuantizedMultiplierSmallerThanOneExp } from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplierSmallerThanOneExp } from '../internal/quantize_multiplier.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { binaryQuant, prepareSameDtypeBinary } from './common.js';

const floatRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Float32Array;
  const B = b as Float32Array;
  const Y = y as Float32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const d = Math.fround(A[ia]! - B[ib]!);
    Y[iy + i] = d * d;
  }
};

const int32Row: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Int32Array;
  const B = b as Int32Array;
  const Y = y as Int32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const d = (A[ia]! - B[ib]!) | 0;
    Y[iy + i] = Math.imul(d, d);
  }
};

function prepareSquaredDifference(node: KernelNode): BinaryData {
  const { a, b, y, dtype, plan } = prepareSameDtypeBinary(node, ['float32', 'int32', 'int8']);
  if (dtype === 'float32') return { plan, row: floatRow };
  if (dtype === 'int32') return { plan, row: int32Row };
  const { q1, q2, qo } = binaryQuant(
    node,
    a,
    b,
    y,
    'int8 SQUARED_DIFFERENCE needs quantized inputs and output',
  );
  const leftShift = 7;
  const twiceMax = 2 * Math.max(q1.scale, q2.scale);
  const m1 = quantizeMultiplierSmallerThanOneExp(q1.scale / twiceMax);
  const m2 = quantizeMultiplierSmallerThanOneExp(q2.scale / twiceMax);
  const mo = quantizeMultiplierSmallerThanOneExp(
    (twiceMax * twiceMax) / Math.fround((1 << (leftShift * 2)) * qo.scale),
  );
  const off1 = -q1.zeroPoint;
  const off2 = -q2.zeroPoint;
  const offOut = qo.zeroPoint;
  const row: BinaryRow = (a8, ia, sa, b8, ib, sb, y8, iy, n) => {
    const A = a8 as Int8Array;
    const B = b8 as Int8Array;
    const Y = y8 as Int8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const x1 = multiplyByQuantizedMultiplierSmallerThanOneExp(
        (A[ia]! + off1) << leftShift,
        m1.multiplier,
        m1.shift,
      );
      const x2 = multiplyByQuantizedMultiplierSmallerThanOneExp(
        (B[ib]! + off2) << leftShift,
        m2.multiplier,
        m2.shift,
      );
      const diff = x1 - x2;
      const v =
        multiplyByQuantizedMultiplierSmallerThanOneExp(Math.imul(diff, diff), mo.multiplier, mo.shift) +
        offOut;
      Y[iy + i] = v < -128 ? -128 : v > 127 ? 127 : v;
    }
  };
  return { plan, row };
}

/** SQUARED_DIFFERENCE: y = (a - b)^2. */
export const squaredDifferenceKernel: Kernel<BinaryData> = {
  op: 'SQUARED_DIFFERENCE',
  prepare: prepareSquaredDifference,
  eval: evalBinary,
};
