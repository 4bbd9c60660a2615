/**
 * GELU, exact and approximate (TFLite `kernels/activations.cc` GeluPrepare/GeluEval,
 * `reference/gelu.h`):
 *   exact:       0.5 * x * erfc(-x / sqrt(2))
 *   approximate: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x^3)))
 *
 * - float32: evaluated step by step in float32 with erfc / tanh in double. TFLite evaluates the
 *   same expressions with Eigen's float erfc / tanh approximations; error bound against the true
 *   function (and so against TFLite within Eigen's own error): relative < 1e-6 where |y| > 1e-30.
 * - uint8 / int8: a 256-entry table of the float function (`GeluTransform` /
 *   `GeluTransformApproximate`), requantized as TFLite's `LUTPopulate`.
 */
import { type Kernel, type KernelNode, input, optionsOf, output } from '../kernel.js';
import { erfc } from '../internal/erfc.js';
import { lutPopulateInt8 } from '../internal/lut.js';
import { applyTable8 } from '../elementwise/table8.js';
import { sameShapeOutput, quantizedPair } from './activation_tensors.js';

const f = Math.fround;
/** float(-M_SQRT1_2) and float(M_2_SQRTPI * M_SQRT1_2) = sqrt(2/pi). */
const MINUS_SQRT1_2 = f(-Math.SQRT1_2);
const SQRT_2_OVER_PI = f((2 / Math.sqrt(Math.PI)) * Math.SQRT1_2);
const C3 = f(0.044715);

/** TFLite's `GeluTransform` in float32. */
const geluExact = (x: number): number => f(f(0.5 * x) * f(erfc(f(x * MINUS_SQRT1_2))));

/** TFLite's `GeluTransformApproximate` in float32 (0.044715f * in * in * in, left to right). */
const geluApproximate = (x: number): number =>
  f(f(0.5 * x) * f(1 + f(Math.tanh(f(SQRT_2_OVER_PI * f(x + f(f(f(C3 * x) * x) * x)))))));

interface GeluData {
  approximate: boolean;
  lut: Uint8Array | null;
}

function prepareGelu(node: KernelNode): GeluData {
  const { x, y } = sameShapeOutput(node, ['float32', 'uint8', 'int8']);
  const approximate = optionsOf(node, 'GeluOptions').approximate;
  if (x.dtype === 'float32') return { approximate, lut: null };
  const { qi, qo } = quantizedPair(node, x, y);
  const lut = lutPopulateInt8(
    qi.scale,
    qi.zeroPoint,
    qo.scale,
    qo.zeroPoint,
    approximate ? geluApproximate : geluExact,
    x.dtype as 'uint8' | 'int8',
  );
  return { approximate, lut: new Uint8Array(lut.buffer, lut.byteOffset, 256) };
}

/** GELU: y = x * Phi(x) (or its tanh approximation). */
export const geluKernel: Kernel<GeluData> = {
  op: 'GELU',
  prepare: prepareGelu,
  eval(node, d) {
    if (d.lut) {
      applyTable8(input(node, 0).data, output(node, 0).data, d.lut);
      return;
    }
    const x = input(node, 0).data as Float32Array;
    const y = output(node, 0).data as Float32Array;
    if (d.approximate) for (let i = 0; i < x.length; i++) y[i] = geluApproximate(x[i]!);
    else for (let i = 0; i < x.length; i++) y[i] = geluExact(x[i]!);
  },
};
