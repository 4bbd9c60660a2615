/**
 * SVDF: float, hybrid and full-integer forms over several invokes (state carried in the variable
 * tensor), against (a) an independent history formulation of the op written out here — the
 * output at step t sums weights_time against the last memory_size feature projections — and
 * (b) tfjs-tflite (TFLite's own kernel) on the first invoke. TFLite refuses variable tensors
 * with initial data, so a peer can only check a step from the zero state; later steps are held
 * to the written-out formula.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedOpError, ShapeError } from '../../../src/errors.js';
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import type { Model } from '../../../src/ir/model.js';
import { multiplyByQuantizedMultiplier } from '../../../src/kernels/internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../../../src/kernels/internal/quantize_multiplier.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { compareTensors, formatComparison, peersAvailable } from '../../support/peers.js';
import { ints, rng, runSteps, runTfjsTflite, uniform } from './helpers.js';

interface SvdfCase {
  name: string;
  batch: number;
  inputSize: number;
  numFilters: number;
  rank: number;
  memory: number;
  bias: boolean;
  /** ActivationFunctionType: 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6, 4 TANH. */
  act: number;
}

const FLOAT_CASES: SvdfCase[] = [
  {
    name: 'rank 1, 1 unit, memory 1',
    batch: 1,
    inputSize: 3,
    numFilters: 1,
    rank: 1,
    memory: 1,
    bias: false,
    act: 0,
  },
  {
    name: 'rank 1, batch 2, relu',
    batch: 2,
    inputSize: 5,
    numFilters: 4,
    rank: 1,
    memory: 3,
    bias: true,
    act: 1,
  },
  {
    name: 'rank 2, batch 2, tanh',
    batch: 2,
    inputSize: 7,
    numFilters: 6,
    rank: 2,
    memory: 4,
    bias: true,
    act: 4,
  },
  {
    name: 'rank 3, relu6, no bias',
    batch: 3,
    inputSize: 4,
    numFilters: 9,
    rank: 3,
    memory: 5,
    bias: false,
    act: 3,
  },
  {
    name: 'rank 2, relu_n1_to_1',
    batch: 1,
    inputSize: 10,
    numFilters: 8,
    rank: 2,
    memory: 10,
    bias: true,
    act: 2,
  },
];

const STEPS = 7;

function activate(act: number, v: number): number {
  switch (act) {
    case 1:
      return Math.max(0, v);
    case 2:
      return Math.min(1, Math.max(-1, v));
    case 3:
      return Math.min(6, Math.max(0, v));
    case 4:
      return Math.tanh(v);
    default:
      return v;
  }
}

/**
 * Float64 oracle. proj[t][b][f] = dot(wf[f], x_t[b]); the state after step t holds the last
 * `memory` projections, so out_t[b][u] = act(bias[u] + sum_r sum_m wt[f][m] * proj[t-(M-1-m)][b][f])
 * with f = u*rank + r and projections before step 0 equal to 0.
 */
function floatOracle(
  c: SvdfCase,
  wf: ArrayLike<number>,
  wt: ArrayLike<number>,
  bias: ArrayLike<number> | null,
  xs: readonly ArrayLike<number>[],
): Float64Array[] {
  const units = c.numFilters / c.rank;
  const proj: Float64Array[] = [];
  return xs.map((x, t) => {
    const p = new Float64Array(c.batch * c.numFilters);
    for (let b = 0; b < c.batch; b++)
      for (let f = 0; f < c.numFilters; f++) {
        let s = 0;
        for (let k = 0; k < c.inputSize; k++) s += wf[f * c.inputSize + k]! * x[b * c.inputSize + k]!;
        p[b * c.numFilters + f] = s;
      }
    proj.push(p);
    const out = new Float64Array(c.batch * units);
    for (let b = 0; b < c.batch; b++)
      for (let u = 0; u < units; u++) {
        let s = bias ? bias[u]! : 0;
        for (let r = 0; r < c.rank; r++) {
          const f = u * c.rank + r;
          for (let m = 0; m < c.memory; m++) {
            const tt = t - (c.memory - 1 - m);
            if (tt >= 0) s += wt[f * c.memory + m]! * proj[tt]![b * c.numFilters + f]!;
          }
        }
        out[b * units + u] = activate(c.act, s);
      }
    return out;
  });
}

interface Built {
  model: Model;
  wf: ArrayLike<number>;
  wt: ArrayLike<number>;
  bias: ArrayLike<number> | null;
}

