/**
 * What a converted model carries (normalization from a Rescaling layer or the options, labels
 * as an attached TENSOR_AXIS_LABELS file, image content) and where models can come from: a
 * live tfjs model, a model.json path with relative shards, a URL (served on 127.0.0.1).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { convert } from '../../src/convert/index.js';
import { ConversionError } from '../../src/errors.js';
import { getLabels, getModelMetadata, getNormalization } from '../../src/format/model_metadata.js';
import { readModel } from '../../src/format/model_reader.js';
import { randomizeWeights } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-convert-src-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const live = (m: tf.LayersModel) => m as unknown as Parameters<typeof convert>[0];

function gray(): tf.LayersModel {
  const m = tf.sequential({
    layers: [
      tf.layers.rescaling({ inputShape: [10, 10, 1], scale: 1 / 255 }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 4, activation: 'softmax' }),
    ],
  });
  randomizeWeights(m);
  return m;
}

describe('convert: metadata', () => {
  it('a leading Rescaling means raw pixels: normalization mean 0 std 1; grayscale image input', async () => {
    const r = await convert(live(gray()), { labels: ['a', 'b', 'c', 'd'] });
    const m = readModel(r.bytes);
    expect(getNormalization(m)).toEqual({ mean: [0], std: [1] });
    expect(getLabels(m)).toEqual(['a', 'b', 'c', 'd']);
    const input = getModelMetadata(m)!.subgraphMetadata![0]!.inputTensorMetadata![0]!;
    expect(input.content?.contentProperties).toEqual({ type: 'ImageProperties', colorSpace: 'GRAYSCALE' });
    expect(input.stats).toEqual({ min: [0], max: [255] });
    const output = getModelMetadata(m)!.subgraphMetadata![0]!.outputTensorMetadata![0]!;
    expect(output.associatedFiles).toEqual([
      {
        name: 'labels.txt',
        description: 'Labels for objects that the model can recognize.',
        type: 'TENSOR_AXIS_LABELS',
      },
    ]);
    expect(new TextDecoder().decode(m.associatedFiles!.find((f) => f.name === 'labels.txt')!.data)).toBe(
      'a\nb\nc\nd\n',
    );
  });

  it('options override: normalization, name, description, author', async () => {
    const r = await convert(live(gray()), {
      normalization: { mean: [127.5], std: [127.5] },
      name: 'n',
      description: 'made in a test',
      author: 'me',
    });
    const m = readModel(r.bytes);
    expect(getNormalization(m)).toEqual({ mean: [127.5], std: [127.5] });
    const meta = getModelMetadata(m)!;
    expect([meta.name, meta.description, meta.author]).toEqual(['n', 'made in a test', 'me']);
    expect(m.description).toBe('made in a test');
    expect(r.report.labels).toBe(0);
    expect(getLabels(m)).toBeUndefined();
  });

  it('labels that do not fit the output are an error', async () => {
    await expect(convert(live(gray()), { labels: ['only', 'three', 'labels'] })).rejects.toThrow(
      /the labels file has 3 labels but the model's output has 4 classes/,
    );
  });

  it('a model without Rescaling and without options has no normalization', async () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ inputShape: [3], units: 2 })] });
    const r = await convert(live(m));
    expect(getNormalization(readModel(r.bytes))).toBeUndefined();
  });
});

async function saveFiles(m: tf.LayersModel, sub: string): Promise<string> {
  const folder = join(dir, sub);
  mkdirSync(folder, { recursive: true });
  await m.save(
    tf.io.withSaveHandler(async (a) => {
      const data = new Uint8Array(a.weightData as ArrayBuffer);
      // two shards, as tfjs writes 4 MB groups
      const half = Math.floor(data.byteLength / 2);
      writeFileSync(join(folder, 'group1-shard1of2.bin'), data.subarray(0, half));
      writeFileSync(join(folder, 'group1-shard2of2.bin'), data.subarray(half));
      writeFileSync(
        join(folder, 'model.json'),
        JSON.stringify({
          modelTopology: a.modelTopology,
          weightsManifest: [
            { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: a.weightSpecs },
          ],
        }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return join(folder, 'model.json');
}

describe('convert: model sources', () => {
  it('a path, a URL and the live model give the same bytes', async () => {
    const m = gray();
    const path = await saveFiles(m, 'http');
    const server = createServer((req, res) => {
      try {
        res.end(readFileSync(join(dir, 'http', decodeURIComponent(req.url!.split('/').pop()!))));
      } catch {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    try {
      const port = (server.address() as AddressInfo).port;
      const fromPath = await convert(path);
      const fromUrl = await convert(`http://127.0.0.1:${port}/models/model.json`);
      const fromLive = await convert(live(m));
      expect(fromUrl.bytes).toEqual(fromPath.bytes);
      expect(fromLive.bytes).toEqual(fromPath.bytes);
      await expect(convert(`http://127.0.0.1:${port}/nothing/here.json`)).rejects.toThrow(/HTTP 404/);
    } finally {
      server.close();
    }
  });

  it('a file that is not a TF.js model.json is a ConversionError', async () => {
    const p = join(dir, 'not_a_model.json');
    writeFileSync(p, '{"hello": 1}');
    const err = await convert(p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect((err as Error).message).toMatch(/no modelTopology; this is not a TF\.js model\.json/);
  });
});
