/**
 * ADD and SUB with broadcasting and fused activations (TFLite `kernels/add.cc`, `sub.cc`;
 * `reference/add.h`, `sub.h`).
 *
 * dtypes: float32, int32, int64 (wrapping like C++), int16 without quantization (ADD only, as
 * TFLite), and the quantized uint8 / int8 / int16 paths:
 * - general rescaling (uint8, int8, and int16 unless POT applies): both inputs are moved to a
 *   common scale 2*max(s1, s2) with `left_shift` extra bits (20 for 8-bit, 15 for 16-bit), added
 *   or subtracted in int32, rescaled to the output scale, offset and clamped;
 * - int16 "POT" (`pot_scale_int16`, the default of the options table): when every scale is a power
 *   of two and zero points are 0, one input is rounding-shifted onto the other's scale and the
 *   two are added/subtracted with int16 saturation (the LSTM-style path).
 * Like TFLite, prepare sets the output dtype to the input dtype (LiteRT's add_quantized.bin has
 * a float32-typed intermediate between two uint8 ADDs).
 *
 * Float error bound: each output is the correctly rounded float32 sum/difference (a double
 * sum of two float32 values rounded once to float32), clamped: exact with TFLite.
 */
import { type Kernel, type KernelNode, optionsOf, unsupported } from '../kernel.js';
import {
  calculateActivationRangeFloat,
  calculateActivationRangeQuantized,
} from '../internal/activation_range.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierSmallerThanOneExp,
} from '../internal/multiply_by_quantized_multiplier.js';
import {
  type QuantizedMultiplier,
  checkedLog2,
  quantizeMultiplierGreaterThanOne,
  quantizeMultiplierSmallerThanOneExp,
} from '../internal/quantize_multiplier.js';
import { roundingDivideByPOTInt16 } from '../internal/fixed_point_int16.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { TABLE2D_MIN_OUTPUT, table8x8Row, tabulate8x8 } from './table8.js';
import {
  int64ActivationRange,
  intActivationRange,
  isQuantized,
  prepareSameDtypeBinary,
  tensorQuant,
} from './common.js';

function floatRow(sub: boolean, lo: number, hi: number): BinaryRow {
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Float32Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = sub ? A[ia]! - B[ib]! : A[ia]! + B[ib]!;
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

/** int32 (wrapping), and int16 without quantization (wrapped to int16 before the clamp). */
function intRow(sub: boolean, lo: number, hi: number, bits: 16 | 32): BinaryRow {
  const drop = 32 - bits;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Int32Array;
    const B = b as Int32Array;
    const Y = y as Int32Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = ((sub ? A[ia]! - B[ib]! : A[ia]! + B[ib]!) << drop) >> drop;
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

function int64Row(sub: boolean, range: [bigint, bigint] | null): BinaryRow {
  const lo = range ? range[0] : 0n;
  const hi = range ? range[1] : 0n;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as BigInt64Array;
    const B = b as BigInt64Array;
    const Y = y as BigInt64Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      // The store wraps modulo 2^64; clamp after wrapping, as C++ does.
      const v = BigInt.asIntN(64, sub ? A[ia]! - B[ib]! : A[ia]! + B[ib]!);
      Y[iy + i] = range === null ? v : v < lo ? lo : v > hi ? hi : v;
    }
  };
}

/** Constants of the general quantized path (TFLite's ArithmeticParams). */
interface GeneralQuantParams {
  leftShift: number;
  in1Offset: number;
  in1: QuantizedMultiplier;
  in2Offset: number;
  in2: QuantizedMultiplier;
  outOffset: number;
  out: QuantizedMultiplier;
  lo: number;
  hi: number;
}

/** The general quantized formula on one pair of values (TFLite's AddElementwise / SubElementwise). */
function quantGeneral(sub: boolean, p: GeneralQuantParams): (a: number, b: number) => number {
  const { leftShift, in1Offset, in2Offset, outOffset, lo, hi } = p;
  const m1 = p.in1.multiplier;
  const s1 = p.in1.shift;
  const m2 = p.in2.multiplier;
  const s2 = p.in2.shift;
  const mo = p.out.multiplier;
  const so = p.out.shift;
  return (a, b) => {
    const x1 = multiplyByQuantizedMultiplierSmallerThanOneExp((a + in1Offset) << leftShift, m1, s1);
    const x2 = multiplyByQuantizedMultiplierSmallerThanOneExp((b + in2Offset) << leftShift, m2, s2);
    const raw = sub ? (x1 - x2) | 0 : (x1 + x2) | 0;
    const v = multiplyByQuantizedMultiplier(raw, mo, so) + outOffset;
    return v < lo ? lo : v > hi ? hi : v;
  };
}

