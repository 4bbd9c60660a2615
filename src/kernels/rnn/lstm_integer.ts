/**
 * The full-integer LSTM "8x8->16" (int8 input, weights and output state; int16 cell state and
 * gates), bit-exact with TFLite's lstm_eval.cc LstmStepInteger8x8_16 and the portable tensor
 * utils it calls, with the parameters of unidirectional_sequence_lstm.cc
 * PopulateQuantizedLstmParams8x8_16 / PopulatePrecomputedZPTimesWeightsWithBias.
 *
 * Each gate is an int16 Q3.12 pre-activation (or the layer-norm intermediate's scale):
 *   gate = sat16(MBQM(b_x + W x, s_x)) then += sat16(MBQM(b_h + R h, s_h))   (two saturating adds)
 *   gate = sat16(gate + MBQM(P .* c, s_p))                                  (peephole)
 * where the zero points are folded into the biases (b_x = bias - zp_x * rowsum(W),
 * b_h = -zp_h * rowsum(R)). Activations are gemmlowp's int16 fixed-point logistic / tanh on Q3.12
 * giving Q0.15. The cell state is a power-of-two-scaled int16:
 *   c' = sat16(RDBPOT(f * c, 15) + RDBPOT(i * g, 30 + cell_scale))           (i = 32767 - f for CIFG)
 * and the hidden state h' = sat8(MBQM(o * tanh(c'), s_hidden) - zp_hidden), optionally projected
 * (int8 weights, int32 accumulation, requantized to the output state's scale).
 */
import { CELL_GATE, type LstmLayout } from './lstm_layout.js';
import { roundingDivideByPOT } from '../internal/fixed_point.js';
import { fixedPointLogisticInt16, fixedPointTanhInt16 } from '../internal/fixed_point_int16.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import {
  type QuantizedMultiplier,
  getInvSqrtQuantizedMultiplierExp,
} from '../internal/quantize_multiplier.js';

/** The integer tensors of one LSTM node, per gate (null where absent). */
export interface IntegerLstmTensors {
  inputWeights: (Int8Array | null)[];
  recurrentWeights: (Int8Array | null)[];
  peephole: (Int16Array | null)[];
  layerNorm: (Int16Array | null)[];
  /** Gate biases: used directly only with layer norm (otherwise folded into effective biases). */
  bias: (Int32Array | null)[];
  projection: Int8Array | null;
}

/** Everything prepare derives for the integer step. */
export interface IntegerLstmConstants {
  inputScale: QuantizedMultiplier[];
  recurrentScale: QuantizedMultiplier[];
  peepholeScale: QuantizedMultiplier[];
  inputEffectiveBias: (Int32Array | null)[];
  recurrentEffectiveBias: (Int32Array | null)[];
  layerNormScale: QuantizedMultiplier[];
  varianceGuard: number[];
  hiddenScale: QuantizedMultiplier;
  hiddenZeroPoint: number;
  projectionScale: QuantizedMultiplier;
  projectionEffectiveBias: Int32Array | null;
  outputStateZeroPoint: number;
  /** log2 of the cell state's scale (<= -9). */
  cellScale: number;
  quantizedCellClip: number;
  quantizedProjClip: number;
}

/** Scratch of an integer step. */
export interface IntegerScratch {
  gates: Int16Array;
  hidden: Int8Array;
}

/**
 * result[k] = sat16(MBQM(bias[k] + dot(W[k], v), m) + result[k]) for k < rows: TFLite's portable
 * MatrixBatchVectorMultiplyAccumulate (int8 x int8 -> int16 with output zero point 0).
 */
function matVecAccumulateInt16(
  W: Int8Array,
  rows: number,
  cols: number,
  v: Int8Array,
  vo: number,
  bias: Int32Array,
  m: QuantizedMultiplier,
  result: Int16Array,
  ro: number,
): void {
  let wo = 0;
  for (let k = 0; k < rows; k++) {
    let acc = bias[k]!;
    for (let j = 0; j < cols; j++) acc += v[vo + j]! * W[wo++]!;
    let r = multiplyByQuantizedMultiplier(acc | 0, m.multiplier, m.shift) + result[ro + k]!;
    r = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
    result[ro + k] = r;
  }
}

