/**
 * The kernel contract: what an op implementation sees and must provide.
 *
 * Lifecycle (as TFLite Micro's kernels): `prepare` runs at `allocateTensors()` — it validates
 * dtypes and shapes, sets every output's shape, requests scratch/persistent memory and computes
 * everything derived (requantization multipliers and shifts, activation clamps, padding) into
 * one per-node data object; then the runtime plans the arena; the optional `init` may fill
 * persistent memory (e.g. repacked weights); `eval` runs the loop on every `invoke()` and must
 * not allocate or recompute what prepare could.
 *
 * Tensor data is valid in `eval` (and in `prepare` only for constant tensors). Views are
 * refreshed when the arena is re-planned, so a kernel must not keep a tensor's `data` in its
 * per-node data object.
 */
import type { BuiltinOptions, OptionsName, OptionsOf } from '../ir/builtin_options.js';
import { makeOptions } from '../ir/builtin_options.js';
import type { DType, TypedArray } from '../ir/dtype.js';
import { ShapeError, UnsupportedOpError } from '../errors.js';

/** Affine quantization as kernels use it: real = scale * (q - zeroPoint), per tensor or per axis. */
export interface QuantParams {
  /** One entry per tensor, or one per slice along `axis`. Values are float32 numbers. */
  readonly scale: readonly number[];
  readonly zeroPoint: readonly number[];
  readonly axis: number;
}

/** A tensor as a kernel sees it. */
export interface KernelTensor {
  /** Index in the subgraph's tensor list. */
  readonly index: number;
  readonly name: string;
  /**
   * Element type. Prepare may set an output's dtype where TFLite's kernel does so (e.g. ADD
   * makes its output type follow its inputs: LiteRT's add_quantized.bin relies on it).
   */
  dtype: DType;
  /** Current shape; producers set their outputs' shapes in prepare. */
  shape: number[];
  /** Quantization parameters, or null for a non-quantized tensor. */
  readonly quant: QuantParams | null;
  /** True for tensors whose data comes from the model (or was folded at prepare time). */
  readonly isConst: boolean;
  /** True for variable tensors (state kept across invokes, e.g. LSTM/SVDF). */
  readonly isVariable: boolean;
  /** Typed view of the data (Float32Array for float32, Int8Array for int8, ...). */
  readonly data: TypedArray;
  /** Byte view of the same memory. */
  readonly bytes: Uint8Array;
}

/** An operator node as a kernel sees it. */
export interface KernelNode {
  /** Index of the node in its subgraph's execution order. */
  readonly index: number;
  /** Builtin op name (`CONV_2D`) or custom op code (`TFLite_Detection_PostProcess`). */
  readonly op: string;
  readonly version: number;
  /** Builtin options as stored in the model, if any. */
  readonly builtinOptions: BuiltinOptions | undefined;
  /** Raw custom options (FlexBuffers for most custom ops). */
  readonly customOptions: Uint8Array | undefined;
  /** Inputs in model order; null where the model omits an optional input (-1). */
  readonly inputs: readonly (KernelTensor | null)[];
  readonly outputs: readonly KernelTensor[];
  readonly intermediates: readonly KernelTensor[];
}

/**
 * The interpreter's WebAssembly memory and threads, offered to kernels compiled to WebAssembly
 * (src/kernels/wasm) during prepare when the node's tensors will live in that memory (planned
 * nodes; not nodes prepared at invoke time after a dynamic shape).
 */
export interface WasmEnv {
  /** The memory of the arena, variables and persistent buffers: `bytes.byteOffset` is an address. */
  readonly memory: WebAssembly.Memory;
  /** Threads that `parallel` spreads work over (1 without SharedArrayBuffer). */
  readonly threads: number;
  /**
   * Runs `run_job(job, params, chunk, chunks)` of the kernel module for every chunk in
   * [0, chunks) across the threads, returning when all are done. Throws what a job throws.
   */
  parallel(job: number, params: number, chunks: number): void;
}

