/**
 * Layer-wise differential testing against a peer runtime. Whole-model comparisons of quantized
 * networks compound XNNPACK's one-unit rounding differences through dozens of layers, so they
 * cannot show whether each op is right. Here every op is isolated:
 *  1. `exposeAll(model)`: the same graph with every computed tensor as a model output (tensors
 *     renamed t<index> so outputs can be matched by name), run by the peer to learn the value
 *     of every intermediate tensor on a seeded input;
 *  2. `isolateOps(model)`: every op with each non-constant input replaced by a fresh model input
 *     (same dtype, shape and quantization), so all ops run side by side on given inputs;
 *  3. both runtimes run the isolated model on the peer's own intermediate values, and each op's
 *     output is compared: any difference is that op's alone.
 */
import type { Model, Tensor } from '../../src/ir/model.js';

function cloneTensor(t: Tensor, name: string): Tensor {
  const c: Tensor = { ...t, name, shape: [...t.shape], buffer: 0 };
  if (t.shapeSignature) c.shapeSignature = [...t.shapeSignature];
  return c;
}

/** Indices of tensors some op writes, in execution order. */
function computedTensors(model: Model): number[] {
  const out: number[] = [];
  for (const op of model.subgraphs[0]!.operators) for (const o of op.outputs) if (o >= 0) out.push(o);
  return out;
}

/** The model with every computed tensor as an output, tensors renamed `t<index>`. */
export function exposeAll(model: Model): Model {
  const sg = model.subgraphs[0]!;
  const tensors = sg.tensors.map((t, i) => ({ ...t, name: `t${i}` }));
  const outputs = [...new Set([...computedTensors(model), ...sg.outputs])];
  return {
    ...model,
    subgraphs: [{ ...sg, tensors, outputs }],
    signatureDefs: [],
    metadata: [],
    associatedFiles: [],
  };
}

/** The isolated-ops model and, for each of its inputs, the original tensor it stands for. */
export interface IsolatedModel {
  model: Model;
  /** inputSource[k] = index (in the original model) of the tensor whose value feeds input k. */
  inputSource: number[];
  /** For each op: the tensor indices (in the isolated model) of its outputs. */
  opOutputs: number[][];
}

/** Every op with its non-constant inputs replaced by fresh model inputs. */
export function isolateOps(model: Model): IsolatedModel {
  const sg = model.subgraphs[0]!;
  const isConst = (i: number) => (model.buffers[sg.tensors[i]!.buffer]?.data?.byteLength ?? 0) > 0;
  const tensors: Tensor[] = sg.tensors.map((t, i) => ({ ...t, name: `t${i}` }));
  const inputs: number[] = [];
  const inputSource: number[] = [];
  const operators = sg.operators.map((op, n) => {
    const ins = op.inputs.map((i, k) => {
      if (i < 0 || isConst(i) || sg.tensors[i]!.isVariable) return i;
      tensors.push(cloneTensor(sg.tensors[i]!, `op${n}_in${k}`));
      inputs.push(tensors.length - 1);
      inputSource.push(i);
      return tensors.length - 1;
    });
    return { ...op, inputs: ins };
  });
  const opOutputs = sg.operators.map((op) => op.outputs.filter((o) => o >= 0));
  return {
    model: {
      ...model,
      subgraphs: [{ ...sg, tensors, inputs, outputs: opOutputs.flat(), operators }],
      signatureDefs: [],
      metadata: [],
      associatedFiles: [],
    },
    inputSource,
    opOutputs,
  };
}
