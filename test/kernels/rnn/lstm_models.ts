/**
 * Builds single-op UNIDIRECTIONAL_SEQUENCE_LSTM models for the tests: every TFLite variant
 * (CIFG, peephole, projection with bias and clip, layer norm, cell clip, time-major) in the
 * float32, hybrid (int8 weights) and full-integer 8x8->16 forms, with seeded weights. Several
 * LSTM ops go into one model (each with its own input, states and output), so one peer run
 * checks them all.
 */
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { ModelBuilder } from '../../../src/ir/model_builder.js';
import { ints, rng, uniform } from './helpers.js';

/** One LSTM configuration. */
export interface LstmSpec {
  name: string;
  batch: number;
  time: number;
  nInput: number;
  nCell: number;
  /** n_output; must equal nCell unless `projection`. */
  nOutput: number;
  timeMajor: boolean;
  cifg: boolean;
  peephole: boolean;
  projection: boolean;
  projectionBias: boolean;
  layerNorm: boolean;
  cellClip: number;
  projClip: number;
  /** Fused activation (4 = TANH). */
  act: number;
}

const base: LstmSpec = {
  name: '',
  batch: 1,
  time: 3,
  nInput: 5,
  nCell: 4,
  nOutput: 4,
  timeMajor: false,
  cifg: false,
  peephole: false,
  projection: false,
  projectionBias: false,
  layerNorm: false,
  cellClip: 0,
  projClip: 0,
  act: 4,
};

/** The variants every form is tested with. */
export const LSTM_SPECS: LstmSpec[] = [
  { ...base, name: 'basic, batch 2', batch: 2, time: 4 },
  {
    ...base,
    name: 'CIFG + peephole, time-major, batch 3',
    batch: 3,
    timeMajor: true,
    cifg: true,
    peephole: true,
  },
  {
    ...base,
    name: 'projection + bias + clips',
    time: 5,
    nCell: 6,
    nOutput: 3,
    projection: true,
    projectionBias: true,
    cellClip: 0.6,
    projClip: 0.25,
  },
  {
    ...base,
    name: 'layer norm + peephole, batch 2',
    batch: 2,
    nCell: 8,
    nOutput: 8,
    layerNorm: true,
    peephole: true,
  },
  {
    ...base,
    name: 'layer norm + CIFG + projection, time-major',
    batch: 2,
    timeMajor: true,
    nCell: 8,
    nOutput: 5,
    layerNorm: true,
    cifg: true,
    projection: true,
  },
];

/** Float32 only: an activation other than TANH. */
export const LSTM_SPEC_RELU: LstmSpec = {
  ...base,
  name: 'relu activation, peephole',
  peephole: true,
  act: 1,
};

export type LstmForm = 'float' | 'hybrid' | 'integer';

/** Quantization of the integer form's activations (the weights get their own scales). */
const INT_Q = {
  input: { scale: 1 / 128, zp: 3 },
  outputState: { scale: 1 / 128, zp: -2 },
  cellState: 2 ** -11,
  hidden: { scale: 1 / 128, zp: 0 },
  hiddenWithProjection: { scale: 1 / 100, zp: 4 },
  gate: 2 ** -12,
  layerNormGate: 2 ** -10,
};

/** What the test needs to feed and read one LSTM op of a built model. */
export interface BuiltLstm {
  spec: LstmSpec;
  form: LstmForm;
  inputIndex: number;
  outputIndex: number;
  inputDtype: DType;
  /** The float weights (dequantized for quantized forms), for the float64 oracle. */
  float: FloatWeights;
}

/** Float values of every tensor, per gate (null where absent). */
export interface FloatWeights {
  W: (Float64Array | null)[];
  R: (Float64Array | null)[];
  P: (Float64Array | null)[];
  B: (Float64Array | null)[];
  LN: (Float64Array | null)[];
  proj: Float64Array | null;
  projBias: Float64Array | null;
}

const toF64 = (a: ArrayLike<number>, scale = 1) =>
  Float64Array.from(a as ArrayLike<number>, (v) => v * scale);

/**
 * Adds one LSTM op of the given form to the builder. Returns where its input and output are.
 */
