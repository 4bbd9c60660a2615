/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM: an LSTM run over a whole sequence in one invoke, its output state
 * (input 18) and cell state (input 19) kept in variable tensors across invokes. Input
 * [batch, time, n_input] ([time, batch, n_input] when time_major); output the same with n_output
 * last. Optional features as TFLite: CIFG (no input gate), peephole, projection (+ bias and
 * clip), layer norm, cell clip.
 *
 * Three forms, chosen from the dtypes as TFLite's unidirectional_sequence_lstm.cc does:
 * - float32 everything (lstm_float.ts);
 * - hybrid: float32 input/states/biases with int8 weights (lstm_hybrid.ts);
 * - full integer 8x8->16: int8 input/weights/output state, int16 cell state and peephole and
 *   layer-norm weights, int32 biases, 5 intermediates carrying the gate scales (lstm_integer.ts).
 * The 8x8->8 integer form (12 intermediates) and diagonal recurrent weights are not supported.
 */
import {
  GATE_BIASES,
  GATE_INPUT_WEIGHTS,
  GATE_LAYER_NORMS,
  GATE_PEEPHOLE_WEIGHTS,
  GATE_RECURRENT_WEIGHTS,
  LstmInput,
  type LstmLayout,
  optionalInput,
  readLstmLayout,
  rowOffset,
} from './lstm_layout.js';
import { type FloatLstmParams, type FloatLstmTensors, lstmStepFloat } from './lstm_float.js';
import { type HybridLstmConstants, type HybridLstmTensors, lstmStepHybrid } from './lstm_hybrid.js';
import { type IntegerLstmConstants, type IntegerLstmTensors, lstmStepInteger } from './lstm_integer.js';
import { isKnownFusedActivation } from './fused_activation.js';
import {
  type EvalContext,
  type Kernel,
  type KernelNode,
  type KernelTensor,
  expectDtype,
  input,
  optionsOf,
  output,
  unsupported,
} from '../kernel.js';
import { int8RowSums } from '../internal/hybrid_quantize.js';
import {
  type QuantizedMultiplier,
  checkedLog2,
  quantizeMultiplier,
} from '../internal/quantize_multiplier.js';
import type { DType, TypedArray } from '../../ir/dtype.js';

const f = Math.fround;

type LstmMode = 'float' | 'hybrid' | 'integer';

interface LstmData {
  mode: LstmMode;
  layout: LstmLayout;
  params: FloatLstmParams;
  hybrid: HybridLstmConstants | null;
  integer: IntegerLstmConstants | null;
  /** Scratch handles: gates, hidden, quantized rows (int8). */
  gatesScratch: number;
  hiddenScratch: number;
  quantScratch: number;
}

/** Returns the node's tensors of the listed inputs as typed views (null where absent). */
function views<T extends TypedArray>(node: KernelNode, indices: readonly number[]): (T | null)[] {
  return indices.map((i) => (i < 0 ? null : ((node.inputs[i]?.data as T | undefined) ?? null)));
}

function scaleOf(node: KernelNode, t: KernelTensor, role: string): number {
  const s = t.quant?.scale[0];
  if (s === undefined || s === 0) {
    throw unsupported(node, `${role} ${JSON.stringify(t.name)} must be quantized (per-tensor scale)`);
  }
  // Scales are float32 in a model file; round in case an in-memory model holds doubles.
  return f(s);
}

/** Checks the dtype of every present tensor of the given inputs. */
function expectInputsDtype(
  node: KernelNode,
  indices: readonly number[],
  allowed: readonly DType[],
  role: string,
): void {
  for (const i of indices) {
    const t = i < 0 ? null : optionalInput(node, i);
    if (t) expectDtype(node, t, allowed, `${role} (input ${i})`);
  }
}

const WEIGHTS = [...GATE_INPUT_WEIGHTS, ...GATE_RECURRENT_WEIGHTS, LstmInput.projectionWeights];
const PEEPHOLES = GATE_PEEPHOLE_WEIGHTS.filter((i) => i >= 0);

