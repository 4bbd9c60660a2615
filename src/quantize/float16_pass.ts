/**
 * Float16 quantization: every float32 constant an op reads (weights and biases) is stored as
 * float16, half the bytes, and a DEQUANTIZE op (version 3) at the start of the graph turns it
 * back into the float32 tensor the op always read, as TFLite's converter does. Runtimes fold those
 * DEQUANTIZE ops once at load (ours at prepare time, XNNPACK when it packs the weights), so the
 * model computes in float32 with weights rounded to float16 (round to nearest even; relative
 * error at most 2^-11).
 *
 * A constant with a value beyond float16's range (|x| > 65504) stays float32 rather than
 * saturate; so do constants read by ops in --keep-float.
 */
import { builtinOpName } from '../ir/builtin_ops.js';
import { dtypeCode, dtypeFromCode } from '../ir/dtype.js';
import type { Model, Operator } from '../ir/model.js';
import { float32ToFloat16Bits } from '../kernels/internal/float16.js';
import { GraphEditor, bytesOf } from './graph/model_editor.js';
import { assignVersions } from './graph/assign_versions.js';
import type { NodeOutcome } from './integer/integer_pass.js';

/** Largest finite float16 value. */
const FLOAT16_MAX = 65504;

/** Options of the float16 pass. */
export interface Float16Options {
  /** Ops (builtin names) or output tensor names whose constants stay float32. */
  keepFloat: readonly string[];
}

/** Converts the float32 constants of subgraph 0 to float16 + DEQUANTIZE (in place); returns per-node outcomes. */
export function float16Pass(model: Model, options: Float16Options): NodeOutcome[] {
  const ed = new GraphEditor(model, 0);
  const sg = ed.sg;
  const opName = (op: Operator) => builtinOpName(model.operatorCodes[op.opcodeIndex]!.builtinCode);
  const keep = new Set(options.keepFloat);
  const kept = (op: Operator) =>
    keep.has(opName(op)) || op.outputs.some((o) => keep.has(sg.tensors[o]!.name));
  // Constants read only by ops that are not kept float.
  const eligible = new Map<number, boolean>();
  for (const op of sg.operators) {
    for (const t of op.inputs) {
      if (t < 0 || !ed.isConstant(t) || dtypeFromCode(sg.tensors[t]!.type) !== 'float32') continue;
      if (sg.tensors[t]!.isVariable) continue;
      eligible.set(t, (eligible.get(t) ?? true) && !kept(op));
    }
  }
  const dequantizes: Operator[] = [];
  const converted = new Set<number>();
  for (const [t, ok] of eligible) {
    if (!ok) continue;
    const values = ed.constantFloats(t);
    if (values.some((v) => Math.abs(v) > FLOAT16_MAX)) continue;
    const half = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) half[i] = float32ToFloat16Bits(values[i]!);
    const src = sg.tensors[t]!;
    const h = ed.addTensor({
      name: `${src.name}_float16`,
      shape: [...src.shape],
      type: dtypeCode('float16'),
      buffer: ed.addBuffer(bytesOf(half)),
    });
    // The float32 tensor keeps its index and name; it is now computed by DEQUANTIZE.
    src.buffer = 0;
    dequantizes.push(ed.makeOp('DEQUANTIZE', 3, [h], [t]));
    converted.add(t);
  }
  const outcomes = sg.operators.map((op, index): NodeOutcome => {
    const name = opName(op);
    const base = { index, op: name, output: sg.tensors[op.outputs[0] ?? -1]?.name ?? '' };
    const hit = op.inputs.some((t) => converted.has(t));
    if (hit) return { ...base, quantized: true };
    return { ...base, quantized: false, reason: kept(op) ? '--keep-float' : 'no float32 constants' };
  });
  sg.operators = [...dequantizes, ...sg.operators];
  assignVersions(ed);
  return outcomes;
}
