/**
 * Writes the working graph as an IR Model with ModelBuilder: only the values that some op or
 * the graph's IO uses, constants with their data, state tensors as variables; one signature
 * ("serving_default") naming the inputs and outputs.
 */
import { ConversionError } from '../errors.js';
import type { Model } from '../ir/model.js';
import { ModelBuilder } from '../ir/model_builder.js';
import type { ConvGraph } from './graph.js';

/**
 * Op versions that differ from 1 because of a feature the converter uses (TFLite's op_version
 * rules): FULLY_CONNECTED with keep_num_dims is version 5; TRANSPOSE_CONV with a bias input is 3.
 */
function opVersion(op: string, options: Record<string, unknown>, inputs: readonly number[]): number {
  if (op === 'FULLY_CONNECTED' && options['keepNumDims'] === true) return 5;
  if (op === 'TRANSPOSE_CONV' && inputs.length > 3 && inputs[3]! >= 0) return 3;
  return 1;
}

/** Returns the IR Model of `g`. Throws ConversionError if a converter-only op is still present. */
export function emitModel(g: ConvGraph, description: string): Model {
  const b = new ModelBuilder();
  b.description = description;
  const index = new Map<number, number>();
  const tensor = (id: number): number => {
    if (id < 0) return -1;
    let t = index.get(id);
    if (t === undefined) {
      const v = g.value(id);
      t = b.addTensor({
        name: v.name,
        dtype: v.dtype,
        shape: v.shape,
        ...(v.data ? { data: v.data } : {}),
        ...(v.isVariable ? { isVariable: true } : {}),
      });
      index.set(id, t);
    }
    return t;
  };
  const ins = g.inputs.map(tensor);
  for (const n of g.nodes) {
    if (n.op === 'IDENTITY')
      throw new ConversionError(`internal: IDENTITY op ${n.name} left after drop-identity`);
    b.addOp({
      op: n.op,
      version: opVersion(n.op, n.options, n.inputs),
      inputs: n.inputs.map(tensor),
      outputs: n.outputs.map(tensor),
      options: n.options,
    });
  }
  const outs = g.outputs.map(tensor);
  b.setIO(ins, outs);
  const sigIn: Record<string, number> = {};
  const sigOut: Record<string, number> = {};
  g.inputs.forEach((id, i) => (sigIn[g.value(id).name] = ins[i]!));
  g.outputs.forEach((id, i) => (sigOut[g.value(id).name] = outs[i]!));
  b.addSignature('serving_default', sigIn, sigOut);
  return b.build();
}
