/**
 * gemmlowp's fixed-point arithmetic on int16 (`FixedPoint<int16_t, IntegerBits>`), bit-exact.
 *
 * A raw int16 r of `FixedPoint<int16_t, k>` represents r / 2^(15-k). TFLite's integer (int8 x
 * int16) LSTM uses these: gate sigmoids are `logistic` on Q3.12 and cell/hidden tanh are `tanh`
 * on Qk.(15-k) (`PortableApplySigmoid` / `PortableApplyTanh` in portable_tensor_utils.cc).
 *
 * C++ promotes int16 operands to int and narrows the result back on assignment, so gemmlowp's
 * plain `+`, `-` and unary `-` on int16 raws wrap modulo 2^16 (`wrapInt16`). Constants are the
 * int32 constants of the int32 version rounded by 16 bits (`RescaleConstantInitializer`).
 */
import { roundingDivideByPOT } from './fixed_point.js';
import { saturatingAddInt16, wrapInt16 } from './rounding.js';

/** Returns gemmlowp's int16 `SaturatingRoundingDoublingHighMul`: round(a*b / 2^15), ties up, -32768*-32768 saturating to 32767. Never throws. */
export function saturatingRoundingDoublingHighMulInt16(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  // (a*b + nudge) / 2^15 truncated, with nudge 2^14 or 1 - 2^14, equals floor((a*b + 2^14) / 2^15).
  return (a * b + 16384) >> 15;
}

/** Returns x / 2^exponent rounded to nearest, ties away from zero, for an int16 x and 0 <= exponent <= 15 (gemmlowp `RoundingDivideByPOT<int16_t>`). Never throws. */
export function roundingDivideByPOTInt16(x: number, exponent: number): number {
  const mask = (1 << exponent) - 1;
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x >>> 31); // branch-free, as the int32 version
  return (x >> exponent) + ((threshold - remainder) >>> 31);
}

/**
 * Returns x * 2^exponent for an int16 x: saturating left shift for exponent > 0, rounding right
 * shift for exponent < 0 (gemmlowp `SaturatingRoundingMultiplyByPOT` on int16; -15 <= exponent <= 15).
 * Never throws.
 */
export function saturatingRoundingMultiplyByPOTInt16(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOTInt16(x, -exponent);
  const threshold = (1 << (15 - exponent)) - 1;
  if (x > threshold) return 32767;
  if (x < -threshold) return -32768;
  return wrapInt16(x << exponent);
}

/** Returns the raw of a `FixedPoint<int16_t, src>` converted to `FixedPoint<int16_t, dst>` (gemmlowp `Rescale`). Never throws. */
export function rescaleInt16(x: number, srcIntegerBits: number, dstIntegerBits: number): number {
  return saturatingRoundingMultiplyByPOTInt16(x, srcIntegerBits - dstIntegerBits);
}

/** Returns (a + b) / 2 rounded half away from zero for int16 a, b (gemmlowp `RoundingHalfSum<int16_t>`). Never throws. */
export function roundingHalfSumInt16(a: number, b: number): number {
  const sum = a + b;
  return ((sum + (sum >= 0 ? 1 : -1)) / 2) | 0;
}

/** Returns the raw of 1.0 in `FixedPoint<int16_t, integerBits>` (32767 when integerBits is 0). Never throws. */
export function fixedPointOneInt16(integerBits: number): number {
  return integerBits === 0 ? 32767 : 1 << (15 - integerBits);
}

/** An int32 fixed-point constant narrowed to int16 as gemmlowp's `RescaleConstantInitializer` does. */
function c16(int32Value: number): number {
  return wrapInt16(roundingDivideByPOT(int32Value, 16));
}

const EXP_MINUS_ONE_EIGHTH = c16(1895147668);
const ONE_THIRD = c16(715827883);
const EXP_BARREL = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242].map(c16);
const C48_OVER_17 = c16(1515870810);
const CNEG32_OVER_17 = c16(-1010580540);
const Q2_ONE = 1 << 13;
const ONE_HALF = c16(1 << 30);