export const unidirectionalSequenceLstmKernel: Kernel<LstmData> = {
  op: 'UNIDIRECTIONAL_SEQUENCE_LSTM',
  stateful: true,
  prepare(node, ctx) {
    const opts = optionsOf(node, 'UnidirectionalSequenceLSTMOptions');
    if (opts.diagonalRecurrentTensors) {
      throw unsupported(node, 'diagonal recurrent weights (diagonal_recurrent_tensors) are not supported');
    }
    const layout = readLstmLayout(node, opts.timeMajor);
    const x = input(node, LstmInput.input);
    const weights = input(node, LstmInput.inputToOutputWeights);
    const y = output(node, 0);
    y.shape = [...x.shape.slice(0, 2), layout.nOutput];
    if (!isKnownFusedActivation(opts.fusedActivationFunction)) {
      throw unsupported(node, `fused activation ${opts.fusedActivationFunction}`);
    }
    const params: FloatLstmParams = {
      activation: opts.fusedActivationFunction,
      cellClip: opts.cellClip,
      projClip: opts.projClip,
    };
    let mode: LstmMode;
    if (x.dtype === 'float32' && weights.dtype === 'float32') mode = 'float';
    else if (x.dtype === 'float32' && weights.dtype === 'int8') mode = 'hybrid';
    else if (x.dtype === 'int8' && weights.dtype === 'int8') mode = 'integer';
    else {
      throw unsupported(
        node,
        `input ${x.dtype} with weights ${weights.dtype}; supported: float32/float32, float32/int8 (hybrid), ` +
          'int8/int8 (integer 8x8->16)',
      );
    }
    const { nCell, nInput, nOutput } = layout;
    const data: LstmData = {
      mode,
      layout,
      params,
      hybrid: null,
      integer: null,
      gatesScratch: ctx.requestScratch(4 * nCell * 4),
      hiddenScratch: ctx.requestScratch(nCell * 4),
      quantScratch: -1,
    };
    if (mode === 'float') {
      expectInputsDtype(
        node,
        [...WEIGHTS, ...PEEPHOLES, ...GATE_BIASES, LstmInput.projectionBias],
        ['float32'],
        'weights',
      );
      expectInputsDtype(node, [...GATE_LAYER_NORMS, 18, 19], ['float32'], 'tensor');
      expectDtype(node, y, ['float32'], 'output');
    } else if (mode === 'hybrid') {
      expectInputsDtype(node, [...WEIGHTS, ...PEEPHOLES], ['int8'], 'hybrid weights');
      expectInputsDtype(
        node,
        [...GATE_BIASES, LstmInput.projectionBias, ...GATE_LAYER_NORMS, 18, 19],
        ['float32'],
        'tensor',
      );
      expectDtype(node, y, ['float32'], 'output');
      data.hybrid = hybridConstants(node, layout, opts.asymmetricQuantizeInputs);
      data.quantScratch = ctx.requestScratch(nInput + nOutput + nCell);
    } else {
      expectInputsDtype(node, WEIGHTS, ['int8'], 'weights');
      expectInputsDtype(
        node,
        [...PEEPHOLES, ...GATE_LAYER_NORMS],
        ['int16'],
        'peephole / layer norm weights',
      );
      expectInputsDtype(node, [...GATE_BIASES, LstmInput.projectionBias], ['int32'], 'bias');
      expectDtype(node, input(node, LstmInput.outputState), ['int8'], 'output_state');
      expectDtype(node, input(node, LstmInput.cellState), ['int16'], 'cell_state');
      expectDtype(node, y, ['int8'], 'output');
      if (node.intermediates.length === 12) {
        throw unsupported(
          node,
          'the integer 8x8->8 LSTM (12 intermediate tensors) is not supported; use 8x8->16',
        );
      }
      if (node.intermediates.length !== 5) {
        throw unsupported(
          node,
          `an integer LSTM needs 5 intermediate tensors (gate and hidden scales), the model has ${node.intermediates.length}`,
        );
      }
      data.integer = integerConstants(node, layout, params);
    }
    return data;
  },
  eval(node, d, ctx) {
    if (d.mode === 'float') evalFloat(node, d, ctx);
    else if (d.mode === 'hybrid') evalHybrid(node, d, ctx);
    else evalInteger(node, d, ctx);
  },
};

/**
 * Calls `step` for every batch row and time step, in order, with the offsets of that step's input
 * row, its batch row of the output and cell states, and its output row.
 */
