/**
 * Runs one subgraph: resolves kernels, prepares every node (shape propagation), folds what can
 * be computed once, plans the arena, and invokes the nodes in order.
 *
 * Memory layout of the interpreter's WebAssembly.Memory:
 *   [reserved base | persistent: variables, kernel persistent buffers | planned arena]
 * Constant tensors stay views into the model bytes. Tensors folded at prepare time and dynamic
 * outputs (shape known only in eval) live on the JS heap.
 */
import { InputError, TfliteError, UnsupportedOpError } from '../errors.js';
import { builtinOpName, CUSTOM_OP_CODE } from '../ir/builtin_ops.js';
import { type DType, dtypeFromCode } from '../ir/dtype.js';
import type { Model, Tensor } from '../ir/model.js';
import type {
  EvalContext,
  InitContext,
  Kernel,
  KernelNode,
  KernelTensor,
  PrepareContext,
  QuantParams,
  WasmEnv,
} from '../kernels/kernel.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { alignUp, planArena, type PlanRequest } from './arena_planner.js';
import { RuntimeTensor } from './runtime_tensor.js';

/** Ops whose output may share the input's bytes (same data, new shape). */
const ALIAS_OPS = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS']);

/** Alignment of every arena buffer: enough for SIMD (16) and cache lines. */
export const ARENA_ALIGNMENT = 64;

const PAGE = 65536;

/** Options of an executor. */
export interface ExecutorOptions {
  readonly registry: KernelRegistry;
  readonly threads: number;
  /** Shared memory of the interpreter (created on first allocation if absent). */
  memory?: WebAssembly.Memory;
  /** Bytes at the start of memory reserved for others (e.g. a wasm module's data and stack). */
  readonly memoryBase?: number;
  /** WebAssembly memory and threads for wasm kernels (its memory must be `memory`). */
  readonly wasm?: WasmEnv;
}

/** Memory figures of a planned subgraph. */
export interface MemoryStats {
  /** Bytes of the planned activation arena. */
  readonly arenaBytes: number;
  /** Largest sum of bytes live at once, each buffer rounded up to the 64-byte alignment. */
  readonly lowerBoundBytes: number;
  /** The same bound over unaligned tensor sizes (differs for tiny models only). */
  readonly rawLowerBoundBytes: number;
  /** Bytes of variables and kernels' persistent buffers. */
  readonly persistentBytes: number;
  /** Bytes of tensors computed once at prepare time (on the heap). */
  readonly foldedBytes: number;
}

/** Per-node state. */
interface NodeState {
  readonly node: KernelNode;
  readonly kernel: Kernel | undefined;
  data: unknown;
  folded: boolean;
  deferred: boolean;
  scratch: number[];
  persistent: number[];
  dynamicOutputs: Set<KernelTensor>;
  /** Accumulated eval time in ms (when profiling) and run count. */
  time: number;
  runs: number;
}

/** Converts IR quantization to the kernels' form (null when the tensor is not quantized). */
function quantParams(t: Tensor): QuantParams | null {
  const q = t.quantization;
  if (!q || !q.scale || q.scale.length === 0) return null;
  const zp = q.zeroPoint && q.zeroPoint.length > 0 ? q.zeroPoint : q.scale.map(() => 0);
  return { scale: q.scale, zeroPoint: zp, axis: q.quantizedDimension };
}

/** The executor of one subgraph. */
export class SubgraphExecutor {
  readonly subgraphIndex: number;
  readonly tensors: RuntimeTensor[];
  readonly inputs: readonly number[];
  readonly outputs: readonly number[];
  private readonly nodes: NodeState[];
  private readonly opts: ExecutorOptions;
  private allocated = false;
  private scratchOffsets: number[] = [];
  private scratchSizes: number[] = [];
  private persistentOffsets: number[] = [];
  private persistentSizes: number[] = [];
  private stats: MemoryStats | undefined;
  /** When true, invoke() records per-node times. */
  profiling = false;
  /**
   * Called after each node runs in invoke(), while its inputs and outputs still hold this run's
   * values (calibration observers, see tensor_observer.ts). Not called for folded nodes.
   */
  observer: ((node: KernelNode) => void) | undefined;

