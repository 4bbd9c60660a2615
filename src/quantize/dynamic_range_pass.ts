/**
 * Dynamic-range quantization: weights stored as int8, activations stay float32. At run time the
 * hybrid kernels quantize each input row on the fly (TFLite's hybrid CONV_2D, DEPTHWISE_CONV_2D
 * and FULLY_CONNECTED paths, which our runtime implements too). As TFLite's converter:
 *
 *  - CONV_2D: symmetric int8 weights per output channel (axis 0) -> version 5 (2 per tensor);
 *  - DEPTHWISE_CONV_2D: per channel along axis 3 -> version 6 (4 per tensor);
 *  - FULLY_CONNECTED: one scale per tensor, inputs quantized asymmetrically per row
 *    (asymmetric_quantize_inputs, version 9), the more accurate hybrid scheme;
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
import type { BuiltinOpName } from '../ir/builtin_ops.js';
import { builtinOpName } from '../ir/builtin_ops.js';
import { type OptionsOf, makeOptions } from '../ir/builtin_options.js';
import { dtypeCode, dtypeFromCode } from '../ir/dtype.js';
import type { Model, Operator } from '../ir/model.js';
import { GraphEditor, bytesOf } from './graph/model_editor.js';
import { assignVersions, type NodeOutcome } from './integer/integer_pass.js';
import { quantizeSymmetricWeights } from './quant_params.js';

/** Hybrid ops: position of the weights and the per-channel axis (undefined: always per tensor). */
const HYBRID: Readonly<Record<string, { weights: number; axis: number | undefined }>> = {
  CONV_2D: { weights: 1, axis: 0 },
  DEPTHWISE_CONV_2D: { weights: 1, axis: 3 },
  FULLY_CONNECTED: { weights: 1, axis: undefined },
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
      const hybridSlot = h !== undefined && i === h.weights;
      readers.set(t, (readers.get(t) ?? true) && hybridSlot);
    });
  }
  const quantized = new Map<number, number>();
  const outcomes = sg.operators.map((op, index): NodeOutcome => {
    const name = opName(op);
    const out = sg.tensors[op.outputs[0] ?? -1]?.name ?? '';
    const base = { index, op: name, output: out };
    const h = HYBRID[name];
    if (!h) return { ...base, quantized: false, reason: 'no weights to quantize' };
    if (keep.has(name) || op.outputs.some((o) => keep.has(sg.tensors[o]!.name)))
      return { ...base, quantized: false, reason: '--keep-float' };
    const w = op.inputs[h.weights] ?? -1;
    const x = op.inputs[0] ?? -1;
    if (w < 0 || !ed.isConstant(w) || dtypeFromCode(sg.tensors[w]!.type) !== 'float32')
      return { ...base, quantized: false, reason: 'weights are not constant float32' };
    if (x < 0 || dtypeFromCode(sg.tensors[x]!.type) !== 'float32')
      return { ...base, quantized: false, reason: 'input is not float32' };
    const wt = sg.tensors[w]!;
    const elements = wt.shape.reduce((a, d) => a * d, 1);
    if (elements < minElements)
      return { ...base, quantized: false, reason: `weights have ${elements} < ${minElements} elements` };
    if (!readers.get(w)) return { ...base, quantized: false, reason: 'weights are shared with a float op' };
    let q = quantized.get(w);
    if (q === undefined) {
      const axis = options.perTensor ? undefined : h.axis;
      const sw = quantizeSymmetricWeights(ed.constantFloats(w), wt.shape, axis);
      const wName = wt.name;
      ed.renameAway(w, `${wName}_float`);
      q = ed.addTensor({
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
    }
    op.inputs[h.weights] = q;
    if (name === 'FULLY_CONNECTED' && op.builtinOptions) {
      const values = op.builtinOptions.values as Partial<OptionsOf<'FullyConnectedOptions'>>;
      op.builtinOptions = makeOptions('FullyConnectedOptions', { ...values, asymmetricQuantizeInputs: true });
    }
    return { ...base, quantized: true };
  });
  assignVersions(ed, (op) => opName(op) as BuiltinOpName);
  return outcomes;
}