export function addLstm(b: ModelBuilder, spec: LstmSpec, form: LstmForm, seed: number): BuiltLstm {
  const r = rng(seed);
  const { nInput, nCell, nOutput } = spec;
  const n = (s: string) => `${spec.name}/${s}`;
  const float: FloatWeights = { W: [], R: [], P: [], B: [], LN: [], proj: null, projBias: null };
  const inputs: number[] = new Array(24).fill(-1);
  const q = (scale: number, zp = 0) => ({ scale: [scale], zeroPoint: [zp] });

  // Activations.
  const xShape = spec.timeMajor ? [spec.time, spec.batch, nInput] : [spec.batch, spec.time, nInput];
  const yShape = spec.timeMajor ? [spec.time, spec.batch, nOutput] : [spec.batch, spec.time, nOutput];
  const intForm = form === 'integer';
  const hiddenQ = spec.projection ? INT_Q.hiddenWithProjection : INT_Q.hidden;
  inputs[0] = b.addTensor({
    name: n('x'),
    dtype: intForm ? 'int8' : 'float32',
    shape: xShape,
    ...(intForm ? { quant: q(INT_Q.input.scale, INT_Q.input.zp) } : {}),
  });

  // A weight matrix/vector: float values in [-a, a]; int8 (or int16) with a per-tensor scale.
  const weight = (
    name: string,
    shape: number[],
    a: number,
    dtype: 'int8' | 'int16' = 'int8',
  ): [number, Float64Array] => {
    const count = shape.reduce((x, y) => x * y, 1);
    if (form === 'float') {
      const v = uniform(r, count, -a, a);
      return [b.addTensor({ name: n(name), dtype: 'float32', shape, data: v }), toF64(v)];
    }
    const max = dtype === 'int8' ? 127 : 32767;
    const scale = Math.fround(a / max);
    const v = dtype === 'int8' ? ints(Int8Array, r, count, -max, max) : ints(Int16Array, r, count, -max, max);
    return [b.addTensor({ name: n(name), dtype, shape, data: v, quant: q(scale) }), toF64(v, scale)];
  };
  // A bias: float, or int32 with the given scale.
  const bias = (name: string, count: number, a: number, scale: number): [number, Float64Array] => {
    if (form !== 'integer') {
      const v = uniform(r, count, -a, a);
      return [b.addTensor({ name: n(name), dtype: 'float32', shape: [count], data: v }), toF64(v)];
    }
    const lim = Math.round(a / scale);
    const v = ints(Int32Array, r, count, -lim, lim);
    return [
      b.addTensor({ name: n(name), dtype: 'int32', shape: [count], data: v, quant: q(scale) }),
      toF64(v, scale),
    ];
  };

  const lnScale = 1 / 16384; // int16 layer norm coefficients around 1.0
  for (let g = 0; g < 4; g++) {
    const present = !(g === 0 && spec.cifg);
    if (!present) {
      float.W.push(null);
      float.R.push(null);
      float.B.push(null);
      float.LN.push(null);
      continue;
    }
    const [wi, wv] = weight(`W${g}`, [nCell, nInput], 0.5);
    const [ri, rv] = weight(`R${g}`, [nCell, nOutput], 0.5);
    inputs[1 + g] = wi;
    inputs[5 + g] = ri;
    float.W.push(wv);
    float.R.push(rv);
    // Integer biases are in the input x weight scale (or layer-norm scale / 1024 with layer norm).
    const wScale = 0.5 / 127;
    const biasScale = spec.layerNorm ? lnScale / 1024 : INT_Q.input.scale * wScale;
    const [bi, bv] = bias(`b${g}`, nCell, g === 1 ? 0.8 : 0.3, biasScale);
    inputs[12 + g] = bi;
    float.B.push(bv);
    if (spec.layerNorm) {
      const count = nCell;
      if (form === 'integer') {
        const v = ints(Int16Array, r, count, 8000, 24000);
        inputs[20 + g] = b.addTensor({
          name: n(`ln${g}`),
          dtype: 'int16',
          shape: [count],
          data: v,
          quant: q(lnScale),
        });
        float.LN.push(toF64(v, lnScale));
      } else {
        const v = uniform(r, count, 0.5, 1.5);
        inputs[20 + g] = b.addTensor({ name: n(`ln${g}`), dtype: 'float32', shape: [count], data: v });
        float.LN.push(toF64(v));
      }
    } else float.LN.push(null);
  }
  for (const g of [0, 1, 3]) {
    const slot = g === 0 ? 9 : g === 1 ? 10 : 11;
    if (!spec.peephole || (g === 0 && spec.cifg)) {
      float.P[g] = null;
      continue;
    }
    const [pi, pv] = weight(`P${g}`, [nCell], 0.5, form === 'integer' ? 'int16' : 'int8');
    inputs[slot] = pi;
    float.P[g] = pv;
  }
  float.P[2] = null;
  if (spec.projection) {
    const [pi, pv] = weight('proj', [nOutput, nCell], 0.6);
    inputs[16] = pi;
    float.proj = pv;
    if (spec.projectionBias) {
      const [bi, bv] = bias('projBias', nOutput, 0.1, hiddenQ.scale * (0.6 / 127));
      inputs[17] = bi;
      float.projBias = bv;
    }
  }
  // States.
  inputs[18] = b.addTensor({
    name: n('output_state'),
    dtype: intForm ? 'int8' : 'float32',
    shape: [spec.batch, nOutput],
    isVariable: true,
    ...(intForm ? { quant: q(INT_Q.outputState.scale, INT_Q.outputState.zp) } : {}),
  });
  inputs[19] = b.addTensor({
    name: n('cell_state'),
    dtype: intForm ? 'int16' : 'float32',
    shape: [spec.batch, nCell],
    isVariable: true,
    ...(intForm ? { quant: q(INT_Q.cellState) } : {}),
  });
  const out = b.addTensor({
    name: n('y'),
    dtype: intForm ? 'int8' : 'float32',
    shape: yShape,
    ...(intForm ? { quant: q(INT_Q.outputState.scale, INT_Q.outputState.zp) } : {}),
  });
  const intermediates: number[] = [];
  if (intForm) {
    const gateScale = spec.layerNorm ? INT_Q.layerNormGate : INT_Q.gate;
    for (let g = 0; g < 4; g++) {
      intermediates.push(
        b.addTensor({ name: n(`gate${g}`), dtype: 'int16', shape: [0], quant: q(gateScale) }),
      );
    }
    intermediates.push(
      b.addTensor({ name: n('hidden'), dtype: 'int8', shape: [0], quant: q(hiddenQ.scale, hiddenQ.zp) }),
    );
  }
  b.addOp({
    op: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
    inputs,
    outputs: [out],
    options: {
      fusedActivationFunction: spec.act,
      cellClip: spec.cellClip,
      projClip: spec.projClip,
      timeMajor: spec.timeMajor,
      asymmetricQuantizeInputs: form === 'hybrid' && seed % 2 === 1,
    },
    ...(intForm ? { intermediates } : {}),
  });
  return {
    spec,
    form,
    inputIndex: inputs[0]!,
    outputIndex: out,
    inputDtype: intForm ? 'int8' : 'float32',
    float,
  };
}

