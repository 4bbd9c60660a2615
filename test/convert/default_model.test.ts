/**
 * The project's default model (models/, made by examples/train-fashion-mnist): it loads, its
 * metadata names the ten classes and says the input is raw pixels, it classifies the example
 * images under examples/images correctly, and LiteRT.js gives the same scores (float within
 * 1e-4 relative; int8 within one quantization step).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { LABELS } from '../../examples/train-fashion-mnist/fashion_mnist.js';
import { getLabels, getModelMetadata, getNormalization } from '../../src/format/model_metadata.js';
import { loadModel } from '../../src/format/load_model.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { peersAvailable } from '../support/peers.js';
import { parity, runLiteRT } from './helpers.js';

const MODELS = ['models/fashion_mnist_cnn.tflite', 'models/fashion_mnist_cnn_int8.tflite'];
const IMAGES = readdirSync('examples/images')
  .filter((f) => f.endsWith('.png'))
  .sort();
const havePeers = peersAvailable('node');

/** The class an example image shows, from its file name (fashion_mnist_<slug>_testN.png). */
function expectedLabel(file: string): string {
  const slug = /^fashion_mnist_(.*)_test\d+\.png$/.exec(file)![1]!;
  return LABELS.find((l) => l.toLowerCase().replace(/[^a-z0-9]+/g, '-') === slug)!;
}

describe('the default model', () => {
  it('has ten example images to classify', () => {
    expect(IMAGES).toHaveLength(10);
  });

  for (const path of MODELS) {
    it(`${path}: metadata, example images, LiteRT parity`, async () => {
      const bytes = new Uint8Array(readFileSync(path));
      const model = loadModel(bytes);
      expect(getLabels(model)).toEqual([...LABELS]);
      expect(getNormalization(model)).toEqual({ mean: [0], std: [1] });
      expect(getModelMetadata(model)!.description).toMatch(/Fashion-MNIST \(60000 images/);
      const it = new Interpreter(bytes);
      it.allocateTensors();
      let correct = 0;
      for (const file of IMAGES) {
        const raw = await sharp(join('examples/images', file)).greyscale().raw().toBuffer();
        const x = Float32Array.from(raw);
        it.setInputFloat(0, x);
        it.invoke();
        const scores = it.outputFloat(0);
        const top = scores.indexOf(Math.max(...scores));
        if (LABELS[top] === expectedLabel(file)) correct++;
        if (havePeers) {
          const peer = (await runLiteRT(bytes, [x]))[0]!;
          if (path.includes('int8')) {
            // int8 output: the peer's (XNNPACK) requantization may differ by one step of 1/256
            const worst = Math.max(...peer.map((v, k) => Math.abs(v - scores[k]!)));
            expect(worst).toBeLessThanOrEqual(1 / 256 + 1e-6);
          } else {
            const p = parity(scores, peer);
            expect(p.ok, `${file}: LiteRT max rel ${p.maxRel}`).toBe(true);
          }
        }
      }
      // the shirt is the hard class of Fashion-MNIST; the others are clear-cut examples
      expect(correct).toBeGreaterThanOrEqual(9);
    }, 300_000);
  }
});
