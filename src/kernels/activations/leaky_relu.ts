/**
 * LEAKY_RELU: y = x > 0 ? x : alpha * x (TFLite `kernels/activations.cc` LeakyReluPrepare/Eval,
 * `reference/leaky_relu.h`).
 *
 * - float32: `val > 0 ? val : val * alpha` in float32: exact with TFLite.
 * - uint8 / int8 / int16 (int16 with zero points 0): TFLite's reference `QuantizeLeakyRelu`:
 *   x - zp_x is requantized with s_x / s_y when non-negative and with alpha * s_x / s_y otherwise
 *   (a negative alpha is applied as a positive multiplier and a negation), plus zp_y, clamped.
 *   Bit-exact with TFLite's reference kernel (its default int16 kernel is an optimized variant).
 */
import type { DType } from '../../ir/dtype.js';
import {
  type Kernel,
  type KernelNode,
  expectDtype,
  input,
  optionsOf,
  output,
  unsupported,
} from '../kernel.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { isQuantized, tensorQuant } from '../elementwise/common.js';

interface LeakyReluData {
  quantized: boolean;
  alpha: number;
  inputZeroPoint: number;
  outputZeroPoint: number;
  identityMultiplier: number;
  identityShift: number;
  /** |alpha multiplier| and whether alpha is negative. */
  alphaMultiplier: number;
  alphaShift: number;
  alphaNegative: boolean;
  lo: number;
  hi: number;
}

const RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
};

function prepareLeakyRelu(node: KernelNode): LeakyReluData {
  const x = input(node, 0);
  const y = output(node, 0);
  expectDtype(node, x, ['float32', 'uint8', 'int8', 'int16'], 'input');
  if (y.dtype !== x.dtype) throw unsupported(node, `input is ${x.dtype} but output is ${y.dtype}`);
  y.shape = [...x.shape];
  const alpha = Math.fround(optionsOf(node, 'LeakyReluOptions').alpha);
  const base: LeakyReluData = {
    quantized: false,
    alpha,
    inputZeroPoint: 0,
    outputZeroPoint: 0,
    identityMultiplier: 0,
    identityShift: 0,
    alphaMultiplier: 0,
    alphaShift: 0,
    alphaNegative: false,
    lo: 0,
    hi: 0,
  };
  if (x.dtype === 'float32') return base;
  if (!isQuantized(x) || !isQuantized(y))
    throw unsupported(node, `${x.dtype} LEAKY_RELU needs quantized input and output`);
  const qi = tensorQuant(x);
  const qo = tensorQuant(y);
  if (x.dtype === 'int16' && (qi.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
    throw unsupported(node, 'int16 LEAKY_RELU needs zero points of 0');
  }
  const f = Math.fround;
  const alphaQ = quantizeMultiplier(f(f(qi.scale * alpha) / qo.scale));
  const identity = quantizeMultiplier(f(qi.scale / qo.scale));
  const [lo, hi] = RANGE[x.dtype]!;
  return {
    ...base,
    quantized: true,
    inputZeroPoint: qi.zeroPoint,
    outputZeroPoint: qo.zeroPoint,
    identityMultiplier: identity.multiplier,
    identityShift: identity.shift,
    alphaMultiplier: Math.abs(alphaQ.multiplier),
    alphaShift: alphaQ.shift,
    alphaNegative: alphaQ.multiplier < 0,
    lo,
    hi,
  };
}

/** LEAKY_RELU: y = x > 0 ? x : alpha * x. */
export const leakyReluKernel: Kernel<LeakyReluData> = {
  op: 'LEAKY_RELU',
  prepare: prepareLeakyRelu,
  eval(node, d) {
    if (!d.quantized) {
      const x = input(node, 0).data as Float32Array;
      const y = output(node, 0).data as Float32Array;
      const alpha = d.alpha;
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        y[i] = v > 0 ? v : v * alpha;
      }
      return;
    }
    const x = input(node, 0).data as Int16Array; // Int8Array / Uint8Array / Int16Array at run time
    const y = output(node, 0).data as Int16Array;
    const {
      inputZeroPoint,
      outputZeroPoint,
      identityMultiplier,
      identityShift,
      alphaMultiplier,
      alphaShift,
      lo,
      hi,
    } = d;
    const negate = d.alphaNegative;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]! - inputZeroPoint;
      let out = outputZeroPoint;
      if (v >= 0) {
        out += multiplyByQuantizedMultiplier(v, identityMultiplier, identityShift);
      } else {
        const scaled = multiplyByQuantizedMultiplier(v, alphaMultiplier, alphaShift);
        out += negate ? -scaled : scaled;
      }
      y[i] = out < lo ? lo : out > hi ? hi : out;
    }
  },
};
