/**
 * Global spatial pooling of NHWC tensors in WebAssembly SIMD (assembly/pool.ts), bit-exact with
 * the reference kernels: AVERAGE_POOL_2D whose one window covers the whole image
 * (src/kernels/pooling/pool_2d.ts; squeeze-and-excitation blocks, classifier heads) and MEAN over
 * the height and width axes (src/kernels/reduce/reduce.ts), float32, uint8 and int8. The
 * constants (window, clamp range, MEAN's multiplier with 1/count folded in) come from the
 * reference prepare. Channels are split across threads.
 */
import type { averagePool2dKernel } from '../pooling/pool_2d.js';
import type { meanKernel } from '../reduce/reduce.js';
import {
  type EvalContext,
  type InitContext,
  type KernelNode,
  type PrepareContext,
  type WasmEnv,
  input,
  output,
} from '../kernel.js';
import { type NodeJob, jobMemory, runJob } from './job.js';
import { P, PARAMS_BYTES } from './layout.js';
import type { KernelInstance } from './module.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type PoolRef = ReturnType<typeof averagePool2dKernel.prepare>;
export type MeanRef = ReturnType<typeof meanKernel.prepare>;

interface PoolWasm {
  readonly job: NodeJob;
  /** Clamp range (float32 values or integers). */
  readonly lo: number;
  readonly hi: number;
  /** MEAN of 8-bit tensors: the reference's requantization with 1/count folded in. */
  readonly mean: { multiplier: number; shift: number; inZero: number; outZero: number } | null;
}

const DTYPES: Readonly<Record<string, number>> = { float32: 0, uint8: 1, int8: 2 };

/** True when an axis's one window (output size 1, no padding) covers every input position. */
function covers(out: number, pad: number, filter: number, size: number): boolean {
  return out === 1 && pad === 0 && filter >= size;
}

function poolJob(
  node: KernelNode,
  ctx: PrepareContext,
  env: WasmEnv,
  inst: KernelInstance,
  values: Pick<PoolWasm, 'lo' | 'hi' | 'mean'>,
): PoolWasm {
  const x = input(node, 0);
  const channels = x.shape[3]!;
  return {
    job: {
      env,
      inst,
      job: inst.jobs.globalPool,
      persistent: ctx.requestPersistent(PARAMS_BYTES),
      params: 0,
      scratch: -1,
      scratchWord: -1,
      scratchAddress: -1,
      // Parts of at least 16 channels, and only when the input is large enough to be worth it.
      chunks:
        env.threads > 1 && channels >= 32 && x.bytes.byteLength >= 65536
          ? Math.min(env.threads * 4, channels >> 4)
          : 1,
    },
    ...values,
  };
}

/** Writes the parameter block. */
function writePool(node: KernelNode, d: PoolWasm, ctx: InitContext, kind: number): void {
  const { i32, f32 } = jobMemory(d.job, ctx);
  const memory = d.job.env.memory;
  const x = input(node, 0);
  i32.fill(0);
  i32[P.BATCHES] = x.shape[0]!;
  i32[P.PIXELS] = x.shape[1]! * x.shape[2]!;
  i32[P.C] = x.shape[3]!;
  i32[P.X] = addressOf(x, memory);
  i32[P.Y] = addressOf(output(node, 0), memory);
  i32[P.KIND] = kind;
  i32[P.DTYPE] = DTYPES[x.dtype]!;
  if (x.dtype === 'float32') {
    f32[P.LO] = d.lo;
    f32[P.HI] = d.hi;
  } else {
    i32[P.LO] = d.lo;
    i32[P.HI] = d.hi;
  }
  if (d.mean) {
    i32[P.ZP_IN] = d.mean.inZero;
    i32[P.MULT] = d.mean.multiplier;
    i32[P.SHIFT] = d.mean.shift;
    i32[P.ZP_OUT] = d.mean.outZero;
  }
}

/** AVERAGE_POOL_2D with one window over the whole image. */
export const globalAveragePoolPlan: WasmPlan<PoolRef, PoolWasm> = {
  name: (node) => `${input(node, 0).dtype === 'float32' ? 'f32' : 'q8'}_global_avgpool_simd`,
  accepts(node, ref) {
    const w = ref.w;
    return (
      !input(node, 0).isConst &&
      input(node, 0).dtype in DTYPES &&
      covers(w.outH, w.padH, w.filterH, w.inH) &&
      covers(w.outW, w.padW, w.filterW, w.inW)
    );
  },
  prepare(node, ref, ctx, env, inst) {
    return poolJob(node, ctx, env, inst, { lo: ref.lo, hi: ref.hi, mean: null });
  },
  init(node, d, ctx) {
    writePool(node, d, ctx, 0);
  },
  eval(_node: KernelNode, d: PoolWasm, ctx: EvalContext) {
    runJob(d.job, ctx);
  },
};

/** MEAN of a rank-4 NHWC tensor over axes 1 and 2 (height and width). */
export const spatialMeanPlan: WasmPlan<MeanRef, PoolWasm> = {
  name: (node) => `${input(node, 0).dtype === 'float32' ? 'f32' : 'q8'}_spatial_mean_simd`,
  accepts(node, ref) {
    const x = input(node, 0);
    const g = ref.geom;
    if (x.isConst || !(x.dtype in DTYPES) || !g || x.shape.length !== 4 || g.inCount === 0) return false;
    if (g.axes.length !== 2 || g.axes[0] !== 1 || g.axes[1] !== 2) return false;
    return x.dtype === 'float32' ? !ref.quantized : ref.quant !== null;
  },
  prepare(node, ref, ctx, env, inst) {
    const q = ref.quant;
    return poolJob(node, ctx, env, inst, {
      lo: q ? q.min : 0,
      hi: q ? q.max : 0,
      mean: q ? { multiplier: q.multiplier, shift: q.shift, inZero: q.inZero, outZero: q.outZero } : null,
    });
  },
  init(node, d, ctx) {
    writePool(node, d, ctx, 1);
  },
  eval(_node: KernelNode, d: PoolWasm, ctx: EvalContext) {
    runJob(d.job, ctx);
  },
};