/** Services the runtime offers during prepare. */
export interface PrepareContext {
  /** The WebAssembly memory and thread pool, when the node runs in the interpreter's memory. */
  readonly wasm?: WasmEnv;
  /** Reserves `bytes` of scratch memory live only while this node runs; returns a handle for eval. */
  requestScratch(bytes: number): number;
  /** Reserves memory that persists across invokes (e.g. packed weights); returns a handle. */
  requestPersistent(bytes: number): number;
  /** Declares that an output's shape is only known in eval (set it there with resizeOutput). */
  markDynamic(output: KernelTensor): void;
  /** Number of threads the interpreter may use for this node's work. */
  readonly threads: number;
}

/** Services the runtime offers during init (after memory is planned). */
export interface InitContext {
  /** Byte view of a persistent buffer requested in prepare. */
  persistent(handle: number): Uint8Array;
}

/** Services the runtime offers during eval. */
export interface EvalContext {
  /** Byte view of a scratch buffer requested in prepare (contents undefined on entry). */
  scratch(handle: number): Uint8Array;
  /** Byte view of a persistent buffer requested in prepare. */
  persistent(handle: number): Uint8Array;
  /** Sets the shape of an output marked dynamic in prepare and gives it memory. */
  resizeOutput(output: KernelTensor, shape: number[]): void;
  readonly threads: number;
}

/** An op implementation. `D` is the per-node data prepare computes. */
export interface Kernel<D = unknown> {
  /** Builtin op name or custom op code this kernel implements. */
  readonly op: string;
  prepare(node: KernelNode, ctx: PrepareContext): D;
  init?(node: KernelNode, data: D, ctx: InitContext): void;
  eval(node: KernelNode, data: D, ctx: EvalContext): void;
  /**
   * Resets state the kernel keeps in persistent memory or its data object (e.g. a noise
   * estimate), called by Interpreter.resetVariables(). Variable tensors are reset by the runtime.
   */
  reset?(node: KernelNode, data: D, ctx: InitContext): void;
  /**
   * True when outputs depend only on input shapes, not values (SHAPE, RANK): such nodes are
   * evaluated at prepare time even when their inputs are not constant.
   */
  readonly shapeOnly?: boolean;
  /** True for kernels that must never be evaluated at prepare time (state, randomness). */
  readonly stateful?: boolean;
}

/** Returns the node's builtin options as the named table, with schema defaults when absent. */
export function optionsOf<N extends OptionsName>(node: KernelNode, name: N): OptionsOf<N> {
  const o = node.builtinOptions;
  if (o && o.name !== name) {
    throw new UnsupportedOpError(
      node.op,
      node.version,
      node.index,
      `expected ${name}, the model has ${o.name}`,
    );
  }
  return (o ?? makeOptions(name)).values as unknown as OptionsOf<N>;
}

/** Returns input `i`, throwing a clear error when the model omits it. */
export function input(node: KernelNode, i: number): KernelTensor {
  const t = node.inputs[i];
  if (!t) throw new ShapeError(`node ${node.index} (${node.op}): input ${i} is required but missing`);
  return t;
}

/** Returns output `i`, throwing a clear error when the model lacks it. */
export function output(node: KernelNode, i: number): KernelTensor {
  const t = node.outputs[i];
  if (!t) throw new ShapeError(`node ${node.index} (${node.op}): output ${i} is required but missing`);
  return t;
}

/** Builds the UnsupportedOpError a kernel throws for a dtype/shape combination it lacks. */
export function unsupported(node: KernelNode, detail: string): UnsupportedOpError {
  return new UnsupportedOpError(node.op, node.version, node.index, detail);
}

/** Builds a ShapeError that names the node. */
export function shapeError(node: KernelNode, detail: string): ShapeError {
  return new ShapeError(`node ${node.index} (${node.op}): ${detail}`);
}

/** Throws unless every listed tensor has one of the allowed dtypes. */
export function expectDtype(
  node: KernelNode,
  t: KernelTensor,
  allowed: readonly DType[],
  role: string,
): void {
  if (!allowed.includes(t.dtype)) {
    throw unsupported(
      node,
      `${role} ${JSON.stringify(t.name)} has dtype ${t.dtype}; supported: ${allowed.join(', ')}`,
    );
  }
}

/** Throws unless the tensor has the given rank. */
export function expectRank(node: KernelNode, t: KernelTensor, rank: number, role: string): void {
  if (t.shape.length !== rank) {
    throw shapeError(
      node,
      `${role} ${JSON.stringify(t.name)} must have rank ${rank}, has shape [${t.shape}]`,
    );
  }
}
