/**
 * Dynamic range and float16 quantization on a small built model: which tensors change, how they
 * are stored, the versions TFLite's converter uses, and that the results run in our runtime
 * close to the float model.
 */
import { describe, expect, it } from 'vitest';
import { writeModel } from '../../src/format/model_writer.js';
import { builtinOpName } from '../../src/ir/builtin_ops.js';
import { dtypeFromCode } from '../../src/ir/dtype.js';
import type { Model, Tensor } from '../../src/ir/model.js';
import { float16BitsToFloat32 } from '../../src/kernels/internal/float16.js';
import { quantizeModel } from '../../src/quantize/quantize_model.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { convNet, samples } from './helpers/models.js';

const ops = (m: Model) =>
  m.subgraphs[0]!.operators.map((op) => {
    const c = m.operatorCodes[op.opcodeIndex]!;
    return `${builtinOpName(c.builtinCode)} v${c.version}`;
  });
const tensor = (m: Model, name: string): Tensor => m.subgraphs[0]!.tensors.find((x) => x.name === name)!;
const bytes = (m: Model, t: Tensor) => m.buffers[t.buffer]?.data?.slice() ?? new Uint8Array(0);

function maxDiff(a: Model, b: Model): number {
  const run = (m: Model, x: Float32Array) => {
    const it = new Interpreter(writeModel(m));
    it.allocateTensors();
    it.setInputFloat(0, x);
    it.invoke();
    return it.outputFloat(0);
  };
  let worst = 0;
  for (const x of samples(6, 192, 31)) {
    const ya = run(a, x);
    const yb = run(b, x);
    for (let i = 0; i < ya.length; i++) worst = Math.max(worst, Math.abs(ya[i]! - yb[i]!));
  }
  return worst;
}

describe('dynamic range', async () => {
  const float = convNet();
  const { model: q, report } = await quantizeModel(float, { mode: 'dynamic' });

  it('stores conv / depthwise weights per channel and fully connected per tensor, biases float', () => {
    const conv = tensor(q, 'conv/weights');
    expect(dtypeFromCode(conv.type)).toBe('int8');
    expect(conv.quantization!.scale).toHaveLength(4);
    expect(conv.quantization!.quantizedDimension).toBe(0);
    const dw = tensor(q, 'dw/weights');
    expect(dw.quantization!.scale).toHaveLength(4);
    expect(dw.quantization!.quantizedDimension).toBe(3);
    const fc = tensor(q, 'fc/weights');
    expect(fc.quantization!.scale).toHaveLength(1);
    for (const b of ['conv/bias', 'dw/bias', 'fc/bias'])
      expect(dtypeFromCode(tensor(q, b).type)).toBe('float32');
    // Activations stay float: no tensor besides weights is quantized.
    const quantized = q.subgraphs[0]!.tensors.filter((t) => t.quantization?.scale?.length);
    expect(quantized.map((t) => t.name).sort()).toEqual(['conv/weights', 'dw/weights', 'fc/weights']);
  });

  it('writes the hybrid versions (conv 5, depthwise 6, FC 9 with asymmetric inputs) and no QUANTIZE ops', () => {
    expect(ops(q)).toEqual([
      'CONV_2D v5',
      'DEPTHWISE_CONV_2D v6',
      'AVERAGE_POOL_2D v1',
      'RESHAPE v1',
      'FULLY_CONNECTED v9',
      'SOFTMAX v1',
    ]);
    const fc = q.subgraphs[0]!.operators[4]!;
    expect(fc.builtinOptions!.values.asymmetricQuantizeInputs).toBe(true);
    expect(report.opsQuantized).toBe(3);
    expect(report.summary).toMatch(/dynamic range/);
  });

  it('runs on the hybrid kernels close to the float model', () => {
    expect(maxDiff(float, q)).toBeLessThan(0.02);
  });

  it('--per-tensor and minElements', async () => {
    const pt = (await quantizeModel(float, { mode: 'dynamic', perTensor: true })).model;
    expect(tensor(pt, 'conv/weights').quantization!.scale).toHaveLength(1);
    expect(ops(pt).slice(0, 2)).toEqual(['CONV_2D v2', 'DEPTHWISE_CONV_2D v4']);
  });
});

describe('float16', async () => {
  const float = convNet();
  const { model: q, report } = await quantizeModel(float, { mode: 'float16' });

  it('stores every float constant as float16 behind a DEQUANTIZE (v3) at the start of the graph', () => {
    const list = ops(q);
    expect(list.slice(0, 6)).toEqual(new Array(6).fill('DEQUANTIZE v3'));
    expect(list.slice(6)).toEqual([
      'CONV_2D v1',
      'DEPTHWISE_CONV_2D v1',
      'AVERAGE_POOL_2D v1',
      'RESHAPE v1',
      'FULLY_CONNECTED v1',
      'SOFTMAX v1',
    ]);
    for (const name of ['conv/weights', 'conv/bias', 'dw/weights', 'dw/bias', 'fc/weights', 'fc/bias']) {
      const f32 = tensor(q, name);
      const f16 = tensor(q, `${name}_float16`);
      expect(dtypeFromCode(f32.type)).toBe('float32');
      expect(f32.buffer).toBe(0);
      expect(dtypeFromCode(f16.type)).toBe('float16');
      // Values round to nearest float16.
      const orig = new Float32Array(bytes(float, tensor(float, name)).buffer);
      const half = new Uint16Array(bytes(q, f16).buffer);
      expect(half.length).toBe(orig.length);
      for (let i = 0; i < orig.length; i++) {
        expect(Math.abs(float16BitsToFloat32(half[i]!) - orig[i]!)).toBeLessThanOrEqual(
          Math.abs(orig[i]!) * 2 ** -11 + 2 ** -25,
        );
      }
    }
    // The int32 reshape shape is not a float constant: untouched.
    expect(dtypeFromCode(tensor(q, 'reshape/shape').type)).toBe('int32');
    expect(report.conversions).toBe(6);
  });

  it('halves the weight bytes and runs within float16 rounding of the float model', () => {
    const weights = (m: Model) => m.buffers.reduce((a, b) => a + (b.data?.byteLength ?? 0), 0);
    expect(weights(q)).toBeLessThan(weights(float) * 0.52);
    expect(maxDiff(float, q)).toBeLessThan(2e-3);
  });
});
