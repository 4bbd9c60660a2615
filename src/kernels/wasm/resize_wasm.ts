/**
 * RESIZE_BILINEAR in WebAssembly SIMD (assembly/resize.ts): float32, uint8 (float arithmetic) and
 * int8 (10-bit fixed point), bit-exact with the reference kernel (src/kernels/tensor/resize.ts),
 * whose per-axis sampling tables (source rows / columns and weights, computed in its prepare for
 * a constant size) are copied into persistent memory. Output rows are split across threads.
 */
import type { resizeBilinearKernel } from '../tensor/resize.js';
import { type EvalContext, type InitContext, type KernelNode, input, output } from '../kernel.js';
import { type NodeJob, align64, chunksFor, jobMemory, runJob } from './job.js';
import { PARAMS_BYTES, R } from './layout.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type ResizeRef = ReturnType<typeof resizeBilinearKernel.prepare>;

interface ResizeWasm {
  readonly job: NodeJob;
  readonly ref: ResizeRef;
  readonly xtabOffset: number;
}

const DTYPES: Readonly<Record<string, number>> = { float32: 0, uint8: 1, int8: 2 };

/** Writes one axis table: per output coordinate [lo, hi, weight lo, weight hi] (16 bytes). */
function writeAxis(
  dst: DataView,
  at: number,
  t: NonNullable<ResizeRef['tables']>['x'],
  integer: boolean,
): void {
  for (let i = 0; i < t.lo.length; i++) {
    const o = at + i * 16;
    dst.setInt32(o, t.lo[i]!, true);
    dst.setInt32(o + 4, t.hi[i]!, true);
    if (integer) {
      dst.setInt32(o + 8, t.wLo[i]!, true);
      dst.setInt32(o + 12, t.wHi[i]!, true);
    } else {
      dst.setFloat32(o + 8, t.wLo[i]!, true);
      dst.setFloat32(o + 12, t.wHi[i]!, true);
    }
  }
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const resizeBilinearPlan: WasmPlan<ResizeRef, ResizeWasm> = {
  name: (node) => `${input(node, 0).dtype === 'float32' ? 'f32' : 'q8'}_resize_bilinear_simd_4`,

  accepts(node, ref) {
    const x = input(node, 0);
    return !x.isConst && ref.tables !== null && x.dtype in DTYPES && output(node, 0).dtype === x.dtype;
  },

  prepare(_node, ref, ctx, env, inst) {
    const t = ref.tables!;
    const xtabOffset = PARAMS_BYTES + align64(t.shape[1]! * 16);
    const rows = t.shape[0]! * t.shape[1]!;
    return {
      job: {
        env,
        inst,
        job: inst.jobs.resizeBilinear,
        persistent: ctx.requestPersistent(xtabOffset + align64(t.shape[2]! * 16)),
        params: 0,
        scratch: -1,
        scratchWord: -1,
        scratchAddress: -1,
        chunks: rows >= 2 ? chunksFor(env, 4 * rows * t.shape[2]! * t.shape[3]!) : 1,
      },
      ref,
      xtabOffset,
    };
  },

  init(node: KernelNode, d: ResizeWasm, ctx: InitContext): void {
    const { bytes, i32 } = jobMemory(d.job, ctx);
    const memory = d.job.env.memory;
    const x = input(node, 0);
    const t = d.ref.tables!;
    i32.fill(0);
    i32[R.BATCHES] = x.shape[0]!;
    i32[R.IN_H] = x.shape[1]!;
    i32[R.IN_W] = x.shape[2]!;
    i32[R.C] = x.shape[3]!;
    i32[R.OUT_H] = t.shape[1]!;
    i32[R.OUT_W] = t.shape[2]!;
    i32[R.X] = addressOf(x, memory);
    i32[R.Y] = addressOf(output(node, 0), memory);
    i32[R.YTAB] = bytes.byteOffset + PARAMS_BYTES;
    i32[R.XTAB] = bytes.byteOffset + d.xtabOffset;
    i32[R.DTYPE] = DTYPES[x.dtype]!;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const integer = x.dtype === 'int8';
    writeAxis(view, PARAMS_BYTES, t.y, integer);
    writeAxis(view, d.xtabOffset, t.x, integer);
  },

  eval(_node: KernelNode, d: ResizeWasm, ctx: EvalContext): void {
    runJob(d.job, ctx);
  },
};
