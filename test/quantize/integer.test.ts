/**
 * Full-integer quantization on small built models: the file follows TFLite's quantization spec
 * (per-channel symmetric int8 weights, int32 biases at input x weight scale, shared parameters
 * for pooling / reshape / concatenation, fixed SOFTMAX / LOGISTIC / TANH outputs, QUANTIZE and
 * DEQUANTIZE at float32 edges, converter op versions), runs in our runtime close to the float
 * model, and the options (io types, keep-float, 16x8, bias correction) do what they say.
 */
import { describe, expect, it } from 'vitest';
import { QuantizationError } from '../../src/errors.js';
import { builtinOpName } from '../../src/ir/builtin_ops.js';
import { dtypeFromCode } from '../../src/ir/dtype.js';
import type { Model, Tensor } from '../../src/ir/model.js';
import { writeModel } from '../../src/format/model_writer.js';
import { tensorCalibration } from '../../src/quantize/calibration/calibration_source.js';
import { calibrate } from '../../src/quantize/calibration/calibrate.js';
import { quantizeModel } from '../../src/quantize/quantize_model.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { branchNet, convNet, samples, uniform } from './helpers/models.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import { Padding } from '../../src/ir/builtin_options.js';

const ops = (m: Model) =>
  m.subgraphs[0]!.operators.map((op) => {
    const c = m.operatorCodes[op.opcodeIndex]!;
    return `${builtinOpName(c.builtinCode)} v${c.version}`;
  });
const tensor = (m: Model, name: string): Tensor => {
  const t = m.subgraphs[0]!.tensors.find((x) => x.name === name);
  if (!t) throw new Error(`no tensor ${name}`);
  return t;
};
const dtype = (t: Tensor) => dtypeFromCode(t.type);
const constant = (m: Model, t: Tensor) => m.buffers[t.buffer]!.data!;
const params = (t: Tensor) => [t.quantization!.scale![0], t.quantization!.zeroPoint![0]];

/** Runs a model (float32 inputs and outputs) on one input, returns every output. */
function run(m: Model, x: Float32Array): Float32Array[] {
  const it = new Interpreter(writeModel(m));
  it.allocateTensors();
  it.setInputFloat(0, x);
  it.invoke();
  return it.outputs.map((_, i) => it.outputFloat(i));
}

const CALIB = samples(24, 8 * 8 * 3);

