/**
 * Gives every operator of an edited subgraph the version TFLite's converter would write for its
 * new signature (op_versions.ts), adding operator codes as needed. Versions are only raised,
 * never lowered, as the converter's UpdateOpVersion does.
 */
import { type BuiltinOpName, builtinOpName } from '../../ir/builtin_ops.js';
import { dtypeFromCode } from '../../ir/dtype.js';
import { opVersion } from '../op_versions.js';
import type { GraphEditor } from './model_editor.js';

/** Updates the operator codes of the editor's subgraph in place; returns nothing. */
export function assignVersions(ed: GraphEditor): void {
  const { model, sg } = ed;
  for (const op of sg.operators) {
    const code = model.operatorCodes[op.opcodeIndex]!;
    if (code.customCode !== undefined) continue;
    const name = builtinOpName(code.builtinCode);
    // Per-channel: the weights (input 1), or the data of a DEQUANTIZE.
    const w = op.inputs[name === 'DEQUANTIZE' ? 0 : 1];
    const wq = w !== undefined && w >= 0 ? sg.tensors[w]!.quantization : undefined;
    const x = op.inputs[0];
    const v = opVersion({
      op: name,
      inputs: op.inputs.map((t) => (t < 0 ? undefined : dtypeFromCode(sg.tensors[t]!.type))),
      outputs: op.outputs.map((t) => dtypeFromCode(sg.tensors[t]!.type) ?? 'float32'),
      ...(op.builtinOptions ? { options: op.builtinOptions } : {}),
      perChannel: (wq?.scale?.length ?? 0) > 1,
      inputRank: x !== undefined && x >= 0 ? sg.tensors[x]!.shape.length : 0,
    });
    const version = Math.max(v, code.version);
    if (version !== code.version) op.opcodeIndex = ed.opcode(name as BuiltinOpName, version);
  }
}
