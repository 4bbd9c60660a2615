/**
 * SVDF: a fully connected layer factored into a feature projection and a per-filter filter over
 * time (https://research.google.com/pubs/archive/43813.pdf), with its activation memory kept in a
 * variable tensor across invokes.
 *
 * Inputs: 0 input [batch, input_size], 1 weights_feature [num_filters, input_size],
 * 2 weights_time [num_filters, memory_size], 3 bias [num_units] (optional),
 * 4 state [batch, memory_size * num_filters] (variable). Output [batch, num_units] with
 * num_units = num_filters / rank.
 *
 * One step, for each batch row b (TFLite reference/svdf.h):
 *   state[b, f, memory_size-1] = dot(weights_feature[f], input[b])        (newest column)
 *   scratch[b, f] = dot(weights_time[f], state[b, f, :])
 *   output[b, u] = act(bias[u] + sum_{r < rank} scratch[b, u*rank + r])
 *   state[b, f, :] shifts left by one, the newest column becomes 0
 *
 * Three forms, as TFLite:
 * - float32 everything (error: float32 sums, relative error about 1e-6 on well-conditioned outputs);
 * - hybrid: float input and state, int8 weights_feature and weights_time; each input row is
 *   quantized to int8 on the fly (symmetric, or asymmetric with `asymmetric_quantize_inputs`),
 *   weights_time is dequantized; float results as TFLite's float32 arithmetic;
 * - full integer: int8 input/output, int8 weights_feature, int16 weights_time and state, int32
 *   bias; two requantizations, input*weights_feature -> state (int16, saturated) and
 *   state*weights_time -> output (int8), bit-exact with TFLite's EvalIntegerSVDF.
 */
import { FusedActivation, applyFusedActivation, isKnownFusedActivation } from './fused_activation.js';
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  expectDtype,
  expectRank,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import {
  hybridMatVecAccumulate,
  int8RowSums,
  quantizeFloatsRow,
  type RowQuantization,
} from '../internal/hybrid_quantize.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { type QuantizedMultiplier, quantizeMultiplier } from '../internal/quantize_multiplier.js';

const f = Math.fround;

type SvdfMode = 'float' | 'hybrid' | 'integer';

interface SvdfData {
  mode: SvdfMode;
  batch: number;
  inputSize: number;
  numFilters: number;
  numUnits: number;
  rank: number;
  memorySize: number;
  activation: number;
  hasBias: boolean;
  /** Scratch: per-filter time products, [batch, num_filters] (float32 or int32). */
  scratch: number;
  // Hybrid.
  /** Scratch: the quantized input, [batch, input_size] int8. */
  quantizedInput: number;
  featureScale: number;
  asymmetric: boolean;
  /** weights_time * scale as float32 (computed once from the constant weights). */
  weightsTimeFloat: Float32Array | null;
  /** Row sums of weights_feature (asymmetric inputs only). */
  rowSums: Int32Array | null;
  // Integer.
  scale1: QuantizedMultiplier;
  scale2: QuantizedMultiplier;
  inputZeroPoint: number;
  outputZeroPoint: number;
}

/** Returns the per-tensor scale of a quantized tensor, or throws naming what is missing. */
function scaleOf(node: KernelNode, t: KernelTensor, role: string): number {
  const s = t.quant?.scale[0];
  if (s === undefined) throw unsupported(node, `${role} ${JSON.stringify(t.name)} must be quantized`);
  // Scales are float32 in a model file; round in case an in-memory model holds doubles.
  return Math.fround(s);
}

function zeroPointOf(t: KernelTensor): number {
  return t.quant?.zeroPoint[0] ?? 0;
}

