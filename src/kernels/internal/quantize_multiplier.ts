/**
 * Real multipliers -> (Q0.31 significand, power-of-two shift), as TFLite's
 * `kernels/internal/quantization_util.cc` and `kernels/kernel_util.cc` compute them in `Prepare`,
 * plus the derived constants of the SOFTMAX / LOG_SOFTMAX / LOGISTIC / TANH / L2_NORMALIZATION /
 * RSQRT / LSTM integer kernels.
 *
 * Arithmetic precision follows the C++ signatures: where TFLite takes `float` arguments we
 * `Math.fround` them (a no-op for scales read from a Float32Array) and compute float expressions
 * in float32; where it takes `double` we use the number as given, in double.
 */
import { QuantizationError } from '../../errors.js';
import {
  fixedPointOne,
  oneOverOnePlusXForXIn01,
  rescale,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from './fixed_point.js';
import { INT32_MAX, roundHalfAwayFromZero } from './rounding.js';

/** A quantized multiplier: real value = multiplier / 2^31 * 2^shift. */
export interface QuantizedMultiplier {
  /** Q0.31 significand in [2^30, 2^31) for positive multipliers (0 for zero). */
  multiplier: number;
  /** Power-of-two exponent: positive shifts left, negative shifts right. */
  shift: number;
}

const frexpView = new DataView(new ArrayBuffer(8));

/**
 * Returns `std::frexp(x)`: fraction in [0.5, 1) (or (-1, -0.5]) and exponent with
 * x = fraction * 2^exponent; {0, 0} for ±0; non-finite x returns itself with exponent 0.
 * Never throws.
 */
export function frexp(x: number): { fraction: number; exponent: number } {
  if (x === 0 || !Number.isFinite(x)) return { fraction: x, exponent: 0 };
  frexpView.setFloat64(0, x);
  const biased = (frexpView.getUint16(0) >>> 4) & 0x7ff;
  if (biased === 0) {
    // Subnormal: scale into the normal range first (exact).
    const r = frexp(x * 2 ** 64);
    return { fraction: r.fraction, exponent: r.exponent - 64 };
  }
  const exponent = biased - 1022;
  return { fraction: x * 2 ** -exponent, exponent };
}

function checkFinite(what: string, x: number): void {
  if (!Number.isFinite(x)) {
    throw new QuantizationError(
      `${what}: real multiplier is ${x}; a quantization scale in the model is zero, NaN or infinite. ` +
        'Check the scales of this op’s input, weight and output tensors.',
    );
  }
}

/**
 * Returns TFLite's `QuantizeMultiplier(double)`: frexp to a fraction in [0.5, 1), rounded (half
 * away from zero) to a Q0.31 significand; a significand that rounds up to 2^31 is halved and the
 * shift incremented; multipliers below about 2^-31 (shift < -31) are flushed to {0, 0}. Negative
 * multipliers give a negative significand, as in TFLite. With double rounding (TFLite's default)
 * the shift is not clamped above.
 * Throws QuantizationError when the multiplier is NaN or infinite (TFLite's behaviour is undefined).
 */
export function quantizeMultiplier(realMultiplier: number): QuantizedMultiplier {
  if (realMultiplier === 0) return { multiplier: 0, shift: 0 };
  checkFinite('quantizeMultiplier', realMultiplier);
  const { fraction, exponent } = frexp(realMultiplier);
  let qFixed = roundHalfAwayFromZero(fraction * 2147483648);
  let shift = exponent;
  if (qFixed === 2147483648) {
    qFixed /= 2;
    shift++;
  }
  if (shift < -31) return { multiplier: 0, shift: 0 };
  return { multiplier: qFixed, shift };
}

/**
 * Returns TFLite's `QuantizeMultiplierSmallerThanOneExp`: `quantizeMultiplier` for 0 < m < 1, with
 * shift <= 0 (the "left shift" argument of `multiplyByQuantizedMultiplierSmallerThanOneExp`).
 * Throws QuantizationError unless 0 < m < 1 and the resulting shift is <= 0 (TFLite CHECK-fails;
 * e.g. m = 1 - 1e-15 rounds up to 1).
 */
export function quantizeMultiplierSmallerThanOneExp(realMultiplier: number): QuantizedMultiplier {
  if (!(realMultiplier > 0 && realMultiplier < 1)) {
    throw new QuantizationError(
      `quantizeMultiplierSmallerThanOneExp: multiplier ${realMultiplier} is not in (0, 1). ` +
        'The scales of this op’s tensors are inconsistent; re-quantize the model.',
    );
  }
  const q = quantizeMultiplier(realMultiplier);
  if (q.shift > 0) {
    throw new QuantizationError(
      `quantizeMultiplierSmallerThanOneExp: multiplier ${realMultiplier} rounds to 1.0 (shift ${q.shift}). ` +
        'The scales of this op’s tensors are inconsistent; re-quantize the model.',
    );
  }
  return q;
}

/**
 * Returns TFLite's `QuantizeMultiplierGreaterThanOne`: `quantizeMultiplier` for m > 1, shift >= 0.
 * Throws QuantizationError unless m > 1 (TFLite CHECK-fails) or when m is infinite.
 */
export function quantizeMultiplierGreaterThanOne(realMultiplier: number): QuantizedMultiplier {
  if (!(realMultiplier > 1)) {
    throw new QuantizationError(
      `quantizeMultiplierGreaterThanOne: multiplier ${realMultiplier} is not > 1. ` +
        'The scales of this op’s tensors are inconsistent; re-quantize the model.',
    );
  }
  return quantizeMultiplier(realMultiplier); // finite m > 1 always gives shift >= 1
}

/**
 * Fills `multipliers[c]` / `shifts[c]` with `quantizeMultiplier(inputScale * filterScales[c] /
 * outputScale)` for every output channel c, as TFLite's `PopulateConvolutionQuantizationParams`
 * does for CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV (per-axis and, with one
 * filter scale broadcast to every channel, per-tensor int8/int16). The scales are float32 in
 * TFLite and the product and quotient are computed in double, in that order.
 * Throws QuantizationError when filterScales has neither 1 nor multipliers.length entries, the
 * arrays differ in length, or an effective scale is not finite.
 */
export function populatePerChannelMultipliers(
  inputScale: number,
  filterScales: ArrayLike<number>,
  outputScale: number,
  multipliers: Int32Array,
  shifts: Int32Array,
): void {
  const channels = multipliers.length;
  if (shifts.length !== channels || (filterScales.length !== 1 && filterScales.length !== channels)) {
    throw new QuantizationError(
      `populatePerChannelMultipliers: ${filterScales.length} filter scales for ${channels} output channels ` +
        `(${shifts.length} shifts). A per-axis quantized weight needs one scale per output channel.`,
    );
  }
  const inScale = Math.fround(inputScale);
  const outScale = Math.fround(outputScale);
  const perChannel = filterScales.length !== 1;
  for (let c = 0; c < channels; c++) {
    const filterScale = Math.fround(filterScales[perChannel ? c : 0]!);
    const q = quantizeMultiplier((inScale * filterScale) / outScale);
    multipliers[c] = q.multiplier;
    shifts[c] = q.shift;
  }
}

/**
 * Returns the real multiplier of TFLite's `GetQuantizedConvolutionMultipler` (the legacy uint8
 * per-tensor path): `double(input_scale * filter_scale) / output_scale`, the product rounded to
 * float32 first. Never throws.
 */
export function getQuantizedConvolutionMultiplier(
  inputScale: number,
  filterScale: number,
  outputScale: number,
): number {
  return Math.fround(Math.fround(inputScale) * Math.fround(filterScale)) / Math.fround(outputScale);
}

/**
 * Returns TFLite's `PreprocessSoftmaxScaling(beta, input_scale, input_integer_bits)`: the input
 * multiplier of the integer SOFTMAX kernels, `QuantizeMultiplierGreaterThanOne(min(beta *
 * input_scale * 2^(31 - input_integer_bits), 2^31 - 1))` in double (the kernels use 5 integer bits).
 * Pass beta and the scale as the float32 values TFLite holds (`Math.fround` if computed).
 * Throws QuantizationError when beta * input_scale is so small that the multiplier is not > 1.
 */
export function preprocessSoftmaxScaling(
  beta: number,
  inputScale: number,
  inputIntegerBits: number,
): QuantizedMultiplier {
  const real = beta * inputScale * 2 ** (31 - inputIntegerBits);
  return quantizeMultiplierGreaterThanOne(2147483647 < real ? 2147483647 : real);
}

/** The constants of TFLite's `PreprocessLogSoftmaxScalingExp`. */
export interface LogSoftmaxScaling extends QuantizedMultiplier {
  /** Q0.31 significand of the reverse scaling divisor (its exponent is `reverseScalingLeftShift`). */
  reverseScalingDivisor: number;
  /** Left shift (<= 0) of the reverse scaling divisor. */
  reverseScalingLeftShift: number;
}

/**
 * Returns TFLite's `PreprocessLogSoftmaxScalingExp`: `preprocessSoftmaxScaling` plus the inverse
 * scale 2^(31 - shift) / multiplier quantized with `quantizeMultiplierSmallerThanOneExp`.
 * Throws QuantizationError as those two do.
 */
export function preprocessLogSoftmaxScalingExp(
  beta: number,
  inputScale: number,
  inputIntegerBits: number,
): LogSoftmaxScaling {
  const { multiplier, shift } = preprocessSoftmaxScaling(beta, inputScale, inputIntegerBits);
  const reverse = quantizeMultiplierSmallerThanOneExp(2 ** (31 - shift) / multiplier);
  return {
    multiplier,
    shift,
    reverseScalingDivisor: reverse.multiplier,
    reverseScalingLeftShift: reverse.shift,
  };
}

/**
 * Returns TFLite's `CalculateInputRadius(input_integer_bits, input_left_shift, total_signed_bits)`:
 * floor((2^bits - 1) * 2^(total - bits) / 2^left_shift), the largest input difference whose
 * rescaled value still fits the Q(bits) fixed-point format (SOFTMAX uses its negation as
 * `diff_min`; LOGISTIC/TANH saturate beyond it). Never throws.
 */
export function calculateInputRadius(
  inputIntegerBits: number,
  inputLeftShift: number,
  totalSignedBits = 31,
): number {
  return Math.floor(
    ((2 ** inputIntegerBits - 1) * 2 ** (totalSignedBits - inputIntegerBits)) / 2 ** inputLeftShift,
  );
}

/**
 * Returns TFLite's `DownScaleInt32ToInt16Multiplier`: a Q0.31 multiplier rounded to Q0.15
 * (32767 when rounding would overflow). Never throws.
 */
export function downScaleInt32ToInt16Multiplier(multiplier: number): number {
  if (multiplier >= INT32_MAX - 32768) return 32767;
  return (multiplier + 32768) >> 16;
}

/** The reciprocal returned by `getReciprocal`. */
export interface Reciprocal {
  /** 1/x scaled: a Q0.31 raw of 1 / (x / 2^numBitsOverUnit) as gemmlowp computes it. */
  reciprocal: number;
  /** Number of bits of x above 1.0 (the extra right shift to apply after multiplying). */
  numBitsOverUnit: number;
}

/**
 * Returns TFLite's `GetReciprocal(x, x_integer_digits, &num_bits_over_unit)` for x > 0 given as a
 * `FixedPoint<int32_t, xIntegerDigits>` raw: x is normalized to [1, 2) by its leading zeros and
 * 1/(1 + (x - 1)) evaluated with gemmlowp's `one_over_one_plus_x_for_x_in_0_1`. The int8/uint8
 * SOFTMAX reference kernel uses it on the Q12 sum of exponentials. Never throws (x <= 0 is
 * undefined in TFLite; here it returns a meaningless value).
 */
export function getReciprocal(x: number, xIntegerDigits: number): Reciprocal {
  const headroomPlusOne = Math.clz32(x);
  // (uint32(x) << headroom_plus_one) - 2^31: the shifted value has its top bit set, clear it.
  const shiftedSumMinusOne = (x << headroomPlusOne) & 0x7fffffff;
  return {
    reciprocal: oneOverOnePlusXForXIn01(shiftedSumMinusOne),
    numBitsOverUnit: xIntegerDigits - headroomPlusOne,
  };
}

const HALF_SQRT_2 = 1518500250; // sqrt(2)/2 in Q0.31
const THREE_HALVES_Q3 = (1 << 28) + (1 << 27); // 1.5 in Q3.28

/**
 * Returns TFLite's `GetInvSqrtQuantizedMultiplierExp(input, reverse_shift)`: 1/sqrt(input) for an
 * int32 input >= 0 as a quantized multiplier {multiplier, shift}, computed by 5 Newton-Raphson
 * steps in Q3.28 after normalizing the input by pairs of bits. `reverseShift` is -1 (TFLite's
 * kReverseShift) to get a left-shift convention for `multiplyByQuantizedMultiplier`, or 1 to keep
 * the right-shift convention. Inputs 0 and 1 give {INT32_MAX, 0}. Used by L2_NORMALIZATION, RSQRT
 * and the int16 LSTM layer norm. Never throws.
 */
export function getInvSqrtQuantizedMultiplierExp(input: number, reverseShift: number): QuantizedMultiplier {
  if (input <= 1) return { multiplier: INT32_MAX, shift: 0 };
  let shift = 11;
  while (input >= 1 << 29) {
    input = (input / 4) | 0;
    shift++;
  }
  const maxLeftShiftBits = Math.clz32(input) - 1;
  const leftShiftBitPairs = (maxLeftShiftBits >> 1) - 1;
  shift -= leftShiftBitPairs;
  input <<= 2 * leftShiftBitPairs;
  // Newton-Raphson for 1/sqrt(y), y = input in Q3.28 (the raw is input >> 1).
  const halfInput = roundingDivideByPOT(input >> 1, 1);
  let x = fixedPointOne(3);
  for (let i = 0; i < 5; i++) {
    const x3 = rescale(saturatingRoundingDoublingHighMul(saturatingRoundingDoublingHighMul(x, x), x), 9, 3);
    x = rescale(
      (saturatingRoundingDoublingHighMul(THREE_HALVES_Q3, x) -
        saturatingRoundingDoublingHighMul(halfInput, x3)) |
        0,
      6,
      3,
    );
  }
  let multiplier = saturatingRoundingDoublingHighMul(x, HALF_SQRT_2);
  if (shift < 0) {
    multiplier <<= -shift;
    shift = 0;
  }
  return { multiplier, shift: shift * reverseShift };
}

/**
 * Returns TFLite's `CheckedLog2(x)`: log2(x) rounded to an integer, and whether x is within 1e-3
 * (in the exponent) of that power of two, computed in float32 as `log(x) * (1 / log(2))`. The
 * int16 LOGISTIC / TANH, ADD / SUB and integer LSTM kernels use it to detect power-of-two scales.
 * Never throws.
 */
export function checkedLog2(x: number): { isPowerOfTwo: boolean; log2: number } {
  const f = Math.fround;
  const xLog2 = f(f(Math.log(f(x))) * f(1 / f(Math.log(2))));
  const rounded = roundHalfAwayFromZero(xLog2);
  return { isPowerOfTwo: Math.abs(f(xLog2 - rounded)) < f(1e-3), log2: rounded };
}