function forEachStep(l: LstmLayout, step: (xo: number, ho: number, co: number, oo: number) => void): void {
  for (let b = 0; b < l.nBatch; b++) {
    for (let t = 0; t < l.maxTime; t++) {
      step(rowOffset(l, b, t, l.nInput), b * l.nOutput, b * l.nCell, rowOffset(l, b, t, l.nOutput));
    }
  }
}

function f32(ctx: EvalContext, handle: number, n: number): Float32Array {
  const b = ctx.scratch(handle);
  return new Float32Array(b.buffer, b.byteOffset, n);
}

function evalFloat(node: KernelNode, d: LstmData, ctx: EvalContext): void {
  const l = d.layout;
  const w: FloatLstmTensors = {
    inputWeights: views(node, GATE_INPUT_WEIGHTS),
    recurrentWeights: views(node, GATE_RECURRENT_WEIGHTS),
    peephole: views(node, GATE_PEEPHOLE_WEIGHTS),
    bias: views(node, GATE_BIASES),
    layerNorm: views(node, GATE_LAYER_NORMS),
    projection: views<Float32Array>(node, [LstmInput.projectionWeights])[0]!,
    projectionBias: views<Float32Array>(node, [LstmInput.projectionBias])[0]!,
  };
  const x = input(node, LstmInput.input).data as Float32Array;
  const h = input(node, LstmInput.outputState).data as Float32Array;
  const c = input(node, LstmInput.cellState).data as Float32Array;
  const out = output(node, 0).data as Float32Array;
  const gates = f32(ctx, d.gatesScratch, 4 * l.nCell);
  const hidden = f32(ctx, d.hiddenScratch, l.nCell);
  forEachStep(l, (xo, ho, co, oo) =>
    lstmStepFloat(l, d.params, w, x, xo, h, ho, c, co, out, oo, gates, hidden),
  );
}

function evalHybrid(node: KernelNode, d: LstmData, ctx: EvalContext): void {
  const l = d.layout;
  const w: HybridLstmTensors = {
    inputWeights: views(node, GATE_INPUT_WEIGHTS),
    recurrentWeights: views(node, GATE_RECURRENT_WEIGHTS),
    bias: views(node, GATE_BIASES),
    layerNorm: views(node, GATE_LAYER_NORMS),
    projection: views<Int8Array>(node, [LstmInput.projectionWeights])[0]!,
    projectionBias: views<Float32Array>(node, [LstmInput.projectionBias])[0]!,
  };
  const x = input(node, LstmInput.input).data as Float32Array;
  const h = input(node, LstmInput.outputState).data as Float32Array;
  const c = input(node, LstmInput.cellState).data as Float32Array;
  const out = output(node, 0).data as Float32Array;
  const q = ctx.scratch(d.quantScratch);
  const s = {
    gates: f32(ctx, d.gatesScratch, 4 * l.nCell),
    hidden: f32(ctx, d.hiddenScratch, l.nCell),
    qInput: new Int8Array(q.buffer, q.byteOffset, l.nInput),
    qState: new Int8Array(q.buffer, q.byteOffset + l.nInput, l.nOutput),
    qHidden: new Int8Array(q.buffer, q.byteOffset + l.nInput + l.nOutput, l.nCell),
  };
  forEachStep(l, (xo, ho, co, oo) =>
    lstmStepHybrid(l, d.params, w, d.hybrid!, x, xo, h, ho, c, co, out, oo, s),
  );
}

function evalInteger(node: KernelNode, d: LstmData, ctx: EvalContext): void {
  const l = d.layout;
  const w: IntegerLstmTensors = {
    inputWeights: views(node, GATE_INPUT_WEIGHTS),
    recurrentWeights: views(node, GATE_RECURRENT_WEIGHTS),
    peephole: views(node, GATE_PEEPHOLE_WEIGHTS),
    layerNorm: views(node, GATE_LAYER_NORMS),
    bias: views(node, GATE_BIASES),
    projection: views<Int8Array>(node, [LstmInput.projectionWeights])[0]!,
  };
  const x = input(node, LstmInput.input).data as Int8Array;
  const h = input(node, LstmInput.outputState).data as Int8Array;
  const c = input(node, LstmInput.cellState).data as Int16Array;
  const out = output(node, 0).data as Int8Array;
  const g = ctx.scratch(d.gatesScratch);
  const hb = ctx.scratch(d.hiddenScratch);
  const s = {
    gates: new Int16Array(g.buffer, g.byteOffset, 4 * l.nCell),
    hidden: new Int8Array(hb.buffer, hb.byteOffset, l.nCell),
  };
  forEachStep(l, (xo, ho, co, oo) => lstmStepInteger(l, w, d.integer!, x, xo, h, ho, c, co, out, oo, s));
}

