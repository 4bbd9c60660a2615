/**
 * The wrapper that puts a WebAssembly implementation in front of a reference kernel. prepare()
 * first runs the reference prepare with a context that discards memory requests: it validates,
 * sets output shapes and computes the derived constants (window, requantization) the wasm path
 * reuses, so both paths share one source of those numbers. If the plan accepts the node (see
 * select.ts) the wasm path requests its own memory; otherwise the reference prepare runs again
 * with the real context and the node runs the reference kernel.
 */
import { TfliteError } from '../../errors.js';
import type {
  EvalContext,
  InitContext,
  Kernel,
  KernelNode,
  KernelTensor,
  PrepareContext,
  WasmEnv,
} from '../kernel.js';
import { type KernelInstance, instanceFor } from './module.js';

/** What a wasm implementation of an op provides. */
export interface WasmPlan<R, W> {
  /** Name for profiles and docs: dtype, op, ISA, tile (e.g. f32_conv1x1_simd_4x8). */
  name(node: KernelNode, ref: R): string;
  /** True when this implementation handles the node (dtypes, shapes, constant weights). */
  accepts(node: KernelNode, ref: R, env: WasmEnv): boolean;
  /** Requests memory and returns the wasm path's data. */
  prepare(node: KernelNode, ref: R, ctx: PrepareContext, env: WasmEnv, inst: KernelInstance): W;
  /** Packs weights and writes the parameter block. */
  init(node: KernelNode, data: W, ctx: InitContext): void;
  /** Runs the node. */
  eval(node: KernelNode, data: W, ctx: EvalContext): void;
}

/** Per-node data of a wrapped kernel. */
export interface WrappedData<R, W> {
  readonly ref: R;
  readonly wasm: W | null;
  /** Name of the implementation that runs (reference or the wasm plan's name). */
  readonly impl: string;
}

/** A context that accepts and ignores memory requests (for the validating reference prepare). */
function discardingContext(ctx: PrepareContext): PrepareContext & { dynamic: boolean } {
  const c = {
    threads: ctx.threads,
    dynamic: false,
    requestScratch: () => -1,
    requestPersistent: () => -1,
    markDynamic: () => {
      c.dynamic = true;
    },
  };
  return c;
}

/**
 * True when the node has an activation input and its outputs are planned in env's memory (not
 * variables). Which inputs may be constants is each plan's concern: constants are views into the
 * model bytes, outside the memory, and a plan that reads one copies it at allocateTensors().
 */
export function activationsInMemory(node: KernelNode): boolean {
  return node.inputs.some((t) => t !== null && !t.isConst) && node.outputs.every((o) => !o.isVariable);
}

/** Returns the byte address of a tensor in `memory`; throws if it lives elsewhere. */
export function addressOf(t: KernelTensor, memory: WebAssembly.Memory): number {
  if (t.bytes.buffer !== memory.buffer) {
    throw new TfliteError(
      'WASM',
      `tensor ${JSON.stringify(t.name)} is not in the interpreter's WebAssembly memory; ` +
        'this is a bug of the wasm kernel selection (report it)',
    );
  }
  return t.bytes.byteOffset;
}

/**
 * Returns a kernel that runs `plan` where it can (plan.accepts) and where the selection policy
 * wants it (`select`, from select.ts), and `reference` elsewhere.
 */
export function withWasm<R, W>(
  reference: Kernel<R>,
  plan: WasmPlan<R, W>,
  select: (node: KernelNode, ref: R) => boolean,
): Kernel<WrappedData<R, W>> {
  return {
    op: reference.op,
    prepare(node: KernelNode, ctx: PrepareContext): WrappedData<R, W> {
      const env = ctx.wasm;
      if (env && activationsInMemory(node)) {
        const probe = discardingContext(ctx);
        const ref = reference.prepare(node, probe);
        if (!probe.dynamic && plan.accepts(node, ref, env) && select(node, ref)) {
          const inst = instanceFor(env.memory);
          return { ref, wasm: plan.prepare(node, ref, ctx, env, inst), impl: plan.name(node, ref) };
        }
      }
      return { ref: reference.prepare(node, ctx), wasm: null, impl: 'reference' };
    },
    init(node: KernelNode, d: WrappedData<R, W>, ctx: InitContext): void {
      if (d.wasm) plan.init(node, d.wasm, ctx);
      else reference.init?.(node, d.ref, ctx);
    },
    eval(node: KernelNode, d: WrappedData<R, W>, ctx: EvalContext): void {
      if (d.wasm) plan.eval(node, d.wasm, ctx);
      else reference.eval(node, d.ref, ctx);
    },
  };
}
