/**
 * The training pipeline behind `npm run train:fashion-mnist`: Fashion-MNIST -> a small CNN
 * trained with TF.js -> `.tflite` with metadata (tflite-ts convert) -> accuracy of the
 * `.tflite` on the test images in the tflite-ts interpreter -> (int8 through the quantizer,
 * when it exists). Each step is a function, so the CI smoke test runs the same code on a
 * subset for one epoch.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type ConversionReport, convert } from '../../src/convert/index.js';
import { quantizeConverted } from '../../src/convert/quantize_step.js';
import { ConversionError, QuantizationError } from '../../src/errors.js';
import type { Model } from '../../src/ir/model.js';
import { writeModel } from '../../src/format/model_writer.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { type ImageSet, LABELS, loadFashionMnist } from './fashion_mnist.js';
import { useFastBackend } from './tfjs_backend.js';

/** Options of trainFashionMnist. */
export interface TrainOptions {
  /** Folder with the IDX files. */
  dataDir: string;
  epochs: number;
  batchSize: number;
  /** Use only the first N training images (default all 60,000). */
  trainLimit?: number;
  /** Evaluate on the first N test images (default all 10,000). */
  testLimit?: number;
  /** Folder for the .tflite files (created). */
  outDir: string;
  /** Base file name, e.g. "fashion_mnist_cnn". */
  name: string;
  backend?: 'wasm' | 'cpu';
  /** Also write an int8 model (needs the quantizer). */
  int8?: boolean;
  /** Receives log lines. */
  log?: (line: string) => void;
  /** Receives progress within an epoch (fraction 0..1 and the running logs). */
  onBatch?: (epoch: number, fraction: number, loss: number, acc: number) => void;
}

/** Accuracy of a model on the test images. */
export interface Evaluation {
  correct: number;
  count: number;
  accuracy: number;
}

/** What one run produced. */
export interface TrainResult {
  backend: string;
  tfjsVersion: string;
  trainImages: number;
  testImages: number;
  epochs: { loss: number; acc: number; seconds: number }[];
  trainSeconds: number;
  /** Test accuracy of the TF.js model itself. */
  tfjs: Evaluation;
  float: { path: string; bytes: number; evaluation: Evaluation; report: ConversionReport };
  int8: { path: string; bytes: number; evaluation: Evaluation } | { skipped: string };
  totalSeconds: number;
}

/** The network: raw pixels in, Rescaling(1/255), two strided convs, a small dense head. */
export function buildModel(): tf.Sequential {
  const m = tf.sequential({ name: 'fashion_mnist_cnn' });
  m.add(tf.layers.rescaling({ inputShape: [28, 28, 1], scale: 1 / 255, name: 'rescale' }));
  m.add(
    tf.layers.conv2d({
      filters: 16,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      name: 'conv1',
    }),
  );
  m.add(
    tf.layers.conv2d({
      filters: 32,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      name: 'conv2',
    }),
  );
  m.add(tf.layers.flatten({ name: 'flatten' }));
  m.add(tf.layers.dropout({ rate: 0.25, name: 'dropout' }));
  m.add(tf.layers.dense({ units: 64, activation: 'relu', name: 'dense1' }));
  m.add(tf.layers.dense({ units: 10, activation: 'softmax', name: 'probability' }));
  m.compile({ optimizer: tf.train.adam(0.002), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

function tensors(set: ImageSet): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => ({
    x: tf.tensor4d(Float32Array.from(set.pixels), [set.count, set.rows, set.cols, 1]),
    y: tf.oneHot(tf.tensor1d(Int32Array.from(set.labels), 'int32'), 10).toFloat() as tf.Tensor2D,
  }));
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i]! > v[best]!) best = i;
  return best;
}

/** Returns the TF.js model's accuracy on `test`. */
export function evaluateTfjs(model: tf.LayersModel, test: ImageSet): Evaluation {
  const { x } = tensors(test);
  const pred = tf.tidy(() => (model.predict(x, { batchSize: 500 }) as tf.Tensor).argMax(-1).dataSync());
  x.dispose();
  let correct = 0;
  for (let i = 0; i < test.count; i++) if (pred[i] === test.labels[i]) correct++;
  return { correct, count: test.count, accuracy: correct / test.count };
}

/**
 * Returns the accuracy of a `.tflite` classifier (input raw pixels, float or quantized) on
 * `test`, run in the tflite-ts interpreter. Throws UnsupportedOpError when a kernel is missing.
 */
export function evaluateTflite(bytes: Uint8Array, test: ImageSet): Evaluation {
  const it = new Interpreter(bytes);
  it.allocateTensors();
  const px = test.rows * test.cols;
  const input = new Float32Array(px);
  let correct = 0;
  for (let i = 0; i < test.count; i++) {
    for (let k = 0; k < px; k++) input[k] = test.pixels[i * px + k]!;
    it.setInputFloat(0, input);
    it.invoke();
    if (argmax(it.outputFloat(0)) === test.labels[i]) correct++;
  }
  return { correct, count: test.count, accuracy: correct / test.count };
}

function pct(e: Evaluation): string {
  return `${(100 * e.accuracy).toFixed(2)}% (${e.correct}/${e.count})`;
}

/**
 * Quantizes the float model to int8 (calibrated on the first 500 training images, raw pixels
 * in, float32 input and output kept), writes it to `path` and evaluates it; returns the figures,
 * or why it was skipped when the quantizer rejects the model.
 */