/** Hybrid constants: weight scales, dequantized peepholes, row sums for asymmetric inputs. */
function hybridConstants(node: KernelNode, l: LstmLayout, asymmetric: boolean): HybridLstmConstants {
  for (const i of [...WEIGHTS, ...PEEPHOLES]) {
    const t = optionalInput(node, i);
    if (t && !t.isConst) throw unsupported(node, `hybrid LSTM weights must be constant (input ${i} is not)`);
  }
  const scale = (i: number) => {
    const t = optionalInput(node, i);
    return t ? scaleOf(node, t, `weights (input ${i})`) : 1;
  };
  const rowSums = (i: number, cols: number) => {
    const t = optionalInput(node, i);
    return t && asymmetric ? int8RowSums(t.data as Int8Array, t.shape[0]!, cols) : null;
  };
  return {
    inputScales: GATE_INPUT_WEIGHTS.map(scale),
    recurrentScales: GATE_RECURRENT_WEIGHTS.map(scale),
    projectionScale: scale(LstmInput.projectionWeights),
    peephole: GATE_PEEPHOLE_WEIGHTS.map((i) => {
      const t = i < 0 ? null : optionalInput(node, i);
      if (!t) return null;
      const s = scaleOf(node, t, `peephole weights (input ${i})`);
      return Float32Array.from(t.data as Int8Array, (v) => f(s * v));
    }),
    inputRowSums: GATE_INPUT_WEIGHTS.map((i) => rowSums(i, l.nInput)),
    recurrentRowSums: GATE_RECURRENT_WEIGHTS.map((i) => rowSums(i, l.nOutput)),
    projectionRowSums: rowSums(LstmInput.projectionWeights, l.nCell),
    asymmetric,
  };
}

/**
 * Integer constants, as TFLite's PopulateQuantizedLstmParams8x8_16 and
 * PopulatePrecomputedZPTimesWeightsWithBias. The effective scales are float32 expressions there
 * (float tensor scales), reproduced with Math.fround.
 */