  constructor(model: Model, subgraphIndex: number, opts: ExecutorOptions) {
    this.subgraphIndex = subgraphIndex;
    this.opts = opts;
    const sg = model.subgraphs[subgraphIndex];
    if (!sg) throw new InputError(`the model has no subgraph ${subgraphIndex}`);
    this.inputs = sg.inputs;
    this.outputs = sg.outputs;
    this.tensors = sg.tensors.map((t, i) => {
      const dtype = dtypeFromCode(t.type) ?? ('uint8' as DType);
      const data = model.buffers[t.buffer]?.data;
      const hasData = data !== undefined && data.byteLength > 0;
      if (t.isVariable) {
        return new RuntimeTensor(i, t.name, dtype, [...t.shape], quantParams(t), 'variable', true, data);
      }
      const rt = new RuntimeTensor(
        i,
        t.name,
        dtype,
        [...t.shape],
        quantParams(t),
        hasData ? 'constant' : 'arena',
        false,
      );
      if (hasData) rt.attach(data);
      return rt;
    });
    const tensorOrNull = (idx: number) => (idx < 0 ? null : this.tensors[idx]!);
    this.nodes = sg.operators.map((op, index) => {
      const code = model.operatorCodes[op.opcodeIndex]!;
      const name =
        code.builtinCode === CUSTOM_OP_CODE ? (code.customCode ?? 'CUSTOM') : builtinOpName(code.builtinCode);
      const node: KernelNode = {
        index,
        op: name,
        version: code.version,
        builtinOptions: op.builtinOptions,
        customOptions: op.customOptions,
        inputs: op.inputs.map(tensorOrNull),
        outputs: op.outputs.map((i) => this.tensors[i]!),
        intermediates: (op.intermediates ?? []).map((i) => this.tensors[i]!),
      };
      return {
        node,
        kernel: opts.registry.get(name),
        data: undefined,
        folded: false,
        deferred: false,
        scratch: [],
        persistent: [],
        dynamicOutputs: new Set(),
        time: 0,
        runs: 0,
      };
    });
  }

  /** True once allocate() has succeeded and no resize happened since. */
  get isAllocated(): boolean {
    return this.allocated;
  }

  /** Marks the plan stale (after an input resize). */
  invalidate(): void {
    this.allocated = false;
  }

  /** Memory figures of the current plan. Throws before allocation. */
  memoryStats(): MemoryStats {
    if (!this.stats) throw new InputError('memory is planned by allocateTensors(); call it first');
    return this.stats;
  }

  /** The shared memory (after allocation). */
  get memory(): WebAssembly.Memory | undefined {
    return this.opts.memory;
  }

