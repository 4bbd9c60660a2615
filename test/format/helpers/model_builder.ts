/**
 * A small builder of IR models for tests: tensors, constant buffers and operators in a single
 * subgraph, written with the real writer when bytes are needed.
 */
import { type BuiltinOpName, builtinOpCode } from '../../../src/ir/builtin_ops.js';
import { type BuiltinOptions } from '../../../src/ir/builtin_options.js';
import { type DType, dtypeCode } from '../../../src/ir/dtype.js';
import type { Model, Quantization, Tensor } from '../../../src/ir/model.js';

/** Options of one tensor. */
export interface TensorSpec {
  dtype?: DType;
  data?: Uint8Array;
  quantization?: Quantization;
  isVariable?: boolean;
  shapeSignature?: number[];
}

/** Builds a one-subgraph model step by step. */
export class ModelBuilder {
  readonly model: Model = {
    version: 3,
    operatorCodes: [],
    subgraphs: [{ tensors: [], inputs: [], outputs: [], operators: [], name: 'main' }],
    buffers: [{ offset: 0n, size: 0n }],
    description: 'built by a test',
  };

  private get sg() {
    return this.model.subgraphs[0]!;
  }

  /** Adds a tensor and returns its index. */
  tensor(name: string, shape: number[], spec: TensorSpec = {}): number {
    let buffer = 0;
    if (spec.data) {
      buffer = this.model.buffers.length;
      this.model.buffers.push({ data: spec.data, offset: 0n, size: 0n });
    }
    const t: Tensor = {
      name,
      shape,
      type: dtypeCode(spec.dtype ?? 'float32'),
      buffer,
      isVariable: spec.isVariable ?? false,
      hasRank: true,
    };
    if (spec.quantization) t.quantization = spec.quantization;
    if (spec.shapeSignature) t.shapeSignature = spec.shapeSignature;
    this.sg.tensors.push(t);
    return this.sg.tensors.length - 1;
  }

  /** Adds a float32 constant of the given shape filled with a deterministic pattern. */
  weights(name: string, shape: number[]): number {
    const n = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++) values[i] = ((i * 7919) % 201) / 1000 - 0.1;
    return this.tensor(name, shape, { data: new Uint8Array(values.buffer) });
  }

  /** Adds an operator and returns its index. */
  op(
    name: BuiltinOpName,
    inputs: number[],
    outputs: number[],
    options?: BuiltinOptions,
    version = 1,
  ): number {
    const code = builtinOpCode(name);
    let opcodeIndex = this.model.operatorCodes.findIndex(
      (c) => c.builtinCode === code && c.version === version,
    );
    if (opcodeIndex < 0) {
      opcodeIndex = this.model.operatorCodes.length;
      this.model.operatorCodes.push({
        builtinCode: code,
        deprecatedBuiltinCode: Math.min(code, 127),
        version,
      });
    }
    this.sg.operators.push({
      opcodeIndex,
      inputs,
      outputs,
      ...(options ? { builtinOptions: options } : {}),
      customOptionsFormat: 0,
      largeCustomOptionsOffset: 0n,
      largeCustomOptionsSize: 0n,
    });
    return this.sg.operators.length - 1;
  }

  /** Marks subgraph inputs and outputs and returns the model. */
  build(inputs: number[], outputs: number[]): Model {
    this.sg.inputs = inputs;
    this.sg.outputs = outputs;
    return this.model;
  }
}