describe('int8 on a conv net', async () => {
  const float = convNet();
  const { model: q, report } = await quantizeModel(float, {
    mode: 'int8',
    calibration: tensorCalibration(CALIB),
  });

  it('quantizes every op, with QUANTIZE / DEQUANTIZE at the float32 edges and the converter versions', () => {
    expect(ops(q)).toEqual([
      'QUANTIZE v1',
      'CONV_2D v3',
      'DEPTHWISE_CONV_2D v3',
      'AVERAGE_POOL_2D v2',
      'RESHAPE v1',
      'FULLY_CONNECTED v4',
      'SOFTMAX v2',
      'DEQUANTIZE v2',
    ]);
    expect(report.opsQuantized).toBe(6);
    expect(report.opsFloat).toBe(0);
    expect(report.conversions).toBe(2);
    // The boundary keeps its names and float32 type; signatures still point at them.
    const sg = q.subgraphs[0]!;
    expect(dtype(sg.tensors[sg.inputs[0]!]!)).toBe('float32');
    expect(sg.tensors[sg.inputs[0]!]!.name).toBe('input');
    expect(sg.tensors[sg.outputs[0]!]!.name).toBe('probs');
    const sig = q.signatureDefs![0]!;
    expect(sg.tensors[sig.inputs[0]!.tensorIndex]!.name).toBe('input');
    expect(sg.tensors[sig.outputs[0]!.tensorIndex]!.name).toBe('probs');
  });

  it('stores per-channel symmetric int8 weights (conv axis 0, depthwise axis 3, FC axis 0)', () => {
    for (const [name, axis, channels] of [
      ['conv/weights', 0, 4],
      ['dw/weights', 3, 4],
      ['fc/weights', 0, 10],
    ] as const) {
      const t = tensor(q, name);
      expect(dtype(t)).toBe('int8');
      expect(t.quantization!.quantizedDimension).toBe(axis);
      expect(t.quantization!.scale).toHaveLength(channels);
      expect(t.quantization!.zeroPoint).toEqual(new Array(channels).fill(0));
      const w = new Int8Array(constant(q, t).slice().buffer);
      expect(Math.min(...w)).toBeGreaterThanOrEqual(-127);
      // Each channel reaches +-127 (its scale is max|w| / 127).
      const inner = axis === 0 ? w.length / channels : 1;
      for (let c = 0; c < channels; c++) {
        let m = 0;
        for (let i = 0; i < w.length; i++) {
          const ch = axis === 0 ? Math.floor(i / inner) : i % channels;
          if (ch === c) m = Math.max(m, Math.abs(w[i]!));
        }
        expect(m).toBe(127);
      }
    }
    // The depthwise channels' scales follow their very different magnitudes.
    const s = tensor(q, 'dw/weights').quantization!.scale!;
    expect(s[2]! / s[0]!).toBeGreaterThan(20);
  });

  it('stores int32 biases with scale = input scale x weight scale and zero point 0', () => {
    for (const [bias, weights, input] of [
      ['conv/bias', 'conv/weights', 'input_int8'],
      ['dw/bias', 'dw/weights', 'conv/out'],
      ['fc/bias', 'fc/weights', 'reshape/out'],
    ] as const) {
      const b = tensor(q, bias);
      const w = tensor(q, weights);
      const sIn = tensor(q, input).quantization!.scale![0]!;
      expect(dtype(b)).toBe('int32');
      expect(b.quantization!.scale).toEqual(
        w.quantization!.scale!.map((s) => Math.fround(Math.fround(sIn) * s)),
      );
      expect(b.quantization!.zeroPoint!.every((z) => z === 0)).toBe(true);
    }
  });

  it('shares parameters across pooling and reshape, fixes the softmax output, keeps ReLU6 at [0, 6]', () => {
    expect(params(tensor(q, 'pool/out'))).toEqual(params(tensor(q, 'dw/out')));
    expect(params(tensor(q, 'reshape/out'))).toEqual(params(tensor(q, 'dw/out')));
    expect(params(tensor(q, 'probs_int8'))).toEqual([1 / 256, -128]);
    const [s, z] = params(tensor(q, 'conv/out')) as [number, number];
    expect(z).toBe(-128);
    expect(s * 255).toBeLessThanOrEqual(6.0001);
  });

  it('runs in our runtime within a few output steps of the float model', () => {
    let worst = 0;
    let sum = 0;
    let agree = 0;
    const argmax = (y: Float32Array) => y.indexOf(Math.max(...y));
    for (const x of samples(8, 8 * 8 * 3, 900)) {
      const [yf] = run(float, x);
      const [yq] = run(q, x);
      for (let i = 0; i < yf!.length; i++) {
        const d = Math.abs(yf![i]! - yq![i]!);
        worst = Math.max(worst, d);
        sum += d;
      }
      if (argmax(yf!) === argmax(yq!)) agree++;
    }
    // Probabilities in steps of 1/256: a few steps off at worst, about one on average.
    expect(worst).toBeGreaterThan(0);
    expect(worst).toBeLessThan(12 / 256);
    expect(sum / 80).toBeLessThan(1.5 / 256);
    expect(agree).toBeGreaterThanOrEqual(7);
  });
});

