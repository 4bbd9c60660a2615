/**
 * The Interpreter: the API users know from TFLite's Interpreter, over the subgraph executor.
 *
 *   const it = await Interpreter.create(bytes);
 *   it.allocateTensors();
 *   it.setInputFloat(0, pixels);   // or it.input(0).set(typedArray)
 *   it.invoke();
 *   const scores = it.outputFloat(0);
 */
import { InputError, ShapeError } from '../errors.js';
import { readModel } from '../format/model_reader.js';
import type { DType, TypedArray } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import { createBuiltinRegistry } from '../kernels/builtin_registry.js';
import type { QuantParams } from '../kernels/kernel.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { WASM_RESERVED_BYTES, wasmKernelsSupported } from '../kernels/wasm/index.js';
import { dequantizeTensor, quantizeInto } from './tensor_quantization.js';
import { WasmRuntime } from './wasm_runtime.js';
import type { RuntimeTensor } from './runtime_tensor.js';
import { type MemoryStats, SubgraphExecutor } from './subgraph_executor.js';

/** Options of Interpreter.create. */
export interface InterpreterOptions {
  /** Threads kernels may use (1 = single thread; more needs SharedArrayBuffer). Default 1. */
  threads?: number;
  /** Kernel registry; default: every built-in kernel. */
  registry?: KernelRegistry;
  /** Verify the model's graph before running (default true). */
  verify?: boolean;
  /** Record per-op times on every invoke (see profile()). */
  profile?: boolean;
}

/** Public description of an input or output tensor. */
export interface TensorInfo {
  /** Index in the subgraph's tensor list. */
  readonly index: number;
  readonly name: string;
  /** Current shape. */
  readonly shape: readonly number[];
  /** Shape with -1 where the model declares a dynamic dimension. */
  readonly shapeSignature: readonly number[];
  readonly dtype: DType;
  /** Quantization (scale/zeroPoint per tensor or per `axis`), or null for float tensors. */
  readonly quantization: QuantParams | null;
}

/** A handle on an input or output tensor. */
export class TensorHandle {
  private readonly t: RuntimeTensor;
  private readonly signature: readonly number[];
  constructor(t: RuntimeTensor, signature: readonly number[]) {
    this.t = t;
    this.signature = signature;
  }
  get name(): string {
    return this.t.name;
  }
  get shape(): readonly number[] {
    return this.t.shape;
  }
  get dtype(): DType {
    return this.t.dtype;
  }
  get quantization(): QuantParams | null {
    return this.t.quant;
  }
  /** Describes the tensor. */
  info(): TensorInfo {
    return {
      index: this.t.index,
      name: this.t.name,
      shape: [...this.t.shape],
      shapeSignature: [...this.signature],
      dtype: this.t.dtype,
      quantization: this.t.quant,
    };
  }
  /** The tensor's data (a live view: copy it to keep it past the next invoke). */
  get data(): TypedArray {
    return this.t.data;
  }
  /**
   * Copies `values` into the tensor. Accepts the dtype's typed array (Float32Array for float32,
   * Int8Array for int8, ...), a plain number array, or raw little-endian bytes as a Uint8Array of
   * exactly the tensor's byte size. Throws InputError on a size or dtype mismatch.
   */
  set(values: TypedArray | readonly number[]): void {
    const t = this.t;
    const n = t.data.length;
    const where = `tensor ${JSON.stringify(t.name)} (${t.dtype} [${t.shape}])`;
    if (values instanceof Uint8Array && t.dtype !== 'uint8' && t.dtype !== 'bool') {
      if (values.byteLength !== t.bytes.byteLength) {
        throw new InputError(`${where}: got ${values.byteLength} raw bytes, expected ${t.bytes.byteLength}`);
      }
      t.bytes.set(values);
      return;
    }
    if (values.length !== n) {
      throw new InputError(`${where}: got ${values.length} values, expected ${n}`);
    }
    if (ArrayBuffer.isView(values) && !sameKind(values, t.data)) {
      throw new InputError(
        `${where}: got a ${values.constructor.name}, expected a ${t.data.constructor.name}` +
          (t.dtype !== 'float32' && values instanceof Float32Array
            ? ' (use setInputFloat to quantize floats)'
            : ''),
      );
    }
    if (t.data instanceof BigInt64Array || t.data instanceof BigUint64Array) {
      const d = t.data;
      for (let i = 0; i < n; i++) d[i] = BigInt((values as ArrayLike<number | bigint>)[i]!);
    } else {
      (t.data as Float32Array).set(values as ArrayLike<number>);
    }
  }
}

function sameKind(a: ArrayBufferView, b: ArrayBufferView): boolean {
  return a.constructor === b.constructor;
}

/** Runs a TFLite model. */
export class Interpreter {
  readonly model: Model;
  private readonly registry: KernelRegistry;
  private readonly threads: number;
  private readonly main: SubgraphExecutor;
  private readonly others = new Map<number, SubgraphExecutor>();
  /** Memory (shared when threads > 1) and thread pool of the main subgraph's wasm kernels. */
  private readonly wasm: WasmRuntime | undefined;