  /**
   * Prepares every node, plans and attaches memory. Throws UnsupportedOpError for an op
   * without a kernel (naming op, version and node index) and the kernels' errors otherwise.
   */
  allocate(): void {
    this.allocated = false;
    const inputSet = new Set(this.inputs);
    for (const t of this.tensors) {
      if (t.storage === 'heap' || t.storage === 'arena') {
        t.storage = 'arena';
        t.detach();
      } else if (t.storage === 'variable') t.detach();
    }
    const persistentSizes: number[] = [];
    const scratchSizes: number[] = [];
    const scratchOwner: number[] = [];
    const dynamic = new Set<KernelTensor>();

    for (const st of this.nodes) {
      const { node, kernel } = st;
      st.folded = false;
      st.deferred = false;
      st.scratch = [];
      st.persistent = [];
      st.dynamicOutputs = new Set();
      if (!kernel)
        throw new UnsupportedOpError(node.op, node.version, node.index, 'no kernel is registered for it');
      if (node.inputs.some((t) => t !== null && dynamic.has(t))) {
        // Input shapes are only known at run time: prepare this node during invoke.
        st.deferred = true;
        for (const o of node.outputs) dynamic.add(o);
        continue;
      }
      const ctx: PrepareContext = {
        threads: this.opts.threads,
        ...(this.opts.wasm ? { wasm: this.opts.wasm } : {}),
        requestScratch: (bytes) => {
          st.scratch.push(scratchSizes.length);
          scratchSizes.push(bytes);
          scratchOwner.push(node.index);
          return st.scratch.length - 1;
        },
        requestPersistent: (bytes) => {
          st.persistent.push(persistentSizes.length);
          persistentSizes.push(bytes);
          return st.persistent.length - 1;
        },
        markDynamic: (t) => {
          st.dynamicOutputs.add(t);
          dynamic.add(t);
        },
      };
      st.data = this.prepareNode(st, ctx);
      if (st.dynamicOutputs.size > 0) continue;
      const foldable =
        !kernel.stateful &&
        node.inputs.length > 0 &&
        st.persistent.length === 0 &&
        node.outputs.every((o) => !o.isVariable && !inputSet.has(o.index)) &&
        (kernel.shapeOnly || node.inputs.every((t) => t === null || t.isConst));
      if (foldable) this.fold(st, scratchSizes);
    }

    // Lifetimes of arena tensors, with alias groups for reshape-like ops.
    const alias = new Map<number, number>();
    const root = (i: number): number => {
      let r = i;
      while (alias.has(r)) r = alias.get(r)!;
      return r;
    };
    const outputSet = new Set(this.outputs);
    for (const st of this.nodes) {
      if (st.folded || st.deferred || !ALIAS_OPS.has(st.node.op)) continue;
      const a = st.node.inputs[0] as RuntimeTensor | null | undefined;
      const b = st.node.outputs[0] as RuntimeTensor | undefined;
      if (!a || !b || a.storage !== 'arena' || b.storage !== 'arena' || dynamic.has(b)) continue;
      if (inputSet.has(a.index) && outputSet.has(b.index)) continue;
      if (a.byteSize !== b.byteSize) continue;
      alias.set(b.index, root(a.index));
    }
    const first = new Map<number, number>();
    const last = new Map<number, number>();
    const touch = (t: KernelTensor | null, step: number) => {
      if (!t || (t as RuntimeTensor).storage !== 'arena' || dynamic.has(t)) return;
      const r = root(t.index);
      first.set(r, Math.min(first.get(r) ?? step, step));
      last.set(r, Math.max(last.get(r) ?? step, step));
    };
    // Graph inputs stay intact for the whole invoke (as in TFLite), so invoking again without
    // setting them again computes the same outputs: no other tensor may reuse their bytes.
    for (const i of this.inputs) {
      touch(this.tensors[i]!, 0);
      touch(this.tensors[i]!, this.nodes.length);
    }
    this.nodes.forEach((st, step) => {
      if (st.folded || st.deferred) return;
      for (const t of st.node.inputs) touch(t, step);
      for (const t of st.node.outputs) touch(t, step);
    });
    for (const i of this.outputs) touch(this.tensors[i]!, this.nodes.length);
    const groupSize = new Map<number, number>();
    for (const t of this.tensors) {
      if (t.storage !== 'arena' || dynamic.has(t)) continue;
      const r = root(t.index);
      if (!first.has(r)) continue;
      groupSize.set(r, Math.max(groupSize.get(r) ?? 0, t.byteSize));
    }
    const requests: PlanRequest[] = [];
    for (const [r, size] of groupSize)
      requests.push({ id: r, size, first: first.get(r)!, last: last.get(r)! });
    const scratchBase = this.tensors.length;
    scratchSizes.forEach((size, k) => {
      requests.push({ id: scratchBase + k, size, first: scratchOwner[k]!, last: scratchOwner[k]! });
    });
    const plan = planArena(requests, ARENA_ALIGNMENT);

    // Persistent region: variables, then kernels' persistent buffers.
    const base = alignUp(this.opts.memoryBase ?? 0, ARENA_ALIGNMENT);
    let cursor = base;
    const variableOffsets = new Map<number, number>();
    for (const t of this.tensors) {
      if (t.storage !== 'variable') continue;
      variableOffsets.set(t.index, cursor);
      cursor += alignUp(t.byteSize, ARENA_ALIGNMENT);
    }
    this.persistentOffsets = persistentSizes.map((size) => {
      const off = cursor;
      cursor += alignUp(size, ARENA_ALIGNMENT);
      return off;
    });
    const persistentBytes = cursor - base;
    const arenaStart = cursor;
    const total = arenaStart + plan.size;
    const memory = this.ensureMemory(total);

    // Attach views.
    const buf = memory.buffer;
    for (const t of this.tensors) {
      if (t.storage === 'variable') {
        t.attach(new Uint8Array(buf, variableOffsets.get(t.index)!, t.byteSize));
        this.resetVariable(t);
      } else if (t.storage === 'arena' && !dynamic.has(t) && first.has(root(t.index))) {
        t.attach(new Uint8Array(buf, arenaStart + plan.offsets.get(root(t.index))!, t.byteSize));
      } else if (t.storage === 'arena' && !dynamic.has(t)) {
        // Never read or written by any node (e.g. an unused intermediate): give it heap bytes.
        t.attach(new Uint8Array(t.byteSize));
      }
    }
    this.scratchOffsets = scratchSizes.map((_, k) => arenaStart + plan.offsets.get(scratchBase + k)!);
    this.scratchSizes = scratchSizes;
    this.persistentSizes = persistentSizes;
    let foldedBytes = 0;
    for (const st of this.nodes)
      if (st.folded) for (const o of st.node.outputs) foldedBytes += o.bytes.byteLength;
    this.stats = {
      arenaBytes: plan.size,
      lowerBoundBytes: plan.lowerBound,
      rawLowerBoundBytes: plan.rawLowerBound,
      persistentBytes,
      foldedBytes,
    };

    // init hooks (e.g. weight packing into persistent memory).
    for (const st of this.nodes) {
      if (st.folded || st.deferred || !st.kernel?.init) continue;
      const ctx: InitContext = { persistent: (h) => this.persistentView(st, h) };
      st.kernel.init(st.node, st.data, ctx);
    }
    this.allocated = true;
  }