export async function quantizeInt8(
  float: Model,
  train: ImageSet,
  test: ImageSet,
  path: string,
  log: (line: string) => void = () => undefined,
): Promise<TrainResult['int8']> {
  const px = train.rows * train.cols;
  const calibration = Array.from({ length: Math.min(500, train.count) }, (_, i) =>
    Float32Array.from(train.pixels.subarray(i * px, (i + 1) * px)),
  );
  try {
    const q = await quantizeConverted(float, { mode: 'int8', calibration, samples: calibration.length });
    const evaluation = evaluateTflite(writeModel(q.model), test);
    // the float model's description gives the float accuracy: add the int8 one
    q.model.description =
      `${q.model.description ?? ''} Int8 test accuracy ${(100 * evaluation.accuracy).toFixed(2)}% on ${test.count} Fashion-MNIST test images.`.trim();
    const bytes = writeModel(q.model);
    writeFileSync(path, bytes);
    log(
      `int8 .tflite (tflite-ts interpreter): test accuracy ${pct(evaluation)}; wrote ${path} (${bytes.byteLength} bytes)`,
    );
    return { path, bytes: bytes.byteLength, evaluation };
  } catch (e) {
    if (!(e instanceof ConversionError || e instanceof QuantizationError)) throw e;
    log(`int8 skipped: ${e.message}`);
    return { skipped: e.message };
  }
}

/** Trains, converts and evaluates; returns what it did. Throws when the data cannot be read. */
export async function trainFashionMnist(o: TrainOptions): Promise<TrainResult> {
  const log = o.log ?? (() => undefined);
  const t0 = performance.now();
  const backend = await useFastBackend(o.backend ?? 'wasm');
  const train = loadFashionMnist(o.dataDir, 'train', o.trainLimit);
  const test = loadFashionMnist(o.dataDir, 't10k', o.testLimit);
  log(
    `data: ${train.count} training and ${test.count} test images from ${o.dataDir}; TF.js ${tf.version.tfjs}, ${backend} backend`,
  );

  const model = buildModel();
  const { x, y } = tensors(train);
  const epochs: TrainResult['epochs'] = [];
  const batches = Math.ceil(train.count / o.batchSize);
  let epochStart = performance.now();
  const tTrain = performance.now();
  await model.fit(x, y, {
    epochs: o.epochs,
    batchSize: o.batchSize,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        epochStart = performance.now();
      },
      onBatchEnd: async (batch, logs) => {
        o.onBatch?.(
          epochs.length,
          (batch + 1) / batches,
          logs?.['loss'] ?? NaN,
          logs?.['acc'] ?? logs?.['accuracy'] ?? NaN,
        );
      },
      onEpochEnd: async (epoch, logs) => {
        const e = {
          loss: logs?.['loss'] ?? NaN,
          acc: logs?.['acc'] ?? logs?.['accuracy'] ?? NaN,
          seconds: (performance.now() - epochStart) / 1000,
        };
        epochs.push(e);
        log(
          `epoch ${epoch + 1}/${o.epochs}: loss ${e.loss.toFixed(4)}, train accuracy ${(100 * e.acc).toFixed(2)}%, ${e.seconds.toFixed(1)} s`,
        );
      },
    },
  });
  const trainSeconds = (performance.now() - tTrain) / 1000;
  x.dispose();
  y.dispose();
  const tfjsEval = evaluateTfjs(model, test);
  log(`TF.js model: test accuracy ${pct(tfjsEval)}`);

  mkdirSync(o.outDir, { recursive: true });
  const made =
    `Small CNN (Rescaling 1/255, Conv2D 16 and 32 filters 3x3 stride 2 with ReLU, Dense 64 ReLU, Dense 10 softmax), ` +
    `trained with @tensorflow/tfjs ${tf.version.tfjs} (${backend} backend) on Fashion-MNIST ` +
    `(${train.count} images, ${o.epochs} epochs, batch ${o.batchSize}, Adam 0.002) by examples/train-fashion-mnist ` +
    `and converted by tflite-ts convert. Input: 28x28 grayscale, raw pixel values 0-255 (light garment on black, as in Fashion-MNIST).`;
  const conversion = await convert(model as unknown as Parameters<typeof convert>[0], {
    name: 'fashion_mnist_cnn',
    description: made,
    labels: [...LABELS],
    version: '1',
    license: 'Apache-2.0 (model); Fashion-MNIST data: MIT (Zalando SE)',
    author: 'tflite-ts',
  });
  const floatEval = evaluateTflite(conversion.bytes, test);
  log(`float .tflite (tflite-ts interpreter): test accuracy ${pct(floatEval)}`);
  // Record the measured accuracy in the model's own description, then write it.
  conversion.model.description = `${made} Test accuracy ${(100 * floatEval.accuracy).toFixed(2)}% on ${test.count} Fashion-MNIST test images.`;
  const floatBytes = writeModel(conversion.model);
  const floatPath = join(o.outDir, `${o.name}.tflite`);
  writeFileSync(floatPath, floatBytes);
  log(`wrote ${floatPath} (${floatBytes.byteLength} bytes)`);

  let int8: TrainResult['int8'] = { skipped: 'not requested' };
  if (o.int8)
    int8 = await quantizeInt8(conversion.model, train, test, join(o.outDir, `${o.name}_int8.tflite`), log);
  return {
    backend,
    tfjsVersion: tf.version.tfjs,
    trainImages: train.count,
    testImages: test.count,
    epochs,
    trainSeconds,
    tfjs: tfjsEval,
    float: {
      path: floatPath,
      bytes: floatBytes.byteLength,
      evaluation: floatEval,
      report: conversion.report,
    },
    int8,
    totalSeconds: (performance.now() - t0) / 1000,
  };
}
