/**
 * `tflite-ts convert`: a tfjs model saved as model.json + shard on disk, converted by the CLI
 * with labels and normalization (and quantized); the written file carries them; bad flags and
 * unsupported models give one-line errors with the right exit codes.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { getLabels, getNormalization, getModelMetadata } from '../../src/format/model_metadata.js';
import { readModel } from '../../src/format/model_reader.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { randomFloats, randomizeWeights, runOurs, tfPredict, parity } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-cli-convert-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Saves a tfjs model as model.json + group1-shard1of1.bin under `dir/name`; returns the json path. */
async function saveToDisk(model: tf.LayersModel, name: string): Promise<string> {
  const json = join(dir, `${name}.json`);
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const shard = `${name}.bin`;
      writeFileSync(join(dir, shard), new Uint8Array(a.weightData as ArrayBuffer));
      writeFileSync(
        json,
        JSON.stringify({
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: [shard], weights: a.weightSpecs }],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return json;
}

function classifier(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [16, 16, 3],
        filters: 4,
        kernelSize: 3,
        strides: 2,
        activation: 'relu',
      }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: 3, activation: 'softmax' }),
    ],
  });
  randomizeWeights(m);
  return m;
}

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await run(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('tflite-ts convert', () => {
  it('converts model.json + shard with labels and normalization into metadata', async () => {
    const model = classifier();
    const json = await saveToDisk(model, 'clf');
    writeFileSync(join(dir, 'labels.txt'), 'cat\ndog\nbird\n');
    const out = join(dir, 'clf.tflite');
    const r = await cli(
      'convert',
      json,
      '-o',
      out,
      '--labels',
      join(dir, 'labels.txt'),
      '--mean',
      '127.5',
      '--std',
      '127.5',
      '--name',
      'pets',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.ops).toEqual({ CONV_2D: 1, MEAN: 1, FULLY_CONNECTED: 1, SOFTMAX: 1 });
    expect(report.rewrites['fuse-activation']).toBe(1);
    const bytes = new Uint8Array(readFileSync(out));
    expect(report.bytes).toBe(bytes.byteLength);
    const m = readModel(bytes);
    expect(getLabels(m)).toEqual(['cat', 'dog', 'bird']);
    expect(getNormalization(m)).toEqual({ mean: [127.5], std: [127.5] });
    const meta = getModelMetadata(m)!;
    expect(meta.name).toBe('pets');
    expect(meta.subgraphMetadata![0]!.inputTensorMetadata![0]!.content?.contentProperties).toEqual({
      type: 'ImageProperties',
      colorSpace: 'RGB',
    });
    const x = randomFloats(16 * 16 * 3, -1, 1, 4);
    const ref = tfPredict(model, [{ shape: [1, 16, 16, 3], data: x }])[0]!;
    expect(parity(runOurs(bytes, [x])[0]!, ref).ok).toBe(true);
  });

  it('prints a text summary', async () => {
    const json = await saveToDisk(classifier(), 'txt');
    const r = await cli('convert', json, '-o', join(dir, 'txt.tflite'));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/TF\.js layers model/);
    expect(r.stdout).toMatch(/rewrites +fuse-activation x1/);
    expect(r.stdout).toMatch(/ops +CONV_2D x1, MEAN x1, FULLY_CONNECTED x1, SOFTMAX x1/);
  });

  it('--quantize dynamic writes a smaller model with the same labels', async () => {
    const m = tf.sequential({
      layers: [
        tf.layers.dense({ inputShape: [64], units: 64, activation: 'relu' }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    randomizeWeights(m);
    const json = await saveToDisk(m, 'dyn');
    writeFileSync(join(dir, 'two.txt'), 'yes\nno\n');
    const float = await cli('convert', json, '-o', join(dir, 'dyn_f.tflite'), '--json');
    const dyn = await cli(
      'convert',
      json,
      '-o',
      join(dir, 'dyn.tflite'),
      '--quantize',
      'dynamic',
      '--labels',
      join(dir, 'two.txt'),
      '--json',
    );
    expect(dyn.stderr).toBe('');
    expect(dyn.code).toBe(0);
    const fr = JSON.parse(float.stdout);
    const dr = JSON.parse(dyn.stdout);
    expect(dr.quantization.mode).toBe('dynamic');
    expect(dr.bytes).toBeLessThan(0.5 * fr.bytes);
    expect(getLabels(readModel(new Uint8Array(readFileSync(join(dir, 'dyn.tflite')))))).toEqual([
      'yes',
      'no',
    ]);
  });

  it.skipIf(!HAVE_FIXTURES)('--quantize int8 calibrates on a folder of images', async () => {
    const json = await saveToDisk(classifier(), 'q8');
    const r = await cli(
      'convert',
      json,
      '-o',
      join(dir, 'q8.tflite'),
      '--mean',
      '127.5',
      '--std',
      '127.5',
      '--quantize',
      'int8',
      '--calibration',
      fixturePath('images/mnist'),
      '--samples',
      '4',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.quantization.mode).toBe('int8');
    expect(report.quantization.calibration.samples).toBe(4);
  });

  it('usage errors exit 2 with one line', async () => {
    const json = await saveToDisk(classifier(), 'usage');
    const a = await cli('convert', json, '-o', join(dir, 'u.tflite'), '--mean', '1');
    expect(a.code).toBe(2);
    expect(a.stderr).toBe('tflite-ts convert: give --mean and --std together\n');
    const b = await cli('convert', json, '-o', join(dir, 'u.tflite'), '--quantize', 'int8');
    expect(b.code).toBe(2);
    expect(b.stderr).toMatch(/needs --calibration DIR/);
    const c = await cli('convert', json, '-o', join(dir, 'u.tflite'), '--quantize', 'int4');
    expect(c.code).toBe(2);
  });

  it('an unsupported model exits 1 naming every unsupported layer; --json gives the error document', async () => {
    const m = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [8, 2], filters: 2, kernelSize: 2, name: 'c1' }),
        tf.layers.globalMaxPooling1d({ name: 'gmp' }),
      ],
    });
    const json = await saveToDisk(m, 'bad');
    const r = await cli('convert', json, '-o', join(dir, 'bad.tflite'), '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(
      'tflite-ts convert: 2 unsupported layers: c1 (Conv1D), gmp (GlobalMaxPooling1D). Replace them, or open an issue asking for their mapping (src/convert/layers/index.ts).\n',
    );
    expect(JSON.parse(r.stdout).error.code).toBe('CONVERSION');
  });

  it('a missing shard names the file', async () => {
    const json = await saveToDisk(classifier(), 'missing');
    rmSync(join(dir, 'missing.bin'));
    const r = await cli('convert', json, '-o', join(dir, 'm.tflite'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^tflite-ts convert: cannot read .*missing\.bin/);
  });
});