function integerConstants(node: KernelNode, l: LstmLayout, params: FloatLstmParams): IntegerLstmConstants {
  const x = input(node, LstmInput.input);
  const outputState = input(node, LstmInput.outputState);
  const cellState = input(node, LstmInput.cellState);
  const y = output(node, 0);
  const inputScale = scaleOf(node, x, 'input');
  const outputStateScale = scaleOf(node, outputState, 'output_state');
  const cellStateScale = scaleOf(node, cellState, 'cell_state');
  const { isPowerOfTwo, log2: cellScale } = checkedLog2(cellStateScale);
  if (!isPowerOfTwo || cellScale > -9) {
    throw unsupported(node, `the cell state's scale must be a power of two <= 2^-9, is ${cellStateScale}`);
  }
  // Gate pre-activation scales: Q3.12 (2^-12) without layer norm, else the intermediates' scales.
  const gateScales: number[] = [];
  for (let g = 0; g < 4; g++) {
    if (!l.useLayerNorm) gateScales.push(2 ** -12);
    else {
      const t = node.intermediates[g]!;
      gateScales.push(
        l.useCifg && g === 0 ? f(t.quant?.scale[0] ?? 1) : scaleOf(node, t, `intermediate ${g}`),
      );
    }
  }
  const hiddenT = node.intermediates[4]!;
  const hiddenScale = scaleOf(node, hiddenT, 'intermediate 4 (effective hidden scale)');
  const hiddenZeroPoint = hiddenT.quant?.zeroPoint[0] ?? 0;

  const wScale = (i: number) => {
    const t = optionalInput(node, i);
    return t ? scaleOf(node, t, `weights (input ${i})`) : 1;
  };
  const qm = (v: number): QuantizedMultiplier => quantizeMultiplier(v);
  const inputScales: QuantizedMultiplier[] = [];
  const recurrentScales: QuantizedMultiplier[] = [];
  const peepholeScales: QuantizedMultiplier[] = [];
  const layerNormScales: QuantizedMultiplier[] = [];
  const varianceGuards: number[] = [];
  for (let g = 0; g < 4; g++) {
    const present = !(g === 0 && l.useCifg);
    inputScales.push(qm(present ? f(f(wScale(GATE_INPUT_WEIGHTS[g]!) * inputScale) / gateScales[g]!) : 1));
    recurrentScales.push(
      qm(present ? f(f(wScale(GATE_RECURRENT_WEIGHTS[g]!) * outputStateScale) / gateScales[g]!) : 1),
    );
    const peep = GATE_PEEPHOLE_WEIGHTS[g]!;
    // std::pow(2, cell_scale) is a double, so this expression is double, then stored as float.
    peepholeScales.push(
      qm(present && peep >= 0 && l.usePeephole ? f((2 ** cellScale * wScale(peep)) / gateScales[g]!) : 1),
    );
    const lnScale = present && l.useLayerNorm ? wScale(GATE_LAYER_NORMS[g]!) : 1;
    layerNormScales.push(qm(lnScale));
    varianceGuards.push(Math.max(1, Math.trunc(f(10000 * lnScale))));
  }
  const effectiveHiddenScale = f((2 ** -15 / hiddenScale) * 2 ** -15);
  const effectiveProjScale = f(f(wScale(LstmInput.projectionWeights) * hiddenScale) / outputStateScale);

  // Zero points folded into biases: b_x = bias - zp_x * rowsum(W), b_h = -zp_h * rowsum(R). With
  // layer norm the gate bias is applied after normalization instead.
  const inputZp = x.quant?.zeroPoint[0] ?? 0;
  const outputStateZp = outputState.quant?.zeroPoint[0] ?? 0;
  const effectiveBias = (wi: number, zp: number, bi: number, cols: number): Int32Array | null => {
    const wt = optionalInput(node, wi);
    if (!wt) return null;
    if (!wt.isConst) throw unsupported(node, `integer LSTM weights must be constant (input ${wi} is not)`);
    const rows = wt.shape[0]!;
    const out = new Int32Array(rows);
    const bt = bi >= 0 ? optionalInput(node, bi) : null;
    if (bt) {
      if (!bt.isConst) throw unsupported(node, `integer LSTM biases must be constant (input ${bi} is not)`);
      out.set((bt.data as Int32Array).subarray(0, rows));
    }
    if (zp !== 0) {
      const sums = int8RowSums(wt.data as Int8Array, rows, cols);
      for (let r = 0; r < rows; r++) out[r] = (out[r]! + sums[r]! * zp) | 0;
    }
    return out;
  };
  const inputEffectiveBias = GATE_INPUT_WEIGHTS.map((wi, g) =>
    effectiveBias(wi, -inputZp, l.useLayerNorm ? -1 : GATE_BIASES[g]!, l.nInput),
  );
  const recurrentEffectiveBias = GATE_RECURRENT_WEIGHTS.map((wi) =>
    effectiveBias(wi, -outputStateZp, -1, l.nOutput),
  );
  const projectionEffectiveBias = effectiveBias(
    LstmInput.projectionWeights,
    hiddenZeroPoint,
    LstmInput.projectionBias,
    l.nCell,
  );

  const quantizedCellClip =
    params.cellClip > 0
      ? Math.trunc(Math.min(Math.max(f(params.cellClip / cellStateScale), -32768), 32767))
      : 0;
  const outScale = f(y.quant?.scale[0] ?? 1);
  const quantizedProjClip =
    params.projClip > 0 ? Math.trunc(Math.min(Math.max(f(params.projClip / outScale), -128), 127)) : 0;
  // The integer kernel always uses tanh for the cell gate and the cell output, whatever the
  // fused activation says, as TFLite's.
  return {
    inputScale: inputScales,
    recurrentScale: recurrentScales,
    peepholeScale: peepholeScales,
    inputEffectiveBias,
    recurrentEffectiveBias,
    layerNormScale: layerNormScales,
    varianceGuard: varianceGuards,
    hiddenScale: qm(effectiveHiddenScale),
    hiddenZeroPoint,
    projectionScale: qm(effectiveProjScale),
    projectionEffectiveBias,
    outputStateZeroPoint: outputStateZp,
    cellScale,
    quantizedCellClip,
    quantizedProjClip,
  };
}
