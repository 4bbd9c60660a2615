/**
 * DIV with broadcasting and fused activations (TFLite `kernels/div.cc`, `reference/div.h`).
 *
 * dtypes:
 * - float32: a / b (division by zero gives +-inf or NaN, clamped by the activation);
 * - int32: C++ integer division (truncation toward zero); a zero divisor is an error at eval, as
 *   in TFLite;
 * - quantized uint8 / int8 (and int16 with broadcasting): TFLite's `DivElementwise`: the divisor
 *   (offset-corrected, made positive) is inverted with `GetReciprocal` in Q0.31, the dividend is
 *   normalized by its leading sign bits, and the quotient is rescaled with s_a / (s_b * s_y);
 * - quantized int16 without broadcasting: TFLite's `EvalDiv16AffineFloat`, which dequantizes,
 *   divides in float32 and requantizes (round half away from zero).
 * Quantized divisors equal to their zero point are an error at eval, as in TFLite.
 *
 * Float error bound: the double quotient of two float32 values rounded to float32 is the
 * correctly rounded float32 quotient (double rounding is innocuous for division): exact.
 */
import { InputError } from '../../errors.js';
import type { TypedArray } from '../../ir/dtype.js';
import { type Kernel, type KernelNode, input, optionsOf } from '../kernel.js';
import {
  calculateActivationRangeFloat,
  calculateActivationRangeQuantized,
} from '../internal/activation_range.js';
import { countLeadingSignBits } from '../internal/fixed_point.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierGreaterThanOne,
  multiplyByQuantizedMultiplierSmallerThanOneExp,
} from '../internal/multiply_by_quantized_multiplier.js';
import { getReciprocal, quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { castToInt32Saturating, roundHalfAwayFromZero } from '../internal/rounding.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { quantizedBinaryRow } from './table8.js';
import { binaryQuant, intActivationRange, prepareSameDtypeBinary } from './common.js';

/** Per-node data of DIV, FLOOR_DIV and FLOOR_MOD: a binary op whose divisor is checked in eval. */
export interface DivisionData extends BinaryData {
  /**
   * Value of the divisor that means zero (0, 0n for int64, or the zero point of a quantized
   * divisor); null: no check.
   */
  zero: number | bigint | null;
}

function floatRow(lo: number, hi: number): BinaryRow {
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Float32Array;
    const B = b as Float32Array;
    const Y = y as Float32Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = A[ia]! / B[ib]!;
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

function int32Row(lo: number, hi: number): BinaryRow {
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Int32Array;
    const B = b as Int32Array;
    const Y = y as Int32Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = (A[ia]! / B[ib]!) | 0; // truncation toward zero; INT32_MIN / -1 wraps
      Y[iy + i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

/** TFLite's quantized `DivElementwise` on one pair of values. */
function quantDiv(
  in1Offset: number,
  in2Offset: number,
  outOffset: number,
  multiplier: number,
  shift: number,
  lo: number,
  hi: number,
): (a: number, b: number) => number {
  return (a, b) => {
    let x1 = a + in1Offset;
    let x2 = b + in2Offset;
    if (x2 === 0) return 0; // rejected in eval (a zero divisor); only reached when tabulating
    if (x2 < 0) {
      // The reciprocal must be positive: move the sign to the dividend.
      x1 = -x1;
      x2 = -x2;
    }
    const recip = getReciprocal(x2, 31);
    const headroom = countLeadingSignBits(x1);
    const unscaled = multiplyByQuantizedMultiplierGreaterThanOne(x1, recip.reciprocal, headroom);
    const totalShift = shift - recip.numBitsOverUnit - headroom;
    // TFLite calls the "smaller than one" form; a positive total shift (never seen in practice)
    // would be undefined there, we left-shift instead. A total shift below -31 (a dividend tiny
    // against the divisor, e.g. |a - zp| = 1 with a large s_a / (s_b * s_y)) makes TFLite's
    // RoundingDivideByPOT undefined too: its WebAssembly builds (LiteRT.js, tfjs-tflite) shift by
    // the count mod 32, leave the value unscaled, and the clamp gives the output's maximum or
    // minimum. The shift-count masking of JavaScript reproduces that (tested against LiteRT.js).
    const q =
      totalShift <= 0
        ? multiplyByQuantizedMultiplierSmallerThanOneExp(unscaled, multiplier, totalShift)
        : multiplyByQuantizedMultiplier(unscaled, multiplier, totalShift);
    const v = outOffset + q;
    return v < lo ? lo : v > hi ? hi : v;
  };
}

/** TFLite's `EvalDiv16AffineFloat` (int16, same shapes): dequantize, divide in float32, requantize. */
function int16AffineFloatRow(
  s1: number,
  zp1: number,
  s2: number,
  zp2: number,
  so: number,
  zpo: number,
  lo: number,
  hi: number,
): BinaryRow {
  const f = Math.fround;
  return (a, ia, sa, b, ib, sb, y, iy, n) => {
    const A = a as Int16Array;
    const B = b as Int16Array;
    const Y = y as Int16Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const lhs = f((A[ia]! - zp1) * s1);
      const rhs = f((B[ib]! - zp2) * s2);
      let q: number;
      if (rhs === 0) {
        q = lhs >= 0 ? hi : lo;
      } else {
        q = castToInt32Saturating(roundHalfAwayFromZero(f(f(lhs / rhs) / so))) + zpo;
        q = q < lo ? lo : q > hi ? hi : q;
      }
      Y[iy + i] = q;
    }
  };
}

/** True when two shapes are equal once the shorter is left-padded with 1s (TFLite's kNonBroadcast). */
function sameExtendedShape(a: readonly number[], b: readonly number[]): boolean {
  const rank = Math.max(a.length, b.length);
  for (let i = 0; i < rank; i++) {
    if ((a[a.length - rank + i] ?? 1) !== (b[b.length - rank + i] ?? 1)) return false;
  }
  return true;
}

function prepareDiv(node: KernelNode): DivisionData {
  const { a, b, y, dtype, plan } = prepareSameDtypeBinary(node, [
    'float32',
    'int32',
    'uint8',
    'int8',
    'int16',
  ]);
  const act = optionsOf(node, 'DivOptions').fusedActivationFunction;
  if (dtype === 'float32') {
    const r = calculateActivationRangeFloat(act);
    return { plan, row: floatRow(r.min, r.max), zero: null };
  }
  if (dtype === 'int32') {
    const [lo, hi] = intActivationRange(act, 'int32');
    return { plan, row: int32Row(lo, hi), zero: 0 };
  }
  const { q1, q2, qo } = binaryQuant(node, a, b, y, `${dtype} DIV needs quantized inputs and output`);
  const range = calculateActivationRangeQuantized(
    act,
    dtype as 'uint8' | 'int8' | 'int16',
    qo.scale,
    qo.zeroPoint,
  );
  if (dtype === 'int16' && sameExtendedShape(a.shape, b.shape)) {
    return {
      plan,
      row: int16AffineFloatRow(
        q1.scale,
        q1.zeroPoint,
        q2.scale,
        q2.zeroPoint,
        qo.scale,
        qo.zeroPoint,
        range.min,
        range.max,
      ),
      zero: q2.zeroPoint,
    };
  }
  const f = Math.fround;
  const { multiplier, shift } = quantizeMultiplier(f(q1.scale / f(q2.scale * qo.scale)));
  return {
    plan,
    row: quantizedBinaryRow(
      dtype,
      plan.size,
      quantDiv(-q1.zeroPoint, -q2.zeroPoint, qo.zeroPoint, multiplier, shift, range.min, range.max),
    ),
    zero: q2.zeroPoint,
  };
}

/** Throws InputError when any divisor element equals `zero` (TFLite's CheckNonZero). */
function checkNoZeroDivisor(node: KernelNode, divisor: TypedArray, zero: number | bigint): void {
  const d = divisor as ArrayLike<number | bigint>;
  for (let i = 0; i < d.length; i++) {
    if (d[i] === zero) {
      throw new InputError(
        `node ${node.index} (${node.op}): division by zero (divisor element ${i}); ` +
          'integer division is undefined for a zero divisor — check the model input',
      );
    }
  }
}

/** The eval of DIV, FLOOR_DIV and FLOOR_MOD: checks the divisor, then divides. Throws InputError for a zero divisor. */
export function evalDivision(node: KernelNode, d: DivisionData): void {
  if (d.zero !== null) checkNoZeroDivisor(node, input(node, 1).data, d.zero);
  evalBinary(node, d);
}

/** DIV: y = activation(a / b). */
export const divKernel: Kernel<DivisionData> = {
  op: 'DIV',
  prepare: prepareDiv,
  eval: evalDivision,
};
