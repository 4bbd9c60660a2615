/**
 * golden.json cases from LiteRT's own interpreter tests (C API, test driver, Java API): small ADD
 * models run with resized inputs, by tensor or by signature, float and uint8.
 */
import { describe, expect, it } from 'vitest';
import { HAVE_FIXTURES, goldenCase, interpreterOrSkip } from './helpers.js';

describe.skipIf(!HAVE_FIXTURES)('golden: LiteRT interpreter cases', () => {
  it('litert_c_api_add_float: resize to [2], [1, 3] -> [3, 9], tensor names/indices/params', (ctx) => {
    const c = goldenCase('litert_c_api_add_float');
    const e = c.expected as {
      resize_input_to: number[];
      input: number[];
      output: number[];
      input_name: string;
      output_name: string;
      input_tensor_index: number;
      output_tensor_index: number;
    };
    const it = interpreterOrSkip(ctx, c.model!, (i) => i.resizeInput(0, e.resize_input_to));
    const inInfo = it.input(0).info();
    const outInfo = it.output(0).info();
    expect([inInfo.name, inInfo.index, inInfo.quantization]).toEqual([
      e.input_name,
      e.input_tensor_index,
      null,
    ]);
    expect([outInfo.name, outInfo.index, outInfo.quantization]).toEqual([
      e.output_name,
      e.output_tensor_index,
      null,
    ]);
    it.input(0).set(Float32Array.from(e.input));
    it.invoke();
    expect(Array.from(it.output(0).data as Float32Array)).toEqual(e.output);
  });

  it('litert_c_api_add_uint8: uint8 [1, 3] -> [3, 9] with scale 0.003922', (ctx) => {
    const c = goldenCase('litert_c_api_add_uint8');
    const e = c.expected as {
      resize_input_to: number[];
      input_uint8: number[];
      output_uint8: number[];
      input_quant: { scale: number; zero_point: number };
      output_quant: { scale: number; zero_point: number };
      dequantized_output: number[];
    };
    const it = interpreterOrSkip(ctx, c.model!, (i) => i.resizeInput(0, e.resize_input_to));
    const qi = it.input(0).quantization!;
    const qo = it.output(0).quantization!;
    expect(qi.scale[0]).toBeCloseTo(e.input_quant.scale, 6);
    expect(qi.zeroPoint[0]).toBe(e.input_quant.zero_point);
    expect(qo.scale[0]).toBeCloseTo(e.output_quant.scale, 6);
    expect(qo.zeroPoint[0]).toBe(e.output_quant.zero_point);
    it.input(0).set(Uint8Array.from(e.input_uint8));
    it.invoke();
    expect(Array.from(it.output(0).data as Uint8Array)).toEqual(e.output_uint8);
    const deq = Array.from(it.outputFloat(0));
    e.dequantized_output.forEach((v, i) => expect(deq[i]!).toBeCloseTo(v, 5));
  });

  it('litert_driver_multi_add: signature serving_default, inputs a..d [1,2,2,1] -> x, y', (ctx) => {
    const c = goldenCase('litert_driver_multi_add');
    const e = c.expected as {
      signature: string;
      resize_all_inputs_to: number[];
      inputs: Record<string, number[]>;
      outputs: Record<string, number[]>;
    };
    const rel = (c.tolerance as { rel: number }).rel;
    const it = interpreterOrSkip(ctx, c.model!, (i) => {
      for (let k = 0; k < i.inputs.length; k++) i.resizeInput(k, e.resize_all_inputs_to);
    });
    const inputs = Object.fromEntries(Object.entries(e.inputs).map(([k, v]) => [k, Float32Array.from(v)]));
    const out = it.runSignature(e.signature, inputs);
    for (const [name, want] of Object.entries(e.outputs)) {
      const got = out[name] as Float32Array;
      expect(got.length).toBe(want.length);
      want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThanOrEqual(rel * Math.abs(w)));
    }
  });

  it('litert_java_add: a [1,8,8,3] model run with [2,8,8,3], every pixel', (ctx) => {
    const c = goldenCase('litert_java_add');
    const e = c.expected as {
      input_shape: number[];
      input_every_pixel: number[];
      output_every_pixel: number[];
    };
    const tol = (c.tolerance as { abs: number }).abs;
    const it = interpreterOrSkip(ctx, c.model!, (i) => i.resizeInput(0, e.input_shape));
    const n = e.input_shape.reduce((a, b) => a * b, 1);
    it.input(0).set(Float32Array.from({ length: n }, (_, k) => e.input_every_pixel[k % 3]!));
    it.invoke();
    const y = it.output(0).data as Float32Array;
    expect(it.output(0).shape).toEqual(e.input_shape);
    for (let k = 0; k < n; k++)
      expect(Math.abs(y[k]! - e.output_every_pixel[k % 3]!)).toBeLessThanOrEqual(tol);
  });
});