/** Returns exp(a) in Q0.15 for a in [-1/4, 0) given in Q0.15 (gemmlowp `exp_on_interval_between_negative_one_quarter_and_0_excl`, int16). Never throws. */
export function expOnIntervalBetweenNegativeOneQuarterAnd0ExclInt16(a: number): number {
  const x = wrapInt16(a + 4096); // a + 1/8
  const x2 = saturatingRoundingDoublingHighMulInt16(x, x);
  const x3 = saturatingRoundingDoublingHighMulInt16(x2, x);
  const x4 = saturatingRoundingDoublingHighMulInt16(x2, x2);
  const x4Over4 = roundingDivideByPOTInt16(x4, 2);
  const poly = roundingDivideByPOTInt16(
    wrapInt16(saturatingRoundingDoublingHighMulInt16(wrapInt16(x4Over4 + x3), ONE_THIRD) + x2),
    1,
  );
  // The final add saturates for int16 (gemmlowp AddSaturatingIf16Bit).
  return saturatingAddInt16(
    EXP_MINUS_ONE_EIGHTH,
    saturatingRoundingDoublingHighMulInt16(EXP_MINUS_ONE_EIGHTH, wrapInt16(x + poly)),
  );
}

/**
 * Returns exp(a) in Q0.15 for a <= 0 given as a `FixedPoint<int16_t, integerBits>` raw (gemmlowp
 * `exp_on_negative_values`, int16; 0 <= integerBits <= 13). Never throws.
 */
export function expOnNegativeValuesInt16(a: number, integerBits: number): number {
  const fractionalBits = 15 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = wrapInt16((a & (oneQuarter - 1)) - oneQuarter);
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0ExclInt16(
    saturatingRoundingMultiplyByPOTInt16(aModQuarterMinusOneQuarter, integerBits),
  );
  const remainder = wrapInt16(aModQuarterMinusOneQuarter - a);
  for (let e = -2; e <= 4; e++) {
    if (integerBits > e && (remainder & (1 << (fractionalBits + e))) !== 0) {
      result = saturatingRoundingDoublingHighMulInt16(result, EXP_BARREL[e + 2]!);
    }
  }
  if (integerBits > 5 && a < c16(-(1 << (36 - integerBits)))) result = 0;
  return a === 0 ? 32767 : result;
}

/** Three Newton-Raphson steps for 1/(2*halfDenominator); returns the Q2.13 estimate (int16 twin of the int32 helper). */
function newtonRaphsonReciprocalInt16(halfDenominator: number): number {
  let x = wrapInt16(C48_OVER_17 + saturatingRoundingDoublingHighMulInt16(halfDenominator, CNEG32_OVER_17));
  for (let i = 0; i < 3; i++) {
    const oneMinus = wrapInt16(Q2_ONE - saturatingRoundingDoublingHighMulInt16(halfDenominator, x));
    x = wrapInt16(
      x + saturatingRoundingMultiplyByPOTInt16(saturatingRoundingDoublingHighMulInt16(x, oneMinus), 2),
    );
  }
  return x;
}

/** Returns 1/(1+a) in Q0.15 for a in [0, 1) in Q0.15 (gemmlowp `one_over_one_plus_x_for_x_in_0_1`, int16). Never throws. */
export function oneOverOnePlusXForXIn01Int16(a: number): number {
  return saturatingRoundingMultiplyByPOTInt16(
    newtonRaphsonReciprocalInt16(roundingHalfSumInt16(a, 32767)),
    1,
  );
}

/** Returns (1-a)/(1+a) in Q0.15 for a in [0, 1) in Q0.15 (gemmlowp `one_minus_x_over_one_plus_x_for_x_in_0_1`, int16). Never throws. */
export function oneMinusXOverOnePlusXForXIn01Int16(a: number): number {
  const x = newtonRaphsonReciprocalInt16(roundingHalfSumInt16(a, 32767));
  return saturatingRoundingMultiplyByPOTInt16(wrapInt16(x - Q2_ONE), 2);
}

/** Returns tanh(a) in Q0.15 for a `FixedPoint<int16_t, integerBits>` raw a (gemmlowp `tanh`, int16; integerBits <= 12). Never throws. */
export function fixedPointTanhInt16(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const n = a < 0 ? a : wrapInt16(-a);
  const t = oneMinusXOverOnePlusXForXIn01Int16(expOnNegativeValuesInt16(n, integerBits + 1));
  return a < 0 ? wrapInt16(-t) : t;
}

/** Returns logistic(a) in Q0.15 for a `FixedPoint<int16_t, integerBits>` raw a (gemmlowp `logistic`, int16). Never throws. */
export function fixedPointLogisticInt16(a: number, integerBits: number): number {
  if (a === 0) return ONE_HALF;
  const absInput = a > 0 ? a : wrapInt16(-a);
  const resultIfPositive = oneOverOnePlusXForXIn01Int16(
    expOnNegativeValuesInt16(wrapInt16(-absInput), integerBits),
  );
  return a > 0 ? resultIfPositive : wrapInt16(32767 - resultIfPositive);
}