export const svdfKernel: Kernel<SvdfData> = {
  op: 'SVDF',
  stateful: true,
  prepare(node, ctx) {
    const opts = optionsOf(node, 'SVDFOptions');
    const x = input(node, 0);
    const wf = input(node, 1);
    const wt = input(node, 2);
    const bias = node.inputs[3] ?? null;
    const state = input(node, 4);
    const y = output(node, 0);
    expectRank(node, x, 2, 'input');
    expectRank(node, wf, 2, 'weights_feature');
    expectRank(node, wt, 2, 'weights_time');
    expectRank(node, state, 2, 'state');
    const rank = opts.rank;
    const [batch, inputSize] = x.shape as [number, number];
    const numFilters = wf.shape[0]!;
    const memorySize = wt.shape[1]!;
    if (rank <= 0 || numFilters % rank !== 0) {
      throw shapeError(node, `rank ${rank} must be positive and divide num_filters ${numFilters}`);
    }
    const numUnits = numFilters / rank;
    if (wf.shape[1] !== inputSize) {
      throw shapeError(node, `weights_feature [${wf.shape}] does not match input size ${inputSize}`);
    }
    if (wt.shape[0] !== numFilters) {
      throw shapeError(node, `weights_time [${wt.shape}] must have ${numFilters} rows (num_filters)`);
    }
    if (bias && (bias.shape.length !== 1 || bias.shape[0] !== numUnits)) {
      throw shapeError(node, `bias [${bias.shape}] must be [${numUnits}] (num_units)`);
    }
    if (state.shape[0] !== batch || state.shape[1] !== memorySize * numFilters) {
      throw shapeError(
        node,
        `state [${state.shape}] must be [${batch}, ${memorySize * numFilters}] (batch, memory_size * num_filters)`,
      );
    }
    if (!state.isVariable) {
      throw shapeError(node, `state ${JSON.stringify(state.name)} (input 4) must be a variable tensor`);
    }
    if (!isKnownFusedActivation(opts.fusedActivationFunction)) {
      throw unsupported(node, `fused activation ${opts.fusedActivationFunction}`);
    }
    y.shape = [batch, numUnits];

    let mode: SvdfMode;
    if (x.dtype === 'float32' && wf.dtype === 'float32') mode = 'float';
    else if (x.dtype === 'float32' && wf.dtype === 'int8') mode = 'hybrid';
    else if (x.dtype === 'int8') mode = 'integer';
    else {
      throw unsupported(
        node,
        `input ${x.dtype} with weights_feature ${wf.dtype}; supported: float32/float32 (float), ` +
          'float32/int8 (hybrid), int8/int8 (full integer)',
      );
    }
    const data: SvdfData = {
      mode,
      batch,
      inputSize,
      numFilters,
      numUnits,
      rank,
      memorySize,
      activation: opts.fusedActivationFunction,
      hasBias: bias !== null,
      scratch: ctx.requestScratch(batch * numFilters * 4),
      quantizedInput: -1,
      featureScale: 1,
      asymmetric: opts.asymmetricQuantizeInputs,
      weightsTimeFloat: null,
      rowSums: null,
      scale1: { multiplier: 0, shift: 0 },
      scale2: { multiplier: 0, shift: 0 },
      inputZeroPoint: 0,
      outputZeroPoint: 0,
    };

    if (mode === 'float') {
      expectDtype(node, wt, ['float32'], 'weights_time');
      if (bias) expectDtype(node, bias, ['float32'], 'bias');
      expectDtype(node, state, ['float32'], 'state');
      expectDtype(node, y, ['float32'], 'output');
    } else if (mode === 'hybrid') {
      expectDtype(node, wt, ['int8'], 'weights_time');
      if (bias) expectDtype(node, bias, ['float32'], 'bias');
      expectDtype(node, state, ['float32'], 'state');
      expectDtype(node, y, ['float32'], 'output');
      if (!wf.isConst || !wt.isConst) {
        throw unsupported(node, 'hybrid SVDF needs constant weights_feature and weights_time');
      }
      data.featureScale = scaleOf(node, wf, 'weights_feature');
      const timeScale = scaleOf(node, wt, 'weights_time');
      const wtq = wt.data as Int8Array;
      // Dequantized once, as TFLite's float_weights_time temporary (float32 products).
      data.weightsTimeFloat = Float32Array.from(wtq, (v) => f(v * timeScale));
      if (data.asymmetric) data.rowSums = int8RowSums(wf.data as Int8Array, numFilters, inputSize);
      data.quantizedInput = ctx.requestScratch(batch * inputSize);
    } else {
      expectDtype(node, wf, ['int8'], 'weights_feature');
      expectDtype(node, wt, ['int16'], 'weights_time');
      if (bias) expectDtype(node, bias, ['int32'], 'bias');
      expectDtype(node, state, ['int16'], 'state');
      expectDtype(node, y, ['int8'], 'output');
      // TFLite's integer kernel accepts only RELU and applies nothing beyond the int8 clamp.
      if (opts.fusedActivationFunction !== FusedActivation.RELU) {
        throw unsupported(
          node,
          `integer SVDF supports fused activation RELU only, not ${opts.fusedActivationFunction}`,
        );
      }
      const sIn = scaleOf(node, x, 'input');
      const sWf = scaleOf(node, wf, 'weights_feature');
      const sState = scaleOf(node, state, 'state');
      const sWt = scaleOf(node, wt, 'weights_time');
      const sOut = scaleOf(node, y, 'output');
      // svdf.cc computes these products and quotients in float before widening to double.
      data.scale1 = quantizeMultiplier(f(f(sIn * sWf) / sState));
      data.scale2 = quantizeMultiplier(f(f(sState * sWt) / sOut));
      data.inputZeroPoint = zeroPointOf(x);
      data.outputZeroPoint = zeroPointOf(y);
    }
    return data;
  },
  eval(node, d, ctx) {
    const scratch = ctx.scratch(d.scratch);
    if (d.mode === 'integer') {
      evalInteger(node, d, new Int32Array(scratch.buffer, scratch.byteOffset, d.batch * d.numFilters));
      return;
    }
    const s = new Float32Array(scratch.buffer, scratch.byteOffset, d.batch * d.numFilters);
    if (d.mode === 'float') featureFloat(node, d);
    else {
      const q = ctx.scratch(d.quantizedInput);
      featureHybrid(node, d, new Int8Array(q.buffer, q.byteOffset, d.batch * d.inputSize));
    }
    timeBiasActivationFloat(node, d, s);
  },
};

