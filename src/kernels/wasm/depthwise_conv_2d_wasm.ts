/**
 * DEPTHWISE_CONV_2D in WebAssembly SIMD for depth multiplier 1: float32
 * (f32_dwconv_simd_c8, 3x3 unrolled for in-image pixels at any stride) and uint8 / int8
 * (q8_dwconv_simd_c8: int16 products widened to int32, requantization bit-exact with the
 * reference). Output rows are split across threads. Constants come from the reference prepare.
 */
import { biasAsFloat64 } from '../conv/requantize.js';
import { depthwiseConv2dKernel } from '../conv/depthwise_conv_2d.js';
import {
  type EvalContext,
  type InitContext,
  type KernelNode,
  type PrepareContext,
  type WasmEnv,
  input,
  output,
} from '../kernel.js';
import { type NodeJob, chunksFor, align64, jobMemory, runJob } from './job.js';
import { D, PARAMS_BYTES } from './layout.js';
import type { KernelInstance } from './module.js';
import {
  packDepthwiseF32,
  packDepthwiseQ8,
  requantBlockBytes,
  roundUp8,
  writeRequantBlock,
} from './packing.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type DepthwiseRef = ReturnType<typeof depthwiseConv2dKernel.prepare>;

interface DepthwiseWasm {
  readonly ref: DepthwiseRef;
  readonly job: NodeJob;
  readonly float: boolean;
  readonly weightsOffset: number;
  readonly biasOffset: number;
  readonly biasBytes: number;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const depthwiseConv2dPlan: WasmPlan<DepthwiseRef, DepthwiseWasm> = {
  name: (_node, ref) => (ref.path === 'float' ? 'f32_dwconv_simd_c8' : 'q8_dwconv_simd_c8'),

  accepts(node, ref) {
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    if (!filter.isConst || (bias && !bias.isConst) || ref.multiplier !== 1) return false;
    if (ref.path === 'float') return true;
    const x = input(node, 0);
    return (
      ref.path === 'quantized' &&
      (x.dtype === 'int8' || x.dtype === 'uint8') &&
      ref.rq !== null &&
      !ref.rq.wide
    );
  },

  prepare(
    _node: KernelNode,
    ref: DepthwiseRef,
    ctx: PrepareContext,
    env: WasmEnv,
    inst: KernelInstance,
  ): DepthwiseWasm {
    const float = ref.path === 'float';
    const taps = ref.w.filterH * ref.w.filterW;
    const cp = roundUp8(ref.outC);
    const weightsOffset = PARAMS_BYTES;
    const biasOffset = weightsOffset + align64(taps * cp * (float ? 4 : 2));
    const biasBytes = float ? cp * 4 : requantBlockBytes(ref.outC);
    return {
      ref,
      job: {
        env,
        inst,
        job: float ? inst.jobs.f32Dwconv : inst.jobs.q8Dwconv,
        persistent: ctx.requestPersistent(biasOffset + align64(biasBytes)),
        params: 0,
        scratch: -1,
        scratchWord: -1,
        scratchAddress: -1,
        chunks: chunksFor(env, ref.w.batches * ref.w.outH * ref.w.outW * ref.outC * taps),
      },
      float,
      weightsOffset,
      biasOffset,
      biasBytes,
    };
  },

  init(node: KernelNode, d: DepthwiseWasm, ctx: InitContext): void {
    const { bytes, i32, f32 } = jobMemory(d.job, ctx);
    const { ref } = d;
    const { w } = ref;
    const memory = d.job.env.memory;
    const buf = bytes.buffer;
    const base = bytes.byteOffset;
    const x = input(node, 0);
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    const c = ref.outC;
    const taps = w.filterH * w.filterW;
    const cp = roundUp8(c);
    i32.fill(0);
    i32[D.BATCHES] = w.batches;
    i32[D.IN_H] = w.inH;
    i32[D.IN_W] = w.inW;
    i32[D.C] = c;
    i32[D.OUT_H] = w.outH;
    i32[D.OUT_W] = w.outW;
    i32[D.FH] = w.filterH;
    i32[D.FW] = w.filterW;
    i32[D.SH] = w.strideH;
    i32[D.SW] = w.strideW;
    i32[D.DH] = w.dilationH;
    i32[D.DW] = w.dilationW;
    i32[D.PAD_H] = w.padH;
    i32[D.PAD_W] = w.padW;
    i32[D.X] = addressOf(x, memory);
    i32[D.W] = base + d.weightsOffset;
    i32[D.Y] = addressOf(output(node, 0), memory);
    i32[D.BIAS] = base + d.biasOffset;
    if (d.float) {
      f32[D.LO] = ref.lo;
      f32[D.HI] = ref.hi;
      packDepthwiseF32(
        filter.data as Float32Array,
        taps,
        c,
        new Float32Array(buf, base + d.weightsOffset, taps * cp),
      );
      const pb = new Float32Array(buf, base + d.biasOffset, cp);
      pb.fill(0);
      if (bias) pb.set(bias.data as Float32Array);
      return;
    }
    const rq = ref.rq!;
    i32[D.LO] = rq.outputZeroPoint;
    i32[D.HI] = rq.qmin;
    i32[D.QMAX] = rq.qmax;
    i32[D.ZP_IN] = rq.inputZeroPoint;
    i32[D.SIGNED] = x.dtype === 'int8' ? 1 : 0;
    packDepthwiseQ8(
      filter.data as Int8Array | Uint8Array,
      taps,
      c,
      rq.filterZeroPoint,
      new Int16Array(buf, base + d.weightsOffset, taps * cp),
    );
    // The kernel subtracts the input zero point from x itself (border taps are skipped), so the
    // bias needs no correction.
    const b64 = biasAsFloat64(bias);
    const biasI32 = new Int32Array(c);
    if (b64) for (let j = 0; j < c; j++) biasI32[j] = b64[j]! | 0;
    writeRequantBlock(
      new Uint8Array(buf, base + d.biasOffset, d.biasBytes),
      c,
      biasI32,
      rq.multipliers,
      rq.shifts,
    );
  },

  eval(_node: KernelNode, d: DepthwiseWasm, ctx: EvalContext): void {
    runJob(d.job, ctx);
  },
};
