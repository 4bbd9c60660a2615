/**
 * The 24 inputs of TFLite's LSTM ops (LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM), the variant flags they
 * imply (CIFG, peephole, projection, layer norm) and the sizes, validated once in prepare.
 *
 * Gate order everywhere in this folder: 0 input gate, 1 forget gate, 2 cell gate, 3 output gate.
 */
import { type KernelNode, type KernelTensor, input, shapeError, unsupported } from '../kernel.js';

/** Input tensor indices of the LSTM ops (tensorflow/lite/kernels/lstm_shared.h). */
export const LstmInput = {
  input: 0,
  inputToInputWeights: 1,
  inputToForgetWeights: 2,
  inputToCellWeights: 3,
  inputToOutputWeights: 4,
  recurrentToInputWeights: 5,
  recurrentToForgetWeights: 6,
  recurrentToCellWeights: 7,
  recurrentToOutputWeights: 8,
  cellToInputWeights: 9,
  cellToForgetWeights: 10,
  cellToOutputWeights: 11,
  inputGateBias: 12,
  forgetGateBias: 13,
  cellGateBias: 14,
  outputGateBias: 15,
  projectionWeights: 16,
  projectionBias: 17,
  outputState: 18,
  cellState: 19,
  inputLayerNorm: 20,
  forgetLayerNorm: 21,
  cellLayerNorm: 22,
  outputLayerNorm: 23,
} as const;

/** Per-gate input indices, in gate order (input, forget, cell, output). */
export const GATE_INPUT_WEIGHTS = [1, 2, 3, 4] as const;
export const GATE_RECURRENT_WEIGHTS = [5, 6, 7, 8] as const;
/** Peephole weights: there is none for the cell gate (-1). */
export const GATE_PEEPHOLE_WEIGHTS = [9, 10, -1, 11] as const;
export const GATE_BIASES = [12, 13, 14, 15] as const;
export const GATE_LAYER_NORMS = [20, 21, 22, 23] as const;

/** The cell gate's index in gate order. */
export const CELL_GATE = 2;

/** Sizes and variant flags of one LSTM node. */
export interface LstmLayout {
  nBatch: number;
  maxTime: number;
  nInput: number;
  nCell: number;
  /** n_output: n_cell, or the projection size. */
  nOutput: number;
  timeMajor: boolean;
  /** Coupled input-forget gate: no input-gate tensors, input gate = 1 - forget gate. */
  useCifg: boolean;
  usePeephole: boolean;
  useProjection: boolean;
  hasProjectionBias: boolean;
  useLayerNorm: boolean;
}

/** Returns input `i` or null when the model omits it (index -1 or fewer inputs). */
export function optionalInput(node: KernelNode, i: number): KernelTensor | null {
  return node.inputs[i] ?? null;
}

function expectShape(node: KernelNode, t: KernelTensor, shape: readonly number[], role: string): void {
  if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
    throw shapeError(node, `${role} ${JSON.stringify(t.name)} has shape [${t.shape}], expected [${shape}]`);
  }
}

/**
 * Reads sizes and flags from a sequence LSTM node (input [batch, time, n_input], or
 * [time, batch, n_input] when time-major) and checks every tensor's shape as TFLite's
 * CheckInputTensorDimensions does. Throws ShapeError on a mismatch and UnsupportedOpError for
 * the deprecated 20-input form.
 */