  private prepareNode(st: NodeState, ctx: PrepareContext): unknown {
    try {
      return st.kernel!.prepare(st.node, ctx);
    } catch (e) {
      throw wrapKernelError(e, st.node, 'prepare');
    }
  }

  /** Evaluates a node whose inputs are all known now and keeps its outputs as constants. */
  private fold(st: NodeState, scratchSizes: number[]): void {
    for (const o of st.node.outputs) {
      const rt = o as RuntimeTensor;
      rt.attach(new Uint8Array(rt.byteSize));
    }
    const heapScratch = st.scratch.map((k) => new Uint8Array(scratchSizes[k]!));
    const ctx: EvalContext = {
      threads: 1,
      scratch: (h) => heapScratch[h]!,
      persistent: () => {
        throw new Error('folded nodes have no persistent memory');
      },
      resizeOutput: () => {
        throw new Error('folded nodes have no dynamic outputs');
      },
    };
    this.evalNode(st, ctx, false); // load-time work: not part of any invoke's profile
    for (const o of st.node.outputs) (o as RuntimeTensor).storage = 'constant';
    // Its scratch is no longer needed in the arena.
    for (const k of st.scratch) scratchSizes[k] = 0;
    st.folded = true;
  }

  private ensureMemory(bytes: number): WebAssembly.Memory {
    const pages = Math.max(1, Math.ceil(bytes / PAGE));
    let memory = this.opts.memory;
    if (!memory) {
      memory = new WebAssembly.Memory({ initial: pages });
      this.opts.memory = memory;
    } else if (memory.buffer.byteLength < bytes) {
      memory.grow(pages - memory.buffer.byteLength / PAGE);
    }
    return memory;
  }

  private persistentView(st: NodeState, handle: number): Uint8Array {
    const k = st.persistent[handle];
    if (k === undefined) throw new Error(`node ${st.node.index}: unknown persistent handle ${handle}`);
    return new Uint8Array(this.opts.memory!.buffer, this.persistentOffsets[k]!, this.persistentSizes[k]!);
  }

  /** Resets variable tensors to their initial value (their buffer, else zero / the int8 zero point). */
  resetVariables(): void {
    for (const t of this.tensors) if (t.storage === 'variable' && t.hasData) this.resetVariable(t);
    if (!this.allocated) return;
    for (const st of this.nodes) {
      if (st.folded || st.deferred || !st.kernel?.reset) continue;
      st.kernel.reset(st.node, st.data, { persistent: (h) => this.persistentView(st, h) });
    }
  }

  private resetVariable(t: RuntimeTensor): void {
    if (t.initial && t.initial.byteLength === t.bytes.byteLength) {
      t.bytes.set(t.initial);
    } else {
      // As TFLite's ResetVariableTensor: int8 variables start at their zero point, others at 0.
      const zp = t.dtype === 'int8' && t.quant ? t.quant.zeroPoint[0]! : 0;
      t.bytes.fill(zp & 0xff);
    }
  }

