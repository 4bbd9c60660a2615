/**
 * CONV_2D in WebAssembly SIMD: float32 (f32_conv_simd_4x8: 1x1 stride-1 as a GEMM on the input,
 * other shapes as im2col blocks + GEMM) and uint8 / int8 activations with 8-bit weights
 * (q8_conv_simd_4x8c2, int16 dot products, vectorized requantization bit-exact with the
 * reference). Output pixels are split across threads. Constants (window, multipliers, shifts,
 * clamp) come from the reference kernel's prepare.
 */
import { conv2dKernel } from '../conv/conv_2d.js';
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
import { C, PARAMS_BYTES } from './layout.js';
import type { KernelInstance } from './module.js';
import { packF32, stageQ8 } from './packer.js';
import { f32GemmPackedBytes, q8GemmPackedBytes, roundUp8 } from './packing.js';
import { type HybridInput, hybridInputBytes, initHybridInput, prepareHybridInput } from './hybrid_input.js';
import { packQuantizedLayer, requantBlockBytes, writeHybridBlock } from './requant_block.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type ConvRef = ReturnType<typeof conv2dKernel.prepare>;

/** Float 3x3 stride-1 or -2 convolutions over 3 channels run on the input without im2col (assembly/f32_conv3x3s2.ts). */
function isF32Conv3x3c3(ref: ConvRef): boolean {
  return ref.path === 'float' && isConv3x3c3(ref);
}

/** Quantized ones too, on their widened input rows (assembly/q8_conv3x3c3.ts). */
function isQ8Conv3x3c3(ref: ConvRef): boolean {
  return ref.path === 'quantized' && isConv3x3c3(ref);
}

/** A 3x3 convolution at stride 1 or 2 (both ways), no dilation, over 3 channels. */
function isConv3x3c3(ref: ConvRef): boolean {
  const { w } = ref;
  return (
    w.filterH === 3 &&
    w.filterW === 3 &&
    (w.strideH === 1 || w.strideH === 2) &&
    w.strideW === w.strideH &&
    w.dilationH === 1 &&
    w.dilationW === 1 &&
    w.inC === 3
  );
}

/** Bytes of one 8-column block of repackConv3x3c3's weights (assembly/q8_conv3x3c3.ts Q8C3_BLOCK_BYTES). */
const Q8C3_BLOCK_BYTES = 15 * 32;

/**
 * Rewrites the GEMM's packed weights of a 3x3x3 filter (c2 packing, k = 27 in 16 pairs per block)
 * as q8_conv3x3c3.ts reads them: per block and window row fy, 5 pairs (m, m + 1), m = 0, 2, .., 8,
 * of k = fy * 9 + m, the partner of m = 8 zero. Writes to out (blocks * 240 int16).
 */
function repackConv3x3c3(packed: Int16Array, blocks: number, out: Int16Array): void {
  const k8 = 32;
  for (let jb = 0; jb < blocks; jb++) {
    for (let fy = 0; fy < 3; fy++) {
      for (let pp = 0; pp < 5; pp++) {
        const dst = jb * 240 + (fy * 5 + pp) * 16;
        for (let e = 0; e < 2; e++) {
          const m = 2 * pp + e;
          const k = fy * 9 + m;
          const src = jb * k8 * 8 + (k >> 1) * 16 + (k & 1);
          for (let lane = 0; lane < 8; lane++) {
            const at = ((lane >> 2) << 3) + ((lane & 3) << 1);
            out[dst + at + e] = m < 9 ? packed[src + at]! : 0;
          }
        }
      }
    }
  }
}

