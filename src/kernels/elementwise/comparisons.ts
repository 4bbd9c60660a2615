/**
 * EQUAL, NOT_EQUAL, LESS, LESS_EQUAL, GREATER, GREATER_EQUAL with broadcasting and a bool
 * output (TFLite `kernels/comparisons.cc`, `reference/comparisons.h`).
 *
 * dtypes: float32, int32, int64, bool (EQUAL / NOT_EQUAL only) and int16 compare raw values.
 * uint8 and int8 are always compared after rescaling, as TFLite's `ComparisonWithScaling` does
 * (also for quantized int16 in EQUAL / NOT_EQUAL): each side becomes
 * MultiplyByQuantizedMultiplier((q - zp) * 2^8, its own scale), so inputs with different
 * quantization compare by real value (up to the rounding of that rescale). Like TFLite, an
 * unquantized uint8/int8 tensor has scale 0 and every value rescales to 0.
 * Float comparisons are IEEE (NaN compares unequal and unordered). Exact.
 */
import { type Kernel, type KernelNode, input, output } from '../kernel.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierSmallerThanOneExp,
} from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { expectSameDtype, isQuantized, prepareBroadcast, tensorQuant } from './common.js';

type ComparisonOp = 'EQUAL' | 'NOT_EQUAL' | 'LESS' | 'LESS_EQUAL' | 'GREATER' | 'GREATER_EQUAL';

/**
 * Rows on raw values. The arrays are typed as Float32Array for the checker; at run time they
 * may be any typed array, BigInt64Array included (===, <, <= compare bigints exactly).
 */
const RAW_ROWS: Record<ComparisonOp, BinaryRow> = {
  EQUAL: (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia] === B[ib] ? 1 : 0;
  },
  NOT_EQUAL: (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia] !== B[ib] ? 1 : 0;
  },
  LESS: (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia]! < B[ib]! ? 1 : 0;
  },
  LESS_EQUAL: (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia]! <= B[ib]! ? 1 : 0;
  },
  GREATER: (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia]! > B[ib]! ? 1 : 0;
  },
  GREATER_EQUAL: (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia]! >= B[ib]! ? 1 : 0;
  },
};

const OP_CODE: Record<ComparisonOp, number> = {
  EQUAL: 0,
  NOT_EQUAL: 1,
  LESS: 2,
  LESS_EQUAL: 3,
  GREATER: 4,
  GREATER_EQUAL: 5,
};

/** Rescales (q + offset) * 2^8 by a quantized scale, as `ComparisonWithScaling`. */
function rescaler(offset: number, scale: number): (q: number) => number {
  const { multiplier, shift } = quantizeMultiplier(scale);
  // TFLite uses the "smaller than one" form; scales >= 1 give a positive shift there (undefined
  // behaviour in gemmlowp), which we apply as a left shift.
  if (shift <= 0)
    return (q) => multiplyByQuantizedMultiplierSmallerThanOneExp((q + offset) << 8, multiplier, shift);
  return (q) => multiplyByQuantizedMultiplier((q + offset) << 8, multiplier, shift);
}

function scaledRow(op: ComparisonOp, r1: (q: number) => number, r2: (q: number) => number): BinaryRow {
  const code = OP_CODE[op];
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Int16Array; // Int8Array / Uint8Array / Int16Array at run time
    const B = b as Int16Array;
    const Y = y as Uint8Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const u = r1(A[ia]!);
      const v = r2(B[ib]!);
      const r =
        code === 0
          ? u === v
          : code === 1
            ? u !== v
            : code === 2
              ? u < v
              : code === 3
                ? u <= v
                : code === 4
                  ? u > v
                  : u >= v;
      Y[iy + i] = r ? 1 : 0;
    }
  };
}

function prepareComparison(node: KernelNode, op: ComparisonOp): BinaryData {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  const equality = op === 'EQUAL' || op === 'NOT_EQUAL';
  const dtype = expectSameDtype(
    node,
    a,
    b,
    equality
      ? ['float32', 'int32', 'int64', 'int16', 'uint8', 'int8', 'bool']
      : ['float32', 'int32', 'int64', 'int16', 'uint8', 'int8'],
  );
  y.dtype = 'bool';
  const plan = prepareBroadcast(node, [a, b], y);
  const scaled = dtype === 'uint8' || dtype === 'int8' || (dtype === 'int16' && equality && isQuantized(a));
  if (!scaled) return { plan, row: RAW_ROWS[op] };
  const q1 = tensorQuant(a);
  const q2 = tensorQuant(b);
  return { plan, row: scaledRow(op, rescaler(-q1.zeroPoint, q1.scale), rescaler(-q2.zeroPoint, q2.scale)) };
}

function comparisonKernel(op: ComparisonOp): Kernel<BinaryData> {
  return {
    op,
    prepare: (node) => prepareComparison(node, op),
    eval: evalBinary,
  };
}

/** The six comparison kernels. */
export const comparisonKernels: Kernel[] = (
  ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL'] as const
).map((op) => comparisonKernel(op) as Kernel);
