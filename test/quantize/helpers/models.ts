/**
 * Small float models for the quantizer's tests, built with ModelBuilder from seeded random
 * weights, and seeded calibration samples.
 */
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import type { Model } from '../../../src/ir/model.js';
import { Activation, Padding } from '../../../src/ir/builtin_options.js';
import { mulberry32 } from '../../../src/runtime/random_inputs.js';

/** Returns n seeded values uniform in [lo, hi). */
export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const next = mulberry32(seed);
  return Float32Array.from({ length: n }, () => lo + (next() / 2 ** 32) * (hi - lo));
}

/** Returns `count` seeded samples of `size` values in [lo, hi). */
export function samples(count: number, size: number, seed = 100, lo = -1, hi = 1): Float32Array[] {
  return Array.from({ length: count }, (_, i) => uniform(size, seed + i, lo, hi));
}

/**
 * input [1,8,8,3] -> CONV_2D 4x3x3x3 SAME RELU6 -> DEPTHWISE 3x3 RELU -> AVERAGE_POOL 2x2/2
 * -> RESHAPE [1,64] -> FULLY_CONNECTED 10 -> SOFTMAX.
 */
export function convNet(): Model {
  const b = new ModelBuilder();
  const x = b.addTensor({ name: 'input', dtype: 'float32', shape: [1, 8, 8, 3] });
  const w1 = b.addTensor({
    name: 'conv/weights',
    dtype: 'float32',
    shape: [4, 3, 3, 3],
    data: uniform(108, 1, -0.5, 0.5),
  });
  const b1 = b.addTensor({ name: 'conv/bias', dtype: 'float32', shape: [4], data: uniform(4, 2, -0.2, 0.2) });
  const y1 = b.addTensor({ name: 'conv/out', dtype: 'float32', shape: [1, 8, 8, 4] });
  b.addOp({
    op: 'CONV_2D',
    inputs: [x, w1, b1],
    outputs: [y1],
    options: { padding: Padding.SAME, strideW: 1, strideH: 1, fusedActivationFunction: Activation.RELU6 },
  });
  // Per-channel weights with very different magnitudes (as folded batch norms give).
  const dw = uniform(36, 3, -1, 1).map((v, i) => v * [0.05, 1, 3, 0.3][i % 4]!);
  const w2 = b.addTensor({ name: 'dw/weights', dtype: 'float32', shape: [1, 3, 3, 4], data: dw });
  const b2 = b.addTensor({ name: 'dw/bias', dtype: 'float32', shape: [4], data: uniform(4, 4, -0.1, 0.1) });
  const y2 = b.addTensor({ name: 'dw/out', dtype: 'float32', shape: [1, 8, 8, 4] });
  b.addOp({
    op: 'DEPTHWISE_CONV_2D',
    inputs: [y1, w2, b2],
    outputs: [y2],
    options: {
      padding: Padding.SAME,
      strideW: 1,
      strideH: 1,
      depthMultiplier: 1,
      fusedActivationFunction: Activation.RELU,
    },
  });
  const y3 = b.addTensor({ name: 'pool/out', dtype: 'float32', shape: [1, 4, 4, 4] });
  b.addOp({
    op: 'AVERAGE_POOL_2D',
    inputs: [y2],
    outputs: [y3],
    options: { padding: Padding.VALID, strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
  });
  const shape = b.addTensor({
    name: 'reshape/shape',
    dtype: 'int32',
    shape: [2],
    data: new Int32Array([1, 64]),
  });
  const y4 = b.addTensor({ name: 'reshape/out', dtype: 'float32', shape: [1, 64] });
  b.addOp({ op: 'RESHAPE', inputs: [y3, shape], outputs: [y4], options: { newShape: [1, 64] } });
  const w5 = b.addTensor({
    name: 'fc/weights',
    dtype: 'float32',
    shape: [10, 64],
    data: uniform(640, 5, -0.3, 0.3),
  });
  const b5 = b.addTensor({ name: 'fc/bias', dtype: 'float32', shape: [10], data: uniform(10, 6, -0.1, 0.1) });
  const y5 = b.addTensor({ name: 'fc/out', dtype: 'float32', shape: [1, 10] });
  b.addOp({ op: 'FULLY_CONNECTED', inputs: [y4, w5, b5], outputs: [y5], options: {} });
  const y6 = b.addTensor({ name: 'probs', dtype: 'float32', shape: [1, 10] });
  b.addOp({ op: 'SOFTMAX', inputs: [y5], outputs: [y6], options: { beta: 1 } });
  b.setIO([x], [y6]);
  b.addSignature('serving_default', { input: x }, { probs: y6 });
  return b.build();
}

/**
 * input [1,4,4,2] -> a = CONV 1x1 (3), c = CONV 1x1 (2); out1 = CONCAT(a, c);
 * out2 = CONCAT(LOGISTIC(a), TANH(c)) (two fixed-parameter inputs: one needs a requantize);
 * out3 = MAX_POOL(ADD(a, const)).
 */
export function branchNet(): Model {
  const b = new ModelBuilder();
  const x = b.addTensor({ name: 'x', dtype: 'float32', shape: [1, 4, 4, 2] });
  const conv = (name: string, outC: number, seed: number) => {
    const w = b.addTensor({
      name: `${name}/w`,
      dtype: 'float32',
      shape: [outC, 1, 1, 2],
      data: uniform(outC * 2, seed, -2, 2),
    });
    const bias = b.addTensor({
      name: `${name}/b`,
      dtype: 'float32',
      shape: [outC],
      data: uniform(outC, seed + 1),
    });
    const y = b.addTensor({ name, dtype: 'float32', shape: [1, 4, 4, outC] });
    b.addOp({
      op: 'CONV_2D',
      inputs: [x, w, bias],
      outputs: [y],
      options: { padding: Padding.VALID, strideW: 1, strideH: 1 },
    });
    return y;
  };
  const a = conv('a', 3, 10);
  const c = conv('c', 2, 20);
  const out1 = b.addTensor({ name: 'out1', dtype: 'float32', shape: [1, 4, 4, 5] });
  b.addOp({ op: 'CONCATENATION', inputs: [a, c], outputs: [out1], options: { axis: 3 } });
  const la = b.addTensor({ name: 'sigmoid_a', dtype: 'float32', shape: [1, 4, 4, 3] });
  b.addOp({ op: 'LOGISTIC', inputs: [a], outputs: [la] });
  const tc = b.addTensor({ name: 'tanh_c', dtype: 'float32', shape: [1, 4, 4, 2] });
  b.addOp({ op: 'TANH', inputs: [c], outputs: [tc] });
  const out2 = b.addTensor({ name: 'out2', dtype: 'float32', shape: [1, 4, 4, 5] });
  b.addOp({ op: 'CONCATENATION', inputs: [la, tc], outputs: [out2], options: { axis: 3 } });
  const k = b.addTensor({ name: 'k', dtype: 'float32', shape: [3], data: new Float32Array([0.5, -1, 2]) });
  const s = b.addTensor({ name: 'sum', dtype: 'float32', shape: [1, 4, 4, 3] });
  b.addOp({ op: 'ADD', inputs: [a, k], outputs: [s], options: {} });
  const out3 = b.addTensor({ name: 'out3', dtype: 'float32', shape: [1, 2, 2, 3] });
  b.addOp({
    op: 'MAX_POOL_2D',
    inputs: [s],
    outputs: [out3],
    options: { padding: Padding.VALID, strideW: 2, strideH: 2, filterWidth: 2, filterHeight: 2 },
  });
  b.setIO([x], [out1, out2, out3]);
  return b.build();
}