  /**
   * Creates an interpreter from model bytes (or a parsed Model), resolving once its worker
   * threads (threads > 1) have started. Does not allocate tensors.
   */
  static async create(model: Uint8Array | Model, options: InterpreterOptions = {}): Promise<Interpreter> {
    const it = new Interpreter(model, options);
    await it.wasm?.ready;
    return it;
  }

  /** Synchronous form of create(). */
  constructor(model: Uint8Array | Model, options: InterpreterOptions = {}) {
    this.model = model instanceof Uint8Array ? readModel(model) : model;
    this.registry = options.registry ?? createBuiltinRegistry();
    this.threads = Math.max(1, options.threads ?? 1);
    if (this.model.subgraphs.length === 0) throw new InputError('the model has no subgraphs');
    this.wasm = wasmKernelsSupported() ? new WasmRuntime(this.threads) : undefined;
    this.main = this.executor(0);
    this.main.profiling = options.profile ?? false;
  }

  private executor(index: number): SubgraphExecutor {
    if (index === 0 && this.main) return this.main;
    let ex = this.others.get(index);
    if (!ex) {
      // The main subgraph runs in the WebAssembly memory (wasm kernels, threads); other
      // subgraphs (signatures of other subgraphs) use their own memory and reference kernels.
      const wasm = index === 0 ? this.wasm : undefined;
      ex = new SubgraphExecutor(this.model, index, {
        registry: this.registry,
        threads: wasm ? wasm.threads : 1,
        ...(wasm ? { wasm, memory: wasm.memory, memoryBase: WASM_RESERVED_BYTES } : {}),
      });
      if (index !== 0) this.others.set(index, ex);
    }
    return ex;
  }

  private info(ex: SubgraphExecutor, idx: number): TensorInfo {
    const t = ex.tensors[idx]!;
    const sig = this.model.subgraphs[ex.subgraphIndex]!.tensors[idx]!.shapeSignature ?? t.shape;
    return new TensorHandle(t, sig).info();
  }

  /** Inputs of the main subgraph. */
  get inputs(): TensorInfo[] {
    return this.main.inputs.map((i) => this.info(this.main, i));
  }

  /** Outputs of the main subgraph. */
  get outputs(): TensorInfo[] {
    return this.main.outputs.map((i) => this.info(this.main, i));
  }

  private handle(list: readonly number[], i: number, role: string): TensorHandle {
    const idx = list[i];
    if (idx === undefined) throw new InputError(`${role} ${i} does not exist (the model has ${list.length})`);
    const sig = this.model.subgraphs[0]!.tensors[idx]!.shapeSignature ?? this.main.tensors[idx]!.shape;
    return new TensorHandle(this.main.tensors[idx]!, sig);
  }

  /** Handle on input i. */
  input(i: number): TensorHandle {
    return this.handle(this.main.inputs, i, 'input');
  }

  /** Handle on output i. */
  output(i: number): TensorHandle {
    return this.handle(this.main.outputs, i, 'output');
  }

  /**
   * Changes the shape of input i; call allocateTensors() afterwards. Only dimensions the model
   * declares dynamic (-1 in shape_signature) or any dimension of a model without a signature
   * may change, as in TFLite's ResizeInputTensor.
   */
  resizeInput(i: number, shape: readonly number[]): void {
    const h = this.input(i);
    const t = this.main.tensors[this.main.inputs[i]!]!;
    if (shape.length === 0 && t.shape.length !== 0)
      throw new ShapeError(`input ${i}: cannot resize to a scalar`);
    if (shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ShapeError(`input ${i}: invalid shape [${shape}] (dimensions must be non-negative integers)`);
    }
    const sig = h.info().shapeSignature;
    const hasSig = this.model.subgraphs[0]!.tensors[t.index]!.shapeSignature !== undefined;
    if (hasSig && (sig.length !== shape.length || sig.some((d, k) => d !== -1 && d !== shape[k]))) {
      throw new ShapeError(
        `input ${i} (${JSON.stringify(t.name)}): cannot resize [${t.shape}] to [${shape}]; ` +
          `only dimensions declared dynamic may change (signature [${sig}])`,
      );
    }
    t.shape = [...shape];
    this.main.invalidate();
  }

  /** Prepares every op and plans memory. Throws UnsupportedOpError for an op without a kernel. */
  allocateTensors(): void {
    this.main.allocate();
  }

  /** Runs the model once. Throws InputError when allocateTensors() has not been called. */
  invoke(): void {
    this.main.invoke();
  }

  /** Quantizes `values` per input i's parameters (or copies them for float inputs) and sets it. */
  setInputFloat(i: number, values: ArrayLike<number>): void {
    const t = this.main.tensors[this.main.inputs[i] ?? -1];
    if (!t) throw new InputError(`input ${i} does not exist (the model has ${this.main.inputs.length})`);
    quantizeInto(t, values);
  }

