/**
 * Layers tfjs cannot build itself (Subtract, the hard_swish activation: both Keras-only) and
 * the error for unsupported layers: the model JSON of a tfjs model is patched, and the
 * reference is computed from tfjs outputs by the layer's formula.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type InMemoryModel, convert } from '../../src/convert/index.js';
import { ConversionError } from '../../src/errors.js';
import { peersAvailable } from '../support/peers.js';
import { parity, randomFloats, randomizeWeights, runLiteRT, runOurs, tfPredict } from './helpers.js';

/** The model.json + weights of a live tfjs model, through its save(). */
async function saved(model: tf.LayersModel): Promise<InMemoryModel> {
  let out: InMemoryModel | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      const weights = new Uint8Array(a.weightData as ArrayBuffer);
      out = {
        modelJson: {
          modelTopology: a.modelTopology,
          weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs! }],
        },
        weights: { 'w.bin': weights },
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return out!;
}

type Json = { [k: string]: unknown };
function layers(m: InMemoryModel): Json[] {
  return ((m.modelJson.modelTopology as Json)['config'] as Json)['layers'] as Json[];
}

const havePeers = peersAvailable('node');

async function check(bytes: Uint8Array, x: Float32Array[], ref: Float32Array) {
  const ours = parity(runOurs(bytes, x)[0]!, ref);
  expect(ours.ok, `ours max rel ${ours.maxRel}`).toBe(true);
  if (havePeers) {
    const p = parity((await runLiteRT(bytes, x))[0]!, ref);
    expect(p.ok, `peer max rel ${p.maxRel}`).toBe(true);
  }
}

describe('convert: Keras layers tfjs lacks', () => {
  it('Subtract -> SUB', async () => {
    const a = tf.input({ shape: [5] });
    const b = tf.input({ shape: [5] });
    const da = tf.layers.dense({ units: 4, name: 'da' }).apply(a) as tf.SymbolicTensor;
    const db = tf.layers.dense({ units: 4, name: 'db' }).apply(b) as tf.SymbolicTensor;
    const model = tf.model({
      inputs: [a, b],
      outputs: tf.layers.add({ name: 'diff' }).apply([da, db]) as tf.SymbolicTensor,
    });
    randomizeWeights(model);
    const parts = tf.model({ inputs: [a, b], outputs: [da, db] });
    const x = [randomFloats(5), randomFloats(5)];
    const [ya, yb] = tfPredict(
      parts,
      x.map((d) => ({ shape: [1, 5], data: d })),
    );
    const ref = ya!.map((v, i) => v - yb![i]!);
    const m = await saved(model);
    layers(m).find((l) => l['name'] === 'diff')!['class_name'] = 'Subtract';
    const r = await convert(m);
    expect(r.report.ops).toEqual({ FULLY_CONNECTED: 2, SUB: 1 });
    await check(r.bytes, x, ref);
  });

  it('activation hard_swish -> HARD_SWISH (x * relu6(x + 3) / 6)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [6], units: 7, name: 'd' })] });
    randomizeWeights(model);
    const x = [randomFloats(6, -3, 3)];
    // scale the outputs up so that every piece of hard swish (0, the quadratic, identity) is hit
    model.setWeights(model.getWeights().map((w) => w.mul(6)));
    const lin = tfPredict(model, [{ shape: [1, 6], data: x[0]! }])[0]!;
    const ref = lin.map((v) => (v * Math.min(Math.max(v + 3, 0), 6)) / 6);
    const m = await saved(model);
    (layers(m)[0]!['config'] as Json)['activation'] = 'hard_swish';
    const r = await convert(m);
    expect(r.report.ops).toEqual({ FULLY_CONNECTED: 1, HARD_SWISH: 1 });
    await check(r.bytes, x, ref);
  });

  it('unsupported layers: one error naming all of them', async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.conv1d({ inputShape: [8, 2], filters: 3, kernelSize: 3, name: 'my_conv1d' }),
        tf.layers.simpleRNN({ units: 2, name: 'my_rnn' }),
        tf.layers.dense({ units: 2 }),
      ],
    });
    const err = await convert(model as unknown as Parameters<typeof convert>[0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect((err as Error).message).toMatch(
      /^2 unsupported layers: my_conv1d \(Conv1D\), my_rnn \(SimpleRNN\)\./,
    );
  });

  it('a layer that cannot be written names itself and the reason', async () => {
    const model = tf.sequential({
      layers: [tf.layers.lstm({ inputShape: [3, 2], units: 2, name: 'hard_lstm' })],
    });
    const err = await convert(model as unknown as Parameters<typeof convert>[0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect((err as Error).message).toMatch(
      /layer hard_lstm: LSTM recurrent_activation hard_sigmoid is not supported/,
    );
  });
});
