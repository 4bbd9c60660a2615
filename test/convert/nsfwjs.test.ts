/**
 * Real trained models: the three TF.js models of the nsfwjs package (Inception v3 and
 * MobileNet v2 Layers models, a MobileNet v2 graph model; all with uint8-quantized weights)
 * are converted with labels and normalization, then run on fixture photos (resized as nsfwjs
 * does, scaled to [0, 1] via the metadata's normalization) in TF.js, our interpreter and
 * LiteRT.js. Outputs must agree within 1e-4 relative and give the same top class.
 */
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { convert } from '../../src/convert/index.js';
import { getLabels, getNormalization } from '../../src/format/model_metadata.js';
import { readModel } from '../../src/format/model_reader.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { peersAvailable } from '../support/peers.js';
import { parity, runLiteRT, runOurs } from './helpers.js';
import { NSFWJS_LABELS, NSFWJS_MODELS, loadNsfwjsModel } from './nsfwjs_models.js';

const PHOTOS = ['images/burger.jpg', 'images/grace_hopper.jpg'];

/** RGB pixels of a photo resized (bilinear) to size x size, as floats 0..255. */
async function pixels(path: string, size: number): Promise<Float32Array> {
  const raw = await sharp(path)
    .removeAlpha()
    .resize(size, size, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return Float32Array.from(raw);
}

function argmax(v: Float32Array): number {
  return v.indexOf(Math.max(...v));
}

const havePeers = peersAvailable('node');

describe.skipIf(!HAVE_FIXTURES)('convert: the nsfwjs models', () => {
  for (const spec of NSFWJS_MODELS) {
    it(`${spec.name} (${spec.kind})`, async () => {
      const source = loadNsfwjsModel(spec.name);
      const r = await convert(source, {
        labels: NSFWJS_LABELS,
        normalization: { mean: [0], std: [255] },
        name: `nsfwjs_${spec.name}`,
      });
      expect(r.report.inputShapes).toEqual([[1, spec.size, spec.size, 3]]);
      expect(r.report.outputShapes).toEqual([[1, 5]]);
      expect(r.report.dequantizedWeights['uint8']).toBeGreaterThan(100);
      const model = readModel(r.bytes);
      expect(getLabels(model)).toEqual(NSFWJS_LABELS);
      expect(getNormalization(model)).toEqual({ mean: [0], std: [255] });

      const json = source.modelJson;
      const shards = source.weights as Record<string, Uint8Array>;
      const paths = json.weightsManifest!.flatMap((g) => g.paths);
      const all = new Uint8Array(paths.reduce((n, p) => n + shards[p]!.byteLength, 0));
      let o = 0;
      for (const p of paths) {
        all.set(shards[p]!, o);
        o += shards[p]!.byteLength;
      }
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: json.modelTopology as object,
        weightSpecs: json.weightsManifest!.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData: all.buffer,
        ...(json.format ? { format: json.format } : {}),
      };
      const tfModel =
        json.format === 'graph-model'
          ? await tf.loadGraphModel(tf.io.fromMemory(artifacts))
          : await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      // Inception v3 in pure-JS TF.js takes tens of seconds per photo: one photo for it.
      const photos = spec.name === 'inception_v3' ? PHOTOS.slice(0, 1) : PHOTOS;
      for (const photo of photos) {
        const px = await pixels(fixturePath(photo), spec.size);
        const x = px.map((v) => v / 255); // the metadata's normalization, (x - 0) / 255
        const ref = tf.tidy(() =>
          Float32Array.from(
            (tfModel.predict(tf.tensor(x, [1, spec.size, spec.size, 3])) as tf.Tensor).dataSync(),
          ),
        );
        const ours = runOurs(r.bytes, [x])[0]!;
        const po = parity(ours, ref);
        console.log(
          `${spec.name} ${photo}: tfjs [${[...ref].map((v) => v.toFixed(4))}] ours max rel ${po.maxRel.toExponential(1)}`,
        );
        expect(po.ok, `ours max rel ${po.maxRel}`).toBe(true);
        expect(argmax(ours)).toBe(argmax(ref));
        if (havePeers) {
          const peer = (await runLiteRT(r.bytes, [x]))[0]!;
          const pp = parity(peer, ref);
          console.log(`${spec.name} ${photo}: LiteRT max rel ${pp.maxRel.toExponential(1)}`);
          expect(pp.ok, `LiteRT max rel ${pp.maxRel}`).toBe(true);
          expect(argmax(peer)).toBe(argmax(ref));
        }
      }
    }, 900_000);
  }
});
