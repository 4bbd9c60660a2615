/**
 * Editing a model in place for the quantization passes: clone it, add buffers, tensors, operator
 * codes and operators, find the consumers of a tensor, and afterwards drop what no longer
 * belongs to the graph (tensors nobody reads or writes, buffers no tensor or metadata entry
 * points at, operator codes no operator uses) so the written file carries no dead float weights.
 */
import type { BuiltinOptions } from '../../ir/builtin_options.js';
import { type BuiltinOpName, builtinOpCode, PLACEHOLDER_FOR_GREATER_OP_CODES } from '../../ir/builtin_ops.js';
import type { Model, Operator, Subgraph, Tensor } from '../../ir/model.js';

/**
 * Returns a copy of `model` whose lists and tables the passes may change freely. Buffer bytes
 * are shared (never mutated: passes add new buffers instead).
 */
export function cloneModel(model: Model): Model {
  const copy: Model = {
    ...model,
    operatorCodes: model.operatorCodes.map((c) => ({ ...c })),
    buffers: model.buffers.map((b) => ({ ...b })),
    subgraphs: model.subgraphs.map((sg) => ({
      ...sg,
      inputs: [...sg.inputs],
      outputs: [...sg.outputs],
      tensors: sg.tensors.map((t) => ({
        ...t,
        shape: [...t.shape],
        ...(t.quantization ? { quantization: { ...t.quantization } } : {}),
      })),
      operators: sg.operators.map((op) => ({
        ...op,
        inputs: [...op.inputs],
        outputs: [...op.outputs],
        ...(op.intermediates ? { intermediates: [...op.intermediates] } : {}),
      })),
    })),
  };
  if (model.metadata) copy.metadata = model.metadata.map((m) => ({ ...m }));
  if (model.metadataBuffer) copy.metadataBuffer = [...model.metadataBuffer];
  if (model.signatureDefs) {
    copy.signatureDefs = model.signatureDefs.map((s) => ({
      ...s,
      inputs: s.inputs.map((m) => ({ ...m })),
      outputs: s.outputs.map((m) => ({ ...m })),
    }));
  }
  if (model.associatedFiles) copy.associatedFiles = model.associatedFiles.map((f) => ({ ...f }));
  return copy;
}

/** Returns the bytes of a typed array as a fresh Uint8Array (little-endian, as the file stores them). */
export function bytesOf(data: ArrayBufferView): Uint8Array {
  const out = new Uint8Array(data.byteLength);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  return out;
}

/** Edits subgraph `index` of a model (usually a clone). */
export class GraphEditor {
  readonly model: Model;
  readonly sg: Subgraph;
  private readonly names = new Set<string>();

  constructor(model: Model, subgraphIndex = 0) {
    this.model = model;
    this.sg = model.subgraphs[subgraphIndex]!;
    for (const t of this.sg.tensors) this.names.add(t.name);
  }

  /** Returns the tensor at index i. */
  tensor(i: number): Tensor {
    return this.sg.tensors[i]!;
  }

  /** Returns the constant bytes of tensor i, or undefined for a tensor without data. */
  constantBytes(i: number): Uint8Array | undefined {
    const t = this.sg.tensors[i];
    if (!t || t.buffer === 0) return undefined;
    const d = this.model.buffers[t.buffer]?.data;
    return d && d.byteLength > 0 ? d : undefined;
  }

  /** True when tensor i holds constant data. */
  isConstant(i: number): boolean {
    return this.constantBytes(i) !== undefined;
  }

  /** Returns the float32 values of constant tensor i (a copy, aligned). */
  constantFloats(i: number): Float32Array {
    const bytes = this.constantBytes(i);
    if (!bytes) return new Float32Array(0);
    return new Float32Array(bytesOf(bytes).buffer);
  }

  /** Adds a buffer holding `bytes`; returns its index. */
  addBuffer(bytes: Uint8Array): number {
    this.model.buffers.push({ data: bytes, offset: 0n, size: 0n });
    return this.model.buffers.length - 1;
  }

  /** Returns `base` if no tensor has that name yet, else `base_1`, `base_2`, ... */
  uniqueName(base: string): string {
    let name = base;
    for (let k = 1; this.names.has(name); k++) name = `${base}_${k}`;
    this.names.add(name);
    return name;
  }

  /**
   * Renames tensor i to a unique name built from `base` and frees its old name, so a replacement
   * tensor can take it. Returns the new name.
   */
  renameAway(i: number, base: string): string {
    const t = this.sg.tensors[i]!;
    this.names.delete(t.name);
    t.name = this.uniqueName(base);
    return t.name;
  }

  /** Appends a tensor (its name made unique); returns its index. */
  addTensor(
    t: Omit<Tensor, 'isVariable' | 'hasRank'> & Partial<Pick<Tensor, 'isVariable' | 'hasRank'>>,
  ): number {
    const tensor: Tensor = { isVariable: false, hasRank: true, ...t, name: this.uniqueName(t.name) };
    this.sg.tensors.push(tensor);
    return this.sg.tensors.length - 1;
  }

