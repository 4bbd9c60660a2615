/**
 * A small builder for IR models: add tensors (with or without constant data) and operators,
 * name the inputs and outputs, get a Model that the writer serializes. Used by tests (single-op
 * models), the converter and the quantizer.
 */
import {
  type BuiltinOptions,
  type OptionsName,
  type OptionsOf,
  makeOptions,
  OPTIONS_OF_OP,
} from './builtin_options.js';
import {
  type BuiltinOpName,
  builtinOpCode,
  CUSTOM_OP_CODE,
  PLACEHOLDER_FOR_GREATER_OP_CODES,
} from './builtin_ops.js';
import { type DType, type TypedArray, dtypeCode } from './dtype.js';
import type { Model, Operator, OperatorCode, Quantization, SignatureDef, Subgraph, Tensor } from './model.js';

/** Description of a tensor to add. */
export interface TensorSpec {
  name: string;
  dtype: DType;
  shape: readonly number[];
  /** Constant data (typed array of the dtype, or raw little-endian bytes). */
  data?: TypedArray;
  /** Per-tensor (one entry) or per-axis quantization. */
  quant?: {
    scale: readonly number[];
    zeroPoint: readonly number[];
    axis?: number;
    min?: number[];
    max?: number[];
  };
  shapeSignature?: readonly number[];
  isVariable?: boolean;
}

/** Description of an operator to add. */
export interface OpSpec {
  /** Builtin op name, or a custom code with `custom: true`. */
  op: BuiltinOpName | string;
  custom?: boolean;
  version?: number;
  /** Tensor indices; -1 for an omitted optional input. */
  inputs: readonly number[];
  outputs: readonly number[];
  /** Builtin options values (the op's options table is looked up), or a full BuiltinOptions. */
  options?: Record<string, unknown> | BuiltinOptions;
  customOptions?: Uint8Array;
  intermediates?: readonly number[];
}

function toBytes(data: TypedArray): Uint8Array {
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** Builds a single-subgraph Model. */
export class ModelBuilder {
  private readonly tensors: Tensor[] = [];
  private readonly operators: Operator[] = [];
  private readonly codes: OperatorCode[] = [];
  private readonly buffers: Model['buffers'] = [{ offset: 0n, size: 0n }];
  private inputs: number[] = [];
  private outputs: number[] = [];
  private signatures: SignatureDef[] | undefined;
  description: string | undefined = 'built by tflite-ts';

  /** Adds a tensor; returns its index. */
  addTensor(spec: TensorSpec): number {
    let buffer = 0;
    if (spec.data) {
      this.buffers.push({ data: toBytes(spec.data), offset: 0n, size: 0n });
      buffer = this.buffers.length - 1;
    }
    const t: Tensor = {
      name: spec.name,
      shape: [...spec.shape],
      type: dtypeCode(spec.dtype),
      buffer,
      isVariable: spec.isVariable ?? false,
      hasRank: true,
    };
    if (spec.shapeSignature) t.shapeSignature = [...spec.shapeSignature];
    if (spec.quant) {
      // Scales (and min/max) are float32 in the file: round them now so that the in-memory model
      // computes exactly what the written file will.
      const q: Quantization = {
        scale: spec.quant.scale.map(Math.fround),
        zeroPoint: [...spec.quant.zeroPoint],
        quantizedDimension: spec.quant.axis ?? 0,
      };
      if (spec.quant.min) q.min = spec.quant.min.map(Math.fround);
      if (spec.quant.max) q.max = spec.quant.max.map(Math.fround);
      t.quantization = q;
    }
    this.tensors.push(t);
    return this.tensors.length - 1;
  }

  private opcode(op: string, custom: boolean, version: number): number {
    const builtinCode = custom ? CUSTOM_OP_CODE : builtinOpCode(op as BuiltinOpName);
    const found = this.codes.findIndex(
      (c) => c.builtinCode === builtinCode && c.version === version && (!custom || c.customCode === op),
    );
    if (found >= 0) return found;
    const code: OperatorCode = {
      builtinCode,
      deprecatedBuiltinCode: Math.min(builtinCode, PLACEHOLDER_FOR_GREATER_OP_CODES),
      version,
    };
    if (custom) code.customCode = op;
    this.codes.push(code);
    return this.codes.length - 1;
  }

  /** Adds an operator; returns its index. */
  addOp(spec: OpSpec): number {
    const custom = spec.custom ?? false;
    const op: Operator = {
      opcodeIndex: this.opcode(spec.op, custom, spec.version ?? 1),
      inputs: [...spec.inputs],
      outputs: [...spec.outputs],
      customOptionsFormat: 0,
      largeCustomOptionsOffset: 0n,
      largeCustomOptionsSize: 0n,
    };
    if (!custom) {
      const given = spec.options;
      if (given && 'type' in given && 'values' in given) {
        op.builtinOptions = given as BuiltinOptions;
      } else {
        const table = OPTIONS_OF_OP[spec.op];
        if (table) op.builtinOptions = makeOptions(table, (given ?? {}) as Partial<OptionsOf<typeof table>>);
        else if (given && Object.keys(given).length > 0) {
          throw new Error(`op ${spec.op} has no options table in OPTIONS_OF_OP; pass a full BuiltinOptions`);
        }
      }
    }
    if (spec.customOptions) op.customOptions = spec.customOptions;
    if (spec.intermediates) op.intermediates = [...spec.intermediates];
    this.operators.push(op);
    return this.operators.length - 1;
  }

  /** Declares the subgraph's inputs and outputs (tensor indices). */
  setIO(inputs: readonly number[], outputs: readonly number[]): this {
    this.inputs = [...inputs];
    this.outputs = [...outputs];
    return this;
  }

  /** Adds a signature over the subgraph, naming inputs and outputs. */
  addSignature(key: string, inputs: Record<string, number>, outputs: Record<string, number>): this {
    this.signatures ??= [];
    this.signatures.push({
      signatureKey: key,
      subgraphIndex: 0,
      inputs: Object.entries(inputs).map(([name, tensorIndex]) => ({ name, tensorIndex })),
      outputs: Object.entries(outputs).map(([name, tensorIndex]) => ({ name, tensorIndex })),
    });
    return this;
  }

  /** Returns the Model. */
  build(): Model {
    const sg: Subgraph = {
      name: 'main',
      tensors: this.tensors,
      inputs: this.inputs,
      outputs: this.outputs,
      operators: this.operators,
    };
    const model: Model = { version: 3, operatorCodes: this.codes, subgraphs: [sg], buffers: this.buffers };
    if (this.description !== undefined) model.description = this.description;
    if (this.signatures) model.signatureDefs = this.signatures;
    return model;
  }
}

/** The names of the options tables, re-exported for builders. */
export type { OptionsName };