/** Adds one SVDF op (own input, state and output) to the builder; returns its weights. */
function addFloatSvdf(b: ModelBuilder, c: SvdfCase, seed: number, io: { ins: number[]; outs: number[] }) {
  const r = rng(seed);
  const units = c.numFilters / c.rank;
  const wf = uniform(r, c.numFilters * c.inputSize, -0.6, 0.6);
  const wt = uniform(r, c.numFilters * c.memory, -0.6, 0.6);
  const bias = c.bias ? uniform(r, units, -0.3, 0.3) : null;
  const x = b.addTensor({ name: `${c.name}/x`, dtype: 'float32', shape: [c.batch, c.inputSize] });
  const tf = b.addTensor({
    name: `${c.name}/wf`,
    dtype: 'float32',
    shape: [c.numFilters, c.inputSize],
    data: wf,
  });
  const tt = b.addTensor({
    name: `${c.name}/wt`,
    dtype: 'float32',
    shape: [c.numFilters, c.memory],
    data: wt,
  });
  const tb = bias ? b.addTensor({ name: `${c.name}/b`, dtype: 'float32', shape: [units], data: bias }) : -1;
  const st = b.addTensor({
    name: `${c.name}/state`,
    dtype: 'float32',
    shape: [c.batch, c.memory * c.numFilters],
    isVariable: true,
  });
  const y = b.addTensor({ name: `${c.name}/y`, dtype: 'float32', shape: [c.batch, units] });
  b.addOp({
    op: 'SVDF',
    inputs: [x, tf, tt, tb, st],
    outputs: [y],
    options: { rank: c.rank, fusedActivationFunction: c.act },
  });
  io.ins.push(x);
  io.outs.push(y);
  return { wf, wt, bias };
}

function buildFloat(c: SvdfCase, seed: number): Built {
  const b = new ModelBuilder();
  const io = { ins: [] as number[], outs: [] as number[] };
  const w = addFloatSvdf(b, c, seed, io);
  b.setIO(io.ins, io.outs);
  return { model: b.build(), ...w };
}

describe('SVDF float32', () => {
  it.each(FLOAT_CASES.map((c, i) => [c.name, c, i] as const))(
    '%s: %i steps match the history formula',
    (_, c, i) => {
      const built = buildFloat(c, 100 + i);
      const r = rng(7 + i);
      const xs = Array.from({ length: STEPS }, () => uniform(r, c.batch * c.inputSize));
      const ours = runSteps(
        built.model,
        xs.map((x) => [x]),
      );
      const want = floatOracle(c, built.wf, built.wt, built.bias, xs);
      for (let t = 0; t < STEPS; t++) {
        const got = ours[t]![0] as Float32Array;
        for (let k = 0; k < got.length; k++) {
          expect(Math.abs(got[k]! - want[t]![k]!), `step ${t} element ${k}`).toBeLessThanOrEqual(
            1e-6 + 1e-5 * Math.abs(want[t]![k]!),
          );
        }
      }
    },
  );

  it('resetVariables() restarts the memory', () => {
    const c = FLOAT_CASES[2]!;
    const built = buildFloat(c, 3);
    const r = rng(11);
    const xs = Array.from({ length: 3 }, () => uniform(r, c.batch * c.inputSize));
    const it = new Interpreter(built.model);
    it.allocateTensors();
    const run = () =>
      xs.map((x) => {
        it.input(0).set(x);
        it.invoke();
        return Array.from(it.output(0).data as Float32Array);
      });
    const first = run();
    expect(first[1]).not.toEqual(first[0]);
    it.resetVariables();
    expect(run()).toEqual(first);
  });
});

/** Integer configurations: scales chosen so the int16 state and int8 output use their range. */
interface IntCase extends SvdfCase {
  inScale: number;
  inZp: number;
  wfScale: number;
  stateScale: number;
  wtScale: number;
  outScale: number;
  outZp: number;
}

const INT_CASES: IntCase[] = [
  {
    ...{ name: 'int8 rank 1', batch: 1, inputSize: 8, numFilters: 4, rank: 1, memory: 3, bias: true, act: 1 },
    ...{
      inScale: 0.05,
      inZp: -128,
      wfScale: 0.01,
      stateScale: 0.002,
      wtScale: 0.0001,
      outScale: 0.5,
      outZp: -128,
    },
  },
  {
    ...{
      name: 'int8 rank 2 batch 2',
      batch: 2,
      inputSize: 5,
      numFilters: 6,
      rank: 2,
      memory: 4,
      bias: true,
      act: 1,
    },
    ...{
      inScale: 0.03,
      inZp: 5,
      wfScale: 0.008,
      stateScale: 0.003,
      wtScale: 0.00005,
      outScale: 0.1,
      outZp: -20,
    },
  },
  {
    ...{
      name: 'int8 no bias, memory 8',
      batch: 3,
      inputSize: 6,
      numFilters: 6,
      rank: 3,
      memory: 8,
      bias: false,
      act: 1,
    },
    ...{ inScale: 0.1, inZp: 0, wfScale: 0.02, stateScale: 0.01, wtScale: 0.00008, outScale: 1.5, outZp: 10 },
  },
];

