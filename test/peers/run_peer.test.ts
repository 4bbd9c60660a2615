/**
 * The runPeer API itself: explicit input bytes reach the runtime, outputs are decoded to the
 * right bytes, and a model the runtime rejects gives an error carrying the runtime's reason.
 */
import { describe, expect, it } from 'vitest';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { compareTensors, expectTensorsMatch, peersAvailable, runPeer } from '../support/peers.js';

describe.skipIf(!HAVE_FIXTURES || !peersAvailable('node'))('runPeer', () => {
  it('feeds explicit inputs: add.bin computes 3 * input in both runtimes', async () => {
    // java_testdata/add.bin: output = input + input + input (two ADD ops), float32 [1,8,8,3]
    const model = fixturePath('models/ops/java_testdata/add.bin');
    const x = new Float32Array(1 * 8 * 8 * 3).map((_, i) => (i - 96) / 8);
    const input = new Uint8Array(x.buffer);
    for (const runtime of ['litert', 'tfjs-tflite'] as const) {
      const r = await runPeer({ runtime, model, inputs: [input] });
      expect(r.runtime).toBe(runtime);
      expect(r.input_source).toHaveLength(1);
      expect(Buffer.compare(r.inputs[0]!.data, input)).toBe(0);
      expect(r.outputs).toHaveLength(1);
      expect(r.outputs[0]).toMatchObject({ name: 'output', dtype: 'float32', shape: [1, 8, 8, 3] });
      // multiples of 1/8 are exact in float32, so 3x is exact too
      expectTensorsMatch(
        r.outputs[0]!.data,
        x.map((v) => 3 * v),
        { dtype: 'float32', rtol: 0, atol: 0 },
      );
      expect(r.latency_ms.runs).toBe(1);
    }
  });

  it('gives the same seeded inputs to both runtimes, and LiteRT and TFLite agree on them', async () => {
    const model = fixturePath('models/micro/micro_speech_quantized.tflite');
    const [l, t] = await Promise.all([
      runPeer({ runtime: 'litert', model, inputs: { random: 5 } }),
      runPeer({ runtime: 'tfjs-tflite', model, inputs: { random: 5 } }),
    ]);
    expect(l.input_source).toBe('random:5');
    expect(Buffer.compare(l.inputs[0]!.data, t.inputs[0]!.data)).toBe(0);
    const c = compareTensors(l.outputs[0]!.data, t.outputs[0]!.data, { dtype: 'int8', maxUlpDiff: 1 });
    expect(c.ok).toBe(true);
    // a different seed gives different input bytes
    const other = await runPeer({ runtime: 'litert', model, inputs: { random: 6 } });
    expect(Buffer.compare(other.inputs[0]!.data, l.inputs[0]!.data)).not.toBe(0);
  });

  it("rejects with the runtime's reason when it cannot run the model", async () => {
    // person_detect's per-tensor weights carry quantized_dimension 3; both runtimes refuse it
    const model = fixturePath('models/micro/person_detect.tflite');
    await expect(runPeer({ runtime: 'litert', model })).rejects.toThrow(
      /peer litert \(node\) failed on .*person_detect\.tflite: exit code 1: [\s\S]*invalid quantization parameters/,
    );
  });
});