/**
 * TFLite's integer layer norm (PortableApplyLayerNorm) on one row of `n` int16 values: mean and
 * variance in 64-bit integer arithmetic with 10 extra fractional bits, 1/stddev as a quantized
 * multiplier, then (x - mean) / stddev * weight + bias rescaled to Q3.12 int16.
 */
function layerNormInteger(
  v: Int16Array,
  start: number,
  n: number,
  weights: Int16Array,
  bias: Int32Array,
  scale: QuantizedMultiplier,
  varianceGuard: number,
): void {
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < n; i++) {
    const x = v[start + i]!;
    sum += x;
    sumSq += x * x;
  }
  // All quantities below stay under 2^53, so doubles hold the int64 values exactly.
  const mean = Math.trunc((sum * 1024) / n);
  const temp = Math.trunc(1048576 / n);
  const variance = sumSq * temp - mean * mean;
  let variance2 = Math.trunc(variance / 1048576) | 0;
  if (variance2 < 1) variance2 = varianceGuard;
  const inv = getInvSqrtQuantizedMultiplierExp(variance2, -1);
  for (let i = 0; i < n; i++) {
    const shifted = (1024 * v[start + i]! - mean) | 0;
    const rescaled = multiplyByQuantizedMultiplier(shifted, inv.multiplier, inv.shift);
    const val3 = rescaled * weights[i]! + bias[i]!;
    const val4 = Math.trunc((val3 > 0 ? val3 + 512 : val3 - 512) / 1024) | 0;
    let val5 = multiplyByQuantizedMultiplier(val4, scale.multiplier, scale.shift + 12);
    val5 = val5 > 32767 ? 32767 : val5 < -32768 ? -32768 : val5;
    v[start + i] = val5;
  }
}

/** Computes one gate into s.gates[g * n_cell ...] (activated). */
function gateInteger(
  l: LstmLayout,
  w: IntegerLstmTensors,
  k: IntegerLstmConstants,
  g: number,
  x: Int8Array,
  xo: number,
  h: Int8Array,
  ho: number,
  c: Int16Array,
  co: number,
  gates: Int16Array,
): void {
  const { nCell, nInput, nOutput } = l;
  const base = g * nCell;
  gates.fill(0, base, base + nCell);
  matVecAccumulateInt16(
    w.inputWeights[g]!,
    nCell,
    nInput,
    x,
    xo,
    k.inputEffectiveBias[g]!,
    k.inputScale[g]!,
    gates,
    base,
  );
  matVecAccumulateInt16(
    w.recurrentWeights[g]!,
    nCell,
    nOutput,
    h,
    ho,
    k.recurrentEffectiveBias[g]!,
    k.recurrentScale[g]!,
    gates,
    base,
  );
  const P = g === CELL_GATE ? null : w.peephole[g];
  if (P) {
    // TFLite passes n_output as this loop's length; n_cell is the peephole vector's length and
    // the two agree unless a projection changes n_output (then TFLite's result is misaligned).
    const { multiplier, shift } = k.peepholeScale[g]!;
    for (let i = 0; i < nCell; i++) {
      let r = multiplyByQuantizedMultiplier(P[i]! * c[co + i]!, multiplier, shift) + gates[base + i]!;
      r = r > 32767 ? 32767 : r < -32768 ? -32768 : r;
      gates[base + i] = r;
    }
  }
  if (l.useLayerNorm) {
    layerNormInteger(
      gates,
      base,
      nCell,
      w.layerNorm[g]!,
      w.bias[g]!,
      k.layerNormScale[g]!,
      k.varianceGuard[g]!,
    );
  }
  // Gate pre-activations are Q3.12: sigmoid for input/forget/output, tanh for the cell gate.
  if (g === CELL_GATE) for (let i = base; i < base + nCell; i++) gates[i] = fixedPointTanhInt16(gates[i]!, 3);
  else for (let i = base; i < base + nCell; i++) gates[i] = fixedPointLogisticInt16(gates[i]!, 3);
}