interface IntWeights {
  wf: Int8Array;
  wt: Int16Array;
  bias: Int32Array | null;
}

function addIntSvdf(
  b: ModelBuilder,
  c: IntCase,
  seed: number,
  io: { ins: number[]; outs: number[] },
): IntWeights {
  const r = rng(seed);
  const units = c.numFilters / c.rank;
  const wf = ints(Int8Array, r, c.numFilters * c.inputSize, -127, 127);
  const wt = ints(Int16Array, r, c.numFilters * c.memory, -32767, 32767);
  const bias = c.bias ? ints(Int32Array, r, units, -40000, 40000) : null;
  const q = (s: number, z = 0) => ({ scale: [s], zeroPoint: [z] });
  const x = b.addTensor({
    name: `${c.name}/x`,
    dtype: 'int8',
    shape: [c.batch, c.inputSize],
    quant: q(c.inScale, c.inZp),
  });
  const tf = b.addTensor({
    name: `${c.name}/wf`,
    dtype: 'int8',
    shape: [c.numFilters, c.inputSize],
    data: wf,
    quant: q(c.wfScale),
  });
  const tt = b.addTensor({
    name: `${c.name}/wt`,
    dtype: 'int16',
    shape: [c.numFilters, c.memory],
    data: wt,
    quant: q(c.wtScale),
  });
  const tb = bias
    ? b.addTensor({
        name: `${c.name}/b`,
        dtype: 'int32',
        shape: [units],
        data: bias,
        quant: q(c.stateScale * c.wtScale),
      })
    : -1;
  const st = b.addTensor({
    name: `${c.name}/state`,
    dtype: 'int16',
    shape: [c.batch, c.memory * c.numFilters],
    isVariable: true,
    quant: q(c.stateScale),
  });
  const y = b.addTensor({
    name: `${c.name}/y`,
    dtype: 'int8',
    shape: [c.batch, units],
    quant: q(c.outScale, c.outZp),
  });
  b.addOp({
    op: 'SVDF',
    inputs: [x, tf, tt, tb, st],
    outputs: [y],
    options: { rank: c.rank, fusedActivationFunction: c.act },
  });
  io.ins.push(x);
  io.outs.push(y);
  return { wf, wt, bias };
}

/**
 * TFLite's integer SVDF written out over the projection history:
 *   proj_t[b,f] = sat16(MBQM(sum_k wf[f,k] * (x_t[b,k] - in_zp), M1))
 *   out_t[b,u]  = sat8(MBQM(bias[u] + sum_r sum_m wt[f,m] * proj_{t-(M-1-m)}[b,f], M2) + out_zp)
 * with M1 = in_scale*wf_scale/state_scale and M2 = state_scale*wt_scale/out_scale (float32 math).
 */
function intOracle(c: IntCase, w: IntWeights, xs: readonly Int8Array[]): Int8Array[] {
  const fr = Math.fround;
  const m1 = quantizeMultiplier(fr(fr(fr(c.inScale) * fr(c.wfScale)) / fr(c.stateScale)));
  const m2 = quantizeMultiplier(fr(fr(fr(c.stateScale) * fr(c.wtScale)) / fr(c.outScale)));
  const units = c.numFilters / c.rank;
  const proj: Int32Array[] = [];
  return xs.map((x, t) => {
    const p = new Int32Array(c.batch * c.numFilters);
    for (let b = 0; b < c.batch; b++)
      for (let f = 0; f < c.numFilters; f++) {
        let s = 0;
        for (let k = 0; k < c.inputSize; k++)
          s += w.wf[f * c.inputSize + k]! * (x[b * c.inputSize + k]! - c.inZp);
        p[b * c.numFilters + f] = Math.max(
          -32768,
          Math.min(32767, multiplyByQuantizedMultiplier(s, m1.multiplier, m1.shift)),
        );
      }
    proj.push(p);
    const out = new Int8Array(c.batch * units);
    for (let b = 0; b < c.batch; b++)
      for (let u = 0; u < units; u++) {
        let s = w.bias ? w.bias[u]! : 0;
        for (let r = 0; r < c.rank; r++) {
          const f = u * c.rank + r;
          for (let m = 0; m < c.memory; m++) {
            const tt = t - (c.memory - 1 - m);
            if (tt >= 0) s += w.wt[f * c.memory + m]! * proj[tt]![b * c.numFilters + f]!;
          }
        }
        out[b * units + u] = Math.max(
          -128,
          Math.min(127, multiplyByQuantizedMultiplier(s, m2.multiplier, m2.shift) + c.outZp),
        );
      }
    return out;
  });
}

