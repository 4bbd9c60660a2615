/**
 * Dynamic range on recurrent ops: the MNIST LSTM of TFLite Micro (a float
 * UNIDIRECTIONAL_SEQUENCE_LSTM + FULLY_CONNECTED) gets int8 gate weights with asymmetric input
 * quantization (version 3), and runs in our runtime exactly as TFLite's hybrid kernels run it
 * (tfjs-tflite: LiteRT.js cannot load models with variable tensors).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/format/load_model.js';
import { builtinOpName } from '../../src/ir/builtin_ops.js';
import { dtypeFromCode } from '../../src/ir/dtype.js';
import { quantizeModelBytes } from '../../src/quantize/quantize_model.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';
import { peersAvailable, runPeer } from '../support/peers.js';
import { samples } from './helpers/models.js';

const MODEL = 'models/micro/trained_lstm.tflite';

describe.skipIf(!HAVE_FIXTURES)('dynamic range LSTM', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-lstm-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  let floatBytes: Uint8Array;
  let q: Awaited<ReturnType<typeof quantizeModelBytes>>;
  beforeAll(async () => {
    floatBytes = readFixture(MODEL);
    q = await quantizeModelBytes(loadModel(floatBytes), { mode: 'dynamic' }, floatBytes.length);
  });
  const x = samples(1, 28 * 28, 5, 0, 1)[0]!;
  const run = (b: Uint8Array) => {
    const it = new Interpreter(b);
    it.allocateTensors();
    it.setInputFloat(0, x);
    it.invoke();
    return it.outputFloat(0);
  };

  it('quantizes the eight gate weight matrices per tensor and marks the op hybrid (v3, asymmetric inputs)', () => {
    const sg = q.model.subgraphs[0]!;
    const lstm = sg.operators[0]!;
    const code = q.model.operatorCodes[lstm.opcodeIndex]!;
    expect(`${builtinOpName(code.builtinCode)} v${code.version}`).toBe('UNIDIRECTIONAL_SEQUENCE_LSTM v3');
    expect(lstm.builtinOptions!.values.asymmetricQuantizeInputs).toBe(true);
    for (let i = 1; i <= 8; i++) {
      const t = sg.tensors[lstm.inputs[i]!]!;
      expect(dtypeFromCode(t.type)).toBe('int8');
      expect(t.quantization!.scale).toHaveLength(1);
    }
    // Biases and the state stay float.
    for (const i of [12, 13, 14, 15, 18, 19])
      expect(dtypeFromCode(sg.tensors[lstm.inputs[i]!]!.type)).toBe('float32');
    expect(q.sizes.quantized / q.sizes.float).toBeLessThan(0.35);
  });

  it('stays close to the float model', () => {
    const yf = run(floatBytes);
    const yq = run(q.bytes);
    yf.forEach((v, i) => expect(Math.abs(v - yq[i]!)).toBeLessThan(5e-3));
  });

  it.skipIf(!peersAvailable('node'))('equals TFLite hybrid kernels (tfjs-tflite)', async () => {
    const file = join(dir, 'lstm_dynamic.tflite');
    writeFileSync(file, q.bytes);
    const peer = await runPeer({ runtime: 'tfjs-tflite', model: file, inputs: [new Uint8Array(x.buffer)] });
    const theirs = new Float32Array(peer.outputs[0]!.data.buffer);
    const ours = run(q.bytes);
    ours.forEach((v, i) => expect(Math.abs(v - theirs[i]!)).toBeLessThanOrEqual(1e-6 * Math.abs(v) + 1e-7));
  });
});
