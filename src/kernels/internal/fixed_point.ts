/**
 * gemmlowp's fixed-point arithmetic on int32 (`gemmlowp/fixedpoint/fixedpoint.h`,
 * `FixedPoint<int32_t, IntegerBits>`), bit-exact, without BigInt.
 *
 * A value is its raw int32. `FixedPoint<int32_t, k>` (Qk.(31-k)) represents raw / 2^(31-k), so the
 * range is [-2^k, 2^k). Functions taking `integerBits` are the templates over k; they require
 * 0 <= k <= 29 unless stated otherwise. The product of Qa and Qb raws
 * (`saturatingRoundingDoublingHighMul`) is a Q(a+b). gemmlowp's plain `+`/`-` on raws wrap on
 * overflow (undefined behaviour in C++, two's complement in practice), which is `(a + b) | 0` here.
 *
 * These are the primitives of TFLite's integer SOFTMAX, LOG_SOFTMAX, LOGISTIC and TANH reference
 * kernels (int8/uint8), of L2_NORMALIZATION and of the int16 LSTM;
 * `multiply_by_quantized_multiplier.ts` builds `MultiplyByQuantizedMultiplier` on them.
 */
import {
  INT32_MAX,
  INT32_MIN,
  roundHalfAwayFromZero,
  saturatingAddInt32,
  saturatingSubInt32,
} from './rounding.js';

/**
 * Returns round(a * b / 2^31) with ties rounded up, saturating the single overflow case
 * INT32_MIN * INT32_MIN to INT32_MAX: gemmlowp's `SaturatingRoundingDoublingHighMul` (ARM
 * VQRDMULH). Inputs must be int32. Never throws.
 *
 * gemmlowp adds a nudge of 2^30 (or 1 - 2^30 when a*b < 0) and divides by 2^31 truncating toward
 * zero; both cases equal floor((a*b + 2^30) / 2^31). The 62-bit product is rebuilt exactly from
 * two cheap pieces: `Math.imul` gives lo = a*b mod 2^32, and the double product p = fl(a*b) is
 * within 2^9 of a*b. Writing a*b = H*2^32 + lo, the double p - lo is within 2^11 of H*2^32, so
 * H = round((p - lo) / 2^32) exactly; then
 *   floor((a*b + 2^30) / 2^31) = 2H + floor((lo + 2^30) / 2^31),
 * the last term being 0, 1 or 2. This is branch-free (about 4 ns in V8, whatever the magnitudes).
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  const p = a * b;
  const lo = Math.imul(a, b) >>> 0;
  const hi = Math.round((p - lo) * 2.3283064365386963e-10); // / 2^32
  const r = (hi * 2 + (((lo + 1073741824) * 4.656612873077393e-10) | 0)) | 0; // + floor((lo + 2^30) / 2^31)
  return a === INT32_MIN && b === INT32_MIN ? INT32_MAX : r;
}

/**
 * Returns x / 2^exponent rounded to nearest, ties away from zero: gemmlowp's `RoundingDivideByPOT`
 * (a rounding arithmetic right shift). Requires int32 x and 0 <= exponent <= 31 (as gemmlowp
 * asserts; not checked here). Never throws.
 */
export function roundingDivideByPOT(x: number, exponent: number): number {
  // Branch-free (random signs would mispredict): x >>> 31 is 1 for negative x, and
  // (threshold - remainder) >>> 31 is 1 when remainder > threshold (both lie in [0, 2^31)).
  const mask = ((1 << exponent) - 1) | 0; // exponent 31: 0x7fffffff
  const remainder = x & mask;
  const threshold = (mask >> 1) + (x >>> 31);
  return (x >> exponent) + ((threshold - remainder) >>> 31);
}

/**
 * Returns x * 2^exponent for an int32 x: for exponent > 0 a left shift saturating to
 * [INT32_MIN, INT32_MAX], for exponent < 0 `roundingDivideByPOT(x, -exponent)`, for 0 x itself.
 * This is gemmlowp's `SaturatingRoundingMultiplyByPOT<Exponent>` and TFLite's
 * `SaturatingRoundingMultiplyByPOTParam` (the run-time exponent form). Requires
 * -31 <= exponent <= 31. Never throws.
 */
export function saturatingRoundingMultiplyByPOT(x: number, exponent: number): number {
  if (exponent === 0) return x;
  if (exponent < 0) return roundingDivideByPOT(x, -exponent);
  const threshold = (1 << (31 - exponent)) - 1;
  if (x > threshold) return INT32_MAX;
  if (x < -threshold) return INT32_MIN;
  return Math.imul(x, 1 << exponent);
}

