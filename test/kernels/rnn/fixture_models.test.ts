/**
 * The whole stateful fixture models against tfjs-tflite (LiteRT.js refuses variable tensors):
 * keyword_scrambled (QUANTIZE, 7 SVDF int8/int16-state, FULLY_CONNECTED, SOFTMAX) and the MNIST
 * LSTMs (float32 and int8), 3 seeded inputs each, on the first invoke from the zero state (the
 * peer reports the first run). Integer outputs must be byte-equal, float outputs within 1e-5.
 * Later invokes are covered by the kernel tests' state checks.
 */
import { describe, expect, it } from 'vitest';
import { readModel } from '../../../src/format/model_reader.js';
import type { TypedArray } from '../../../src/ir/dtype.js';
import { UnsupportedOpError } from '../../../src/errors.js';
import { HAVE_FIXTURES, readFixture } from '../../support/fixtures.js';
import { type CompareDtype, compareTensors, formatComparison, peersAvailable } from '../../support/peers.js';
import { ints, rng, runSteps, runTfjsTflite, uniform } from './helpers.js';

const MODELS = [
  { file: 'models/micro/keyword_scrambled.tflite', input: 'int16', output: 'int32' },
  { file: 'models/micro/trained_lstm.tflite', input: 'float32', output: 'float32' },
  { file: 'models/micro/trained_lstm_int8.tflite', input: 'int8', output: 'int8' },
] as const;

function seeded(dtype: string, n: number, seed: number): TypedArray {
  const r = rng(seed);
  if (dtype === 'int16') return ints(Int16Array, r, n, -32768, 32767);
  if (dtype === 'int8') return ints(Int8Array, r, n, -128, 127);
  return uniform(r, n, 0, 1);
}

describe.skipIf(!HAVE_FIXTURES || !peersAvailable())('stateful fixture models vs tfjs-tflite', () => {
  it.for(MODELS)('$file: 3 seeded inputs', { timeout: 180_000 }, async ({ file, input, output }, ctx) => {
    const model = readModel(readFixture(file));
    const sg = model.subgraphs[0]!;
    const n = sg.tensors[sg.inputs[0]!]!.shape.reduce((a, b) => a * b, 1);
    for (const seed of [1, 2, 3]) {
      const x = seeded(input, n, seed);
      let ours: TypedArray;
      try {
        ours = runSteps(model, [[x]])[0]![0]!;
      } catch (err) {
        if (err instanceof UnsupportedOpError) {
          console.warn(`skipped: ${file} needs op ${err.op}, which has no kernel yet`);
          ctx.skip();
        }
        throw err;
      }
      const peer = await runTfjsTflite(model, [x]);
      const cmp = compareTensors(
        new Uint8Array(ours.buffer, ours.byteOffset, ours.byteLength),
        peer.outputs[0]!.data,
        {
          dtype: output as CompareDtype,
          rtol: 1e-5,
          atol: 1e-6,
          name: `${file} seed ${seed}`,
        },
      );
      expect(cmp.ok, formatComparison(cmp)).toBe(true);
    }
  });
});