  /** Returns output i as float32 values (dequantized for quantized outputs; a copy). */
  outputFloat(i: number): Float32Array {
    const t = this.main.tensors[this.main.outputs[i] ?? -1];
    if (!t) throw new InputError(`output ${i} does not exist (the model has ${this.main.outputs.length})`);
    return dequantizeTensor(t);
  }

  /** Resets variable tensors (LSTM/SVDF state) to their initial values. */
  resetVariables(): void {
    this.main.resetVariables();
    for (const ex of this.others.values()) ex.resetVariables();
  }

  /** Memory figures of the main subgraph's plan (arena vs lower bound). */
  memoryStats(): MemoryStats {
    return this.main.memoryStats();
  }

  /** Turns per-op timing on or off (off by default; it costs a clock read per op). */
  setProfiling(on: boolean): void {
    this.main.profiling = on;
    if (on) this.main.resetProfile();
  }

  /** Per-op times of the main subgraph since profiling was turned on. */
  profile(): { index: number; op: string; timeMs: number; runs: number; folded: boolean }[] {
    return this.main.profile();
  }

  /** Signature keys with their input and output names. */
  signatures(): { key: string; inputs: string[]; outputs: string[] }[] {
    return (this.model.signatureDefs ?? []).map((s) => ({
      key: s.signatureKey,
      inputs: s.inputs.map((m) => m.name),
      outputs: s.outputs.map((m) => m.name),
    }));
  }

  private signatureDef(key: string) {
    const defs = this.model.signatureDefs ?? [];
    const sig = defs.find((s) => s.signatureKey === key);
    if (!sig) {
      throw new InputError(
        `no signature ${JSON.stringify(key)}; the model has ${defs.map((s) => JSON.stringify(s.signatureKey)).join(', ') || 'none'}`,
      );
    }
    return sig;
  }

  /** Inputs of signature `key`, named by their signature aliases, in signature order. */
  signatureInputs(key: string): TensorInfo[] {
    const sig = this.signatureDef(key);
    const ex = this.executor(sig.subgraphIndex);
    return sig.inputs.map((m) => ({ ...this.info(ex, m.tensorIndex), name: m.name }));
  }

  /** Outputs of signature `key`, named by their signature aliases, in signature order. */
  signatureOutputs(key: string): TensorInfo[] {
    const sig = this.signatureDef(key);
    const ex = this.executor(sig.subgraphIndex);
    return sig.outputs.map((m) => ({ ...this.info(ex, m.tensorIndex), name: m.name }));
  }

  /**
   * Runs the signature `key` with named inputs and returns named outputs (copies). Inputs are
   * typed arrays of the tensor's dtype (or raw bytes); float inputs of quantized tensors are
   * quantized. Throws InputError for an unknown key or name.
   */
  runSignature(
    key: string,
    inputs: Record<string, TypedArray | readonly number[]>,
  ): Record<string, TypedArray> {
    const defs = this.model.signatureDefs ?? [];
    const sig =
      defs.find((s) => s.signatureKey === key) ?? (key === '' && defs.length === 1 ? defs[0] : undefined);
    if (!sig) {
      throw new InputError(
        `no signature ${JSON.stringify(key)}; the model has ${defs.map((s) => JSON.stringify(s.signatureKey)).join(', ') || 'none'}`,
      );
    }
    const ex = this.executor(sig.subgraphIndex);
    for (const name of Object.keys(inputs)) {
      if (!sig.inputs.some((m) => m.name === name)) {
        throw new InputError(
          `signature ${JSON.stringify(key)} has no input ${JSON.stringify(name)}; inputs: ${sig.inputs.map((m) => m.name).join(', ')}`,
        );
      }
    }
    for (const m of sig.inputs) {
      const v = inputs[m.name];
      if (v === undefined)
        throw new InputError(`signature ${JSON.stringify(key)}: input ${JSON.stringify(m.name)} is missing`);
    }
    if (!ex.isAllocated) ex.allocate();
    for (const m of sig.inputs) {
      const t = ex.tensors[m.tensorIndex]!;
      const v = inputs[m.name]!;
      const handle = new TensorHandle(t, t.shape);
      if (t.dtype !== 'float32' && t.quant && v instanceof Float32Array) quantizeInto(t, v);
      else handle.set(v);
    }
    ex.invoke();
    const out: Record<string, TypedArray> = {};
    for (const m of sig.outputs) {
      const t = ex.tensors[m.tensorIndex]!;
      out[m.name] = t.data.slice() as TypedArray;
    }
    return out;
  }

  /** Threads the interpreter runs kernels on (1 where SharedArrayBuffer or workers are missing). */
  get threadCount(): number {
    return this.wasm?.threads ?? 1;
  }

  /** Stops the interpreter's worker threads (it keeps working on one thread). */
  dispose(): void {
    this.wasm?.dispose();
  }

  /** Bytes of all constant weights of the model. */
  weightBytes(): number {
    let n = 0;
    for (const b of this.model.buffers) n += b.data?.byteLength ?? 0;
    return n;
  }
}
