/**
 * DEPTHWISE_CONV_2D in WebAssembly SIMD for depth multiplier 1: float32
 * (f32_dwconv_simd_c8, 3x3 unrolled for in-image pixels at any stride) and uint8 / int8
 * (q8_dwconv_simd_c8: pairs of taps in int16 dot products, requantization bit-exact with the
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
import { packF32, stageQ8 } from './packer.js';
import { f32DepthwisePackedFloats, q8DepthwisePackedBytes, roundUp8 } from './packing.js';
import { type HybridInput, hybridInputBytes, initHybridInput, prepareHybridInput } from './hybrid_input.js';
import {
  REQUANT_START_OFFSET,
  packQuantizedLayer,
  requantBlockBytes,
  writeHybridBlock,
} from './requant_block.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type DepthwiseRef = ReturnType<typeof depthwiseConv2dKernel.prepare>;

interface DepthwiseWasm {
  /** Quantized: the requantization mode chosen at init (requant_block.ts), -1 before or for float. */
  requantMode: number;
  readonly ref: DepthwiseRef;
  readonly job: NodeJob;
  readonly float: boolean;
  readonly weightsOffset: number;
  readonly biasOffset: number;
  readonly biasBytes: number;
  /** Quantized: the row of input zero points read for taps outside the image. */
  readonly zpRowOffset: number;
  readonly tableStride: number;
  /** Hybrid: the input's run-time quantization, and where sum(w) per channel is kept. */
  readonly hybrid: HybridInput | null;
  readonly wsumOffset: number;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const depthwiseConv2dPlan: WasmPlan<DepthwiseRef, DepthwiseWasm> = {
  name: (_node, ref) =>
    ref.path === 'float' ? 'f32_dwconv_simd_c8' : `${ref.path === 'hybrid' ? 'hybrid' : 'q8'}_dwconv_simd_c8`,

  accepts(node, ref) {
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    if (input(node, 0).isConst || !filter.isConst || (bias && !bias.isConst) || ref.multiplier !== 1)
      return false;
    if (ref.path === 'float') return true;
    const x = input(node, 0);
    // Hybrid: one batch image (its quantization is one row) and int8 weights.
    if (ref.path === 'hybrid') return ref.w.batches === 1 && filter.dtype === 'int8';
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
    // Float: the bias is packed with the weights (packDepthwiseF32).
    const biasOffset =
      weightsOffset +
      align64(float ? f32DepthwisePackedFloats(taps, ref.outC) * 4 : q8DepthwisePackedBytes(taps, ref.outC));
    const biasBytes = float ? 0 : requantBlockBytes(ref.outC);
    const zpRowOffset = biasOffset + align64(biasBytes);
    const chunks = chunksFor(env, ref.w.batches * ref.w.outH * ref.w.outW * ref.outC * taps);
    const tableStride = align64((taps + 1) * 8); // two address tables (assembly/dwconv.ts)
    const wsumOffset = zpRowOffset + (float ? 0 : align64(cp));
    const isHybrid = ref.path === 'hybrid';
    // Hybrid: [quantized image, its scale and zero point | tap address tables] in one scratch.
    const hybridBytes = isHybrid ? hybridInputBytes(1, ref.w.inH * ref.w.inW * ref.outC) : 0;
    const scratch = float ? -1 : ctx.requestScratch(hybridBytes + chunks * tableStride);
    const hybrid = isHybrid
      ? prepareHybridInput(ctx, env, inst, scratch, 1, ref.w.inH * ref.w.inW * ref.outC, true)
      : null;
    return {
      requantMode: -1,
      ref,
      job: {
        env,
        inst,
        job: float ? inst.jobs.f32Dwconv : inst.jobs.q8Dwconv,
        persistent: ctx.requestPersistent(wsumOffset + (isHybrid ? cp * 4 : 0)),
        params: 0,
        scratch,
        scratchWord: hybrid ? -1 : D.SCRATCH,
        ...(hybrid
          ? {
              scratchOffsets: [
                [D.SCRATCH, hybrid.bytes],
                [D.X, 0],
                [D.HRS, hybrid.scaleOffset],
              ] as const,
            }
          : {}),
        scratchAddress: -1,
        chunks,
      },
      float,
      weightsOffset,
      biasOffset,
      biasBytes,
      zpRowOffset,
      tableStride,
      hybrid,
      wsumOffset,
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
      packF32(
        filter.data as Float32Array,
        (bias?.data as Float32Array | undefined) ?? null,
        taps,
        c,
        true,
        new Float32Array(buf, base + d.weightsOffset, f32DepthwisePackedFloats(taps, c)),
      );
      return;
    }
    if (d.hybrid) {
      // The image quantized at run time (asymmetric): its zero point's corrections -zp * sum(w)
      // and zero-point row are written per invoke by the quantization job.
      i32[D.SIGNED] = 1;
      i32[D.HYBRID] = 1;
      i32[D.ZP_ROW] = base + d.zpRowOffset;
      i32[D.SCRATCH_STRIDE] = d.tableStride;
      d.job.scratchAddress = -1;
      const w8 = filter.data as Int8Array;
      const staged = stageQ8(w8, taps, c, 0, true);
      new Int32Array(buf, base + d.wsumOffset, c).set(staged.sums.sum);
      initHybridInput(d.hybrid, ctx, x, {
        channels: c,
        wsum: base + d.wsumOffset,
        start: base + d.biasOffset + REQUANT_START_OFFSET,
        zeroRow: base + d.zpRowOffset,
      });
      staged.pack(null, new Int16Array(buf, base + d.weightsOffset, q8DepthwisePackedBytes(taps, c) >> 1));
      writeHybridBlock(new Uint8Array(buf, base + d.biasOffset, d.biasBytes), c, {
        form: 0,
        addBias: bias !== null,
        lo: ref.lo,
        hi: ref.hi,
        scales: ref.filterScales,
        bias: (bias?.data as Float32Array | undefined) ?? null,
      });
      return;
    }
    const rq = ref.rq!;
    i32[D.SIGNED] = x.dtype === 'int8' ? 1 : 0;
    i32[D.ZP_ROW] = base + d.zpRowOffset;
    i32[D.SCRATCH_STRIDE] = d.tableStride;
    d.job.scratchAddress = -1;
    bytes.fill(rq.inputZeroPoint & 0xff, d.zpRowOffset, d.zpRowOffset + cp);
    // The kernel multiplies raw inputs: the input zero point is folded into the bias.
    d.requantMode = packQuantizedLayer(
      {
        rq,
        weights: filter.data as Int8Array | Uint8Array,
        n: taps,
        k: c,
        filterZeroPoint: rq.filterZeroPoint,
        bias: biasAsFloat64(bias),
        signedInput: x.dtype === 'int8',
        signedOutput: output(node, 0).dtype === 'int8',
        depthwise: true,
      },
      new Int16Array(buf, base + d.weightsOffset, q8DepthwisePackedBytes(taps, c) >> 1),
      new Uint8Array(buf, base + d.biasOffset, d.biasBytes),
    );
  },

  eval(_node: KernelNode, d: DepthwiseWasm, ctx: EvalContext): void {
    if (d.hybrid) runJob(d.hybrid.job, ctx);
    runJob(d.job, ctx);
  },
};
