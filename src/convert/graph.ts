/**
 * The converter's working graph: TFLite ops over named values, mutable so that rewrite rules can
 * fold and fuse before anything is written. Values carry static shapes (batch 1) and, for
 * constants, their data. emit.ts turns the final graph into the IR with ModelBuilder.
 */
import type { BuiltinOpName } from '../ir/builtin_ops.js';

/** Element types the converter produces. */
export type ValueDType = 'float32' | 'int32';

/** A tensor of the working graph. */
export interface Value {
  readonly id: number;
  name: string;
  shape: number[];
  dtype: ValueDType;
  /** Constant data (weights, shapes, axes). */
  data?: Float32Array | Int32Array;
  /** State tensor (LSTM states): zero at start, kept across invokes. */
  isVariable?: boolean;
}

/**
 * An op of the working graph. `IDENTITY` is the converter's own no-op (Dropout, noise layers,
 * linear activations, TF Identity); the drop-identity rule removes every one of them.
 */
export interface GraphNode {
  op: BuiltinOpName | 'IDENTITY';
  /** Layer or TF node this op came from (for logs and error messages). */
  name: string;
  /** Value ids; -1 for an omitted optional input. */
  inputs: number[];
  outputs: number[];
  /** Builtin option values of the op's options table (camelCase field names). */
  options: Record<string, unknown>;
}

/** The graph: values, ops in execution order, inputs and outputs. */
export class ConvGraph {
  readonly values: Value[] = [];
  nodes: GraphNode[] = [];
  inputs: number[] = [];
  outputs: number[] = [];

  /** Adds a non-constant value; returns its id. */
  addValue(name: string, shape: readonly number[], dtype: ValueDType = 'float32'): number {
    this.values.push({ id: this.values.length, name, shape: [...shape], dtype });
    return this.values.length - 1;
  }

  /** Adds a float32 or int32 constant; returns its id. */
  addConst(name: string, shape: readonly number[], data: Float32Array | Int32Array): number {
    const dtype: ValueDType = data instanceof Int32Array ? 'int32' : 'float32';
    this.values.push({ id: this.values.length, name, shape: [...shape], dtype, data });
    return this.values.length - 1;
  }

  /** Adds an op; returns it. */
  addNode(
    op: GraphNode['op'],
    name: string,
    inputs: readonly number[],
    outputs: readonly number[],
    options: Record<string, unknown> = {},
  ): GraphNode {
    const n: GraphNode = { op, name, inputs: [...inputs], outputs: [...outputs], options };
    this.nodes.push(n);
    return n;
  }

  /** Adds an op with one new float output of `shape`; returns the output's id. */
  op(
    op: GraphNode['op'],
    name: string,
    inputs: readonly number[],
    shape: readonly number[],
    options: Record<string, unknown> = {},
    dtype: ValueDType = 'float32',
  ): number {
    const out = this.addValue(name, shape, dtype);
    this.addNode(op, name, inputs, [out], options);
    return out;
  }

  /** The value with id `id`. */
  value(id: number): Value {
    const v = this.values[id];
    if (!v) throw new Error(`internal: value ${id} does not exist`);
    return v;
  }

  /** True when value `id` is a constant. */
  isConst(id: number): boolean {
    return id >= 0 && this.values[id]?.data !== undefined;
  }

  /** The ops that read value `id`. */
  consumers(id: number): GraphNode[] {
    return this.nodes.filter((n) => n.inputs.includes(id));
  }

  /** The op that writes value `id`, if any. */
  producer(id: number): GraphNode | undefined {
    return this.nodes.find((n) => n.outputs.includes(id));
  }

  /** True when value `id` is read by exactly one op and is not a graph output. */
  hasSingleUse(id: number): boolean {
    return !this.outputs.includes(id) && this.consumers(id).length === 1;
  }

  /** Makes every reader of `from` (ops and graph outputs) read `to` instead. */
  replaceUses(from: number, to: number): void {
    for (const n of this.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
    this.outputs = this.outputs.map((i) => (i === from ? to : i));
  }

  /** Removes `node` from the op list. */
  remove(node: GraphNode): void {
    this.nodes = this.nodes.filter((n) => n !== node);
  }
}
