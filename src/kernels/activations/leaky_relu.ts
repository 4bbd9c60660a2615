/**
 * LEAKY_RELU: y = x > 0 ? x : alpha * x (TFLite `kernels/activations.cc` LeakyReluPrepare/Eval,
 * `reference/leaky_relu.h`).
 *
 * - float32: `val > 0 ? val : val * alpha` in float32: exact with TFLite.
 * - uint8 / int8 / int16 (int16 with zero points 0): TFLite's reference `QuantizeLeakyRelu`:
 *   x - zp_x is requantized with s_x / s_y when non-negative and with alpha * s_x / s_y otherwise
 *   (a negative alpha is applied as a positive multiplier and a negation), plus zp_y, clamped.
 *   Bit-exact with TFLite's reference kernel (its default int16 kernel is an optimized variant).
 *   For 8-bit types the formula is tabulated over the 256 input values in prepare.
 */
import type { DType } from '../../ir/dtype.js';
import { type Kernel, type KernelNode, input, optionsOf, output, unsupported } from '../kernel.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { applyTable8, tabulate8 } from '../elementwise/table8.js';
import { sameShapeOutput, quantizedPair } from './activation_tensors.js';

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
  /** 8-bit: the formula tabulated over the 256 input values. */
  table: Uint8Array | null;
}

const RANGE: Partial<Record<DType, [number, number]>> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
};

function prepareLeakyRelu(node: KernelNode): LeakyReluData {
  const { x, y } = sameShapeOutput(node, ['float32', 'uint8', 'int8', 'int16']);
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
    table: null,
  };
  if (x.dtype === 'float32') return base;
  const { qi, qo } = quantizedPair(node, x, y);
  if (x.dtype === 'int16' && (qi.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
    throw unsupported(node, 'int16 LEAKY_RELU needs zero points of 0');
  }
  const f = Math.fround;
  const alphaQ = quantizeMultiplier(f(f(qi.scale * alpha) / qo.scale));
  const identity = quantizeMultiplier(f(qi.scale / qo.scale));
  const [lo, hi] = RANGE[x.dtype]!;
  const data: LeakyReluData = {
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
  if (x.dtype !== 'int16')
    data.table = tabulate8(x.dtype as 'int8' | 'uint8', (q) => leakyQuantized(q, data));
  return data;
}

/** TFLite's reference `QuantizeLeakyRelu` on one value. */
function leakyQuantized(q: number, d: LeakyReluData): number {
  const v = q - d.inputZeroPoint;
  let out = d.outputZeroPoint;
  if (v >= 0) {
    out += multiplyByQuantizedMultiplier(v, d.identityMultiplier, d.identityShift);
  } else {
    const scaled = multiplyByQuantizedMultiplier(v, d.alphaMultiplier, d.alphaShift);
    out += d.alphaNegative ? -scaled : scaled;
  }
  return out < d.lo ? d.lo : out > d.hi ? d.hi : out;
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
    if (d.table) {
      applyTable8(input(node, 0).data, output(node, 0).data, d.table);
      return;
    }
    const x = input(node, 0).data as Int16Array;
    const y = output(node, 0).data as Int16Array;
    for (let i = 0; i < x.length; i++) y[i] = leakyQuantized(x[i]!, d);
  },
};
