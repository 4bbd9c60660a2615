/**
 * golden.json's TFLite Micro micro_speech cases, which need the Signal custom ops:
 * - tflm_micro_speech_frontend_features: the first 480 samples of yes_30ms.wav / no_30ms.wav
 *   through audio_preprocessor_int8.tflite give exactly the 40 expected int8 features;
 * - tflm_micro_speech_keywords: 49 windows of 480 samples with a stride of 320 through the
 *   front end (one interpreter per clip, so the noise estimate carries from window to window as
 *   upstream), the [49][40] features into micro_speech_quantized.tflite; the argmax of the
 *   dequantized scores is the expected label.
 * Also: the float front end gives the int8 front end's features times 0.0390625 (its last op).
 */
import { describe, expect, it } from 'vitest';
import type { Interpreter } from '../../src/runtime/interpreter.js';
import {
  HAVE_FIXTURES,
  type Skippable,
  argmax,
  goldenCase,
  interpreterOrSkip,
  wavSamples,
} from './helpers.js';

const WINDOW = 480;
const STRIDE = 320;
const FEATURES = 49;

/** Runs the front end over consecutive windows of a clip; returns the features [windows][40]. */
function frontEnd(it: Interpreter, samples: Int16Array, windows: number): Int8Array[] {
  const out: Int8Array[] = [];
  for (let w = 0; w < windows && w * STRIDE + WINDOW <= samples.length; w++) {
    it.input(0).set(samples.subarray(w * STRIDE, w * STRIDE + WINDOW));
    it.invoke();
    out.push((it.output(0).data as Int8Array).slice());
  }
  return out;
}

describe.skipIf(!HAVE_FIXTURES)('golden: TFLM micro_speech', () => {
  it('tflm_micro_speech_frontend_features: 40 features exact for yes/no 30 ms', (ctx) => {
    const c = goldenCase('tflm_micro_speech_frontend_features');
    const expected = c.expected as Record<string, number[]>;
    for (const file of Object.values(c.inputs as Record<string, string>)) {
      const it = interpreterOrSkip(ctx, c.model!);
      const { sampleRate, samples } = wavSamples(file);
      expect(sampleRate).toBe(16000);
      const [features] = frontEnd(it, samples, 1);
      expect(Array.from(features!), file).toEqual(expected[file.split('/').pop()!]);
    }
  });

  it('audio_preprocessor_float equals the int8 front end x 0.0390625', (ctx) => {
    const { samples } = wavSamples('audio/yes_1000ms.wav');
    const int8 = interpreterOrSkip(ctx, 'models/micro/audio_preprocessor_int8.tflite');
    const fp = interpreterOrSkip(ctx, 'models/micro/audio_preprocessor_float.tflite');
    for (let w = 0; w < 10; w++) {
      const x = samples.subarray(w * STRIDE, w * STRIDE + WINDOW);
      int8.input(0).set(x);
      int8.invoke();
      fp.input(0).set(x);
      fp.invoke();
      const a = int8.output(0).data as Int8Array;
      const b = fp.output(0).data as Float32Array;
      // int8 feature = clamp(trunc((256 * log + 333) / 666) - 128); float feature = log / 25.6.
      for (let k = 0; k < 40; k++) {
        const log = b[k]! / 0.0390625;
        expect(Number.isInteger(Math.round(log * 1e3) / 1e3)).toBe(true);
        expect(a[k]).toBe(
          Math.max(-128, Math.min(127, Math.trunc((256 * Math.round(log) + 333) / 666) - 128)),
        );
      }
    }
  });

  it('tflm_micro_speech_keywords: yes, no, silence, noise clips', (ctx: Skippable) => {
    const c = goldenCase('tflm_micro_speech_keywords');
    const models = c.models as { frontend: string; classifier: string };
    const labels = c.labels_inline!;
    const expected = c.expected as Record<string, string>;
    const got: Record<string, string> = {};
    const scores: string[] = [];
    for (const file of Object.values(c.inputs as Record<string, string>)) {
      const fe = interpreterOrSkip(ctx, models.frontend);
      const { samples } = wavSamples(file);
      const features = frontEnd(fe, samples, FEATURES);
      expect(features.length).toBe(FEATURES);
      const cls = interpreterOrSkip(ctx, models.classifier);
      const x = new Int8Array(FEATURES * 40);
      features.forEach((f, i) => x.set(f, i * 40));
      cls.input(0).set(x);
      cls.invoke();
      const q = cls.output(0).quantization!;
      const probs = Array.from(cls.output(0).data as Int8Array, (v) => (v - q.zeroPoint[0]!) * q.scale[0]!);
      const name = file.split('/').pop()!;
      got[name] = labels[argmax(probs)]!;
      scores.push(`${name}: ${probs.map((p) => p.toFixed(3)).join(' ')}`);
    }
    expect(got, scores.join('; ')).toEqual(expected);
  });
});
