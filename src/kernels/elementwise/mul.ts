/**
 * MUL with broadcasting and fused activations (TFLite `kernels/mul.cc`, `reference/mul.h`,
 * `reference/integer_ops/mul.h`).
 *
 * dtypes: float32, int32 and int64 (wrapping products), int16 without quantization, and the
 * quantized uint8 / int8 / int16 path: y = zp_y + MultiplyByQuantizedMultiplier((a - zp_a) *
 * (b - zp_b), s_a*s_b/s_y), clamped to the activation range (int16 requires zero points of 0, so
 * the int32 product cannot overflow). The real multiplier is computed in float32 as TFLite does.
 *
 * Float error bound: the double product of two float32 values is exact, so each output is the
 * correctly rounded float32 product, clamped: exact with TFLite.
 */
import { type Kernel, type KernelNode, input, optionsOf, output, unsupported } from '../kernel.js';
import {
  calculateActivationRangeFloat,
  calculateActivationRangeQuantized,
} from '../internal/activation_range.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { quantizedBinaryRow } from './table8.js';
import {
  binaryQuant,
  expectSameDtype,
  int64ActivationRange,
  intActivationRange,
  isQuantized,
  prepareBroadcast,
} from './common.js';

function floatRow(lo: number, hi: number): BinaryRow {
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Float32Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = A[ia]! * B[ib]!;
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

/** int32 (Math.imul wraps like C++), and unquantized int16 (product wrapped to int16, then clamped). */
function intRow(lo: number, hi: number, bits: 16 | 32): BinaryRow {
  const drop = 32 - bits;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Int32Array;
    const B = b as Int32Array;
    const Y = y as Int32Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = (Math.imul(A[ia]!, B[ib]!) << drop) >> drop;
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

function int64Row(range: [bigint, bigint] | null): BinaryRow {
  const lo = range ? range[0] : 0n;
  const hi = range ? range[1] : 0n;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as BigInt64Array;
    const B = b as BigInt64Array;
    const Y = y as BigInt64Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = BigInt.asIntN(64, A[ia]! * B[ib]!);
      Y[iy + i] = range === null ? v : v < lo ? lo : v > hi ? hi : v;
    }
  };
}

/** TFLite's quantized MulElementwise on one pair of values. */
function quantMul(
  in1Offset: number,
  in2Offset: number,
  outOffset: number,
  multiplier: number,
  shift: number,
  lo: number,
  hi: number,
): (a: number, b: number) => number {
  return (a, b) => {
    const v = outOffset + multiplyByQuantizedMultiplier((a + in1Offset) * (b + in2Offset), multiplier, shift);
    return v < lo ? lo : v > hi ? hi : v;
  };
}

function prepareMul(node: KernelNode): BinaryData {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  const dtype = expectSameDtype(node, a, b, ['float32', 'int32', 'int64', 'uint8', 'int8', 'int16']);
  if (y.dtype !== dtype) {
    throw unsupported(node, `${dtype} inputs with a ${y.dtype} output (mixed-type MUL is not supported)`);
  }
  const plan = prepareBroadcast(node, [a, b], y);
  const act = optionsOf(node, 'MulOptions').fusedActivationFunction;

  if (dtype === 'float32') {
    const r = calculateActivationRangeFloat(act);
    return { plan, row: floatRow(r.min, r.max) };
  }
  if (dtype === 'int32') {
    const [lo, hi] = intActivationRange(act, 'int32');
    return { plan, row: intRow(lo, hi, 32) };
  }
  if (dtype === 'int64') return { plan, row: int64Row(int64ActivationRange(act)) };
  if (dtype === 'int16' && !isQuantized(y)) {
    const [lo, hi] = intActivationRange(act, 'int16');
    return { plan, row: intRow(lo, hi, 16) };
  }
  const { q1, q2, qo } = binaryQuant(node, a, b, y, `${dtype} inputs and output must be quantized`);
  if (dtype === 'int16' && (q1.zeroPoint !== 0 || q2.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
    throw unsupported(node, 'quantized int16 MUL needs zero points of 0');
  }
  const range = calculateActivationRangeQuantized(
    act,
    dtype as 'uint8' | 'int8' | 'int16',
    qo.scale,
    qo.zeroPoint,
  );
  const f = Math.fround;
  const { multiplier, shift } = quantizeMultiplier(f(f(q1.scale * q2.scale) / qo.scale));
  const formula = quantMul(
    -q1.zeroPoint,
    -q2.zeroPoint,
    qo.zeroPoint,
    multiplier,
    shift,
    range.min,
    range.max,
  );
  return { plan, row: quantizedBinaryRow(dtype, plan.size, formula) };
}

/** MUL: y = activation(a * b). */
export const mulKernel: Kernel<BinaryData> = {
  op: 'MUL',
  prepare: prepareMul,
  eval: evalBinary,
};
