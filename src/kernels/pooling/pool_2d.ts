/**
 * AVERAGE_POOL_2D, MAX_POOL_2D and L2_POOL_2D over NHWC inputs. Each output pixel reduces the
 * window's in-image positions (padding is excluded, so border windows average fewer values),
 * then the fused activation clamps the result.
 *
 * - float32: average = sum / count, max, l2 = sqrt(sum of squares / count); sums in double, one
 *   rounding to float32 (relative error <= 1e-6; TFLite sums in float32).
 * - uint8 / int8 / int16 (AVERAGE and MAX; input and output share scale and zero point, as TFLite
 *   requires): integer sum, then TFLite's rounded division — (sum + count/2) / count for a
 *   positive sum, (sum - count/2) / count otherwise, C truncating division — clamped to the
 *   quantized activation range. Bit-exact with reference_ops / reference_integer_ops pooling.
 */
import {
  calculateActivationRangeFloat,
  calculateActivationRangeQuantized,
} from '../internal/activation_range.js';
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
import { scratchF64 } from '../conv/scratch.js';
import { type Window2D, window2D } from '../conv/window.js';

type PoolKind = 'average' | 'max' | 'l2';

interface PoolData {
  w: Window2D;
  quantized: boolean;
  lo: number;
  hi: number;
  /** Float64 scratch: one accumulator per channel. */
  accHandle: number;
}

type PoolData8 = Int8Array | Uint8Array | Int16Array;

/** True when every window along one axis covers at least one input position. */
function everyWindowOverlaps(
  out: number,
  stride: number,
  pad: number,
  filter: number,
  size: number,
): boolean {
  for (let o = 0; o < out; o++) {
    const start = o * stride - pad;
    if (Math.min(filter, size - start) <= Math.max(0, -start)) return false;
  }
  return true;
}

/** Returns the per-node data of a 2-D pool; throws UnsupportedOpError / ShapeError on bad input. */
function preparePool(kind: PoolKind, node: KernelNode, ctx: PrepareContext): PoolData {
  const x = input(node, 0);
  const y = output(node, 0);
  const opts = optionsOf(node, 'Pool2DOptions');
  const w = window2D(node, x, opts.filterHeight, opts.filterWidth, {
    padding: opts.padding,
    strideH: opts.strideH,
    strideW: opts.strideW,
    dilationH: 1,
    dilationW: 1,
  });
  const allowed = kind === 'l2' ? (['float32'] as const) : (['float32', 'uint8', 'int8', 'int16'] as const);
  expectDtype(node, x, allowed, 'input');
  expectDtype(node, y, [x.dtype], 'output');
  y.shape = [w.batches, w.outH, w.outW, w.inC];
  if (
    !everyWindowOverlaps(w.outH, w.strideH, w.padH, w.filterH, w.inH) ||
    !everyWindowOverlaps(w.outW, w.strideW, w.padW, w.filterW, w.inW)
  ) {
    throw shapeError(node, 'a pooling window lies entirely in the padding (TFLite fails such a pool too)');
  }
  const data: PoolData = {
    w,
    quantized: x.dtype !== 'float32',
    lo: -Infinity,
    hi: Infinity,
    accHandle: ctx.requestScratch(Math.max(1, w.inC) * 8),
  };
  if (!data.quantized) {
    const r = calculateActivationRangeFloat(opts.fusedActivationFunction);
    data.lo = r.min;
    data.hi = r.max;
    return data;
  }
  const qi = x.quant;
  const qo = y.quant;
  if (!qi || !qo || qi.scale.length !== 1 || qo.scale.length !== 1) {
    throw unsupported(node, `quantized ${x.dtype} pooling needs per-tensor input and output quantization`);
  }
  if (Math.fround(qi.scale[0]!) !== Math.fround(qo.scale[0]!) || qi.zeroPoint[0] !== qo.zeroPoint[0]) {
    throw unsupported(
      node,
      `input (scale ${qi.scale[0]}, zero point ${qi.zeroPoint[0]}) and output (scale ${qo.scale[0]}, ` +
        `zero point ${qo.zeroPoint[0]}) quantization must be equal, as TFLite requires`,
    );
  }
  const r = calculateActivationRangeQuantized(
    opts.fusedActivationFunction,
    y.dtype as 'int8' | 'uint8' | 'int16',
    qo.scale[0]!,
    qo.zeroPoint[0] ?? 0,
  );
  data.lo = r.min;
  data.hi = r.max;
  return data;
}

/** Runs one pool over the whole tensor. Never throws. */
function evalPool(kind: PoolKind, node: KernelNode, d: PoolData, ctx: EvalContext): void {
  const x = input(node, 0).data as Float32Array | PoolData8;
  const y = output(node, 0).data as Float32Array | PoolData8;
  const acc = scratchF64(ctx.scratch(d.accHandle));
  const { w, lo, hi, quantized } = d;
  const C = w.inC;
  const init = kind === 'max' ? -Infinity : 0;
  let o = 0;
  for (let b = 0; b < w.batches; b++) {
    for (let oy = 0; oy < w.outH; oy++) {
      const y0 = oy * w.strideH - w.padH;
      const fyStart = Math.max(0, -y0);
      const fyEnd = Math.min(w.filterH, w.inH - y0);
      for (let ox = 0; ox < w.outW; ox++) {
        const x0 = ox * w.strideW - w.padW;
        const fxStart = Math.max(0, -x0);
        const fxEnd = Math.min(w.filterW, w.inW - x0);
        const count = (fyEnd - fyStart) * (fxEnd - fxStart);
        acc.fill(init, 0, C);
        for (let fy = fyStart; fy < fyEnd; fy++) {
          const rowBase = ((b * w.inH + y0 + fy) * w.inW + x0) * C;
          for (let fx = fxStart; fx < fxEnd; fx++) {
            const base = rowBase + fx * C;
            if (kind === 'average') for (let c = 0; c < C; c++) acc[c] += x[base + c]!;
            else if (kind === 'max') {
              for (let c = 0; c < C; c++) {
                const v = x[base + c]!;
                if (v > acc[c]!) acc[c] = v;
              }
            } else {
              for (let c = 0; c < C; c++) {
                const v = x[base + c]!;
                acc[c] += v * v;
              }
            }
          }
        }
        for (let c = 0; c < C; c++) {
          let v = acc[c]!;
          if (kind === 'average') {
            if (quantized) {
              // TFLite: round half away from zero with C's truncating integer division.
              const half = Math.trunc(count / 2);
              v = Math.trunc(v > 0 ? (v + half) / count : (v - half) / count);
            } else {
              v /= count;
            }
          } else if (kind === 'l2') {
            v = Math.sqrt(Math.fround(Math.fround(v) / count));
          }
          y[o++] = v < lo ? lo : v > hi ? hi : v;
        }
      }
    }
  }
}

/** Builds the kernel of one pool kind. */
function poolKernel(op: string, kind: PoolKind): Kernel<PoolData> {
  return {
    op,
    prepare: (node, ctx) => preparePool(kind, node, ctx),
    eval: (node, d, ctx) => evalPool(kind, node, d, ctx),
  };
}

/** AVERAGE_POOL_2D: float32, uint8, int8, int16. */
export const averagePool2dKernel = poolKernel('AVERAGE_POOL_2D', 'average');
/** MAX_POOL_2D: float32, uint8, int8, int16. */
export const maxPool2dKernel = poolKernel('MAX_POOL_2D', 'max');
/** L2_POOL_2D: float32. */
export const l2Pool2dKernel = poolKernel('L2_POOL_2D', 'l2');