/**
 * Returns the raw of a `FixedPoint<int32_t, srcIntegerBits>` converted to
 * `FixedPoint<int32_t, dstIntegerBits>`: gemmlowp's `Rescale<dst>` (saturating when gaining
 * fractional bits, rounding when losing them). Never throws.
 */
export function rescale(x: number, srcIntegerBits: number, dstIntegerBits: number): number {
  return saturatingRoundingMultiplyByPOT(x, srcIntegerBits - dstIntegerBits);
}

/** Returns (a + b) / 2 rounded half away from zero, computed without overflow (gemmlowp `RoundingHalfSum`, int32). Never throws. */
export function roundingHalfSum(a: number, b: number): number {
  const sum = a + b; // exact in a double
  return Math.trunc((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/** Returns the raw of 1.0 in `FixedPoint<int32_t, integerBits>` (INT32_MAX when integerBits is 0, as gemmlowp's `One()`). Never throws. */
export function fixedPointOne(integerBits: number): number {
  return integerBits === 0 ? INT32_MAX : 1 << (31 - integerBits);
}

/** Returns the raw of 2^exponent in `FixedPoint<int32_t, integerBits>` (gemmlowp `ConstantPOT`; requires 31 - integerBits + exponent in [0, 30]). Never throws. */
export function constantPOT(integerBits: number, exponent: number): number {
  return 1 << (31 - integerBits + exponent);
}

/** Returns the raw of the real x in `FixedPoint<int32_t, integerBits>`, rounded half away from zero and saturated (gemmlowp `FromDouble`). Never throws. */
export function fixedPointFromDouble(x: number, integerBits: number): number {
  const v = roundHalfAwayFromZero(x * 2 ** (31 - integerBits));
  return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : v | 0;
}

/** Returns the real value of a `FixedPoint<int32_t, integerBits>` raw (gemmlowp `ToDouble`). Never throws. */
export function fixedPointToDouble(raw: number, integerBits: number): number {
  return raw / 2 ** (31 - integerBits);
}

/** Returns the number of leading zero bits of x read as uint32 (32 for 0): TFLite `CountLeadingZeros<uint32_t>`. Never throws. */
export const countLeadingZeros = Math.clz32;

/**
 * Returns the number of bits after the sign bit that equal it, for an int32 x (31 for 0 and -1,
 * 0 for INT32_MIN): TFLite's `CountLeadingSignBits<int32_t>` (GCC `__builtin_clrsb`). Never throws.
 */
export function countLeadingSignBits(x: number): number {
  if (x >= 0) return Math.clz32(x) - 1;
  if (x === INT32_MIN) return 0;
  return Math.clz32(2 * -x - 1); // 2|x| - 1 < 2^32, read as uint32 by clz32
}

/** Returns floor(log2(n)) for an int32 n > 0 (TFLite `FloorLog2`). Never throws; returns -1 for n = 0. */
export function floorLog2(n: number): number {
  return 31 - Math.clz32(n);
}

// ---- exp, 1/(1+x), tanh, logistic (gemmlowp) ----

// Q0.31 constants of gemmlowp's exp on [-1/4, 0): exp(-1/8) and 1/3.
const EXP_MINUS_ONE_EIGHTH = 1895147668;
const ONE_THIRD = 715827883;

/**
 * Returns exp(a) in Q0.31 for a in [-1/4, 0) given as a Q0.31 raw: gemmlowp's
 * `exp_on_interval_between_negative_one_quarter_and_0_excl` (a 4th-order Taylor expansion around
 * -1/8). Never throws.
 */
export function expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a: number): number {
  const x = (a + 268435456) | 0; // a + 1/8
  const x2 = saturatingRoundingDoublingHighMul(x, x);
  const x3 = saturatingRoundingDoublingHighMul(x2, x);
  const x4 = saturatingRoundingDoublingHighMul(x2, x2);
  const x4Over4 = roundingDivideByPOT(x4, 2);
  const poly = roundingDivideByPOT(
    (saturatingRoundingDoublingHighMul((x4Over4 + x3) | 0, ONE_THIRD) + x2) | 0,
    1,
  ); // x^4/24 + x^3/6 + x^2/2
  return (EXP_MINUS_ONE_EIGHTH + saturatingRoundingDoublingHighMul(EXP_MINUS_ONE_EIGHTH, (x + poly) | 0)) | 0;
}

// exp(-2^e) in Q0.31 for e = -2..4: the factors of gemmlowp's barrel shifter.
const EXP_BARREL = [1672461947, 1302514674, 790015084, 290630308, 39332535, 720401, 242] as const;

/**
 * Returns exp(a) as a Q0.31 raw for a <= 0 given as a `FixedPoint<int32_t, integerBits>` raw:
 * gemmlowp's `exp_on_negative_values`. The argument is split into a multiple of 1/4 and a
 * remainder in [-1/4, 0); exp of the remainder comes from the Taylor step, and each set bit of the
 * multiple of 1/4 multiplies in the matching exp(-2^e). Inputs below -32 give 0 (when
 * integerBits > 5), 0 gives INT32_MAX (1.0). Never throws.
 */
export function expOnNegativeValues(a: number, integerBits: number): number {
  const fractionalBits = 31 - integerBits;
  const oneQuarter = 1 << (fractionalBits - 2);
  const aModQuarterMinusOneQuarter = ((a & (oneQuarter - 1)) - oneQuarter) | 0;
  let result = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(
    saturatingRoundingMultiplyByPOT(aModQuarterMinusOneQuarter, integerBits),
  );
  const remainder = (aModQuarterMinusOneQuarter - a) | 0;
  for (let e = -2; e <= 4; e++) {
    if (integerBits > e && (remainder & (1 << (fractionalBits + e))) !== 0) {
      result = saturatingRoundingDoublingHighMul(result, EXP_BARREL[e + 2]!);
    }
  }
  if (integerBits > 5 && a < -(1 << (36 - integerBits))) result = 0; // exp(x < -32) flushed to 0
  return a === 0 ? INT32_MAX : result;
}

// Newton-Raphson division seeds (Q2.29): 48/17 and -32/17.
const C48_OVER_17 = 1515870810;
const CNEG32_OVER_17 = -1010580540;
const Q2_ONE = 1 << 29;

/** Three Newton-Raphson steps for 1/d where halfDenominator = d/2 (Q0.31); returns the Q2.29 estimate of 1/halfDenominator. */
function newtonRaphsonReciprocal(halfDenominator: number): number {
  let x = (C48_OVER_17 + saturatingRoundingDoublingHighMul(halfDenominator, CNEG32_OVER_17)) | 0;
  for (let i = 0; i < 3; i++) {
    const oneMinusHalfDenominatorTimesX =
      (Q2_ONE - saturatingRoundingDoublingHighMul(halfDenominator, x)) | 0;
    x =
      (x +
        saturatingRoundingMultiplyByPOT(
          saturatingRoundingDoublingHighMul(x, oneMinusHalfDenominatorTimesX),
          2,
        )) |
      0;
  }
  return x;
}

/** Returns 1/(1+a) in Q0.31 for a in [0, 1) given in Q0.31: gemmlowp's `one_over_one_plus_x_for_x_in_0_1`. Never throws. */
export function oneOverOnePlusXForXIn01(a: number): number {
  const x = newtonRaphsonReciprocal(roundingHalfSum(a, INT32_MAX));
  return saturatingRoundingMultiplyByPOT(x, 1); // Q2.29 halved (ExactMulByPot<-1>) then Rescale<0>
}

/** Returns (1-a)/(1+a) in Q0.31 for a in [0, 1) given in Q0.31: gemmlowp's `one_minus_x_over_one_plus_x_for_x_in_0_1`. Never throws. */
export function oneMinusXOverOnePlusXForXIn01(a: number): number {
  const x = newtonRaphsonReciprocal(roundingHalfSum(a, INT32_MAX));
  return saturatingRoundingMultiplyByPOT((x - Q2_ONE) | 0, 2);
}

/** Returns tanh(a) as a Q0.31 raw for a `FixedPoint<int32_t, integerBits>` raw a (gemmlowp `tanh`; integerBits <= 29). Never throws. */
export function fixedPointTanh(a: number, integerBits: number): number {
  if (a === 0) return 0;
  const n = a < 0 ? a : -a; // -|a|
  // -tanh(n) = (1 - exp(2n)) / (1 + exp(2n)); 2n is n read with one more integer bit.
  const t = oneMinusXOverOnePlusXForXIn01(expOnNegativeValues(n, integerBits + 1));
  return a < 0 ? -t | 0 : t;
}

/** Returns logistic(a) = 1/(1+exp(-a)) as a Q0.31 raw for a `FixedPoint<int32_t, integerBits>` raw a (gemmlowp `logistic`). Never throws. */
export function fixedPointLogistic(a: number, integerBits: number): number {
  if (a === 0) return 1 << 30; // 0.5
  const absInput = a > 0 ? a : -a | 0;
  const resultIfPositive = oneOverOnePlusXForXIn01(expOnNegativeValues(-absInput | 0, integerBits));
  return a > 0 ? resultIfPositive : (INT32_MAX - resultIfPositive) | 0;
}

// ---- log(x) for x >= 1 (TFLite common.h) ----

// Q0.31 constants: log(2), 2^-1/4, 2^-1/2, 1/4 and the rational approximation's coefficients.
const LOG_2 = 1488522236;
const SQRT_SQRT_HALF = 1805811301;
const SQRT_HALF = 1518500250;
const ONE_QUARTER = 536870912;
const ALPHA_N = 117049297;
const ALPHA_D = 127690142;
const ALPHA_I = 1057819769;
const ALPHA_F = 638450708;

/**
 * Returns log(x) as a `FixedPoint<int32_t, outputIntegerBits>` raw for x >= 1 given as a
 * `FixedPoint<int32_t, inputIntegerBits>` raw: TFLite's `log_x_for_x_greater_than_or_equal_to_1`
 * (used by the int8/uint8 LOG_SOFTMAX reference kernels with input Q12 and output Q5). The input
 * is normalized to [2^-1/2, 1) by its leading-zero count (two candidates, with and without a
 * factor sqrt(1/2)), and log of the mantissa comes from a rational approximation. Requires
 * outputIntegerBits large enough for the logs of the input range (TFLite's
 * `min_log_x_output_bits`). Never throws.
 */
export function logXForXGreaterThanOrEqualTo1(
  x: number,
  inputIntegerBits: number,
  outputIntegerBits: number,
): number {
  const accumIntegerBits = outputIntegerBits + 1;
  const shiftedQuarter = saturatingRoundingMultiplyByPOT(ONE_QUARTER, -accumIntegerBits);
  const zAHeadroomPlus1 = Math.clz32(x);
  const rATmp = saturatingRoundingMultiplyByPOT(x, zAHeadroomPlus1 - 1);
  const rARaw = saturatingRoundingMultiplyByPOT(saturatingRoundingDoublingHighMul(rATmp, SQRT_HALF), 1);
  const zAPow2Adj = saturatingAddInt32(
    saturatingRoundingMultiplyByPOT(inputIntegerBits - zAHeadroomPlus1, 31 - accumIntegerBits),
    shiftedQuarter,
  );
  const zB = saturatingRoundingDoublingHighMul(x, SQRT_HALF);
  const zBHeadroom = Math.clz32(zB) - 1;
  const rBRaw = saturatingRoundingMultiplyByPOT(x, zBHeadroom);
  const zBPow2Adj = saturatingSubInt32(
    saturatingRoundingMultiplyByPOT(inputIntegerBits - zBHeadroom, 31 - accumIntegerBits),
    shiftedQuarter,
  );
  const r = rARaw < rBRaw ? rARaw : rBRaw;
  const zPow2Adj = zAPow2Adj > zBPow2Adj ? zAPow2Adj : zBPow2Adj;

  const p = roundingHalfSum(r, SQRT_SQRT_HALF);
  let q = (r - SQRT_SQRT_HALF) | 0;
  q = (q + q) | 0;
  const commonSq = saturatingRoundingDoublingHighMul(q, q);
  const num =
    (saturatingRoundingDoublingHighMul(q, r) +
      saturatingRoundingDoublingHighMul(saturatingRoundingDoublingHighMul(q, commonSq), ALPHA_N)) |
    0;
  const denomMinusOne =
    (saturatingRoundingDoublingHighMul(
      p,
      (ALPHA_I + q + saturatingRoundingDoublingHighMul(ALPHA_D, commonSq)) | 0,
    ) +
      saturatingRoundingDoublingHighMul(ALPHA_F, q)) |
    0;
  const recipDenom = oneOverOnePlusXForXIn01(denomMinusOne);
  const numScaled = saturatingRoundingMultiplyByPOT(num, -accumIntegerBits);
  const sum =
    (saturatingRoundingDoublingHighMul(zPow2Adj, LOG_2) +
      saturatingRoundingDoublingHighMul(numScaled, recipDenom)) |
    0;
  return saturatingRoundingMultiplyByPOT(sum, accumIntegerBits - outputIntegerBits);
}