/**
 * Runs one integer LSTM step for one batch row: reads x[xo..] (int8), h[ho..] (int8 output
 * state) and c[co..] (int16 cell state), updates both states and writes h' to out[oo..].
 */
export function lstmStepInteger(
  l: LstmLayout,
  w: IntegerLstmTensors,
  k: IntegerLstmConstants,
  x: Int8Array,
  xo: number,
  h: Int8Array,
  ho: number,
  c: Int16Array,
  co: number,
  out: Int8Array,
  oo: number,
  s: IntegerScratch,
): void {
  const { nCell, nOutput } = l;
  const gates = s.gates;
  for (let g = l.useCifg ? 1 : 0; g < 3; g++) gateInteger(l, w, k, g, x, xo, h, ho, c, co, gates);

  // Cell update. forget * cell has Q0.15 x cell scale: a shift by 15 returns to the cell scale;
  // input * cell gate is Q0.15 x Q0.15, a shift by 30 + cell_scale. The products are cast back
  // to int16 without saturation (as TFLite's CwiseMul), the sum saturates.
  const shiftIG = 30 + k.cellScale;
  const clip = k.quantizedCellClip;
  for (let i = 0; i < nCell; i++) {
    const fg = gates[nCell + i]!;
    const fc = (roundingDivideByPOT(fg * c[co + i]!, 15) << 16) >> 16;
    const ig = l.useCifg ? 32767 - fg : gates[i]!;
    const ic = (roundingDivideByPOT(ig * gates[2 * nCell + i]!, shiftIG) << 16) >> 16;
    let v = fc + ic;
    v = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
    if (clip > 0) v = v > clip ? clip : v < -clip ? -clip : v;
    c[co + i] = v;
  }

  gateInteger(l, w, k, 3, x, xo, h, ho, c, co, gates);

  // hidden = o * tanh(c'): tanh reads the cell state as FixedPoint<int16, 15 + cell_scale>.
  const tanhBits = 15 + k.cellScale;
  const { multiplier: hm, shift: hs } = k.hiddenScale;
  const hidden = s.hidden;
  for (let i = 0; i < nCell; i++) {
    const t = fixedPointTanhInt16(c[co + i]!, tanhBits);
    // TFLite's CwiseMul subtracts the hidden zero point here (its projection bias adds it back).
    let v = multiplyByQuantizedMultiplier(gates[3 * nCell + i]! * t, hm, hs) - k.hiddenZeroPoint;
    v = v > 127 ? 127 : v < -128 ? -128 : v;
    hidden[i] = v;
  }

  if (w.projection) {
    const Wp = w.projection;
    const bias = k.projectionEffectiveBias!;
    const { multiplier, shift } = k.projectionScale;
    const pclip = k.quantizedProjClip;
    let wo = 0;
    for (let j = 0; j < nOutput; j++) {
      let acc = bias[j]!;
      for (let i = 0; i < nCell; i++) acc += hidden[i]! * Wp[wo++]!;
      let v = multiplyByQuantizedMultiplier(acc | 0, multiplier, shift) + k.outputStateZeroPoint;
      v = v > 127 ? 127 : v < -128 ? -128 : v;
      if (pclip > 0) v = v > pclip ? pclip : v < -pclip ? -pclip : v;
      h[ho + j] = v;
    }
  } else {
    for (let j = 0; j < nOutput; j++) h[ho + j] = hidden[j]!;
  }
  for (let j = 0; j < nOutput; j++) out[oo + j] = h[ho + j]!;
}
