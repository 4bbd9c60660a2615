/**
 * Float fused activations as TFLite's `tensor_utils::ApplyActivationToVector` applies them inside
 * recurrent kernels (SVDF output, LSTM cell gate and cell output). Unlike the clamp-only fused
 * activations of CONV_2D/ADD, recurrent ops also allow TANH, SIGN_BIT and (internally) SIGMOID.
 */
import { Activation } from '../../ir/builtin_options.js';

/** TfLiteFusedActivation values: the schema's ActivationFunctionType plus kTfLiteActSigmoid. */
export const FusedActivation = { ...Activation, SIGMOID: 6 } as const;

/** Returns true for activation codes `applyFusedActivation` knows. Never throws. */
export function isKnownFusedActivation(act: number): boolean {
  return Number.isInteger(act) && act >= 0 && act <= 6;
}

/** Returns the logistic sigmoid 1 / (1 + e^-x). Never throws. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Applies a fused activation to `n` floats of `src` from `srcStart` into `dst` from `dstStart`
 * (the two may be the same array and range). NONE copies (TFLite's vector routine leaves the
 * destination untouched, which only matters when source and destination differ; a copy is the
 * intended meaning). Computed in double and rounded to float32 on store: error <= 1 ulp of
 * float32 against TFLite's float `std::exp`/`std::tanh`. Never throws for known codes.
 */
export function applyFusedActivation(
  act: number,
  src: Float32Array,
  srcStart: number,
  dst: Float32Array,
  dstStart: number,
  n: number,
): void {
  switch (act) {
    case FusedActivation.RELU:
      for (let i = 0; i < n; i++) {
        const v = src[srcStart + i]!;
        dst[dstStart + i] = v > 0 ? v : 0;
      }
      return;
    case FusedActivation.RELU_N1_TO_1:
      for (let i = 0; i < n; i++) {
        const v = src[srcStart + i]!;
        dst[dstStart + i] = v > 1 ? 1 : v < -1 ? -1 : v;
      }
      return;
    case FusedActivation.RELU6:
      for (let i = 0; i < n; i++) {
        const v = src[srcStart + i]!;
        dst[dstStart + i] = v > 6 ? 6 : v < 0 ? 0 : v;
      }
      return;
    case FusedActivation.TANH:
      for (let i = 0; i < n; i++) dst[dstStart + i] = Math.tanh(src[srcStart + i]!);
      return;
    case FusedActivation.SIGN_BIT:
      // std::signbit: 1 for negative values (and -0), else 0.
      for (let i = 0; i < n; i++) {
        const v = src[srcStart + i]!;
        dst[dstStart + i] = v < 0 || Object.is(v, -0) ? 1 : 0;
      }
      return;
    case FusedActivation.SIGMOID:
      for (let i = 0; i < n; i++) dst[dstStart + i] = sigmoid(src[srcStart + i]!);
      return;
    default:
      if (src === dst && srcStart === dstStart) return;
      for (let i = 0; i < n; i++) dst[dstStart + i] = src[srcStart + i]!;
  }
}