describe('int8 parameter constraints on branches', async () => {
  const float = branchNet();
  const { model: q } = await quantizeModel(float, {
    mode: 'int8',
    calibration: tensorCalibration(samples(16, 32, 7)),
  });

  it('gives a concatenation and all its inputs one set of parameters', () => {
    const out1 = params(tensor(q, 'out1_int8'));
    expect(params(tensor(q, 'a'))).toEqual(out1);
    expect(params(tensor(q, 'c'))).toEqual(out1);
  });

  it('fixes LOGISTIC (1/256, -128) and TANH (1/128, 0); their concatenation covers both and reads them requantized', () => {
    expect(params(tensor(q, 'sigmoid_a'))).toEqual([1 / 256, -128]);
    expect(params(tensor(q, 'tanh_c'))).toEqual([1 / 128, 0]);
    const [s, z] = params(tensor(q, 'out2_int8')) as [number, number];
    // Covers both inputs' calibrated ranges: tanh's negative values stay representable.
    expect(s * (-128 - z)).toBeLessThan(-0.5);
    expect(s * (127 - z)).toBeGreaterThan(0.5);
    const requantized = q.subgraphs[0]!.tensors.filter((t) => t.name.endsWith('_requantized'));
    expect(requantized.map((t) => t.name).sort()).toEqual(['sigmoid_a_requantized', 'tanh_c_requantized']);
    for (const t of requantized) expect(params(t)).toEqual([s, z]);
    const list = ops(q);
    expect(list.filter((o) => o.startsWith('QUANTIZE')).length).toBe(3); // input + 2 requantizes
    expect(list.filter((o) => o.startsWith('DEQUANTIZE')).length).toBe(3); // three outputs
  });

  it('quantizes the ADD constant with its own parameters; MAX_POOL shares its input parameters', () => {
    const k = tensor(q, 'k_int8');
    expect(dtype(k)).toBe('int8');
    const [s, z] = params(k) as [number, number];
    const v = Array.from(new Int8Array(constant(q, k).slice().buffer), (x) => s * (x - z));
    [0.5, -1, 2].forEach((e, i) => expect(Math.abs(v[i]! - e)).toBeLessThanOrEqual(s / 2 + 1e-7));
    expect(params(tensor(q, 'out3_int8'))).toEqual(params(tensor(q, 'sum')));
  });

  it('runs in our runtime close to the float model on every output', () => {
    const x = samples(1, 32, 555)[0]!;
    const yf = run(float, x);
    const yq = run(q, x);
    const steps = [
      params(tensor(q, 'out1_int8'))[0]!,
      params(tensor(q, 'out2_int8'))[0]!,
      params(tensor(q, 'out3_int8'))[0]!,
    ];
    yf.forEach((y, o) => {
      for (let i = 0; i < y.length; i++)
        expect(Math.abs(y[i]! - yq[o]![i]!)).toBeLessThanOrEqual(3 * steps[o]!);
    });
  });
});

