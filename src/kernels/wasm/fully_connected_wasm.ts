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
import { type NodeJob, align64, blockRows, chunksFor, jobMemory, runJob } from './job.js';
import { G, PARAMS_BYTES, Q } from './layout.js';
import type { KernelInstance } from './module.js';
import { packF32, stageQ8 } from './packer.js';
import { f32GemmPackedBytes, q8GemmPackedBytes, roundUp8 } from './packing.js';
import { type HybridInput, hybridInputBytes, initHybridInput, prepareHybridInput } from './hybrid_input.js';
import { packQuantizedLayer, requantBlockBytes, writeHybridBlock } from './requant_block.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type FcRef = ReturnType<typeof fullyConnectedKernel.prepare>;

interface FcWasm {
  /** Quantized: the requantization mode chosen at init (requant_block.ts), -1 before or for float. */
  requantMode: number;
  readonly ref: FcRef;
  readonly job: NodeJob;
  readonly float: boolean;
  readonly packedBytes: number;
  readonly rqOffset: number;
  readonly rqBytes: number;
  /** Quantized: batch rows widened at a time, and the scratch bytes of one part. */
  readonly block: number;
  readonly scratchStride: number;
  /** Hybrid: the input rows' run-time quantization (runs first, into the start of the scratch). */
  readonly hybrid: HybridInput | null;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const fullyConnectedPlan: WasmPlan<FcRef, FcWasm> = {
  name: (_node, ref) =>
    ref.path === 'float' ? 'f32_gemm_simd_4x8' : `${ref.path === 'hybrid' ? 'hybrid' : 'q8'}_gemm_simd_4x8c2`,

  accepts(node, ref) {
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    if (input(node, 0).isConst || !filter.isConst || (bias && !bias.isConst)) return false;
    if (ref.path === 'float') return true;
    const x = input(node, 0);
    if (ref.path === 'hybrid') return filter.dtype === 'int8';
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
    const chunks = chunksFor(env, ref.batch * ref.units * ref.depth);
    // Float: rows of A packed 4-row tile by tile (f32_gemm.ts); quantized: rows widened to
    // int16 + slack for whole-vector zeroing (widen.ts).
    const rowBytes = float ? ref.depth * 4 : roundUp8(ref.depth) * 2;
    const block = blockRows(rowBytes, ref.batch);
    const scratchStride = align64(block * rowBytes + (float ? 0 : 16));
    // Hybrid: [quantized rows, their scales and zero points | widened blocks] in one scratch.
    const hybridBytes = ref.path === 'hybrid' ? hybridInputBytes(ref.batch, ref.depth) : 0;
    const scratch = ctx.requestScratch(hybridBytes + chunks * scratchStride);
    const hybrid =
      ref.path === 'hybrid'
        ? prepareHybridInput(ctx, env, inst, scratch, ref.batch, ref.depth, ref.asymmetric)
        : null;
    return {
      requantMode: -1,
      ref,
      job: {
        env,
        inst,
        job: float ? inst.jobs.f32Gemm : inst.jobs.q8Gemm,
        persistent: ctx.requestPersistent(rqOffset + align64(rqBytes)),
        params: 0,
        scratch,
        scratchWord: hybrid ? -1 : float ? G.SCRATCH : Q.SCRATCH,
        ...(hybrid
          ? {
              scratchOffsets: [
                [Q.SCRATCH, hybrid.bytes],
                [Q.A, 0],
                [Q.HRS, hybrid.scaleOffset],
                [Q.HOFF, hybrid.offsetOffset],
              ] as const,
            }
          : {}),
        scratchAddress: -1,
        chunks,
      },
      float,
      packedBytes,
      rqOffset,
      rqBytes,
      block,
      scratchStride,
      hybrid,
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
      i32[G.SCRATCH_STRIDE] = d.scratchStride;
      i32[G.BLOCK] = d.block;
      d.job.scratchAddress = -1;
      packF32(
        filter.data as Float32Array,
        (bias?.data as Float32Array | undefined) ?? null,
        ref.units,
        ref.depth,
        false,
        new Float32Array(buf, base + PARAMS_BYTES, d.packedBytes >> 2),
      );
      return;
    }
    if (d.hybrid) {
      // The rows quantized at run time (their own scale and zero point), the weights as they are.
      i32[Q.M] = ref.batch;
      i32[Q.N] = ref.units;
      i32[Q.K] = ref.depth;
      i32[Q.LDA] = ref.depth;
      i32[Q.B] = base + PARAMS_BYTES;
      i32[Q.C] = addressOf(output(node, 0), memory);
      i32[Q.LDC] = ref.units * 4;
      i32[Q.RQ] = base + d.rqOffset;
      i32[Q.SIGNED] = 1;
      i32[Q.HYBRID] = 1;
      i32[Q.SCRATCH_STRIDE] = d.scratchStride;
      i32[Q.BLOCK] = d.block;
      d.job.scratchAddress = -1;
      initHybridInput(d.hybrid, ctx, x, null);
      stageQ8(filter.data as Int8Array, ref.units, ref.depth, 0, false).pack(
        null,
        new Int16Array(buf, base + PARAMS_BYTES, d.packedBytes >> 1),
      );
      // TFLite's hybrid FC: bias + float(dot) * (row scale * weight scale), the bias always added.
      writeHybridBlock(new Uint8Array(buf, base + d.rqOffset, d.rqBytes), ref.units, {
        form: 0,
        addBias: true,
        lo: ref.lo,
        hi: ref.hi,
        scales: ref.filterScales,
        bias: (bias?.data as Float32Array | undefined) ?? null,
      });
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
    i32[Q.RQ] = base + d.rqOffset;
    i32[Q.SIGNED] = x.dtype === 'int8' ? 1 : 0;
    i32[Q.ZP_IN] = rq.inputZeroPoint;
    i32[Q.SCRATCH_STRIDE] = d.scratchStride;
    i32[Q.BLOCK] = d.block;
    d.job.scratchAddress = -1;
    d.requantMode = packQuantizedLayer(
      {
        rq,
        weights: filter.data as Int8Array | Uint8Array,
        n: ref.units,
        k: ref.depth,
        filterZeroPoint: ref.filterZeroPoint,
        bias: biasAsFloat64(bias),
        signedInput: x.dtype === 'int8',
        signedOutput: output(node, 0).dtype === 'int8',
        depthwise: false,
      },
      new Int16Array(buf, base + PARAMS_BYTES, d.packedBytes >> 1),
      new Uint8Array(buf, base + d.rqOffset, d.rqBytes),
    );
  },

  eval(_node: KernelNode, d: FcWasm, ctx: EvalContext): void {
    if (d.hybrid) runJob(d.hybrid.job, ctx);
    runJob(d.job, ctx);
  },
};
