/**
 * MobileNet v1 (Howard et al. 2017) as a float32 TFLite graph, built with the IR and any
 * weights: the layer list of the paper's Table 1 with a width multiplier, laid out as TFLite's
 * hosted models are (CONV_2D / DEPTHWISE_CONV_2D with fused RELU6, AVERAGE_POOL_2D, a 1x1
 * CONV_2D as the classifier, RESHAPE, SOFTMAX).
 */
import { Activation, Padding, makeOptions } from '../../../src/ir/builtin_options.js';
import type { Model } from '../../../src/ir/model.js';
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import { f32, patternWeights } from './tensor_specs.js';

/** Depthwise-separable blocks: [depthwise stride, pointwise output channels at width 1.0]. */
const BLOCKS: readonly [number, number][] = [
  [1, 64],
  [2, 128],
  [1, 128],
  [2, 256],
  [1, 256],
  [2, 512],
  [1, 512],
  [1, 512],
  [1, 512],
  [1, 512],
  [1, 512],
  [2, 1024],
  [1, 1024],
];

/** Returns a MobileNet v1 model with width multiplier `alpha` for `size`x`size` RGB input. */
export function buildMobileNetV1(alpha: number, size = 224, classes = 1001): Model {
  const b = new ModelBuilder();
  const ch = (c: number) => Math.max(8, Math.round(c * alpha));
  const input = b.addTensor(f32('input', [1, size, size, 3]));
  let x = input;
  let hw = Math.ceil(size / 2);
  let c = ch(32);
  const conv0 = b.addTensor(f32('Conv2d_0', [1, hw, hw, c]));
  b.addOp({
    op: 'CONV_2D',
    inputs: [
      x,
      b.addTensor(patternWeights('Conv2d_0/weights', [c, 3, 3, 3])),
      b.addTensor(patternWeights('Conv2d_0/bias', [c])),
    ],
    outputs: [conv0],
    options: makeOptions('Conv2DOptions', {
      padding: Padding.SAME,
      strideW: 2,
      strideH: 2,
      fusedActivationFunction: Activation.RELU6,
    }),
  });
  x = conv0;
  BLOCKS.forEach(([stride, out], i) => {
    hw = Math.ceil(hw / stride);
    const dw = b.addTensor(f32(`Conv2d_${i + 1}_depthwise`, [1, hw, hw, c]));
    b.addOp({
      op: 'DEPTHWISE_CONV_2D',
      inputs: [
        x,
        b.addTensor(patternWeights(`dw${i}/w`, [1, 3, 3, c])),
        b.addTensor(patternWeights(`dw${i}/b`, [c])),
      ],
      outputs: [dw],
      options: makeOptions('DepthwiseConv2DOptions', {
        padding: Padding.SAME,
        strideW: stride,
        strideH: stride,
        depthMultiplier: 1,
        fusedActivationFunction: Activation.RELU6,
      }),
    });
    const co = ch(out);
    const pw = b.addTensor(f32(`Conv2d_${i + 1}_pointwise`, [1, hw, hw, co]));
    b.addOp({
      op: 'CONV_2D',
      inputs: [
        dw,
        b.addTensor(patternWeights(`pw${i}/w`, [co, 1, 1, c])),
        b.addTensor(patternWeights(`pw${i}/b`, [co])),
      ],
      outputs: [pw],
      options: makeOptions('Conv2DOptions', {
        padding: Padding.SAME,
        strideW: 1,
        strideH: 1,
        fusedActivationFunction: Activation.RELU6,
      }),
    });
    x = pw;
    c = co;
  });
  const pool = b.addTensor(f32('AvgPool', [1, 1, 1, c]));
  b.addOp({
    op: 'AVERAGE_POOL_2D',
    inputs: [x],
    outputs: [pool],
    options: makeOptions('Pool2DOptions', {
      padding: Padding.VALID,
      strideW: 2,
      strideH: 2,
      filterWidth: hw,
      filterHeight: hw,
    }),
  });
  const logits = b.addTensor(f32('Logits', [1, 1, 1, classes]));
  b.addOp({
    op: 'CONV_2D',
    inputs: [
      pool,
      b.addTensor(patternWeights('Logits/weights', [classes, 1, 1, c])),
      b.addTensor(patternWeights('Logits/bias', [classes])),
    ],
    outputs: [logits],
    options: makeOptions('Conv2DOptions', { padding: Padding.SAME, strideW: 1, strideH: 1 }),
  });
  const shape = b.addTensor({
    name: 'shape',
    shape: [2],
    dtype: 'int32',
    data: new Int32Array([1, classes]),
  });
  const flat = b.addTensor(f32('Reshape', [1, classes]));
  b.addOp({
    op: 'RESHAPE',
    inputs: [logits, shape],
    outputs: [flat],
    options: makeOptions('ReshapeOptions', { newShape: [1, classes] }),
  });
  const probs = b.addTensor(f32('Predictions', [1, classes]));
  b.addOp({
    op: 'SOFTMAX',
    inputs: [flat],
    outputs: [probs],
    options: makeOptions('SoftmaxOptions', { beta: 1 }),
  });
  return b.setIO([input], [probs]).build();
}