describe('SVDF int8 (int16 state)', () => {
  const build = () => {
    const b = new ModelBuilder();
    const io = { ins: [] as number[], outs: [] as number[] };
    const weights = INT_CASES.map((c, i) => addIntSvdf(b, c, 200 + i, io));
    b.setIO(io.ins, io.outs);
    return { model: b.build(), weights };
  };
  const inputs = (seed: number) => {
    const r = rng(seed);
    return INT_CASES.map((c) => ints(Int8Array, r, c.batch * c.inputSize, -128, 127));
  };

  it('matches the written-out integer formula over 9 invokes', () => {
    const { model, weights } = build();
    const steps = Array.from({ length: 9 }, (_, t) => inputs(50 + t));
    const ours = runSteps(model, steps);
    INT_CASES.forEach((c, k) => {
      const want = intOracle(
        c,
        weights[k]!,
        steps.map((s) => s[k]!),
      );
      let nonSaturated = 0;
      for (let t = 0; t < steps.length; t++) {
        expect(Array.from(ours[t]![k] as Int8Array), `${c.name}, step ${t}`).toEqual(Array.from(want[t]!));
        nonSaturated += Array.from(want[t]!).filter((v) => v > -128 && v < 127).length;
      }
      // The scales keep most outputs inside the int8 range, so the check is not vacuous.
      expect(nonSaturated, c.name).toBeGreaterThan(steps.length);
    });
  });

  it.skipIf(!peersAvailable())(
    'first invoke equals tfjs-tflite byte for byte',
    async () => {
      const { model } = build();
      const xs = inputs(99);
      const ours = runSteps(model, [xs])[0]!;
      const peer = await runTfjsTflite(model, xs);
      INT_CASES.forEach((c, k) => {
        const cmp = compareTensors(new Uint8Array(ours[k]!.buffer), peer.outputs[k]!.data, {
          dtype: 'int8',
          name: c.name,
        });
        expect(cmp.ok, formatComparison(cmp)).toBe(true);
      });
    },
    120_000,
  );
});

