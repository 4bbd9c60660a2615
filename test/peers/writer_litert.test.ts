/**
 * Issue 2, the writer's LiteRT check: a model read with readModel and written with writeModel
 * runs in Google's runtime with output bytes identical to the original file's, on the same
 * seeded input. LiteRT.js in Node where it can run the model; tfjs-tflite (TFLite's own
 * interpreter) for the models LiteRT.js 2.5.3 rejects (custom op with dynamic output shapes,
 * variable tensors: see the peers README).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readModel } from '../../src/format/model_reader.js';
import { writeModel } from '../../src/format/model_writer.js';
import type { Model } from '../../src/ir/model.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../support/fixtures.js';
import {
  type PeerResult,
  type PeerRuntime,
  compareTensors,
  ensurePeersHarness,
  formatComparison,
  peersAvailable,
  runPeer,
} from '../support/peers.js';

interface Case {
  model: string;
  runtime: PeerRuntime;
  /** What kind of model it is, i.e. why it is on the list. */
  kind: string;
}

const CASES: Case[] = [
  {
    model: 'models/classification/mobilenet_v1_0.25_224_1_metadata_1.tflite',
    runtime: 'litert',
    kind: 'float32, metadata + zip',
  },
  { model: 'models/segmentation/deeplabv3.tflite', runtime: 'litert', kind: 'float32, metadata, resize' },
  {
    model: 'models/classification/mobilenet_v1_0.25_224_quant.tflite',
    runtime: 'litert',
    kind: 'uint8, metadata + zip',
  },
  {
    model: 'models/classification/tf2_mobilenet_v2_1.0_224_ptq.tflite',
    runtime: 'litert',
    kind: 'int8 per-channel, uint8 I/O',
  },
  {
    model: 'models/classification/v3-small_224_1.0_uint8.tflite',
    runtime: 'litert',
    kind: 'uint8, hard-swish',
  },
  {
    model: 'models/classification/visual_wake_words/vww_96_int8.tflite',
    runtime: 'litert',
    kind: 'int8 I/O',
  },
  {
    model: 'models/ops/tflite_testdata/multi_add.bin',
    runtime: 'litert',
    kind: 'signature, 4 inputs, 2 outputs',
  },
  { model: 'models/micro/hello_world_int8.tflite', runtime: 'litert', kind: 'int8, signature' },
  {
    model: 'models/pose/movenet_single_pose_lightning_ptq.tflite',
    runtime: 'litert',
    kind: 'int8 ptq, signature',
  },
  { model: 'models/micro/kws_ref_model_float32.tflite', runtime: 'litert', kind: 'hybrid int8 weights' },
  { model: 'models/ops/seanet/conv0.tflite', runtime: 'litert', kind: 'int16 activations' },
  {
    model: 'models/text/test_model_nl_classifier_with_regex_tokenizer.tflite',
    runtime: 'litert',
    kind: 'int32 input, metadata',
  },
  {
    model: 'models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite',
    runtime: 'tfjs-tflite',
    kind: 'custom op',
  },
  {
    model: 'models/micro/trained_lstm_int8.tflite',
    runtime: 'tfjs-tflite',
    kind: 'int8 LSTM, variable tensors',
  },
  {
    model: 'models/micro/keyword_scrambled.tflite',
    runtime: 'tfjs-tflite',
    kind: 'int16 SVDF, variable tensors',
  },
];

/** Seeded inputs shared by the original and the written model. */
const SEED = 7;

const meta = (r: PeerResult) => ({
  signature: r.signature,
  inputs: r.inputs.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
  outputs: r.outputs.map(({ name, shape, dtype }) => ({ name, shape, dtype })),
});

const COMPARABLE = new Set(['float32', 'int8', 'uint8', 'int16', 'int32']);

/**
 * Asserts both runs saw the same inputs and produced byte-identical outputs; on a difference the
 * message gives per-output figures (how many elements, how far) from compareTensors.
 */
function expectSameOutputs(written: PeerResult, original: PeerResult): void {
  expect(meta(written)).toEqual(meta(original));
  written.inputs.forEach((t, i) =>
    expect(Buffer.compare(t.data, original.inputs[i]!.data), `input ${t.name}`).toBe(0),
  );
  const diffs: string[] = [];
  written.outputs.forEach((t, i) => {
    const o = original.outputs[i]!;
    if (Buffer.compare(t.data, o.data) === 0) return;
    const detail = COMPARABLE.has(t.dtype)
      ? formatComparison(
          compareTensors(t.data, o.data, {
            dtype: t.dtype as 'float32',
            rtol: 0,
            atol: 0,
            name: t.name,
            shape: t.shape,
          }),
        )
      : `'${t.name}' ${t.dtype}: bytes differ`;
    diffs.push(detail);
  });
  if (diffs.length)
    throw new Error(
      `written model's outputs differ from the original's (ours vs original):\n${diffs.join('\n')}`,
    );
}

describe.skipIf(!HAVE_FIXTURES || !peersAvailable('node'))(
  'written models run in the peers like the originals',
  () => {
    let dir = '';
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'tflite-ts-writer-'));
      await ensurePeersHarness();
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    /** Writes `model` to the temp folder and runs it and `original` in `runtime` on the same seed. */
    async function runBoth(original: string, model: Model, runtime: PeerRuntime) {
      const file = join(dir, basename(original));
      writeFileSync(file, writeModel(model));
      const inputs = { random: SEED };
      const [a, b] = await Promise.all([
        runPeer({ runtime, model: fixturePath(original), inputs }),
        runPeer({ runtime, model: file, inputs }),
      ]);
      return { original: a, written: b };
    }

    it('covers float, uint8, int8, int16, metadata, signatures, a custom op', () => {
      expect(CASES.length).toBeGreaterThanOrEqual(10);
      const kinds = CASES.map((c) => c.kind).join(' ');
      for (const k of ['float32', 'uint8', 'int8', 'int16', 'metadata', 'signature', 'custom op'])
        expect(kinds).toContain(k);
    });

    for (const c of CASES) {
      it(`${c.model} (${c.kind}) in ${c.runtime}`, async () => {
        const { original, written } = await runBoth(c.model, readModel(readFixture(c.model)), c.runtime);
        expect(original.runtime).toBe(c.runtime);
        expect(original.outputs.length).toBeGreaterThan(0);
        expect(original.outputs.every((t) => t.data.byteLength > 0)).toBe(true);
        expectSameOutputs(written, original);
      });
    }

    it('notices a written model whose weights differ (the check can fail)', async () => {
      const rel = 'models/classification/cifar10_resnet8/pretrainedResnet.tflite';
      const model = readModel(readFixture(rel));
      // Negate the largest float32 constant (a conv kernel): the outputs must change.
      const sg = model.subgraphs[0]!;
      const weights = sg.tensors
        .filter((t) => t.type === 0 && t.buffer > 0 && (model.buffers[t.buffer]!.data?.byteLength ?? 0) > 0)
        .sort(
          (x, y) => model.buffers[y.buffer]!.data!.byteLength - model.buffers[x.buffer]!.data!.byteLength,
        )[0]!;
      const buf = model.buffers[weights.buffer]!;
      const values = new Float32Array(buf.data!.slice().buffer);
      for (let i = 0; i < values.length; i++) values[i] = -values[i]!;
      model.buffers[weights.buffer] = { ...buf, data: new Uint8Array(values.buffer) };
      const { original, written } = await runBoth(rel, model, 'litert');
      expect(() => expectSameOutputs(written, original)).toThrow(
        /'Identity' float32\[1,10\]: \d+ of 10 elements differ/,
      );
    });
  },
);
