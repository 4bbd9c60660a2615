/**
 * Clamp bounds of fused activations (the `fused_activation_function` of ADD, CONV_2D,
 * FULLY_CONNECTED, ...), as TFLite's `kernel_util.{h,cc}` compute them: in real numbers for float
 * kernels and in the output's quantized units for integer kernels.
 */
import { QuantizationError } from '../../errors.js';
import { Activation, ACTIVATION_NAMES } from '../../ir/builtin_options.js';
import { castToInt32Saturating, clamp, roundHalfAwayFromZero } from './rounding.js';

/** An inclusive clamp range. */
export interface ActivationRange {
  min: number;
  max: number;
}

/** Integer types a fused activation can be quantized to. */
export type QuantizedActivationDtype = 'int8' | 'uint8' | 'int16';

const QRANGE: Record<QuantizedActivationDtype, ActivationRange> = {
  int8: { min: -128, max: 127 },
  uint8: { min: 0, max: 255 },
  int16: { min: -32768, max: 32767 },
};

function activationName(activation: number): string {
  return ACTIVATION_NAMES[activation] ?? `#${activation}`;
}

/**
 * Returns the float clamp range of a fused activation (TFLite `CalculateActivationRange<float>`):
 * NONE (-inf, +inf), RELU [0, +inf), RELU_N1_TO_1 [-1, 1], RELU6 [0, 6]. Like TFLite, other codes
 * (TANH, SIGN_BIT) get the unbounded range: the float kernels do not apply them. Never throws.
 *
 * Recent TFLite uses infinities for the open ends (older releases used +-FLT_MAX, which maps
 * +-inf outputs to +-FLT_MAX); only infinite outputs can tell the two apart.
 */
export function calculateActivationRangeFloat(activation: number): ActivationRange {
  switch (activation) {
    case Activation.RELU:
      return { min: 0, max: Infinity };
    case Activation.RELU6:
      return { min: 0, max: 6 };
    case Activation.RELU_N1_TO_1:
      return { min: -1, max: 1 };
    default:
      return { min: -Infinity, max: Infinity };
  }
}

/**
 * `zero_point + int32(round(f / scale))` in float32, as TFLite's `Quantize` helper in
 * kernel_util.cc, which rejects results outside the int32 range.
 */
function quantizeBound(f: number, scale: number, zeroPoint: number, activation: number): number {
  const tmp = roundHalfAwayFromZero(Math.fround(f / scale));
  if (!(tmp >= -2147483648 && tmp <= 2147483648)) {
    throw new QuantizationError(
      `fused activation ${activationName(activation)}: bound ${f} / output scale ${scale} overflows int32. ` +
        'The output tensor’s quantization scale is invalid; re-quantize the model.',
    );
  }
  return zeroPoint + castToInt32Saturating(tmp);
}

/**
 * Returns the quantized clamp range of a fused activation for an output of the given dtype, scale
 * and zero point (TFLite `CalculateActivationRangeQuantized`): the dtype's range intersected with
 * the quantized activation bounds (`zero_point + round(bound / scale)` in float32). NONE gives the
 * full dtype range.
 * Throws QuantizationError for TANH / SIGN_BIT (not fusable into quantized kernels; TFLite would
 * silently ignore them) and when a bound overflows int32 (TFLite fails Prepare).
 */
export function calculateActivationRangeQuantized(
  activation: number,
  dtype: QuantizedActivationDtype,
  scale: number,
  zeroPoint: number,
): ActivationRange {
  const { min: qmin, max: qmax } = QRANGE[dtype];
  const s = Math.fround(scale);
  switch (activation) {
    case Activation.NONE:
      return { min: qmin, max: qmax };
    case Activation.RELU:
      return { min: Math.max(qmin, quantizeBound(0, s, zeroPoint, activation)), max: qmax };
    case Activation.RELU6:
      return {
        min: Math.max(qmin, quantizeBound(0, s, zeroPoint, activation)),
        max: Math.min(qmax, quantizeBound(6, s, zeroPoint, activation)),
      };
    case Activation.RELU_N1_TO_1:
      return {
        min: Math.max(qmin, quantizeBound(-1, s, zeroPoint, activation)),
        max: Math.min(qmax, quantizeBound(1, s, zeroPoint, activation)),
      };
    default:
      throw new QuantizationError(
        `fused activation ${activationName(activation)} is not supported on a quantized (${dtype}) output. ` +
          'Only NONE, RELU, RELU6 and RELU_N1_TO_1 can be fused into quantized ops; convert the model ' +
          'with the activation as a separate op.',
      );
  }
}

/**
 * Returns x clamped to [min, max] as TFLite's `ActivationFunctionWithMinMax` (`std::min(std::max(x,
 * min), max)`): NaN and -0 pass through unchanged, unlike `Math.min/Math.max`. Never throws.
 */
export const activationFunctionWithMinMax: (x: number, min: number, max: number) => number = clamp;
