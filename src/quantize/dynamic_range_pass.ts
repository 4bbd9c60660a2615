/**
 * Dynamic-range quantization: weights stored as int8, activations stay float32. At run time the
 * hybrid kernels quantize each input row on the fly (TFLite's hybrid CONV_2D, DEPTHWISE_CONV_2D
 * and FULLY_CONNECTED paths, which our runtime implements too). As TFLite's converter:
 *
 *  - CONV_2D: symmetric int8 weights per output channel (axis 0) -> version 5 (2 per tensor);
 *  - DEPTHWISE_CONV_2D: per channel along axis 3 -> version 6 (4 per tensor);
 *  - FULLY_CONNECTED: one scale per tensor, inputs quantized asymmetrically per row
 *    (asymmetric_quantize_inputs, version 9), the more accurate hybrid scheme;
 *  - SVDF (feature and time weights) and UNIDIRECTIONAL_SEQUENCE_LSTM (gate, peephole and
 *    projection weights): per tensor, asymmetric inputs (versions 4 and 3);
 *  - biases stay float32 (the hybrid kernels add them in float).
 *
 * TFLite's converter leaves weights with fewer than 1024 elements float (weights_min_num_elements)
 * because quantizing the input at run time costs more than the small op saves. Here every weight
 * is quantized by default (minElements 0): in depthwise-heavy models those small tensors are a
 * large part of the file (MobileNet 0.25 at 96x96: 24 KB of 266 KB), and the file size is what
 * dynamic range is for; pass minElements 1024 for TFLite's choice.
 *
 * A weight tensor also read by an op without a hybrid kernel is left float.
 */
import { builtinOpName } from '../ir/builtin_ops.js';
import { type OptionsName, type OptionsOf, makeOptions } from '../ir/builtin_options.js';
import { dtypeCode, dtypeFromCode } from '../ir/dtype.js';
import type { Model, Operator } from '../ir/model.js';
import { GraphEditor, bytesOf } from './graph/model_editor.js';
import { assignVersions } from './graph/assign_versions.js';
import type { NodeOutcome } from './integer/integer_pass.js';
import { quantizeSymmetricWeights } from './quant_params.js';

/**
 * Hybrid ops: positions of the weights, the per-channel axis (undefined: per tensor), and the
 * options table whose asymmetric_quantize_inputs to set.
 */
const HYBRID: Readonly<
  Record<string, { weights: readonly number[]; axis: number | undefined; options?: OptionsName }>
> = {
  CONV_2D: { weights: [1], axis: 0 },
  DEPTHWISE_CONV_2D: { weights: [1], axis: 3 },
  FULLY_CONNECTED: { weights: [1], axis: undefined, options: 'FullyConnectedOptions' },
  // weights_feature, weights_time.
  SVDF: { weights: [1, 2], axis: undefined, options: 'SVDFOptions' },
  // Input-to-gate and recurrent-to-gate weights, peepholes (cell-to-gate), projection.
  UNIDIRECTIONAL_SEQUENCE_LSTM: {
    weights: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 16],
    axis: undefined,
    options: 'UnidirectionalSequenceLSTMOptions',
  },
};

/** Options of the dynamic-range pass. */
export interface DynamicRangeOptions {
  /** One weight scale per tensor for conv and depthwise too. */
  perTensor: boolean;
  /** Weights with fewer elements stay float (default 0; TFLite uses 1024). */
  minElements?: number;
  /** Ops (builtin names) or output tensor names whose nodes stay float. */
  keepFloat: readonly string[];
}

/** Quantizes the weights of subgraph 0 for hybrid kernels (in place); returns what happened to each node. */
export function dynamicRangePass(model: Model, options: DynamicRangeOptions): NodeOutcome[] {
  const ed = new GraphEditor(model, 0);
  const sg = ed.sg;
  const minElements = options.minElements ?? 0;
  const opName = (op: Operator) => builtinOpName(model.operatorCodes[op.opcodeIndex]!.builtinCode);
  const keep = new Set(options.keepFloat);
  // Weight tensors read anywhere but in a hybrid weights slot must stay float.
  const readers = new Map<number, boolean>();
  for (const op of sg.operators) {
    const h = HYBRID[opName(op)];
    op.inputs.forEach((t, i) => {
      if (t < 0) return;
      const hybridSlot = h !== undefined && h.weights.includes(i);
      readers.set(t, (readers.get(t) ?? true) && hybridSlot);
    });
  }
  const quantized = new Map<number, number>();
  const quantizeWeights = (w: number, axis: number | undefined): number => {
    const done = quantized.get(w);
    if (done !== undefined) return done;
    const wt = sg.tensors[w]!;
    const sw = quantizeSymmetricWeights(ed.constantFloats(w), wt.shape, axis);
    const wName = wt.name;
    ed.renameAway(w, `${wName}_float`);
    const q = ed.addTensor({
      name: wName,
      shape: [...wt.shape],
      type: dtypeCode('int8'),
      buffer: ed.addBuffer(bytesOf(sw.data)),
      quantization: {
        scale: sw.scales,
        zeroPoint: sw.scales.map(() => 0),
        quantizedDimension: sw.scales.length > 1 ? sw.axis : 0,
      },
    });
    quantized.set(w, q);
    return q;
  };
  const outcomes = sg.operators.map((op, index): NodeOutcome => {
    const name = opName(op);
    const out = sg.tensors[op.outputs[0] ?? -1]?.name ?? '';
    const base = { index, op: name, output: out };
    const h = HYBRID[name];
    if (!h) return { ...base, quantized: false, reason: 'no weights to quantize' };
    if (keep.has(name) || op.outputs.some((o) => keep.has(sg.tensors[o]!.name)))
      return { ...base, quantized: false, reason: '--keep-float' };
    const x = op.inputs[0] ?? -1;
    if (x < 0 || dtypeFromCode(sg.tensors[x]!.type) !== 'float32')
      return { ...base, quantized: false, reason: 'input is not float32' };
    const slots = h.weights.filter((i) => (op.inputs[i] ?? -1) >= 0);
    for (const i of slots) {
      const w = op.inputs[i]!;
      if (!ed.isConstant(w) || dtypeFromCode(sg.tensors[w]!.type) !== 'float32')
        return { ...base, quantized: false, reason: `weights (input ${i}) are not constant float32` };
      if (!readers.get(w)) return { ...base, quantized: false, reason: 'weights are shared with a float op' };
    }
    // The hybrid kernels take all of an op's weights quantized or none: the size threshold looks
    // at the largest.
    const elements = Math.max(
      ...slots.map((i) => sg.tensors[op.inputs[i]!]!.shape.reduce((a, d) => a * d, 1)),
    );
    if (elements < minElements)
      return { ...base, quantized: false, reason: `weights have ${elements} < ${minElements} elements` };
    for (const i of slots)
      op.inputs[i] = quantizeWeights(op.inputs[i]!, options.perTensor ? undefined : h.axis);
    if (h.options && op.builtinOptions) {
      op.builtinOptions = makeOptions(h.options, {
        ...(op.builtinOptions.values as Partial<OptionsOf<typeof h.options>>),
        asymmetricQuantizeInputs: true,
      });
    }
    return { ...base, quantized: true };
  });
  assignVersions(ed);
  return outcomes;
}