  /** Runs every node once. Throws InputError when called before allocate(). */
  invoke(): void {
    if (!this.allocated) {
      throw new InputError(
        'invoke() called before allocateTensors() (or after resizeInput): call allocateTensors()',
      );
    }
    const memory = this.opts.memory!;
    for (const st of this.nodes) {
      if (st.folded) continue;
      if (st.deferred) {
        this.invokeDeferred(st);
        this.observer?.(st.node);
        continue;
      }
      const ctx: EvalContext = {
        threads: this.opts.threads,
        scratch: (h) => {
          const k = st.scratch[h]!;
          return new Uint8Array(memory.buffer, this.scratchOffsets[k]!, this.scratchSize(st, h));
        },
        persistent: (h) => this.persistentView(st, h),
        resizeOutput: (t, shape) => this.resizeDynamic(st, t, shape),
      };
      this.evalNode(st, ctx);
      this.observer?.(st.node);
    }
  }

  private scratchSize(st: NodeState, h: number): number {
    return this.scratchSizes[st.scratch[h]!] ?? 0;
  }

  /** Prepares (now that input shapes are known) and runs a node that follows a dynamic tensor. */
  private invokeDeferred(st: NodeState): void {
    const scratch: Uint8Array[] = [];
    const persistent: Uint8Array[] = [];
    st.dynamicOutputs = new Set();
    const pctx: PrepareContext = {
      threads: this.opts.threads,
      requestScratch: (bytes) => scratch.push(new Uint8Array(bytes)) - 1,
      requestPersistent: (bytes) => persistent.push(new Uint8Array(bytes)) - 1,
      markDynamic: (t) => st.dynamicOutputs.add(t),
    };
    st.data = this.prepareNode(st, pctx);
    for (const o of st.node.outputs) {
      if (st.dynamicOutputs.has(o)) continue;
      const rt = o as RuntimeTensor;
      rt.storage = 'heap';
      if (!rt.hasData || rt.bytes.byteLength !== rt.byteSize) rt.attach(new Uint8Array(rt.byteSize));
    }
    if (st.kernel!.init) st.kernel!.init(st.node, st.data, { persistent: (h) => persistent[h]! });
    this.evalNode(st, {
      threads: this.opts.threads,
      scratch: (h) => scratch[h]!,
      persistent: (h) => persistent[h]!,
      resizeOutput: (t, shape) => this.resizeDynamic(st, t, shape),
    });
  }

  private resizeDynamic(st: NodeState, t: KernelTensor, shape: number[]): void {
    if (!st.dynamicOutputs.has(t)) {
      throw new Error(`node ${st.node.index} (${st.node.op}): resizeOutput on an output not marked dynamic`);
    }
    const rt = t as RuntimeTensor;
    rt.shape = [...shape];
    rt.storage = 'heap';
    if (!rt.hasData || rt.bytes.byteLength !== rt.byteSize) rt.attach(new Uint8Array(rt.byteSize));
  }

  private evalNode(st: NodeState, ctx: EvalContext, profile = this.profiling): void {
    const t0 = profile ? performance.now() : 0;
    try {
      st.kernel!.eval(st.node, st.data, ctx);
    } catch (e) {
      throw wrapKernelError(e, st.node, 'eval');
    }
    if (profile) {
      st.time += performance.now() - t0;
      st.runs++;
    }
  }

  /** Per-node profile since the last reset: op, time (ms, total) and run count. */
  profile(): { index: number; op: string; timeMs: number; runs: number; folded: boolean }[] {
    return this.nodes.map((st) => ({
      index: st.node.index,
      op: st.node.op,
      timeMs: st.time,
      runs: st.runs,
      folded: st.folded,
    }));
  }

  /** Clears the profile counters. */
  resetProfile(): void {
    for (const st of this.nodes) {
      st.time = 0;
      st.runs = 0;
    }
  }
}

/** Adds the node to an error's message unless it is already a typed tflite-ts error. */
function wrapKernelError(e: unknown, node: KernelNode, phase: string): Error {
  if (e instanceof TfliteError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TfliteError('KERNEL', `node ${node.index} (${node.op}) failed in ${phase}: ${msg}`, {
    cause: e,
  });
}
