/**
 * One step of a hybrid LSTM (float activations and states, int8 weights) for one batch row, as
 * TFLite's LstmStepHybrid: the input row and the output state are quantized to int8 at the start
 * of the step (symmetric, or asymmetric with `asymmetric_quantize_inputs`), every gate's matrix
 * products run in int8 x int8 -> int32 and are scaled back to float32 with
 * (row scale * weight scale); peephole weights are dequantized; the cell update, activations,
 * layer norm and clipping are float32 (shared with the float form); the projection quantizes the
 * hidden vector again. Float arithmetic follows TFLite's float32 operation order, so results
 * agree with TFLite within float32 rounding of the activation functions.
 */
import { CELL_GATE, type LstmLayout } from './lstm_layout.js';
import { FusedActivation, applyFusedActivation } from './fused_activation.js';
import {
  type FloatLstmParams,
  clipFloat,
  hiddenFloat,
  layerNormFloat,
  updateCellFloat,
} from './lstm_float.js';
import {
  type RowQuantization,
  hybridMatVecAccumulate,
  quantizeFloatsRow,
} from '../internal/hybrid_quantize.js';

const f = Math.fround;

/** The hybrid tensors of one LSTM node, per gate (null where absent). */
export interface HybridLstmTensors {
  inputWeights: (Int8Array | null)[];
  recurrentWeights: (Int8Array | null)[];
  bias: (Float32Array | null)[];
  layerNorm: (Float32Array | null)[];
  projection: Int8Array | null;
  projectionBias: Float32Array | null;
}

/** Constants derived in prepare from the (constant) weights. */
export interface HybridLstmConstants {
  inputScales: number[];
  recurrentScales: number[];
  projectionScale: number;
  /** Peephole weights times their scale (float32), per gate. */
  peephole: (Float32Array | null)[];
  /** Row sums of each weight matrix, for asymmetric inputs (null otherwise). */
  inputRowSums: (Int32Array | null)[];
  recurrentRowSums: (Int32Array | null)[];
  projectionRowSums: Int32Array | null;
  asymmetric: boolean;
}

/** Scratch of a hybrid step. */
export interface HybridScratch {
  gates: Float32Array;
  hidden: Float32Array;
  qInput: Int8Array;
  qState: Int8Array;
  qHidden: Int8Array;
}

function isZero(v: Float32Array, start: number, n: number): boolean {
  for (let i = start; i < start + n; i++) if (v[i] !== 0) return false;
  return true;
}

const inRow: RowQuantization = { scale: 1, offset: 0 };
const stateRow: RowQuantization = { scale: 1, offset: 0 };
const hiddenRow: RowQuantization = { scale: 1, offset: 0 };

/**
 * Runs one hybrid LSTM step for one batch row (see lstmStepFloat for the arguments): reads
 * x[xo..], h[ho..], c[co..], updates h and c, writes h' to out[oo..].
 */
export function lstmStepHybrid(
  l: LstmLayout,
  p: FloatLstmParams,
  w: HybridLstmTensors,
  k: HybridLstmConstants,
  x: Float32Array,
  xo: number,
  h: Float32Array,
  ho: number,
  c: Float32Array,
  co: number,
  out: Float32Array,
  oo: number,
  s: HybridScratch,
): void {
  const { nCell, nInput, nOutput } = l;
  const xZero = isZero(x, xo, nInput);
  const hZero = isZero(h, ho, nOutput);
  if (!xZero) quantizeFloatsRow(k.asymmetric, x, xo, nInput, s.qInput, 0, inRow);
  if (!hZero) quantizeFloatsRow(k.asymmetric, h, ho, nOutput, s.qState, 0, stateRow);

  const gate = (g: number): void => {
    const base = g * nCell;
    const bias = w.bias[g]!;
    for (let i = 0; i < nCell; i++) s.gates[base + i] = l.useLayerNorm ? 0 : bias[i]!;
    if (!xZero) {
      hybridMatVecAccumulate(
        w.inputWeights[g]!,
        nCell,
        nInput,
        s.qInput,
        0,
        f(inRow.scale * k.inputScales[g]!),
        inRow.offset,
        k.inputRowSums[g] ?? null,
        s.gates,
        base,
        1,
      );
    }
    if (!hZero) {
      hybridMatVecAccumulate(
        w.recurrentWeights[g]!,
        nCell,
        nOutput,
        s.qState,
        0,
        f(stateRow.scale * k.recurrentScales[g]!),
        stateRow.offset,
        k.recurrentRowSums[g] ?? null,
        s.gates,
        base,
        1,
      );
    }
    const peep = g === CELL_GATE ? null : k.peephole[g];
    if (peep)
      for (let i = 0; i < nCell; i++) s.gates[base + i] = f(s.gates[base + i]! + f(peep[i]! * c[co + i]!));
    if (l.useLayerNorm) layerNormFloat(s.gates, base, nCell, w.layerNorm[g]!, bias);
    const act = g === CELL_GATE ? p.activation : FusedActivation.SIGMOID;
    applyFusedActivation(act, s.gates, base, s.gates, base, nCell);
  };

  if (!l.useCifg) gate(0);
  gate(1);
  gate(2);
  updateCellFloat(l, s.gates, c, co, p.cellClip);
  gate(3);
  hiddenFloat(l, p.activation, s.gates, c, co, s.hidden);

  if (w.projection) {
    for (let j = 0; j < nOutput; j++) h[ho + j] = w.projectionBias ? w.projectionBias[j]! : 0;
    if (!isZero(s.hidden, 0, nCell)) {
      quantizeFloatsRow(k.asymmetric, s.hidden, 0, nCell, s.qHidden, 0, hiddenRow);
      hybridMatVecAccumulate(
        w.projection,
        nOutput,
        nCell,
        s.qHidden,
        0,
        f(hiddenRow.scale * k.projectionScale),
        hiddenRow.offset,
        k.projectionRowSums,
        h,
        ho,
        1,
      );
    }
    clipFloat(h, ho, nOutput, p.projClip);
  } else {
    for (let j = 0; j < nOutput; j++) h[ho + j] = s.hidden[j]!;
  }
  for (let j = 0; j < nOutput; j++) out[oo + j] = h[ho + j]!;
}