describe('int8 options', () => {
  const calib = () => tensorCalibration(CALIB);

  it('--io int8 / uint8: integer boundary tensors; uint8 uses QUANTIZE uint8 <-> int8', async () => {
    const i8 = (await quantizeModel(convNet(), { mode: 'int8', calibration: calib(), io: 'int8' })).model;
    const sg = i8.subgraphs[0]!;
    expect(dtype(sg.tensors[sg.inputs[0]!]!)).toBe('int8');
    expect(dtype(sg.tensors[sg.outputs[0]!]!)).toBe('int8');
    expect(ops(i8).some((o) => o.startsWith('QUANTIZE') || o.startsWith('DEQUANTIZE'))).toBe(false);
    const u8 = (await quantizeModel(convNet(), { mode: 'int8', calibration: calib(), io: 'uint8' })).model;
    const su = u8.subgraphs[0]!;
    const input = su.tensors[su.inputs[0]!]!;
    expect(dtype(input)).toBe('uint8');
    expect(ops(u8)[0]).toBe('QUANTIZE v1');
    expect(ops(u8).at(-1)).toBe('QUANTIZE v1');
    // Same scale as the int8 tensor it feeds, zero point shifted by 128.
    const inner = tensor(u8, 'input_int8');
    expect(params(input)).toEqual([params(inner)[0], params(inner)[1]! + 128]);
    expect(params(su.tensors[su.outputs[0]!]!)).toEqual([1 / 256, 0]);
  });

  it('uint8 inputs of a model with a known normalization take raw pixels: scale 1/std, zero point mean', async () => {
    const { model } = await quantizeModel(convNet(), {
      mode: 'int8',
      calibration: calib(),
      io: 'uint8',
      inputNormalization: { mean: 128, std: 128 },
    });
    const sg = model.subgraphs[0]!;
    expect(params(sg.tensors[sg.inputs[0]!]!)).toEqual([1 / 128, 128]);
  });

  it('--keep-float leaves the named ops float between DEQUANTIZE and QUANTIZE and lists them', async () => {
    const { model, report } = await quantizeModel(convNet(), {
      mode: 'int8',
      calibration: calib(),
      keepFloat: ['SOFTMAX', 'dw/out'],
    });
    const list = ops(model);
    expect(list).toContain('SOFTMAX v1');
    expect(list).toContain('DEPTHWISE_CONV_2D v1');
    expect(report.nodes.filter((n) => !n.quantized).map((n) => [n.op, n.reason])).toEqual([
      ['DEPTHWISE_CONV_2D', '--keep-float dw/out'],
      ['SOFTMAX', '--keep-float SOFTMAX'],
    ]);
    expect(dtype(tensor(model, 'dw/weights'))).toBe('float32');
    // conv/out dequantized for the float depthwise, dw/out quantized for the pool.
    expect(dtype(tensor(model, 'conv/out_float'))).toBe('float32');
    expect(dtype(tensor(model, 'dw/out_int8'))).toBe('int8');
    const x = samples(1, 192, 77)[0]!;
    const [yf] = run(convNet(), x);
    const [yq] = run(model, x);
    for (let i = 0; i < yf!.length; i++) expect(Math.abs(yf![i]! - yq![i]!)).toBeLessThan(0.03);
  });

  it('rejects a --keep-float name that matches nothing', async () => {
    await expect(
      quantizeModel(convNet(), { mode: 'int8', calibration: calib(), keepFloat: ['SOFTMAXX'] }),
    ).rejects.toThrow(/--keep-float "SOFTMAXX" matches no op type or tensor name/);
  });

  it('--per-tensor stores one weight scale per tensor', async () => {
    const { model } = await quantizeModel(convNet(), { mode: 'int8', calibration: calib(), perTensor: true });
    expect(tensor(model, 'conv/weights').quantization!.scale).toHaveLength(1);
    expect(tensor(model, 'conv/bias').quantization!.scale).toHaveLength(1);
  });

  it('16x8: int16 activations with zero point 0, int64 biases, general-scale ADD, TFLite versions', async () => {
    const { model } = await quantizeModel(branchNet(), {
      mode: 'int16x8',
      calibration: tensorCalibration(samples(8, 32, 3)),
    });
    expect(dtype(tensor(model, 'a'))).toBe('int16');
    expect(params(tensor(model, 'a'))[1]).toBe(0);
    expect(dtype(tensor(model, 'a/w'))).toBe('int8');
    expect(dtype(tensor(model, 'a/b'))).toBe('int64');
    expect(params(tensor(model, 'sigmoid_a'))).toEqual([1 / 32768, 0]);
    const add = model.subgraphs[0]!.operators.find(
      (o) => builtinOpName(model.operatorCodes[o.opcodeIndex]!.builtinCode) === 'ADD',
    )!;
    expect(add.builtinOptions!.values.potScaleInt16).toBe(false);
    expect(ops(model)).toEqual(
      expect.arrayContaining([
        'QUANTIZE v2',
        'CONV_2D v4',
        'CONCATENATION v3',
        'LOGISTIC v3',
        'TANH v3',
        'ADD v3',
        'MAX_POOL_2D v3',
        'DEQUANTIZE v3',
      ]),
    );
    const x = samples(1, 32, 555)[0]!;
    const yf = run(branchNet(), x);
    const yq = run(model, x);
    yf.forEach((y, o) => {
      // The int8 weights' rounding dominates (int16 activations add ~1e-4).
      for (let i = 0; i < y.length; i++) expect(Math.abs(y[i]! - yq[o]![i]!)).toBeLessThan(6e-3);
    });
  });
});

