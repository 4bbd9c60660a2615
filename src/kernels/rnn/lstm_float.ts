/**
 * One step of a float32 LSTM for one batch row (TFLite lstm_eval.cc LstmStepFloat):
 *
 *   i = sigmoid(W_i x + R_i h + P_i .* c + b_i)            (absent with CIFG: i = 1 - f)
 *   f = sigmoid(W_f x + R_f h + P_f .* c + b_f)
 *   g = act(W_c x + R_c h + b_c)
 *   c' = clip(f .* c + i .* g, cell_clip)
 *   o = sigmoid(W_o x + R_o h + P_o .* c' + b_o)
 *   h' = clip(W_proj (o .* act(c')) + b_proj, proj_clip)    (h' = o .* act(c') without projection)
 *
 * With layer norm, each gate's pre-activation (without bias) is normalized to zero mean and unit
 * variance (+1e-8), scaled by its coefficients and then the bias is added. Dot products are
 * accumulated in double and every stored value is float32, so each result is within a few
 * float32 ulps of TFLite's (relative error about 1e-6 on well-conditioned outputs).
 */
import { CELL_GATE, type LstmLayout } from './lstm_layout.js';
import { FusedActivation, applyFusedActivation } from './fused_activation.js';

const f = Math.fround;

/** The float tensors of one LSTM node, per gate (null where absent). */
export interface FloatLstmTensors {
  inputWeights: (Float32Array | null)[];
  recurrentWeights: (Float32Array | null)[];
  peephole: (Float32Array | null)[];
  bias: (Float32Array | null)[];
  layerNorm: (Float32Array | null)[];
  projection: Float32Array | null;
  projectionBias: Float32Array | null;
}

/** Scalar parameters of a float or hybrid LSTM step. */
export interface FloatLstmParams {
  /** Fused activation of the cell gate and of the cell output (usually TANH). */
  activation: number;
  cellClip: number;
  projClip: number;
}

/**
 * Normalizes `n` values at `start` to zero mean and unit variance (epsilon 1e-8), multiplies by
 * `coeff` and adds `bias`, as TFLite's MeanStddevNormalization followed by the coefficient
 * product and bias add.
 */
export function layerNormFloat(
  v: Float32Array,
  start: number,
  n: number,
  coeff: Float32Array,
  bias: Float32Array,
): void {
  let sum = 0;
  for (let i = 0; i < n; i++) sum += v[start + i]!;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = v[start + i]! - mean;
    sq += d * d;
  }
  const inv = 1 / Math.sqrt(sq / n + 1e-8);
  for (let i = 0; i < n; i++) v[start + i] = f(f((v[start + i]! - mean) * inv) * coeff[i]!) + bias[i]!;
}

/**
 * Cell update shared by the float and hybrid forms: c' = clip(f .* c + i .* g) in float32, with
 * i = 1 - f for CIFG. `gates` holds the four activated gates back to back.
 */
export function updateCellFloat(
  l: LstmLayout,
  gates: Float32Array,
  c: Float32Array,
  co: number,
  clip: number,
): void {
  const n = l.nCell;
  for (let k = 0; k < n; k++) {
    const fg = gates[n + k]!;
    const ig = l.useCifg ? f(1 - fg) : gates[k]!;
    let v = f(f(fg * c[co + k]!) + f(gates[2 * n + k]! * ig));
    if (clip > 0) v = v > clip ? clip : v < -clip ? -clip : v;
    c[co + k] = v;
  }
}

/** hidden = o .* act(c'), float32 (the LSTM output before projection). */
export function hiddenFloat(
  l: LstmLayout,
  activation: number,
  gates: Float32Array,
  c: Float32Array,
  co: number,
  hidden: Float32Array,
): void {
  const n = l.nCell;
  applyFusedActivation(activation, c, co, hidden, 0, n);
  for (let k = 0; k < n; k++) hidden[k] = f(gates[3 * n + k]! * hidden[k]!);
}