/** A seeded input for one built LSTM (floats in [-1, 1), or every int8 value). */
export function lstmInput(l: BuiltLstm, seed: number): TypedArray {
  const r = rng(seed);
  const count = l.spec.batch * l.spec.time * l.spec.nInput;
  return l.inputDtype === 'int8' ? ints(Int8Array, r, count, -128, 127) : uniform(r, count);
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function activation(act: number, x: number): number {
  switch (act) {
    case 1:
      return Math.max(0, x);
    case 3:
      return Math.min(6, Math.max(0, x));
    case 4:
      return Math.tanh(x);
    default:
      return x;
  }
}

/**
 * Float64 LSTM written out from the equations (see lstm_float.ts), over the whole sequence from
 * the zero state. Input/output layout follow spec.timeMajor.
 */
export function lstmOracle(spec: LstmSpec, w: FloatWeights, x: ArrayLike<number>): Float64Array {
  const { batch, time, nInput, nCell, nOutput } = spec;
  const y = new Float64Array(batch * time * nOutput);
  const idx = (b: number, t: number) => (spec.timeMajor ? t * batch + b : b * time + t);
  for (let b = 0; b < batch; b++) {
    let h = new Float64Array(nOutput);
    const c = new Float64Array(nCell);
    for (let t = 0; t < time; t++) {
      const xo = idx(b, t) * nInput;
      const pre = (g: number, cell: Float64Array): Float64Array => {
        const v = new Float64Array(nCell);
        for (let k = 0; k < nCell; k++) {
          let s = spec.layerNorm ? 0 : w.B[g]![k]!;
          for (let j = 0; j < nInput; j++) s += w.W[g]![k * nInput + j]! * x[xo + j]!;
          for (let j = 0; j < nOutput; j++) s += w.R[g]![k * nOutput + j]! * h[j]!;
          if (w.P[g]) s += w.P[g]![k]! * cell[k]!;
          v[k] = s;
        }
        if (spec.layerNorm) {
          const mean = v.reduce((a, e) => a + e, 0) / nCell;
          const variance = v.reduce((a, e) => a + (e - mean) ** 2, 0) / nCell;
          for (let k = 0; k < nCell; k++)
            v[k] = ((v[k]! - mean) / Math.sqrt(variance + 1e-8)) * w.LN[g]![k]! + w.B[g]![k]!;
        }
        return v;
      };
      const fg = pre(1, c).map(sigmoid);
      const ig = spec.cifg ? fg.map((v) => 1 - v) : pre(0, c).map(sigmoid);
      const gg = pre(2, c).map((v) => activation(spec.act, v));
      for (let k = 0; k < nCell; k++) {
        let v = fg[k]! * c[k]! + ig[k]! * gg[k]!;
        if (spec.cellClip > 0) v = Math.max(-spec.cellClip, Math.min(spec.cellClip, v));
        c[k] = v;
      }
      const og = pre(3, c).map(sigmoid);
      const hidden = og.map((v, k) => v * activation(spec.act, c[k]!));
      if (w.proj) {
        const hn = new Float64Array(nOutput);
        for (let j = 0; j < nOutput; j++) {
          let s = w.projBias ? w.projBias[j]! : 0;
          for (let k = 0; k < nCell; k++) s += w.proj[j * nCell + k]! * hidden[k]!;
          if (spec.projClip > 0) s = Math.max(-spec.projClip, Math.min(spec.projClip, s));
          hn[j] = s;
        }
        h = hn;
      } else h = hidden;
      y.set(h, idx(b, t) * nOutput);
    }
  }
  return y;
}