interface ConvWasm {
  /** Quantized: the requantization mode chosen at init (requant_block.ts), -1 before or for float. */
  requantMode: number;
  readonly ref: ConvRef;
  readonly job: NodeJob;
  readonly float: boolean;
  readonly packedOffset: number;
  readonly packedBytes: number;
  readonly rqOffset: number;
  readonly rqBytes: number;
  /** Quantized 3x3 over 3 channels: the weights repacked for assembly/q8_conv3x3c3.ts (else 0 bytes). */
  readonly b3Offset: number;
  /** ... and the offset of its 3 widened input rows in a part's scratch. */
  readonly wrowsOffset: number;
  readonly block: number;
  readonly scratchStride: number;
  /** Hybrid: the input's run-time quantization (runs first, into the start of the scratch). */
  readonly hybrid: HybridInput | null;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const conv2dPlan: WasmPlan<ConvRef, ConvWasm> = {
  name: (_node, ref) =>
    ref.path === 'float'
      ? ref.direct
        ? 'f32_conv1x1_simd_4x8'
        : isF32Conv3x3c3(ref)
          ? `f32_conv3x3s${ref.w.strideH}c3_simd_4x8`
          : 'f32_conv_im2col_simd_4x8'
      : isQ8Conv3x3c3(ref)
        ? `q8_conv3x3s${ref.w.strideH}c3_simd_4x8c2`
        : `${ref.path === 'hybrid' ? 'hybrid' : 'q8'}_${ref.direct ? 'conv1x1' : 'conv_im2col'}_simd_4x8c2`,

  accepts(node, ref) {
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    if (input(node, 0).isConst || !filter.isConst || (bias && !bias.isConst)) return false;
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
    ref: ConvRef,
    ctx: PrepareContext,
    env: WasmEnv,
    inst: KernelInstance,
  ): ConvWasm {
    const float = ref.path === 'float';
    const n = ref.outC;
    const packedBytes = float ? f32GemmPackedBytes(n, ref.k) : q8GemmPackedBytes(n, ref.k);
    const rqBytes = float ? 0 : requantBlockBytes(n);
    const packedOffset = PARAMS_BYTES;
    const rqOffset = packedOffset + align64(packedBytes);
    const direct3 = isQ8Conv3x3c3(ref);
    const b3Offset = rqOffset + align64(rqBytes);
    const b3Bytes = direct3 ? Math.ceil(n / 8) * Q8C3_BLOCK_BYTES : 0;
    const persistent = ctx.requestPersistent(b3Offset + align64(b3Bytes));
    const rowBytes = float ? ref.k * 4 : roundUp8(ref.k) * 2;
    const pixels = ref.w.batches * ref.w.outH * ref.w.outW;
    const block = blockRows(rowBytes, pixels);
    const chunks = chunksFor(env, pixels * ref.k * n);
    // Float: the packed A block (f32_gemm.ts), then the im2col rows; quantized: the int16 rows
    // + slack for whole-vector zeroing (widen.ts).
    const wrowsOffset = float ? 0 : align64((block + 1) * rowBytes + 16); // + the im2col row built before its tiles, + slack (widen.ts)
    // Quantized 3x3 over 3 channels: + 3 widened input rows (inW * 3 int16 + slack, q8Conv3x3c3Rows).
    const scratchStride = float
      ? align64((ref.direct ? 1 : 2) * block * rowBytes)
      : wrowsOffset + (direct3 ? align64(3 * ((ref.w.inW * 6 + 31) & ~15)) : 0);
    // Hybrid: [quantized image, its scale and zero point | im2col blocks] in one scratch.
    const hybridBytes = ref.path === 'hybrid' ? hybridInputBytes(1, ref.w.inH * ref.w.inW * ref.w.inC) : 0;
    const scratch = ctx.requestScratch(hybridBytes + chunks * scratchStride);
    const hybrid =
      ref.path === 'hybrid'
        ? prepareHybridInput(
            ctx,
            env,
            inst,
            scratch,
            1,
            ref.w.inH * ref.w.inW * ref.w.inC,
            ref.hybridPerChannel,
          )
        : null;
    return {
      requantMode: -1,
      ref,
      job: {
        env,
        inst,
        job: float ? inst.jobs.f32Conv : inst.jobs.q8Conv,
        persistent,
        params: 0,
        scratch,
        scratchWord: hybrid ? -1 : C.SCRATCH,
        ...(hybrid
          ? {
              scratchOffsets: [
                [C.SCRATCH, hybrid.bytes],
                [C.X, 0],
                [C.HRS, hybrid.scaleOffset],
                [C.HOFF, hybrid.offsetOffset],
              ] as const,
            }
          : {}),
        scratchAddress: -1,
        chunks,
      },
      float,
      packedOffset,
      packedBytes,
      rqOffset,
      rqBytes,
      b3Offset,
      wrowsOffset,
      block,
      scratchStride,
      hybrid,
    };
  },

  init(node: KernelNode, d: ConvWasm, ctx: InitContext): void {
    const { bytes, i32, f32 } = jobMemory(d.job, ctx);
    const { ref } = d;
    const { w } = ref;
    const memory = d.job.env.memory;
    const buf = bytes.buffer;
    const base = bytes.byteOffset;
    const x = input(node, 0);
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    i32.fill(0);
    i32[C.BATCHES] = w.batches;
    i32[C.IN_H] = w.inH;
    i32[C.IN_W] = w.inW;
    i32[C.IN_C] = w.inC;
    i32[C.OUT_H] = w.outH;
    i32[C.OUT_W] = w.outW;
    i32[C.FH] = w.filterH;
    i32[C.FW] = w.filterW;
    i32[C.SH] = w.strideH;
    i32[C.SW] = w.strideW;
    i32[C.DH] = w.dilationH;
    i32[C.DW] = w.dilationW;
    i32[C.PAD_H] = w.padH;
    i32[C.PAD_W] = w.padW;
    i32[C.X] = addressOf(x, memory);
    i32[C.B] = base + d.packedOffset;
    i32[C.Y] = addressOf(output(node, 0), memory);
    i32[C.N] = ref.outC;
    i32[C.SCRATCH_STRIDE] = d.scratchStride;
    i32[C.BLOCK] = d.block;
    i32[C.DIRECT] = ref.direct ? 1 : isF32Conv3x3c3(ref) || isQ8Conv3x3c3(ref) ? 2 : 0;
    d.job.scratchAddress = -1;
    if (d.float) {
      f32[C.LO] = ref.lo;
      f32[C.HI] = ref.hi;
      packF32(
        filter.data as Float32Array,
        (bias?.data as Float32Array | undefined) ?? null,
        ref.outC,
        ref.k,
        false,
        new Float32Array(buf, base + d.packedOffset, d.packedBytes >> 2),
      );
      return;
    }
    if (d.hybrid) {
      // The weights as they are (symmetric int8), accumulators from 0, float epilogue.
      i32[C.RQ] = base + d.rqOffset;
      i32[C.HYBRID] = 1;
      i32[C.SIGNED] = 1;
      initHybridInput(d.hybrid, ctx, x, null);
      stageQ8(filter.data as Int8Array, ref.outC, ref.k, 0, false).pack(
        null,
        new Int16Array(buf, base + d.packedOffset, d.packedBytes >> 1),
      );
      writeHybridBlock(new Uint8Array(buf, base + d.rqOffset, d.rqBytes), ref.outC, {
        form: ref.hybridPerChannel ? 1 : 0,
        addBias: bias !== null,
        lo: ref.lo,
        hi: ref.hi,
        scales: ref.filterScales,
        bias: (bias?.data as Float32Array | undefined) ?? null,
      });
      return;
    }
    const rq = ref.rq!;
    i32[C.RQ] = base + d.rqOffset;
    i32[C.ZP_IN] = rq.inputZeroPoint;
    i32[C.SIGNED] = x.dtype === 'int8' ? 1 : 0;
    const packed = new Int16Array(buf, base + d.packedOffset, d.packedBytes >> 1);
    d.requantMode = packQuantizedLayer(
      {
        rq,
        weights: filter.data as Int8Array | Uint8Array,
        n: ref.outC,
        k: ref.k,
        filterZeroPoint: rq.filterZeroPoint,
        bias: biasAsFloat64(bias),
        signedInput: x.dtype === 'int8',
        signedOutput: output(node, 0).dtype === 'int8',
        depthwise: false,
      },
      packed,
      new Uint8Array(buf, base + d.rqOffset, d.rqBytes),
    );
    if (isQ8Conv3x3c3(ref)) {
      i32[C.WROWS] = d.wrowsOffset;
      i32[C.B3] = base + d.b3Offset;
      const blocks = Math.ceil(ref.outC / 8);
      repackConv3x3c3(
        packed,
        blocks,
        new Int16Array(buf, base + d.b3Offset, (blocks * Q8C3_BLOCK_BYTES) >> 1),
      );
    }
  },

  eval(_node: KernelNode, d: ConvWasm, ctx: EvalContext): void {
    if (d.hybrid) runJob(d.hybrid.job, ctx);
    runJob(d.job, ctx);
  },
};