describe('SVDF hybrid (float input, int8 weights)', () => {
  const cases: { c: SvdfCase; asymmetric: boolean }[] = [
    {
      c: {
        name: 'hybrid symmetric',
        batch: 2,
        inputSize: 9,
        numFilters: 6,
        rank: 2,
        memory: 4,
        bias: true,
        act: 1,
      },
      asymmetric: false,
    },
    {
      c: {
        name: 'hybrid asymmetric',
        batch: 3,
        inputSize: 5,
        numFilters: 4,
        rank: 1,
        memory: 3,
        bias: true,
        act: 0,
      },
      asymmetric: true,
    },
  ];
  const build = () => {
    const b = new ModelBuilder();
    const ins: number[] = [];
    const outs: number[] = [];
    const weights = cases.map(({ c, asymmetric }, i) => {
      const r = rng(300 + i);
      const units = c.numFilters / c.rank;
      const wf = ints(Int8Array, r, c.numFilters * c.inputSize, -127, 127);
      const wt = ints(Int8Array, r, c.numFilters * c.memory, -127, 127);
      const bias = uniform(r, units, -0.2, 0.2);
      const x = b.addTensor({ name: `${c.name}/x`, dtype: 'float32', shape: [c.batch, c.inputSize] });
      const tf = b.addTensor({
        name: `${c.name}/wf`,
        dtype: 'int8',
        shape: [c.numFilters, c.inputSize],
        data: wf,
        quant: { scale: [0.004], zeroPoint: [0] },
      });
      const tt = b.addTensor({
        name: `${c.name}/wt`,
        dtype: 'int8',
        shape: [c.numFilters, c.memory],
        data: wt,
        quant: { scale: [0.006], zeroPoint: [0] },
      });
      const tb = b.addTensor({ name: `${c.name}/b`, dtype: 'float32', shape: [units], data: bias });
      const st = b.addTensor({
        name: `${c.name}/state`,
        dtype: 'float32',
        shape: [c.batch, c.memory * c.numFilters],
        isVariable: true,
      });
      const y = b.addTensor({ name: `${c.name}/y`, dtype: 'float32', shape: [c.batch, units] });
      b.addOp({
        op: 'SVDF',
        inputs: [x, tf, tt, tb, st],
        outputs: [y],
        options: { rank: c.rank, fusedActivationFunction: c.act, asymmetricQuantizeInputs: asymmetric },
      });
      ins.push(x);
      outs.push(y);
      return {
        wf: Array.from(wf, (v) => v * Math.fround(0.004)),
        wt: Array.from(wt, (v) => Math.fround(v * Math.fround(0.006))),
        bias,
      };
    });
    b.setIO(ins, outs);
    return { model: b.build(), weights };
  };
  const inputs = (seed: number) => {
    const r = rng(seed);
    return cases.map(({ c }) => uniform(r, c.batch * c.inputSize, -2, 2));
  };

  it('tracks the float formula within the int8 input quantization error over 6 invokes', () => {
    const { model, weights } = build();
    const steps = Array.from({ length: 6 }, (_, t) => inputs(70 + t));
    const ours = runSteps(model, steps);
    cases.forEach(({ c }, k) => {
      const want = floatOracle(
        c,
        weights[k]!.wf,
        weights[k]!.wt,
        weights[k]!.bias,
        steps.map((s) => s[k]!),
      );
      for (let t = 0; t < steps.length; t++) {
        const got = ours[t]![k] as Float32Array;
        // Per-row int8 quantization of the input: |error| <= 0.5/127 of the row's max |x| per
        // element, summed over input_size and the memory; 0.02 bounds it for these weights.
        for (let e = 0; e < got.length; e++) expect(Math.abs(got[e]! - want[t]![e]!)).toBeLessThan(0.02);
      }
    });
  });

  it.skipIf(!peersAvailable())(
    'first invoke equals tfjs-tflite within float32 rounding',
    async () => {
      const { model } = build();
      const xs = inputs(123);
      const ours = runSteps(model, [xs])[0]!;
      const peer = await runTfjsTflite(model, xs);
      cases.forEach(({ c }, k) => {
        const cmp = compareTensors(new Uint8Array(ours[k]!.buffer), peer.outputs[k]!.data, {
          dtype: 'float32',
          rtol: 1e-5,
          atol: 1e-6,
          name: c.name,
        });
        expect(cmp.ok, formatComparison(cmp)).toBe(true);
      });
    },
    120_000,
  );
});

describe('SVDF errors', () => {
  const model = (opts: { rank: number; act: number; dtype: 'float32' | 'int8' }) => {
    const b = new ModelBuilder();
    const q = opts.dtype === 'int8' ? { scale: [0.1], zeroPoint: [0] } : undefined;
    const x = b.addTensor({ name: 'x', dtype: opts.dtype, shape: [1, 4], ...(q ? { quant: q } : {}) });
    const wf = b.addTensor({
      name: 'wf',
      dtype: opts.dtype,
      shape: [6, 4],
      data: opts.dtype === 'int8' ? new Int8Array(24) : new Float32Array(24),
      ...(q ? { quant: q } : {}),
    });
    const wt = b.addTensor({
      name: 'wt',
      dtype: opts.dtype === 'int8' ? 'int16' : 'float32',
      shape: [6, 2],
      data: opts.dtype === 'int8' ? new Int16Array(12) : new Float32Array(12),
      ...(q ? { quant: q } : {}),
    });
    const st = b.addTensor({
      name: 'state',
      dtype: opts.dtype === 'int8' ? 'int16' : 'float32',
      shape: [1, 12],
      isVariable: true,
      ...(q ? { quant: q } : {}),
    });
    const y = b.addTensor({
      name: 'y',
      dtype: opts.dtype,
      shape: [1, 6 / opts.rank],
      ...(q ? { quant: q } : {}),
    });
    b.addOp({
      op: 'SVDF',
      inputs: [x, wf, wt, -1, st],
      outputs: [y],
      options: { rank: opts.rank, fusedActivationFunction: opts.act },
    });
    b.setIO([x], [y]);
    return b.build();
  };
  it('a rank that does not divide num_filters is a ShapeError at allocateTensors', () => {
    const it = new Interpreter(model({ rank: 4, act: 0, dtype: 'float32' }));
    expect(() => it.allocateTensors()).toThrow(ShapeError);
  });
  it('integer SVDF with TANH is an UnsupportedOpError naming the activation', () => {
    const it = new Interpreter(model({ rank: 2, act: 4, dtype: 'int8' }));
    expect(() => it.allocateTensors()).toThrow(UnsupportedOpError);
    expect(() => it.allocateTensors()).toThrow(/RELU/);
  });
});
