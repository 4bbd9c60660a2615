/**
 * BATCH_MATMUL: out[..., m, n] = sum_k L[..., m, k] * R[..., k, n], where L is the LHS ([..., K, M]
 * stored when adj_x) and R the RHS ([..., N, K] stored when adj_y). The batch dims (all but the
 * last two) broadcast NumPy-style; the output is [broadcast batch..., M, N].
 *
 * - float32: per batch one float GEMM (double accumulation, one rounding: relative error <= 1e-6
 *   on well-conditioned outputs); operands are transposed into scratch where the stored layout is
 *   not the GEMM's (A [M, K], B [N, K]).
 * - int8 (int32 accumulator) and int16 (zero points 0, int64 accumulator): exact integer sums of
 *   (l - zp_l)(r - zp_r), then TFLite's requantization with multiplier scale_l * scale_r /
 *   scale_out, clamped to the dtype range (the op has no fused activation); bit-exact with
 *   reference_ops::BatchMatMul.
 * The hybrid form (float LHS, int8 RHS) is not supported.
 */
import { populatePerChannelMultipliers } from '../internal/quantize_multiplier.js';
import { broadcastShapes, broadcastStrides, numElements } from '../internal/shape.js';
import {
  type EvalContext,
  type Kernel,
  type KernelNode,
  type PrepareContext,
  expectDtype,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { gemmF32 } from './gemm_f32.js';
import { gemmInt } from './gemm_int.js';
import { type QuantizedData, offsetToInt16 } from './im2col.js';
import { type Requant, perTensor, requantizeRows } from './requantize.js';
import { scratchF32, scratchF64, scratchI16 } from './scratch.js';

interface BatchMatMulData {
  quantized: boolean;
  m: number;
  n: number;
  k: number;
  adjX: boolean;
  adjY: boolean;
  /** Broadcast batch dims of the output and the matching strides (in matrices) of each side. */
  batchShape: number[];
  lhsStrides: number[];
  rhsStrides: number[];
  aHandle: number;
  bHandle: number;
  accHandle: number;
  rq: Requant | null;
}

/** BATCH_MATMUL: float32, int8, int16. Prepare throws UnsupportedOpError / ShapeError for other dtypes or shapes. */
export const batchMatMulKernel: Kernel<BatchMatMulData> = {
  op: 'BATCH_MATMUL',
  prepare(node: KernelNode, ctx: PrepareContext): BatchMatMulData {
    const lhs = input(node, 0);
    const rhs = input(node, 1);
    const y = output(node, 0);
    const opts = optionsOf(node, 'BatchMatMulOptions');
    if (lhs.shape.length < 2 || rhs.shape.length < 2) {
      throw shapeError(node, `operands must have rank >= 2, have [${lhs.shape}] and [${rhs.shape}]`);
    }
    const lr = lhs.shape.length;
    const rr = rhs.shape.length;
    const m = opts.adjX ? lhs.shape[lr - 1]! : lhs.shape[lr - 2]!;
    const k = opts.adjX ? lhs.shape[lr - 2]! : lhs.shape[lr - 1]!;
    const kR = opts.adjY ? rhs.shape[rr - 1]! : rhs.shape[rr - 2]!;
    const n = opts.adjY ? rhs.shape[rr - 2]! : rhs.shape[rr - 1]!;
    if (k !== kR) {
      throw shapeError(
        node,
        `contracted dims differ: LHS [${lhs.shape}] (adj_x ${opts.adjX}) has ${k}, RHS [${rhs.shape}] (adj_y ${opts.adjY}) has ${kR}`,
      );
    }
    const lhsBatch = lhs.shape.slice(0, -2);
    const rhsBatch = rhs.shape.slice(0, -2);
    const batchShape = broadcastShapes(lhsBatch, rhsBatch, `node ${node.index} (BATCH_MATMUL) batch dims`);
    y.shape = [...batchShape, m, n];

    const quantized = lhs.dtype !== 'float32';
    if (!quantized) {
      expectDtype(node, rhs, ['float32'], 'RHS (hybrid float x int8 BATCH_MATMUL is not supported)');
      expectDtype(node, y, ['float32'], 'output');
    } else if (lhs.dtype === 'int8' || lhs.dtype === 'int16') {
      expectDtype(node, rhs, [lhs.dtype], 'RHS');
      expectDtype(node, y, [lhs.dtype], 'output');
    } else {
      throw unsupported(node, `LHS dtype ${lhs.dtype}`);
    }
    const data: BatchMatMulData = {
      quantized,
      m,
      n,
      k,
      adjX: opts.adjX,
      adjY: opts.adjY,
      batchShape,
      lhsStrides: broadcastStrides(lhsBatch, batchShape),
      rhsStrides: broadcastStrides(rhsBatch, batchShape),
      aHandle: -1,
      bHandle: -1,
      accHandle: -1,
      rq: null,
    };
    if (!quantized) {
      if (opts.adjX) data.aHandle = ctx.requestScratch(m * k * 4);
      if (!opts.adjY) data.bHandle = ctx.requestScratch(n * k * 4);
      return data;
    }
    const lq = perTensor(node, lhs, 'LHS');
    const rq = perTensor(node, rhs, 'RHS');
    const oq = perTensor(node, y, 'output');
    if (lhs.dtype === 'int16' && (lq.zeroPoint !== 0 || rq.zeroPoint !== 0 || oq.zeroPoint !== 0)) {
      throw unsupported(node, 'int16 BATCH_MATMUL needs zero points 0');
    }
    const multipliers = new Int32Array(n);
    const shifts = new Int32Array(n);
    populatePerChannelMultipliers(lq.scale, [rq.scale], oq.scale, multipliers, shifts);
    const wide = lhs.dtype === 'int16';
    data.rq = {
      inputZeroPoint: lq.zeroPoint,
      filterZeroPoint: rq.zeroPoint,
      outputZeroPoint: oq.zeroPoint,
      multipliers,
      shifts,
      qmin: wide ? -32768 : -128,
      qmax: wide ? 32767 : 127,
      wide,
    };
    data.aHandle = ctx.requestScratch(m * k * 2);
    data.bHandle = ctx.requestScratch(n * k * 2);
    data.accHandle = ctx.requestScratch(m * n * 8);
    return data;
  },

  eval(node: KernelNode, d: BatchMatMulData, ctx: EvalContext): void {
    const { m, n, k, batchShape, lhsStrides, rhsStrides } = d;
    const rank = batchShape.length;
    const batches = numElements(batchShape);
    const idx = new Array<number>(rank).fill(0);
    let li = 0;
    let ri = 0;
    const lhs = input(node, 0).data;
    const rhs = input(node, 1).data;
    const out = output(node, 0).data;
    const fa = d.quantized ? null : d.aHandle >= 0 ? scratchF32(ctx.scratch(d.aHandle)) : null;
    const fb = d.quantized ? null : d.bHandle >= 0 ? scratchF32(ctx.scratch(d.bHandle)) : null;
    const ia = d.quantized ? scratchI16(ctx.scratch(d.aHandle)) : null;
    const ib = d.quantized ? scratchI16(ctx.scratch(d.bHandle)) : null;
    const acc = d.quantized ? scratchF64(ctx.scratch(d.accHandle)) : null;
    for (let bi = 0; bi < batches; bi++) {
      const lOff = li * m * k;
      const rOff = ri * k * n;
      if (!d.quantized) {
        const l = lhs as Float32Array;
        const r = rhs as Float32Array;
        // A = [M, K]: the LHS as stored, or its transpose when adj_x.
        if (fa) transposeInto(l, lOff, k, m, fa, 0);
        // B = [N, K]: the RHS as stored when adj_y, else its transpose.
        if (fb) transposeInto(r, rOff, k, n, fb, 0);
        gemmF32({
          m,
          n,
          k,
          a: fa ?? l,
          aOffset: fa ? 0 : lOff,
          b: fb ?? r,
          bOffset: fb ? 0 : rOff,
          c: out as Float32Array,
          cOffset: bi * m * n,
          bias: null,
          lo: -Infinity,
          hi: Infinity,
        });
      } else {
        const l = lhs as QuantizedData;
        const r = rhs as QuantizedData;
        // The requantization's input / filter zero points are the LHS / RHS ones.
        const { inputZeroPoint: lzp, filterZeroPoint: rzp } = d.rq!;
        if (d.adjX) transposeOffset(l, lOff, k, m, lzp, ia!);
        else offsetToInt16(l, lOff, m * k, lzp, ia!);
        if (d.adjY) offsetToInt16(r, rOff, n * k, rzp, ib!);
        else transposeOffset(r, rOff, k, n, rzp, ib!);
        gemmInt({
          m,
          n,
          k,
          a: ia!,
          b: ib!,
          acc: acc!,
        });
        requantizeRows(d.rq!, acc!, m, n, null, out as QuantizedData, bi * m * n);
      }
      // Advance the batch odometer and the broadcast offsets of both sides.
      for (let a = rank - 1; a >= 0; a--) {
        li += lhsStrides[a]!;
        ri += rhsStrides[a]!;
        if (++idx[a]! < batchShape[a]!) break;
        li -= lhsStrides[a]! * batchShape[a]!;
        ri -= rhsStrides[a]! * batchShape[a]!;
        idx[a] = 0;
      }
    }
  },
};

/** Writes the transpose of the rows x cols matrix at src[offset] into dst ([cols, rows]). */
function transposeInto(
  src: Float32Array,
  offset: number,
  rows: number,
  cols: number,
  dst: Float32Array,
  dOff: number,
): void {
  for (let i = 0; i < rows; i++) {
    const s = offset + i * cols;
    for (let j = 0; j < cols; j++) dst[dOff + j * rows + i] = src[s + j]!;
  }
}

/** Quantized transpose of a rows x cols matrix into int16 (value - zeroPoint), [cols, rows]. */
function transposeOffset(
  src: QuantizedData,
  offset: number,
  rows: number,
  cols: number,
  zeroPoint: number,
  dst: Int16Array,
): void {
  for (let i = 0; i < rows; i++) {
    const s = offset + i * cols;
    for (let j = 0; j < cols; j++) dst[j * rows + i] = src[s + j]! - zeroPoint;
  }
}