/** Float: state[b, f, newest] = dot(weights_feature[f], input[b]). */
function featureFloat(node: KernelNode, d: SvdfData): void {
  const x = input(node, 0).data as Float32Array;
  const wf = input(node, 1).data as Float32Array;
  const state = input(node, 4).data as Float32Array;
  const { batch, inputSize, numFilters, memorySize } = d;
  for (let b = 0; b < batch; b++) {
    const xo = b * inputSize;
    const so = b * numFilters * memorySize + memorySize - 1;
    for (let fi = 0; fi < numFilters; fi++) {
      let acc = 0;
      const wo = fi * inputSize;
      for (let c = 0; c < inputSize; c++) acc += wf[wo + c]! * x[xo + c]!;
      state[so + fi * memorySize] = acc;
    }
  }
}

/** Hybrid: quantize each input row, then state[b, f, newest] = float(dot_int8) * scale. */
function featureHybrid(node: KernelNode, d: SvdfData, quantized: Int8Array): void {
  const x = input(node, 0).data as Float32Array;
  const wf = input(node, 1).data as Int8Array;
  const state = input(node, 4).data as Float32Array;
  const { batch, inputSize, numFilters, memorySize } = d;
  const row: RowQuantization = { scale: 1, offset: 0 };
  for (let b = 0; b < batch; b++) {
    const so = b * numFilters * memorySize;
    for (let fi = 0; fi < numFilters; fi++) state[so + fi * memorySize + memorySize - 1] = 0;
  }
  // TFLite skips the product when the whole input is zero (the newest column stays 0).
  let allZero = true;
  for (let i = 0; i < batch * inputSize; i++) {
    if (x[i] !== 0) {
      allZero = false;
      break;
    }
  }
  if (allZero) return;
  for (let b = 0; b < batch; b++) {
    const xo = b * inputSize;
    quantizeFloatsRow(d.asymmetric, x, xo, inputSize, quantized, xo, row);
    const scale = f(row.scale * d.featureScale);
    hybridMatVecAccumulate(
      wf,
      numFilters,
      inputSize,
      quantized,
      xo,
      scale,
      row.offset,
      d.rowSums,
      state,
      b * numFilters * memorySize + memorySize - 1,
      memorySize,
    );
  }
}

