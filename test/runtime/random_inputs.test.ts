import { describe, expect, it } from 'vitest';
import { readModel } from '../../src/format/model_reader.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { randomInputs } from '../../src/runtime/random_inputs.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../support/fixtures.js';
import { peersAvailable, runPeer } from '../support/peers.js';

const peers = peersAvailable('node');

describe.skipIf(!HAVE_FIXTURES || !peers)('seeded random inputs match the peers harness', () => {
  for (const rel of [
    'models/ops/tflite_testdata/multi_add.bin',
    'models/classification/visual_wake_words/vww_96_int8.tflite',
  ]) {
    it(rel, async () => {
      const peer = await runPeer({ runtime: 'litert', model: fixturePath(rel), inputs: { random: 5 } });
      const it = new Interpreter(readModel(readFixture(rel)));
      // LiteRT names inputs by signature when the model has one, else by tensor name.
      const sigs = it.signatures();
      const infos = sigs.length > 0 ? it.signatureInputs(sigs[0]!.key) : it.inputs;
      const ours = randomInputs(infos, 5);
      for (const pin of peer.inputs) {
        const k = infos.findIndex((i) => i.name === pin.name || `serving_default_${i.name}:0` === pin.name);
        expect(k, `input ${pin.name}`).toBeGreaterThanOrEqual(0);
        expect(Buffer.from(ours[k]!).equals(Buffer.from(pin.data))).toBe(true);
      }
    });
  }
});
