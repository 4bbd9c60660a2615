/**
 * FULLY_CONNECTED in WebAssembly SIMD: float32 (f32_gemm_simd_4x8) and uint8 / int8 activations
 * with 8-bit weights (q8_gemm_simd_4x8c2, requantization bit-exact with the reference). Rows
 * (batch) are split across threads when there are enough, else blocks of 8 units.
 */
import { fullyConnectedKernel } from '../conv/fully_connected.js';
import { biasAsFloat64 } from '../conv/requantize.js';
import {
  type EvalContext,
  type InitContext,
  type KernelNode,
  type PrepareContext,
  type WasmEnv,
  input,
  output,
} from '../kernel.js';
import { zeroPointCorrectedBias } from './conv_2d_wasm.js';
import { type NodeJob, chunksFor, align64, jobMemory, runJob } from './job.js';
import { G, PARAMS_BYTES, Q } from './layout.js';
import type { KernelInstance } from './module.js';
import {
  f32GemmPackedBytes,
  packF32Gemm,
  packQ8Gemm,
  q8GemmPackedBytes,
  requantBlockBytes,
  writeRequantBlock,
} from './packing.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type FcRef = ReturnType<typeof fullyConnectedKernel.prepare>;

interface FcWasm {
  readonly ref: FcRef;
  readonly job: NodeJob;
  readonly float: boolean;
  readonly packedBytes: number;
  readonly rqOffset: number;
  readonly rqBytes: number;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const fullyConnectedPlan: WasmPlan<FcRef, FcWasm> = {
  name: (_node, ref) => (ref.path === 'float' ? 'f32_gemm_simd_4x8' : 'q8_gemm_simd_4x8c2'),

  accepts(node, ref) {
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    if (!filter.isConst || (bias && !bias.isConst)) return false;
    if (ref.path === 'float') return true;
    const x = input(node, 0);
    return (
      ref.path === 'quantized' &&
      (x.dtype === 'int8' || x.dtype === 'uint8') &&
      ref.rq !== null &&
      !ref.rq.wide
    );
  },

  prepare(_node: KernelNode, ref: FcRef, ctx: PrepareContext, env: WasmEnv, inst: KernelInstance): FcWasm {
    const float = ref.path === 'float';
    const packedBytes = float
      ? f32GemmPackedBytes(ref.units, ref.depth)
      : q8GemmPackedBytes(ref.units, ref.depth);
    const rqBytes = float ? 0 : requantBlockBytes(ref.units);
    const rqOffset = PARAMS_BYTES + align64(packedBytes);
    return {
      ref,
      job: {
        env,
        inst,
        job: float ? inst.jobs.f32Gemm : inst.jobs.q8Gemm,
        persistent: ctx.requestPersistent(rqOffset + align64(rqBytes)),
        params: 0,
        scratch: -1,
        scratchWord: -1,
        scratchAddress: -1,
        chunks: chunksFor(env, ref.batch * ref.units * ref.depth),
      },
      float,
      packedBytes,
      rqOffset,
      rqBytes,
    };
  },

  init(node: KernelNode, d: FcWasm, ctx: InitContext): void {
    const { bytes, i32, f32 } = jobMemory(d.job, ctx);
    const { ref } = d;
    const memory = d.job.env.memory;
    const buf = bytes.buffer;
    const base = bytes.byteOffset;
    const x = input(node, 0);
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    i32.fill(0);
    if (d.float) {
      i32[G.M] = ref.batch;
      i32[G.N] = ref.units;
      i32[G.K] = ref.depth;
      i32[G.A] = addressOf(x, memory);
      i32[G.LDA] = ref.depth * 4;
      i32[G.B] = base + PARAMS_BYTES;
      i32[G.C] = addressOf(output(node, 0), memory);
      i32[G.LDC] = ref.units * 4;
      f32[G.LO] = ref.lo;
      f32[G.HI] = ref.hi;
      packF32Gemm(
        filter.data as Float32Array,
        (bias?.data as Float32Array | undefined) ?? null,
        ref.units,
        ref.depth,
        new Float32Array(buf, base + PARAMS_BYTES, d.packedBytes >> 2),
      );
      return;
    }
    const rq = ref.rq!;
    i32[Q.M] = ref.batch;
    i32[Q.N] = ref.units;
    i32[Q.K] = ref.depth;
    i32[Q.A] = addressOf(x, memory);
    i32[Q.LDA] = ref.depth;
    i32[Q.B] = base + PARAMS_BYTES;
    i32[Q.C] = addressOf(output(node, 0), memory);
    i32[Q.LDC] = ref.units;
    i32[Q.ZP] = rq.outputZeroPoint;
    i32[Q.QMIN] = rq.qmin;
    i32[Q.QMAX] = rq.qmax;
    i32[Q.RQ] = base + d.rqOffset;
    i32[Q.SIGNED] = x.dtype === 'int8' ? 1 : 0;
    const sums = packQ8Gemm(
      filter.data as Int8Array | Uint8Array,
      ref.units,
      ref.depth,
      ref.filterZeroPoint,
      new Int16Array(buf, base + PARAMS_BYTES, d.packedBytes >> 1),
    );
    writeRequantBlock(
      new Uint8Array(buf, base + d.rqOffset, d.rqBytes),
      ref.units,
      zeroPointCorrectedBias(biasAsFloat64(bias), sums, rq.inputZeroPoint),
      rq.multipliers,
      rq.shifts,
    );
  },

  eval(_node: KernelNode, d: FcWasm, ctx: EvalContext): void {
    runJob(d.job, ctx);
  },
};
