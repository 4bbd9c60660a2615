/**
 * Parity of every supported Layers layer: a small random tfjs model per case, converted; our
 * interpreter and LiteRT.js (tfjs-tflite for the LSTM, whose state tensors LiteRT.js 2.5.3
 * cannot load) must give tfjs's own predict() within 1e-4 relative. Each case also states the
 * TFLite ops it must become and the rewrites that must fire, so a mapping cannot silently
 * change.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { peersAvailable } from '../support/peers.js';
import { type CaseInput, type ParityFigures, parityCheck, randomizeWeights } from './helpers.js';
import type { PeerRuntime } from '../support/peers.js';

interface Case {
  name: string;
  build: () => tf.LayersModel;
  inputs: CaseInput[];
  /** Exactly the TFLite ops (with counts) the converted model must hold. */
  ops: Record<string, number>;
  /** Rewrites that must have fired (at least once each, or exactly the given count). */
  rewrites?: Record<string, number>;
  peer?: PeerRuntime;
}

const seq = (layers: tf.layers.Layer[]) => {
  const m = tf.sequential();
  for (const l of layers) m.add(l);
  return m;
};
const L = tf.layers;

const CASES: Case[] = [
  {
    name: 'Conv2D same, stride 1, bias, relu (fused)',
    build: () =>
      seq([
        L.conv2d({ inputShape: [7, 6, 3], filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }),
      ]),
    inputs: [{ shape: [1, 7, 6, 3] }],
    ops: { CONV_2D: 1 },
    rewrites: { 'fuse-activation': 1 },
  },
  {
    name: 'Conv2D valid, stride 2, non-square kernel',
    build: () =>
      seq([
        L.conv2d({ inputShape: [9, 8, 2], filters: 4, kernelSize: [3, 2], strides: 2, padding: 'valid' }),
      ]),
    inputs: [{ shape: [1, 9, 8, 2] }],
    ops: { CONV_2D: 1 },
  },
  {
    name: 'Conv2D dilation 2 + BatchNormalization folded + ReLU(max 6)',
    build: () =>
      seq([
        L.conv2d({
          inputShape: [10, 10, 3],
          filters: 4,
          kernelSize: 3,
          dilationRate: 2,
          padding: 'same',
          useBias: false,
        }),
        L.batchNormalization(),
        L.reLU({ maxValue: 6 }),
      ]),
    inputs: [{ shape: [1, 10, 10, 3] }],
    ops: { CONV_2D: 1 },
    rewrites: { 'fold-batchnorm': 1, 'fuse-activation': 1 },
  },
  {
    name: 'DepthwiseConv2D multiplier 2, stride 2 + BN + relu6',
    build: () =>
      seq([
        L.depthwiseConv2d({
          inputShape: [8, 8, 3],
          kernelSize: 3,
          depthMultiplier: 2,
          strides: 2,
          padding: 'same',
        }),
        L.batchNormalization(),
        L.activation({ activation: 'relu6' }),
      ]),
    inputs: [{ shape: [1, 8, 8, 3] }],
    ops: { DEPTHWISE_CONV_2D: 1 },
    rewrites: { 'fold-batchnorm': 1, 'fuse-activation': 1 },
  },
  {
    name: 'SeparableConv2D',
    build: () =>
      seq([
        L.separableConv2d({
          inputShape: [6, 6, 4],
          filters: 5,
          kernelSize: 3,
          depthMultiplier: 2,
          padding: 'same',
          activation: 'relu',
        }),
      ]),
    inputs: [{ shape: [1, 6, 6, 4] }],
    ops: { DEPTHWISE_CONV_2D: 1, CONV_2D: 1 },
  },
  {
    name: 'Conv2DTranspose same stride 2 and valid stride 1',
    build: () =>
      seq([
        L.conv2dTranspose({ inputShape: [4, 5, 3], filters: 2, kernelSize: 3, strides: 2, padding: 'same' }),
        L.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 1, padding: 'valid' }),
      ]),
    inputs: [{ shape: [1, 4, 5, 3] }],
    ops: { TRANSPOSE_CONV: 2 },
  },
  {
    name: 'Flatten + Dense softmax; Dense + BN folded',
    build: () =>
      seq([
        L.flatten({ inputShape: [3, 4, 2] }),
        L.dense({ units: 6 }),
        L.batchNormalization(),
        L.dense({ units: 4, activation: 'softmax' }),
      ]),
    inputs: [{ shape: [1, 3, 4, 2] }],
    ops: { RESHAPE: 1, FULLY_CONNECTED: 2, SOFTMAX: 1 },
    rewrites: { 'fold-batchnorm': 1 },
  },
  {
    name: 'Dense on a rank-3 input (keep_num_dims), Reshape, Permute',
    build: () =>
      seq([
        L.dense({ inputShape: [5, 3], units: 4, activation: 'tanh' }),
        L.reshape({ targetShape: [2, 10] }),
        L.permute({ dims: [2, 1] }),
      ]),
    inputs: [{ shape: [1, 5, 3] }],
    ops: { FULLY_CONNECTED: 1, TANH: 1, RESHAPE: 1, TRANSPOSE: 1 },
  },
  {
    name: 'BatchNormalization on the input (MUL + ADD)',
    build: () => seq([L.batchNormalization({ inputShape: [4, 4, 3] })]),
    inputs: [{ shape: [1, 4, 4, 3] }],
    ops: { MUL: 1, ADD: 1 },
  },
  {
    name: 'activations: sigmoid, elu, swish, hard sigmoid, gelu, gelu_new, LeakyReLU, PReLU',
    build: () =>
      seq([
        L.dense({ inputShape: [6], units: 8, activation: 'sigmoid' }),
        L.dense({ units: 8, activation: 'elu' }),
        L.dense({ units: 8, activation: 'swish' }),
        L.dense({ units: 8, activation: 'hardSigmoid' }),
        L.dense({ units: 8, activation: 'gelu' }),
        L.dense({ units: 8, activation: 'gelu_new' }),
        L.leakyReLU({ alpha: 0.2 }),
        L.dense({ units: 8 }),
        L.prelu({}),
        L.softmax(),
      ]),
    inputs: [{ shape: [1, 6] }],
    ops: {
      FULLY_CONNECTED: 7,
      LOGISTIC: 2,
      ELU: 1,
      MUL: 1,
      RELU_0_TO_1: 1,
      GELU: 2,
      LEAKY_RELU: 1,
      PRELU: 1,
      SOFTMAX: 1,
    },
  },
  {
    name: 'pooling: max same, average valid stride 2, global average',
    build: () =>
      seq([
        L.maxPooling2d({ inputShape: [9, 8, 3], poolSize: 3, strides: 1, padding: 'same' }),
        L.averagePooling2d({ poolSize: 2, strides: 2, padding: 'valid' }),
        L.globalAveragePooling2d({}),
      ]),
    inputs: [{ shape: [1, 9, 8, 3] }],
    ops: { MAX_POOL_2D: 1, AVERAGE_POOL_2D: 1, MEAN: 1 },
  },
  {
    name: 'average pooling with SAME padding (edge windows), global max',
    build: () =>
      seq([
        L.averagePooling2d({ inputShape: [7, 7, 2], poolSize: 3, strides: 2, padding: 'same' }),
        L.globalMaxPooling2d({}),
      ]),
    inputs: [{ shape: [1, 7, 7, 2] }],
    ops: { AVERAGE_POOL_2D: 1, REDUCE_MAX: 1 },
  },
  {
    name: 'Dropout, GaussianNoise, GaussianDropout, AlphaDropout, SpatialDropout1D removed',
    build: () =>
      seq([
        L.dropout({ inputShape: [5, 4], rate: 0.5 }),
        L.gaussianNoise({ stddev: 1 }),
        L.gaussianDropout({ rate: 0.3 }),
        L.alphaDropout({ rate: 0.3 }),
        L.spatialDropout1d({ rate: 0.3 }),
        L.dense({ units: 3 }),
      ]),
    inputs: [{ shape: [1, 5, 4] }],
    ops: { FULLY_CONNECTED: 1 },
    rewrites: { 'drop-identity': 5 },
  },
  {
    name: 'ZeroPadding2D folded into a strided VALID conv (MobileNet style); one that does not fit stays PAD',
    build: () =>
      seq([
        L.zeroPadding2d({
          inputShape: [8, 8, 3],
          padding: [
            [0, 1],
            [0, 1],
          ],
        }),
        L.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'valid' }),
        L.zeroPadding2d({
          padding: [
            [2, 0],
            [1, 1],
          ],
        }),
        L.conv2d({ filters: 2, kernelSize: 3, padding: 'valid' }),
      ]),
    inputs: [{ shape: [1, 8, 8, 3] }],
    ops: { CONV_2D: 2, PAD: 1 },
    rewrites: { 'fold-pad-into-conv': 1 },
  },
  {
    name: 'Cropping2D, UpSampling2D nearest and bilinear',
    build: () =>
      seq([
        L.cropping2D({
          inputShape: [7, 8, 2],
          cropping: [
            [1, 2],
            [0, 3],
          ],
        }),
        L.upSampling2d({ size: [2, 3] }),
        L.upSampling2d({ size: [2, 2], interpolation: 'bilinear' }),
      ]),
    inputs: [{ shape: [1, 7, 8, 2] }],
    ops: { SLICE: 1, RESIZE_NEAREST_NEIGHBOR: 1, RESIZE_BILINEAR: 1 },
  },
  {
    name: 'Rescaling (scale and offset)',
    build: () =>
      seq([
        L.rescaling({ inputShape: [4, 4, 3], scale: 1 / 127.5, offset: -1 }),
        L.conv2d({ filters: 2, kernelSize: 1 }),
      ]),
    inputs: [{ shape: [1, 4, 4, 3] }],
    ops: { MUL: 1, ADD: 1, CONV_2D: 1 },
  },
  {
    name: 'merge layers: Add, Multiply, Average, Maximum, Minimum, Concatenate (functional)',
    build: () => {
      const a = tf.input({ shape: [6] });
      const b = tf.input({ shape: [6] });
      const da = L.dense({ units: 5 }).apply(a) as tf.SymbolicTensor;
      const db = L.dense({ units: 5 }).apply(b) as tf.SymbolicTensor;
      const dc = L.dense({ units: 5 }).apply(a) as tf.SymbolicTensor;
      const s = [
        L.add().apply([da, db]),
        L.multiply().apply([da, db]),
        L.average().apply([da, db, dc]),
        L.maximum().apply([da, db]),
        L.minimum().apply([da, db]),
      ] as tf.SymbolicTensor[];
      const c = L.concatenate().apply(s) as tf.SymbolicTensor;
      return tf.model({ inputs: [a, b], outputs: [c, L.dense({ units: 2 }).apply(c) as tf.SymbolicTensor] });
    },
    inputs: [{ shape: [1, 6] }, { shape: [1, 6] }],
    ops: { FULLY_CONNECTED: 4, ADD: 3, MUL: 2, MAXIMUM: 1, MINIMUM: 1, CONCATENATION: 1 },
  },
  {
    name: 'Embedding (float token ids cast to int32) + Flatten + Dense',
    build: () =>
      seq([L.embedding({ inputDim: 20, outputDim: 4, inputLength: 5 }), L.flatten(), L.dense({ units: 3 })]),
    inputs: [{ shape: [1, 5], data: new Float32Array([3, 0, 19, 7, 7]) }],
    ops: { CAST: 1, GATHER: 1, RESHAPE: 1, FULLY_CONNECTED: 1 },
  },
  {
    name: 'LSTM (return sequences) + LSTM (last step)',
    build: () =>
      seq([
        L.lstm({ inputShape: [6, 3], units: 4, returnSequences: true, recurrentActivation: 'sigmoid' }),
        L.lstm({ units: 5, recurrentActivation: 'sigmoid' }),
      ]),
    inputs: [{ shape: [1, 6, 3] }],
    ops: { UNIDIRECTIONAL_SEQUENCE_LSTM: 2, STRIDED_SLICE: 1 },
    peer: 'tfjs-tflite',
  },
];

