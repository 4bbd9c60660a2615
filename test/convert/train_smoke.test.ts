/**
 * Smoke test of the Fashion-MNIST training example, so it cannot rot: the same pipeline as
 * `npm run train:fashion-mnist`, on 2,000 training images for one epoch, converted, quantized
 * to int8 and evaluated on 500 test images. Needs Debian's dataset-fashion-mnist (.ci/run
 * installs it); skipped locally without it, a failure with CI=true.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_DATA_DIR, LABELS } from '../../examples/train-fashion-mnist/fashion_mnist.js';
import { trainFashionMnist } from '../../examples/train-fashion-mnist/pipeline.js';
import { getLabels, getModelMetadata, getNormalization } from '../../src/format/model_metadata.js';
import { readModel } from '../../src/format/model_reader.js';
import { IN_CI } from '../support/fixtures.js';

const HAVE_DATA = existsSync(join(DEFAULT_DATA_DIR, 't10k-labels-idx1-ubyte.gz'));
if (!HAVE_DATA) {
  if (IN_CI)
    throw new Error(
      `Fashion-MNIST not found in ${DEFAULT_DATA_DIR} (CI=true): apt-get install dataset-fashion-mnist`,
    );
  console.warn(
    `Fashion-MNIST not found in ${DEFAULT_DATA_DIR}: the training smoke test is skipped (apt-get install dataset-fashion-mnist)`,
  );
}

const out = mkdtempSync(join(tmpdir(), 'tflite-ts-train-smoke-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!HAVE_DATA)('examples/train-fashion-mnist (smoke: 1 epoch, 2,000 images)', () => {
  it('trains, converts with metadata, quantizes and evaluates', async () => {
    const epochs: number[] = [];
    const r = await trainFashionMnist({
      dataDir: DEFAULT_DATA_DIR,
      epochs: 1,
      batchSize: 64,
      trainLimit: 2000,
      testLimit: 500,
      outDir: out,
      name: 'smoke',
      int8: true,
      onBatch: (e) => epochs.push(e),
    });
    expect(r.trainImages).toBe(2000);
    expect(r.testImages).toBe(500);
    expect(r.epochs).toHaveLength(1);
    expect(epochs.length).toBeGreaterThan(0);
    // one epoch on 2,000 images already beats chance (10%) by far
    expect(r.tfjs.accuracy).toBeGreaterThan(0.5);
    // the converted model classifies like the TF.js model it came from
    expect(Math.abs(r.float.evaluation.accuracy - r.tfjs.accuracy)).toBeLessThanOrEqual(0.004);
    expect(r.float.report.ops).toEqual({ MUL: 1, CONV_2D: 2, RESHAPE: 1, FULLY_CONNECTED: 2, SOFTMAX: 1 });
    const model = readModel(new Uint8Array(readFileSync(r.float.path)));
    expect(getLabels(model)).toEqual([...LABELS]);
    expect(getNormalization(model)).toEqual({ mean: [0], std: [1] });
    expect(getModelMetadata(model)!.description).toMatch(/Fashion-MNIST \(2000 images, 1 epochs/);
    expect(model.description).toMatch(/Test accuracy \d+\.\d\d% on 500 Fashion-MNIST test images/);
    // int8: through the quantizer, smaller, nearly as accurate
    expect('skipped' in r.int8).toBe(false);
    if (!('skipped' in r.int8)) {
      expect(r.int8.bytes).toBeLessThan(0.3 * r.float.bytes);
      expect(Math.abs(r.int8.evaluation.accuracy - r.float.evaluation.accuracy)).toBeLessThan(0.03);
      expect(getLabels(readModel(new Uint8Array(readFileSync(r.int8.path))))).toEqual([...LABELS]);
    }
  }, 300_000);
});