/** Clips `n` values at `start` to [-clip, clip] when clip > 0. */
export function clipFloat(v: Float32Array, start: number, n: number, clip: number): void {
  if (clip <= 0) return;
  for (let k = start; k < start + n; k++) {
    const x = v[k]!;
    v[k] = x > clip ? clip : x < -clip ? -clip : x;
  }
}

/** Computes one gate's pre-activation (float weights) into gates[g * n_cell ...]. */
function gateFloat(
  l: LstmLayout,
  w: FloatLstmTensors,
  g: number,
  x: Float32Array,
  xo: number,
  h: Float32Array,
  ho: number,
  c: Float32Array,
  co: number,
  gates: Float32Array,
): void {
  const { nCell, nInput, nOutput } = l;
  const W = w.inputWeights[g]!;
  const R = w.recurrentWeights[g]!;
  const P = g === CELL_GATE ? null : w.peephole[g]!;
  const bias = w.bias[g]!;
  const base = g * nCell;
  for (let k = 0; k < nCell; k++) {
    let s = l.useLayerNorm ? 0 : bias[k]!;
    let wo = k * nInput;
    for (let j = 0; j < nInput; j++) s += W[wo++]! * x[xo + j]!;
    wo = k * nOutput;
    for (let j = 0; j < nOutput; j++) s += R[wo++]! * h[ho + j]!;
    if (P) s += P[k]! * c[co + k]!;
    gates[base + k] = s;
  }
  if (l.useLayerNorm) layerNormFloat(gates, base, nCell, w.layerNorm[g]!, bias);
}

/**
 * Runs one float LSTM step for one batch row: reads x[xo..], the state h[ho..] (n_output) and
 * c[co..] (n_cell), updates both states and writes h' to out[oo..]. `gates` (4 * n_cell) and
 * `hidden` (n_cell) are scratch.
 */
export function lstmStepFloat(
  l: LstmLayout,
  p: FloatLstmParams,
  w: FloatLstmTensors,
  x: Float32Array,
  xo: number,
  h: Float32Array,
  ho: number,
  c: Float32Array,
  co: number,
  out: Float32Array,
  oo: number,
  gates: Float32Array,
  hidden: Float32Array,
): void {
  const n = l.nCell;
  for (let g = l.useCifg ? 1 : 0; g < 3; g++) {
    gateFloat(l, w, g, x, xo, h, ho, c, co, gates);
    const act = g === CELL_GATE ? p.activation : FusedActivation.SIGMOID;
    applyFusedActivation(act, gates, g * n, gates, g * n, n);
  }
  updateCellFloat(l, gates, c, co, p.cellClip);
  // The output gate's peephole sees the updated cell state.
  gateFloat(l, w, 3, x, xo, h, ho, c, co, gates);
  applyFusedActivation(FusedActivation.SIGMOID, gates, 3 * n, gates, 3 * n, n);
  hiddenFloat(l, p.activation, gates, c, co, hidden);
  projectFloat(l, p, w, hidden, h, ho);
  for (let k = 0; k < l.nOutput; k++) out[oo + k] = h[ho + k]!;
}

/** h' = clip(W_proj hidden + b_proj) into h[ho..], or h' = hidden without projection. */
function projectFloat(
  l: LstmLayout,
  p: FloatLstmParams,
  w: FloatLstmTensors,
  hidden: Float32Array,
  h: Float32Array,
  ho: number,
): void {
  const { nCell, nOutput } = l;
  if (!w.projection) {
    for (let k = 0; k < nOutput; k++) h[ho + k] = hidden[k]!;
    return;
  }
  const Wp = w.projection;
  for (let k = 0; k < nOutput; k++) {
    let s = w.projectionBias ? w.projectionBias[k]! : 0;
    let wo = k * nCell;
    for (let j = 0; j < nCell; j++) s += Wp[wo++]! * hidden[j]!;
    h[ho + k] = s;
  }
  clipFloat(h, ho, nOutput, p.projClip);
}