  /** Returns the index of the operator code (builtin `op`, `version`), adding it when absent. */
  opcode(op: BuiltinOpName, version: number): number {
    const code = builtinOpCode(op);
    const found = this.model.operatorCodes.findIndex(
      (c) => c.builtinCode === code && c.version === version && c.customCode === undefined,
    );
    if (found >= 0) return found;
    this.model.operatorCodes.push({
      builtinCode: code,
      deprecatedBuiltinCode: Math.min(code, PLACEHOLDER_FOR_GREATER_OP_CODES),
      version,
    });
    return this.model.operatorCodes.length - 1;
  }

  /** Returns a new operator (not yet placed in the graph). */
  makeOp(
    op: BuiltinOpName,
    version: number,
    inputs: number[],
    outputs: number[],
    builtinOptions?: BuiltinOptions,
  ): Operator {
    const o: Operator = {
      opcodeIndex: this.opcode(op, version),
      inputs,
      outputs,
      customOptionsFormat: 0,
      largeCustomOptionsOffset: 0n,
      largeCustomOptionsSize: 0n,
    };
    if (builtinOptions) o.builtinOptions = builtinOptions;
    return o;
  }

  /** Returns, per tensor index, the operators (by position) that read it. */
  consumers(): Map<number, number[]> {
    const m = new Map<number, number[]>();
    this.sg.operators.forEach((op, k) => {
      for (const i of op.inputs) {
        if (i < 0) continue;
        const list = m.get(i);
        if (list) {
          if (list[list.length - 1] !== k) list.push(k);
        } else m.set(i, [k]);
      }
    });
    return m;
  }

  /** Returns, per tensor index, the position of the operator that writes it. */
  producers(): Map<number, number> {
    const m = new Map<number, number>();
    this.sg.operators.forEach((op, k) => {
      for (const o of op.outputs) m.set(o, k);
    });
    return m;
  }
}

/**
 * Removes tensors no operator, subgraph input/output or signature refers to (renumbering the
 * rest), then buffers no tensor or metadata entry refers to, then operator codes no operator
 * uses. Returns nothing; the model is changed in place.
 */
export function compactModel(model: Model): void {
  model.subgraphs.forEach((sg, s) => compactTensors(model, sg, s));
  compactBuffers(model);
  compactOperatorCodes(model);
}

function compactTensors(model: Model, sg: Subgraph, subgraphIndex: number): void {
  const used = new Set<number>([...sg.inputs, ...sg.outputs]);
  for (const op of sg.operators) {
    for (const i of op.inputs) if (i >= 0) used.add(i);
    for (const i of op.outputs) used.add(i);
    for (const i of op.intermediates ?? []) used.add(i);
  }
  const sigs = (model.signatureDefs ?? []).filter((d) => d.subgraphIndex === subgraphIndex);
  for (const d of sigs) for (const m of [...d.inputs, ...d.outputs]) used.add(m.tensorIndex);
  if (used.size === sg.tensors.length) return;
  const remap = new Map<number, number>();
  const kept: Tensor[] = [];
  sg.tensors.forEach((t, i) => {
    if (!used.has(i)) return;
    remap.set(i, kept.length);
    kept.push(t);
  });
  const r = (i: number) => (i < 0 ? i : remap.get(i)!);
  sg.tensors = kept;
  sg.inputs = sg.inputs.map(r);
  sg.outputs = sg.outputs.map(r);
  for (const op of sg.operators) {
    op.inputs = op.inputs.map(r);
    op.outputs = op.outputs.map(r);
    if (op.intermediates) op.intermediates = op.intermediates.map(r);
  }
  for (const d of sigs) for (const m of [...d.inputs, ...d.outputs]) m.tensorIndex = r(m.tensorIndex);
}

function compactBuffers(model: Model): void {
  // Buffer 0 is the empty sentinel every data-less tensor points at: always kept first.
  const used = new Set<number>([0]);
  for (const sg of model.subgraphs) for (const t of sg.tensors) used.add(t.buffer);
  for (const m of model.metadata ?? []) used.add(m.buffer);
  for (const b of model.metadataBuffer ?? []) used.add(b);
  const remap = new Map<number, number>();
  const kept: Model['buffers'] = [];
  model.buffers.forEach((b, i) => {
    if (!used.has(i)) return;
    remap.set(i, kept.length);
    kept.push(b);
  });
  model.buffers = kept;
  for (const sg of model.subgraphs) for (const t of sg.tensors) t.buffer = remap.get(t.buffer)!;
  for (const m of model.metadata ?? []) m.buffer = remap.get(m.buffer)!;
  if (model.metadataBuffer) model.metadataBuffer = model.metadataBuffer.map((b) => remap.get(b)!);
}

function compactOperatorCodes(model: Model): void {
  const used = new Set<number>();
  for (const sg of model.subgraphs) for (const op of sg.operators) used.add(op.opcodeIndex);
  const remap = new Map<number, number>();
  const kept: Model['operatorCodes'] = [];
  model.operatorCodes.forEach((c, i) => {
    if (!used.has(i)) return;
    remap.set(i, kept.length);
    kept.push(c);
  });
  model.operatorCodes = kept;
  for (const sg of model.subgraphs)
    for (const op of sg.operators) op.opcodeIndex = remap.get(op.opcodeIndex)!;
}
