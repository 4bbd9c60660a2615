/**
 * L2_NORMALIZATION over the last axis: y = x / max(||x||, 1e-6) (TFLite `kernels/l2norm.cc`,
 * `reference/l2normalization.h`, `reference/integer_ops/l2normalization.h`). TFLite supports no
 * fused activation here.
 *
 * - float32: the sum of squares accumulated in float32, sqrt, max with 1e-6, divide, each step
 *   rounded as in C++: exact with TFLite's reference kernel.
 * - uint8 (output scale 1/128, zero point 128) / int8 (1/128, zero point 0): the integer sum of
 *   squared (q - zp), inverted with TFLite's integer 1/sqrt (`GetInvSqrtQuantizedMultiplierExp`),
 *   applied to each (q - zp) * 128. Bit-exact with TFLite.
 */
import { Activation } from '../../ir/builtin_options.js';
import { type Kernel, type KernelNode, input, optionsOf, output, unsupported } from '../kernel.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierSmallerThanOneExp,
} from '../internal/multiply_by_quantized_multiplier.js';
import { getInvSqrtQuantizedMultiplierExp } from '../internal/quantize_multiplier.js';
import { isQuantized, tensorQuant } from '../elementwise/common.js';
import { sameShapeOutput, lastAxisRows } from './activation_tensors.js';

interface L2NormData {
  dtype: 'float32' | 'uint8' | 'int8';
  outer: number;
  depth: number;
  inputZeroPoint: number;
}

function prepareL2Norm(node: KernelNode): L2NormData {
  const { x, y } = sameShapeOutput(node, ['float32', 'uint8', 'int8']);
  const { outer, depth } = lastAxisRows(node, x);
  if (optionsOf(node, 'L2NormOptions').fusedActivationFunction !== Activation.NONE) {
    throw unsupported(node, 'fused activations are not supported (TFLite supports none either)');
  }
  const data: L2NormData = {
    dtype: x.dtype as L2NormData['dtype'],
    outer,
    depth,
    inputZeroPoint: 0,
  };
  if (x.dtype === 'float32') return data;
  if (!isQuantized(x) || !isQuantized(y))
    throw unsupported(node, `${x.dtype} L2_NORMALIZATION needs quantized tensors`);
  const qo = tensorQuant(y);
  const zp = x.dtype === 'uint8' ? 128 : 0;
  if (qo.scale !== 1 / 128 || qo.zeroPoint !== zp) {
    throw unsupported(
      node,
      `${x.dtype} L2_NORMALIZATION needs an output scale of 1/128 and zero point ${zp}`,
    );
  }
  data.inputZeroPoint = tensorQuant(x).zeroPoint;
  return data;
}

function l2NormFloat(x: Float32Array, y: Float32Array, d: L2NormData): void {
  const f = Math.fround;
  const epsilon = f(1e-6);
  const { outer, depth } = d;
  for (let r = 0, o = 0; r < outer; r++, o += depth) {
    let sq = 0;
    for (let c = 0; c < depth; c++) {
      const v = x[o + c]!;
      sq = f(sq + f(v * v));
    }
    let norm = f(Math.sqrt(sq));
    if (norm < epsilon) norm = epsilon;
    for (let c = 0; c < depth; c++) y[o + c] = x[o + c]! / norm;
  }
}

function l2NormQuantized(x: Int16Array, y: Int16Array, d: L2NormData): void {
  const { outer, depth, inputZeroPoint } = d;
  const uint8 = d.dtype === 'uint8';
  for (let r = 0, o = 0; r < outer; r++, o += depth) {
    let acc = 0;
    for (let c = 0; c < depth; c++) {
      const v = x[o + c]! - inputZeroPoint;
      acc = (acc + v * v) | 0;
    }
    const { multiplier, shift } = getInvSqrtQuantizedMultiplierExp(acc, -1);
    for (let c = 0; c < depth; c++) {
      const v = x[o + c]! - inputZeroPoint;
      if (uint8) {
        const out = 128 + multiplyByQuantizedMultiplierSmallerThanOneExp(128 * v, multiplier, shift);
        y[o + c] = out < 0 ? 0 : out > 255 ? 255 : out;
      } else {
        const out = multiplyByQuantizedMultiplier(v, multiplier, shift + 7);
        y[o + c] = out < -128 ? -128 : out > 127 ? 127 : out;
      }
    }
  }
}

/** L2_NORMALIZATION: y = x / ||x|| along the last axis. */
export const l2NormalizationKernel: Kernel<L2NormData> = {
  op: 'L2_NORMALIZATION',
  prepare: prepareL2Norm,
  eval(node, d) {
    const x = input(node, 0).data;
    const y = output(node, 0).data;
    if (d.dtype === 'float32') l2NormFloat(x as Float32Array, y as Float32Array, d);
    else l2NormQuantized(x as Int16Array, y as Int16Array, d);
  },
};