const havePeers = peersAvailable('node');

/** Parity figures of every case, for the summary printed at the end. */
const FIGURES: { name: string; f: ParityFigures }[] = [];

describe('convert: Layers layers, parity with tfjs predict', () => {
  for (const c of CASES) {
    it(
      c.name,
      async () => {
        const model = c.build();
        randomizeWeights(model);
        const f = await parityCheck(model, c.inputs, { peer: havePeers ? (c.peer ?? 'litert') : false });
        FIGURES.push({ name: c.name, f });
        expect(f.report.ops, JSON.stringify(f.report.ops)).toEqual(c.ops);
        for (const [rule, n] of Object.entries(c.rewrites ?? {}))
          expect(f.report.rewrites[rule], rule).toBe(n);
        for (const o of f.ours) expect(o.ok, `ours: max rel ${o.maxRel}, max abs ${o.maxAbs}`).toBe(true);
        if (havePeers) {
          expect(f.peer.length).toBe(f.ours.length);
          for (const o of f.peer) expect(o.ok, `peer: max rel ${o.maxRel}, max abs ${o.maxAbs}`).toBe(true);
        }
      },
      120_000,
    );
  }
  it('summary', () => {
    const rows = FIGURES.map(({ name, f }) => {
      const worst = (xs: { maxRel: number }[]) =>
        xs.length ? Math.max(...xs.map((x) => x.maxRel)).toExponential(1) : '-';
      return `${name.slice(0, 60).padEnd(60)} ours ${worst(f.ours)}  peer ${worst(f.peer)}`;
    });
    console.log(`max relative error vs tfjs predict:\n${rows.join('\n')}`);
    expect(FIGURES.length).toBe(CASES.length);
  });
});
