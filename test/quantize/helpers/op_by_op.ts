/**
 * Op-by-op comparison of a quantized model with LiteRT: every op of the model gets the same input
 * bytes in both runtimes — the values LiteRT itself computed for that op's inputs on a real input
 * — so each op's output difference is its own, not one inherited from earlier layers.
 *
 * 1. "probe": the model with every tensor an op writes added to its outputs, run in LiteRT on the
 *    given input, gives LiteRT's value of every intermediate tensor.
 * 2. "independent ops": a model holding each op once with fresh copies of its activation inputs
 *    as model inputs and fresh copies of its outputs as model outputs (constants shared), run in
 *    LiteRT and in our runtime on LiteRT's intermediate values from step 1.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeModel } from '../../../src/format/model_writer.js';
import { builtinOpName } from '../../../src/ir/builtin_ops.js';
import { dtypeFromCode } from '../../../src/ir/dtype.js';
import type { Model, Operator, Tensor } from '../../../src/ir/model.js';
import { cloneModel, compactModel } from '../../../src/quantize/graph/model_editor.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { runPeer } from '../../support/peers.js';

/** One op's comparison. */
export interface OpDiff {
  index: number;
  op: string;
  output: string;
  dtype: string;
  /** Largest |ours - LiteRT| over the op's outputs, in quantized units (or absolute for float). */
  maxDiff: number;
  /** Fraction of output values that differ at all. */
  differing: number;
}

const isConst = (m: Model, t: Tensor) => (m.buffers[t.buffer]?.data?.byteLength ?? 0) > 0;

/** Returns the value view of raw bytes for a dtype (numbers). */
function values(bytes: Uint8Array, dtype: string): ArrayLike<number> {
  const copy = bytes.slice();
  switch (dtype) {
    case 'int8':
      return new Int8Array(copy.buffer);
    case 'uint8':
      return copy;
    case 'int16':
      return new Int16Array(copy.buffer);
    case 'int32':
      return new Int32Array(copy.buffer);
    default:
      return new Float32Array(copy.buffer);
  }
}

/**
 * Returns per-op differences between our runtime and LiteRT for `model` on `input` (the raw bytes
 * of each model input). Files are written to `dir`. Throws when LiteRT cannot run a model.
 */
export async function compareOpByOp(model: Model, input: Uint8Array[], dir: string): Promise<OpDiff[]> {
  const sg0 = model.subgraphs[0]!;
  const name = (m: Model, op: Operator) => builtinOpName(m.operatorCodes[op.opcodeIndex]!.builtinCode);

  // 1. LiteRT's value of every tensor an op writes.
  const probe = cloneModel(model);
  const psg = probe.subgraphs[0]!;
  const written = psg.operators.flatMap((op) => op.outputs);
  psg.outputs = [...new Set([...psg.outputs, ...written])];
  delete probe.signatureDefs;
  const probeFile = join(dir, 'probe.tflite');
  writeFileSync(probeFile, writeModel(probe));
  const probed = await runPeer({ runtime: 'litert', model: probeFile, inputs: input });
  const litertValue = new Map(probed.outputs.map((t) => [t.name, t.data]));
  for (const [k, i] of sg0.inputs.entries()) litertValue.set(sg0.tensors[i]!.name, input[k]!);

  // 2. Each op on its own.
  const ind = cloneModel(model);
  const sg = ind.subgraphs[0]!;
  delete ind.signatureDefs;
  const inputs: number[] = [];
  const outputs: number[] = [];
  const feeds: Uint8Array[] = [];
  const owner: { op: number; outputs: { name: string; dtype: string }[] }[] = [];
  const copy = (t: number, suffix: string): number => {
    const src = sg.tensors[t]!;
    sg.tensors.push({ ...src, name: `${src.name}#${suffix}`, buffer: 0, shape: [...src.shape] });
    return sg.tensors.length - 1;
  };
  sg.operators.forEach((op, k) => {
    op.inputs = op.inputs.map((t) => {
      if (t < 0 || isConst(ind, sg.tensors[t]!)) return t;
      const bytes = litertValue.get(sg.tensors[t]!.name);
      if (!bytes) throw new Error(`no LiteRT value for ${sg.tensors[t]!.name}`);
      const c = copy(t, `in${k}`);
      inputs.push(c);
      feeds.push(bytes);
      return c;
    });
    op.outputs = op.outputs.map((t) => copy(t, `out${k}`));
    outputs.push(...op.outputs);
    // Names, not indices: compactModel renumbers the tensors.
    owner.push({
      op: k,
      outputs: op.outputs.map((o) => ({
        name: sg.tensors[o]!.name,
        dtype: dtypeFromCode(sg.tensors[o]!.type)!,
      })),
    });
  });
  sg.inputs = inputs;
  sg.outputs = outputs;
  compactModel(ind);
  const bytes = writeModel(ind);
  const indFile = join(dir, 'independent.tflite');
  writeFileSync(indFile, bytes);
  const theirs = await runPeer({ runtime: 'litert', model: indFile, inputs: feeds });
  const theirOut = new Map(theirs.outputs.map((t) => [t.name, t]));
  // LiteRT orders the inputs of a model without signature as the subgraph does.
  if (theirs.inputs.map((t) => t.name).join('|') !== sg.inputs.map((i) => sg.tensors[i]!.name).join('|')) {
    throw new Error('LiteRT lists the independent model inputs in another order');
  }

  const it = new Interpreter(bytes);
  it.allocateTensors();
  feeds.forEach((f, i) => it.input(i).set(f));
  it.invoke();
  const ours = new Map(it.outputs.map((o, i) => [o.name, it.output(i).data]));

  return owner.map(({ op, outputs: outs }) => {
    let maxDiff = 0;
    let differing = 0;
    let count = 0;
    let dtype = '';
    for (const o of outs) {
      const n = o.name;
      dtype = o.dtype;
      const a = ours.get(n)!;
      const b = values(theirOut.get(n)!.data, dtype);
      for (let i = 0; i < b.length; i++) {
        const d = Math.abs(Number(a[i]) - b[i]!);
        if (d > maxDiff) maxDiff = d;
        if (d > 0) differing++;
      }
      count += b.length;
    }
    const opName = name(model, sg0.operators[op]!);
    return {
      index: op,
      op: opName,
      output: sg0.tensors[sg0.operators[op]!.outputs[0]!]!.name,
      dtype,
      maxDiff,
      differing: count ? differing / count : 0,
    };
  });
}