describe('bias correction', () => {
  /**
   * input [1,6,6,4] in [0, 1] -> DEPTHWISE 3x3 (no activation) with per-tensor weights whose
   * channels differ 100x in magnitude: the small channels' weights round coarsely, so their
   * outputs carry a systematic error that bias correction should remove.
   */
  function dwNet(): Model {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: 'x', dtype: 'float32', shape: [1, 6, 6, 4] });
    const w = uniform(36, 31, -1, 1).map((v, i) => v * [0.01, 0.03, 1, 0.1][i % 4]!);
    const wt = b.addTensor({ name: 'w', dtype: 'float32', shape: [1, 3, 3, 4], data: w });
    const bt = b.addTensor({ name: 'b', dtype: 'float32', shape: [4], data: new Float32Array(4) });
    const y = b.addTensor({ name: 'y', dtype: 'float32', shape: [1, 6, 6, 4] });
    b.addOp({
      op: 'DEPTHWISE_CONV_2D',
      inputs: [x, wt, bt],
      outputs: [y],
      options: { padding: Padding.SAME, strideW: 1, strideH: 1, depthMultiplier: 1 },
    });
    b.setIO([x], [y]);
    return b.build();
  }

  /** Mean over channels of |mean over samples and positions of (quantized - float)|, relative to the channel's mean |output|. */
  async function channelBias(kind: 'none' | 'analytic' | 'empirical'): Promise<number[]> {
    const float = dwNet();
    const { model } = await quantizeModel(float, {
      mode: 'int8',
      calibration: tensorCalibration(samples(64, 144, 300, 0, 1)),
      biasCorrection: kind,
      perTensor: true,
    });
    const diff = new Float64Array(4);
    const mag = new Float64Array(4);
    for (const x of samples(32, 144, 700, 0, 1)) {
      const [yf] = run(float, x);
      const [yq] = run(model, x);
      for (let i = 0; i < yf!.length; i++) {
        diff[i % 4]! += yq![i]! - yf![i]!;
        mag[i % 4]! += Math.abs(yf![i]!);
      }
    }
    return Array.from(diff, (d, c) => Math.abs(d) / mag[c]!);
  }

  it('analytic and empirical correction cancel the systematic error of coarsely rounded channels', async () => {
    const none = await channelBias('none');
    const analytic = await channelBias('analytic');
    const empirical = await channelBias('empirical');
    const total = (v: number[]) => v.reduce((a, x) => a + x, 0);
    // Without correction the small channels are off by several percent on average.
    expect(Math.max(...none)).toBeGreaterThan(0.02);
    expect(total(analytic)).toBeLessThan(total(none) / 3);
    expect(total(empirical)).toBeLessThan(total(none) / 3);
  });

  it('needs statistics with patch means, and a calibration source for the empirical kind', async () => {
    const stats = await calibrate(convNet(), tensorCalibration(CALIB));
    await expect(
      quantizeModel(convNet(), { mode: 'int8', stats, biasCorrection: 'analytic' }),
    ).rejects.toThrow(QuantizationError);
    const withMeans = await calibrate(convNet(), tensorCalibration(CALIB), { patchMeans: true });
    await expect(
      quantizeModel(convNet(), { mode: 'int8', stats: withMeans, biasCorrection: 'empirical' }),
    ).rejects.toThrow(/pass `calibration`/);
  });
});