export function readLstmLayout(node: KernelNode, timeMajor: boolean): LstmLayout {
  if (node.inputs.length !== 24) {
    throw unsupported(
      node,
      `expected 24 inputs (the 20-input LSTM form is deprecated), got ${node.inputs.length}`,
    );
  }
  const x = input(node, LstmInput.input);
  if (x.shape.length !== 3) {
    throw shapeError(
      node,
      `input ${JSON.stringify(x.name)} must have rank 3 ([batch, time, input] or time-major), has [${x.shape}]`,
    );
  }
  const maxTime = timeMajor ? x.shape[0]! : x.shape[1]!;
  const nBatch = timeMajor ? x.shape[1]! : x.shape[0]!;
  const nInput = x.shape[2]!;
  const toOutput = input(node, LstmInput.inputToOutputWeights);
  if (toOutput.shape.length !== 2 || toOutput.shape[1] !== nInput) {
    throw shapeError(node, `input_to_output_weights [${toOutput.shape}] must be [n_cell, ${nInput}]`);
  }
  const nCell = toOutput.shape[0]!;
  const recOutput = input(node, LstmInput.recurrentToOutputWeights);
  if (recOutput.shape.length !== 2 || recOutput.shape[0] !== nCell) {
    throw shapeError(node, `recurrent_to_output_weights [${recOutput.shape}] must be [${nCell}, n_output]`);
  }
  const nOutput = recOutput.shape[1]!;

  const inToInput = optionalInput(node, LstmInput.inputToInputWeights);
  const recToInput = optionalInput(node, LstmInput.recurrentToInputWeights);
  if ((inToInput === null) !== (recToInput === null)) {
    throw shapeError(
      node,
      'input_to_input_weights and recurrent_to_input_weights must be both present or both absent',
    );
  }
  const useCifg = inToInput === null;
  for (let g = 0; g < 4; g++) {
    if (g === 0 && useCifg) continue;
    expectShape(node, input(node, GATE_INPUT_WEIGHTS[g]!), [nCell, nInput], 'input weights');
    expectShape(node, input(node, GATE_RECURRENT_WEIGHTS[g]!), [nCell, nOutput], 'recurrent weights');
  }

  const peep = [9, 10, 11].map((i) => optionalInput(node, i));
  const usePeephole = peep[2] !== null;
  const peepholeOk =
    ((peep[0] !== null || useCifg) && peep[1] !== null && peep[2] !== null) || peep.every((p) => p === null);
  if (!peepholeOk) throw shapeError(node, 'peephole weights (inputs 9-11) must be all present or all absent');
  for (const p of peep) if (p) expectShape(node, p, [nCell], 'peephole weights');

  const inputBias = optionalInput(node, LstmInput.inputGateBias);
  if (useCifg && inputBias)
    throw shapeError(node, 'a CIFG LSTM (no input gate weights) must not have input_gate_bias');
  for (let g = 0; g < 4; g++) {
    if (g === 0 && useCifg) continue;
    expectShape(node, input(node, GATE_BIASES[g]!), [nCell], 'gate bias');
  }

  const proj = optionalInput(node, LstmInput.projectionWeights);
  const projBias = optionalInput(node, LstmInput.projectionBias);
  if (proj) expectShape(node, proj, [nOutput, nCell], 'projection_weights');
  if (projBias) {
    if (!proj) throw shapeError(node, 'projection_bias is given without projection_weights');
    expectShape(node, projBias, [nOutput], 'projection_bias');
  }
  if (!proj && nOutput !== nCell) {
    throw shapeError(node, `without projection n_output (${nOutput}) must equal n_cell (${nCell})`);
  }

  const useLayerNorm = optionalInput(node, LstmInput.forgetLayerNorm) !== null;
  if (useLayerNorm) {
    for (let g = 0; g < 4; g++) {
      const ln = optionalInput(node, GATE_LAYER_NORMS[g]!);
      if (g === 0 && useCifg) {
        if (ln) throw shapeError(node, 'a CIFG LSTM must not have input_layer_norm_coefficients');
        continue;
      }
      if (!ln) throw shapeError(node, 'layer norm coefficients (inputs 20-23) must be all present');
      expectShape(node, ln, [nCell], 'layer norm coefficients');
    }
  }

  const outputState = input(node, LstmInput.outputState);
  const cellState = input(node, LstmInput.cellState);
  for (const [t, n, role] of [
    [outputState, nBatch * nOutput, 'output_state (input 18)'],
    [cellState, nBatch * nCell, 'cell_state (input 19)'],
  ] as const) {
    if (!t.isVariable) throw shapeError(node, `${role} ${JSON.stringify(t.name)} must be a variable tensor`);
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== n) throw shapeError(node, `${role} has ${size} elements, expected ${n}`);
  }
  return {
    nBatch,
    maxTime,
    nInput,
    nCell,
    nOutput,
    timeMajor,
    useCifg,
    usePeephole,
    useProjection: proj !== null,
    hasProjectionBias: projBias !== null,
    useLayerNorm,
  };
}

/** Offset of row (batch b, step t) in a sequence tensor with `width` values per row. */
export function rowOffset(l: LstmLayout, b: number, t: number, width: number): number {
  return (l.timeMajor ? t * l.nBatch + b : b * l.maxTime + t) * width;
}
