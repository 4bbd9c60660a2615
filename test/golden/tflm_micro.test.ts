/**
 * golden.json cases of TFLite Micro's examples that check a model's raw outputs: hello_world
 * (float and int8), person_detection and the MNIST LSTM (float and int8), with exactly the
 * preprocessing each case states. Each test skips with one line while a kernel its model needs is
 * missing (UnsupportedOpError names the op).
 */
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/decode_image.js';
import { fixturePath } from '../support/fixtures.js';
import { HAVE_FIXTURES, argmax, bmp8Pixels, goldenCase, interpreterOrSkip } from './helpers.js';

describe.skipIf(!HAVE_FIXTURES)('golden: TFLM hello_world', () => {
  it('tflm_hello_world_float: y approximates sin(x) within 0.05', (ctx) => {
    const c = goldenCase('tflm_hello_world_float');
    const it = interpreterOrSkip(ctx, c.model!);
    const xs = (c.expected as { inputs: number[] }).inputs;
    const tol = (c.tolerance as { abs: number }).abs;
    for (const x of xs) {
      it.input(0).set(Float32Array.of(x));
      it.invoke();
      const y = (it.output(0).data as Float32Array)[0]!;
      expect(Math.abs(y - Math.sin(x)), `x = ${x}: y = ${y}`).toBeLessThanOrEqual(tol);
    }
  });

  it('tflm_hello_world_int8: dequantized y approximates sin(x) within 0.05', (ctx) => {
    const c = goldenCase('tflm_hello_world_int8');
    const it = interpreterOrSkip(ctx, c.model!);
    const e = c.expected as { inputs_float: number[]; inputs_int8: number[] };
    const tol = (c.tolerance as { abs: number }).abs;
    const q = it.output(0).quantization!;
    e.inputs_int8.forEach((xq, i) => {
      it.input(0).set(Int8Array.of(xq));
      it.invoke();
      const y = ((it.output(0).data as Int8Array)[0]! - q.zeroPoint[0]!) * q.scale[0]!;
      expect(
        Math.abs(y - Math.sin(e.inputs_float[i]!)),
        `x = ${e.inputs_float[i]}: y = ${y}`,
      ).toBeLessThanOrEqual(tol);
    });
  });
});

describe.skipIf(!HAVE_FIXTURES)('golden: TFLM person_detection', () => {
  it('tflm_person_detection: person scores above no_person on person.bmp, below on no_person.bmp', (ctx) => {
    const c = goldenCase('tflm_person_detection');
    const it = interpreterOrSkip(ctx, c.model!);
    const inputs = c.inputs as Record<string, string>;
    const scores: Record<string, number[]> = {};
    for (const [name, file] of Object.entries(inputs)) {
      // The BMP's raw 8-bit pixels, reinterpreted as int8 with no offset (as the case states).
      const { width, height, pixels } = bmp8Pixels(file);
      expect([width, height]).toEqual([96, 96]);
      it.input(0).set(new Int8Array(pixels.buffer, pixels.byteOffset, pixels.byteLength));
      it.invoke();
      scores[name] = Array.from(it.output(0).data as Int8Array);
    }
    const [noPerson, person] = [0, 1];
    expect(scores.person![person]!, `person.bmp scores ${scores.person}`).toBeGreaterThan(
      scores.person![noPerson]!,
    );
    expect(scores.no_person![noPerson]!, `no_person.bmp scores ${scores.no_person}`).toBeGreaterThan(
      scores.no_person![person]!,
    );
  });
});

/** The MNIST sample as float32 x / 255 (PIL -> float32 array, divided by 255 as max > 1). */
async function mnistFloats(rel: string): Promise<Float32Array> {
  const img = await decodeImageFile(fixturePath(rel));
  expect([img.width, img.height]).toEqual([28, 28]);
  const out = new Float32Array(28 * 28);
  for (let i = 0; i < out.length; i++) {
    const [r, g, b] = [img.data[4 * i]!, img.data[4 * i + 1]!, img.data[4 * i + 2]!];
    if (r !== g || g !== b) throw new Error(`${rel}: expected a greyscale image`);
    out[i] = Math.fround(r / 255);
  }
  return out;
}

describe.skipIf(!HAVE_FIXTURES)('golden: TFLM MNIST LSTM', () => {
  it.for(['tflm_mnist_lstm_float', 'tflm_mnist_lstm_int8'])(
    '%s: argmax is the digit for all 10 samples',
    async (id, ctx) => {
      const c = goldenCase(id);
      const it = interpreterOrSkip(ctx, c.model!);
      const inputs = c.inputs as Record<string, string>;
      const expected = c.expected as Record<string, number>;
      const q = it.input(0).quantization;
      const got: Record<string, number> = {};
      for (const file of Object.values(inputs)) {
        const x = await mnistFloats(file);
        it.resetVariables(); // the case resets the LSTM state between images
        if (it.input(0).dtype === 'int8') {
          // numpy: (x / scale + zero_point) in float32, then astype(int8) truncates toward zero.
          const scale = q!.scale[0]!;
          const zp = q!.zeroPoint[0]!;
          it.input(0).set(Int8Array.from(x, (v) => Math.trunc(Math.fround(Math.fround(v / scale) + zp))));
        } else it.input(0).set(x);
        it.invoke();
        got[file.split('/').pop()!] = argmax(it.output(0).data as Float32Array);
      }
      expect(got).toEqual(expected);
    },
  );
});