/** Float and hybrid: time filter, rank reduction, bias, activation, state shift. */
function timeBiasActivationFloat(node: KernelNode, d: SvdfData, scratch: Float32Array): void {
  const wt = d.weightsTimeFloat ?? (input(node, 2).data as Float32Array);
  const bias = d.hasBias ? (input(node, 3).data as Float32Array) : null;
  const state = input(node, 4).data as Float32Array;
  const y = output(node, 0).data as Float32Array;
  const { batch, numFilters, numUnits, rank, memorySize } = d;
  for (let b = 0; b < batch; b++) {
    const so = b * numFilters * memorySize;
    for (let fi = 0; fi < numFilters; fi++) {
      let acc = 0;
      const o = fi * memorySize;
      for (let m = 0; m < memorySize; m++) acc += wt[o + m]! * state[so + o + m]!;
      scratch[b * numFilters + fi] = acc;
    }
    for (let u = 0; u < numUnits; u++) {
      let acc = bias ? bias[u]! : 0;
      for (let r = 0; r < rank; r++) acc += scratch[b * numFilters + u * rank + r]!;
      y[b * numUnits + u] = acc;
    }
    applyFusedActivation(d.activation, y, b * numUnits, y, b * numUnits, numUnits);
    shiftLeft(state, so, numFilters, memorySize);
  }
}

/** Shifts each filter's memory left by one and zeroes the newest column. */
function shiftLeft(
  state: Float32Array | Int16Array,
  start: number,
  numFilters: number,
  memorySize: number,
): void {
  for (let fi = 0; fi < numFilters; fi++) {
    const o = start + fi * memorySize;
    state.copyWithin(o, o + 1, o + memorySize);
    state[o + memorySize - 1] = 0;
  }
}

/** Full integer SVDF, TFLite's EvalIntegerSVDF. */
function evalInteger(node: KernelNode, d: SvdfData, scratch: Int32Array): void {
  const x = input(node, 0).data as Int8Array;
  const wf = input(node, 1).data as Int8Array;
  const wt = input(node, 2).data as Int16Array;
  const bias = d.hasBias ? (input(node, 3).data as Int32Array) : null;
  const state = input(node, 4).data as Int16Array;
  const y = output(node, 0).data as Int8Array;
  const { batch, inputSize, numFilters, numUnits, rank, memorySize, inputZeroPoint, outputZeroPoint } = d;
  const { multiplier: m1, shift: s1 } = d.scale1;
  const { multiplier: m2, shift: s2 } = d.scale2;
  for (let b = 0; b < batch; b++) {
    const xo = b * inputSize;
    const so = b * numFilters * memorySize;
    // Feature matmul into the newest state column, requantized to int16 (saturating).
    for (let fi = 0; fi < numFilters; fi++) {
      let acc = 0;
      const wo = fi * inputSize;
      for (let c = 0; c < inputSize; c++) acc += wf[wo + c]! * (x[xo + c]! - inputZeroPoint);
      let v = multiplyByQuantizedMultiplier(acc | 0, m1, s1);
      v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
      state[so + fi * memorySize + memorySize - 1] = v;
    }
    // Time filter: int32 dot products (int16 x int16; wraps like the C++ int32 sum).
    for (let fi = 0; fi < numFilters; fi++) {
      let acc = 0;
      const o = fi * memorySize;
      for (let m = 0; m < memorySize; m++) acc = (acc + wt[o + m]! * state[so + o + m]!) | 0;
      scratch[b * numFilters + fi] = acc;
    }
    // Bias, rank reduction, requantization to int8.
    for (let u = 0; u < numUnits; u++) {
      let acc = bias ? bias[u]! : 0;
      for (let r = 0; r < rank; r++) acc = (acc + scratch[b * numFilters + u * rank + r]!) | 0;
      const v = multiplyByQuantizedMultiplier(acc, m2, s2) + outputZeroPoint;
      y[b * numUnits + u] = v > 127 ? 127 : v < -128 ? -128 : v;
    }
    shiftLeft(state, so, numFilters, memorySize);
  }
}
