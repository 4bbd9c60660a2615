/**
 * The three trained TF.js models the nsfwjs npm package ships (test material only, never
 * committed or shipped): model.json and shards are bundled there as UMD modules, the shards
 * as base64 strings. This reads them into InMemoryModels.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { InMemoryModel } from '../../src/convert/index.js';
import type { TfjsModelJson } from '../../src/convert/tfjs_format.js';

const require = createRequire(import.meta.url);

/** The models, with their input size and what kind of TF.js model each is. */
export const NSFWJS_MODELS = [
  { name: 'mobilenet_v2', size: 224, kind: 'Layers, uint8-quantized weights' },
  { name: 'mobilenet_v2_mid', size: 224, kind: 'graph model, uint8-quantized weights' },
  { name: 'inception_v3', size: 299, kind: 'Layers, uint8-quantized weights' },
] as const;

/** nsfwjs's class names, in output order. */
export const NSFWJS_LABELS = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

/** Returns the model.json and shard bytes of one nsfwjs model. */
export function loadNsfwjsModel(name: string): InMemoryModel {
  // resolve the package root from its main entry (its "exports" hide dist/models)
  const root = join(dirname(require.resolve('nsfwjs')), '..', '..');
  const dir = join(root, 'dist', 'models', name);
  const modelJson = require(join(dir, 'model.min.js')) as TfjsModelJson;
  const weights: Record<string, Uint8Array> = {};
  for (const g of modelJson.weightsManifest ?? []) {
    for (const p of g.paths) {
      const b64 = require(join(dir, `${p}.min.js`)) as string;
      const b = Buffer.from(b64, 'base64');
      weights[p] = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
    }
  }
  return { modelJson, weights };
}
