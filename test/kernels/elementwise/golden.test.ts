/**
 * Upstream expectations for the element-wise kernels (golden.json): LiteRT's interpreter smoke
 * tests on add.bin / add_quantized.bin / multi_add.bin / java add.bin, and TFLite Micro's SEANet
 * int16 ADD (CSV inputs and golden; upstream allows |diff| <= 1, we require exact).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../../support/fixtures.js';

interface GoldenCase {
  id: string;
  model: string;
  inputs?: string[];
  golden_file?: string;
  expected: Record<string, unknown>;
  tolerance: { abs?: number; rel?: number };
}

function goldenCase(id: string): GoldenCase {
  const g = JSON.parse(readFileSync(fixturePath('golden.json'), 'utf8')) as { cases: GoldenCase[] };
  const c = g.cases.find((x) => x.id === id);
  if (!c) throw new Error(`golden.json has no case ${id}`);
  return c;
}

function csv(rel: string): number[] {
  return readFileSync(fixturePath(rel), 'utf8').trim().split(',').map(Number);
}

describe.skipIf(!HAVE_FIXTURES)('golden.json: element-wise', () => {
  it('litert_c_api_add_float: resize to [2], [1, 3] -> [3, 9]', () => {
    const c = goldenCase('litert_c_api_add_float');
    const e = c.expected as { resize_input_to: number[]; input: number[]; output: number[] };
    const it = new Interpreter(readFixture(c.model));
    it.resizeInput(0, e.resize_input_to);
    it.allocateTensors();
    it.input(0).set(new Float32Array(e.input));
    it.invoke();
    expect(Array.from(it.output(0).data as Float32Array)).toEqual(e.output);
  });

  it('litert_c_api_add_uint8: the float32-typed intermediate becomes uint8 in prepare', () => {
    const c = goldenCase('litert_c_api_add_uint8');
    const e = c.expected as {
      resize_input_to: number[];
      input_uint8: number[];
      output_uint8: number[];
      dequantized_output: number[];
    };
    const it = new Interpreter(readFixture(c.model));
    it.resizeInput(0, e.resize_input_to);
    it.allocateTensors();
    it.input(0).set(new Uint8Array(e.input_uint8));
    it.invoke();
    expect(it.output(0).dtype).toBe('uint8');
    expect(Array.from(it.output(0).data as Uint8Array)).toEqual(e.output_uint8);
    const deq = it.outputFloat(0);
    e.dequantized_output.forEach((v, i) => expect(deq[i]).toBeCloseTo(v, 5));
  });

  it('litert_driver_multi_add: four inputs resized to [1, 2, 2, 1], two outputs', () => {
    const c = goldenCase('litert_driver_multi_add');
    const e = c.expected as {
      signature: string;
      resize_all_inputs_to: number[];
      inputs: Record<string, number[]>;
      outputs: Record<string, number[]>;
    };
    const it = new Interpreter(readFixture(c.model));
    for (let i = 0; i < 4; i++) it.resizeInput(i, e.resize_all_inputs_to);
    it.allocateTensors();
    const inputs = Object.fromEntries(Object.entries(e.inputs).map(([k, v]) => [k, new Float32Array(v)]));
    const out = it.runSignature(e.signature, inputs);
    for (const [name, want] of Object.entries(e.outputs)) {
      const got = out[name] as Float32Array;
      expect(got.length).toBe(want.length);
      want.forEach((w, i) =>
        expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(c.tolerance.rel! * Math.abs(w)),
      );
    }
  });

  it('litert_java_add: [1, 8, 8, 3] model run with [2, 8, 8, 3]', () => {
    const c = goldenCase('litert_java_add');
    const e = c.expected as {
      input_shape: number[];
      input_every_pixel: number[];
      output_every_pixel: number[];
    };
    const it = new Interpreter(readFixture(c.model));
    it.resizeInput(0, e.input_shape);
    it.allocateTensors();
    const n = e.input_shape.reduce((p, d) => p * d, 1);
    const x = new Float32Array(n).map((_, i) => e.input_every_pixel[i % 3]!);
    it.input(0).set(x);
    it.invoke();
    const y = it.output(0).data as Float32Array;
    expect(it.output(0).shape).toEqual(e.input_shape);
    for (let i = 0; i < n; i++) {
      expect(Math.abs(y[i]! - e.output_every_pixel[i % 3]!)).toBeLessThanOrEqual(c.tolerance.abs!);
    }
  });

  it('tflm_seanet_add0: int16 ADD (general rescaling, pot_scale_int16 = false) matches the TFLM golden exactly', () => {
    const c = goldenCase('tflm_seanet_add0');
    const it = new Interpreter(readFixture(c.model));
    it.allocateTensors();
    c.inputs!.forEach((f, i) => it.input(i).set(new Int16Array(csv(f))));
    it.invoke();
    const got = Array.from(it.output(0).data as Int16Array);
    const want = csv(c.golden_file!);
    expect(got.length).toBe(want.length);
    const maxDiff = got.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i]!)), 0);
    expect(maxDiff).toBe(0);
  });
});