/**
 * Row function of the general quantized path. 8-bit inputs: each input's rescaled value comes
 * from a 256-entry table, and large outputs use a 256x256 table of the whole formula; int16
 * inputs evaluate the formula per element. All three give the formula's values exactly.
 */
function quantGeneralRow(
  sub: boolean,
  p: GeneralQuantParams,
  dtype: 'uint8' | 'int8' | 'int16',
  size: number,
): BinaryRow {
  const formula = quantGeneral(sub, p);
  if (dtype === 'int16') {
    return (a, ia, sa, b, ib, sb, y, iy, n) => {
      const A = a as Int16Array;
      const B = b as Int16Array;
      const Y = y as Int16Array;
      for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = formula(A[ia]!, B[ib]!);
    };
  }
  if (size >= TABLE2D_MIN_OUTPUT) return table8x8Row(() => tabulate8x8(dtype, dtype, formula));
  const { leftShift, outOffset, lo, hi } = p;
  const qlo = dtype === 'int8' ? -128 : 0;
  // Built on the first call: a node the wasm kernels run never calls its reference row.
  let tables: [Int32Array, Int32Array] | undefined;
  const rescaleTables = (): [Int32Array, Int32Array] => {
    const t1 = new Int32Array(256);
    const t2 = new Int32Array(256);
    for (let q = qlo; q < qlo + 256; q++) {
      t1[q & 0xff] = multiplyByQuantizedMultiplierSmallerThanOneExp(
        (q + p.in1Offset) << leftShift,
        p.in1.multiplier,
        p.in1.shift,
      );
      t2[q & 0xff] = multiplyByQuantizedMultiplierSmallerThanOneExp(
        (q + p.in2Offset) << leftShift,
        p.in2.multiplier,
        p.in2.shift,
      );
    }
    return [t1, t2];
  };
  const mo = p.out.multiplier;
  const so = p.out.shift;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Uint8Array; // Int8Array for int8: & 0xff gives the table index
    const B = b as Uint8Array;
    const Y = y as Uint8Array; // the store wraps to int8 for Int8Array
    const [t1, t2] = (tables ??= rescaleTables());
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const x1 = t1[A[ia]! & 0xff]!;
      const x2 = t2[B[ib]! & 0xff]!;
      const v = multiplyByQuantizedMultiplier(sub ? (x1 - x2) | 0 : (x1 + x2) | 0, mo, so) + outOffset;
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

/**
 * int16 POT path: inputs with shift 0 are used as they are, the other is divided by 2^-shift with
 * rounding; the int32 sum/difference is clamped to the activation range (a subset of int16, so
 * this equals gemmlowp's SaturatingAdd / TFLite's Sub16 saturation followed by the clamp).
 */
function quantPotRow(sub: boolean, shift1: number, shift2: number, lo: number, hi: number): BinaryRow {
  const r1 = -shift1;
  const r2 = -shift2;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Int16Array;
    const B = b as Int16Array;
    const Y = y as Int16Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const x1 = r1 === 0 ? A[ia]! : roundingDivideByPOTInt16(A[ia]!, r1);
      const x2 = r2 === 0 ? B[ib]! : roundingDivideByPOTInt16(B[ib]!, r2);
      const v = sub ? x1 - x2 : x1 + x2;
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

function prepareAddSub(node: KernelNode, sub: boolean): BinaryData {
  const { a, b, y, dtype, plan } = prepareSameDtypeBinary(node, [
    'float32',
    'int32',
    'int64',
    'uint8',
    'int8',
    'int16',
  ]);
  const opts = sub ? optionsOf(node, 'SubOptions') : optionsOf(node, 'AddOptions');
  const act = opts.fusedActivationFunction;

  if (dtype === 'float32') {
    const r = calculateActivationRangeFloat(act);
    return { plan, row: floatRow(sub, r.min, r.max) };
  }
  if (dtype === 'int32') {
    const [lo, hi] = intActivationRange(act, 'int32');
    return { plan, row: intRow(sub, lo, hi, 32) };
  }
  if (dtype === 'int64') return { plan, row: int64Row(sub, int64ActivationRange(act)) };

  const quantized = isQuantized(a) && isQuantized(b) && isQuantized(y);
  if (dtype === 'int16' && !quantized) {
    if (sub || isQuantized(a) || isQuantized(b) || isQuantized(y)) {
      throw unsupported(
        node,
        sub
          ? 'int16 SUB needs quantized inputs and output (TFLite has no plain int16 SUB)'
          : 'int16 ADD needs all of its tensors quantized or none of them',
      );
    }
    const [lo, hi] = intActivationRange(act, 'int16');
    return { plan, row: intRow(false, lo, hi, 16) };
  }
  if (!quantized) throw unsupported(node, `${dtype} inputs and output must be quantized`);

  const q1 = tensorQuant(a);
  const q2 = tensorQuant(b);
  const qo = tensorQuant(y);
  const range = calculateActivationRangeQuantized(
    act,
    dtype as 'uint8' | 'int8' | 'int16',
    qo.scale,
    qo.zeroPoint,
  );

  let generalInt16 = false;
  if (dtype === 'int16') {
    if (!sub && (q1.zeroPoint !== 0 || q2.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
      throw unsupported(node, 'int16 ADD needs zero points of 0 (symmetric int16 quantization)');
    }
    generalInt16 = !opts.potScaleInt16;
    const l1 = checkedLog2(q1.scale);
    const l2 = checkedLog2(q2.scale);
    const lo = checkedLog2(qo.scale);
    if (!generalInt16) generalInt16 = !l1.isPowerOfTwo || !l2.isPowerOfTwo || !lo.isPowerOfTwo;
    if (!generalInt16) {
      if (q1.zeroPoint !== 0 || q2.zeroPoint !== 0 || qo.zeroPoint !== 0) {
        throw unsupported(node, 'int16 power-of-two-scale path needs zero points of 0');
      }
      const shift1 = l1.log2 - lo.log2;
      const shift2 = l2.log2 - lo.log2;
      if (!(shift1 === 0 || shift2 === 0) || shift1 > 0 || shift2 > 0) {
        throw unsupported(
          node,
          `int16 power-of-two scales: one input must have the output's scale and the other a smaller one ` +
            `(input shifts ${shift1}, ${shift2})`,
        );
      }
      return { plan, row: quantPotRow(sub, shift1, shift2, range.min, range.max) };
    }
  }

  // General rescaling: both inputs onto 2*max(s1, s2) with left_shift headroom bits.
  const leftShift = dtype === 'int16' ? 15 : 20;
  const twiceMax = 2 * Math.max(q1.scale, q2.scale);
  const realOut = twiceMax / Math.fround((1 << leftShift) * qo.scale);
  const out =
    sub && realOut > 1
      ? quantizeMultiplierGreaterThanOne(realOut)
      : quantizeMultiplierSmallerThanOneExp(realOut);
  return {
    plan,
    row: quantGeneralRow(
      sub,
      {
        leftShift,
        in1Offset: -q1.zeroPoint,
        in1: quantizeMultiplierSmallerThanOneExp(q1.scale / twiceMax),
        in2Offset: -q2.zeroPoint,
        in2: quantizeMultiplierSmallerThanOneExp(q2.scale / twiceMax),
        outOffset: qo.zeroPoint,
        out,
        lo: range.min,
        hi: range.max,
      },
      dtype as 'uint8' | 'int8' | 'int16',
      plan.size,
    ),
  };
}

/** ADD: y = activation(a + b). */
export const addKernel: Kernel<BinaryData> = {
  op: 'ADD',
  prepare: (node) => prepareAddSub(node, false),
  eval: evalBinary,
};

/** SUB: y = activation(a - b). */
export const subKernel: Kernel<BinaryData> = {
  op: 'SUB',
  prepare: (node) => prepareAddSub(node, true),
  eval: evalBinary,
};
