/**
 * SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_ANY, REDUCE_ALL and MEAN, as TFLite's
 * reference reductions (kernels/reduce.cc, reference/reduce.h):
 *
 * - Non-quantized: the output starts at the op's neutral element (0, 1, the type's lowest /
 *   highest value, false / true) and every input is folded in, in row-major input order, with the
 *   type's own arithmetic (float32 rounding after each step; int32 wrapping; int64 wrapping).
 *   When every dim is reduced, TFLite seeds with the first element instead (this matters for
 *   NaN and for REDUCE_MAX of -inf: the neutral element of float max is -FLT_MAX, not -inf).
 * - MEAN float32: float32 sum in input order, then sum / float(count): exact against the
 *   reference (about count/2 ulp of the sum against exact arithmetic). int32/int64: int64 sum,
 *   truncating division.
 * - MEAN and SUM on quantized int8/uint8/int16 (reference QuantizedMeanOrSum):
 *     (M, s) = QuantizeMultiplier(in_scale / out_scale)
 *     MEAN folds 1/count into M: k = min(floor(log2 count), 32, 31 + s),
 *          M = (M << k) / count (integer division), s = s - k
 *     out = clamp(MultiplyByQuantizedMultiplier(int32(sum - in_zp * count), M, s) + out_zp)
 * - REDUCE_PROD on quantized int8/int16 (QuantizedReduceProd): each step multiplies by
 *   (q - in_zp) and rescales by QuantizeMultiplier(in_scale / out_scale^(1/count)) with the
 *   int64 MultiplyByQuantizedMultiplier, and once more at the end.
 * - REDUCE_MAX / REDUCE_MIN on quantized tensors require equal input and output params (TFLite
 *   does too) and compare the integers.
 * Unquantized int8/uint8/int16 SUM/PROD wrap to the type (TFLite would read zero scales there).
 */
import type { DType } from '../../ir/dtype.js';
import {
  type EvalContext,
  type Kernel,
  type KernelNode,
  type KernelTensor,
  expectDtype,
  input,
  optionsOf,
  output,
  unsupported,
} from '../kernel.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierInt64,
} from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { intRange } from '../tensor/int_range.js';
import { type ReduceGeometry, RunIterator, readAxes, reduceGeometry } from './reduce_geometry.js';

type ReduceKind = 'sum' | 'prod' | 'max' | 'min' | 'any' | 'all' | 'mean';

const FLT_MAX = 3.4028234663852886e38;
const f32 = Math.fround;

/** Quantized parameters fixed in prepare (or in eval for dynamic axes). */
interface QuantParamsData {
  readonly multiplier: number;
  readonly shift: number;
  readonly inZero: number;
  readonly outZero: number;
  readonly min: number;
  readonly max: number;
}

interface ReduceData {
  geom: ReduceGeometry | null;
  quant: QuantParamsData | null;
  /** Scratch handle of an int32 accumulator per output, or -1. */
  readonly scratch: number;
  readonly keepDims: boolean;
  readonly quantized: boolean;
}

const DTYPES: Record<ReduceKind, readonly DType[]> = {
  sum: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'],
  mean: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'],
  prod: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'],
  max: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'],
  min: ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16'],
  any: ['bool'],
  all: ['bool'],
};

/** Neutral element of a reduction for a (non-int64) dtype. */
function neutral(kind: ReduceKind, dtype: DType): number {
  switch (kind) {
    case 'sum':
    case 'mean':
    case 'any':
      return 0;
    case 'prod':
    case 'all':
      return 1;
    case 'max':
      return dtype === 'float32' ? -FLT_MAX : intRange(dtype)[0];
    default:
      return dtype === 'float32' ? FLT_MAX : intRange(dtype)[1];
  }
}

const isQuantized = (t: KernelTensor) => t.quant !== null && t.quant.scale.length > 0;

/** Returns the quantized parameters of a MEAN/SUM/PROD node for a geometry. */
function quantParams(kind: ReduceKind, x: KernelTensor, y: KernelTensor, g: ReduceGeometry): QuantParamsData {
  const inScale = Math.fround(x.quant!.scale[0]!);
  const outScale = Math.fround(y.quant!.scale[0]!);
  const [min, max] = intRange(y.dtype);
  const base = { inZero: x.quant!.zeroPoint[0] ?? 0, outZero: y.quant!.zeroPoint[0] ?? 0, min, max };
  if (kind === 'prod') {
    const reduced = g.outCount > 0 ? Math.floor(g.inCount / g.outCount) : 1;
    const q =
      g.inCount > 0 && g.outCount > 0
        ? quantizeMultiplier(inScale / Math.pow(outScale, 1 / reduced))
        : { multiplier: 0, shift: 0 };
    return { ...base, multiplier: q.multiplier, shift: q.shift };
  }
  let { multiplier, shift } = quantizeMultiplier(inScale / outScale);
  if (kind === 'mean' && g.reducedCount > 0) {
    // Fold 1/count into the multiplier (reference QuantizedMeanOrSum), in 64-bit integers.
    const count = g.reducedCount;
    let k = Math.floor(Math.log2(count));
    if (2 ** k > count) k--;
    else if (2 ** (k + 1) <= count) k++;
    k = Math.min(k, 32, 31 + shift);
    multiplier = Number((BigInt(multiplier) << BigInt(k)) / BigInt(count));
    shift -= k;
  }
  return { ...base, multiplier, shift };
}

/** Folds number-valued inputs (float32, int8..int32, bool) into `acc`, which starts at `init`. */
function foldNumbers(
  kind: ReduceKind,
  float: boolean,
  src: ArrayLike<number>,
  acc: Float32Array | Int32Array | Float64Array,
  g: ReduceGeometry,
  init: number,
): void {
  if (g.allDims && g.inCount > 0) {
    // TFLite's ReduceAllDims: seed with the first element.
    let a = src[0]!;
    for (let i = 1; i < g.inCount; i++) a = step(kind, float, a, src[i]!);
    acc[0] = a;
    return;
  }
  acc.fill(init);
  const it = new RunIterator(g);
  while (it.next()) {
    const i0 = it.inOffset;
    const o = it.outOffset;
    const n = it.length;
    if (it.reducedRun) {
      let a = acc[o]!;
      if (float && kind === 'sum') for (let j = 0; j < n; j++) a = f32(a + src[i0 + j]!);
      else if (!float && kind === 'sum') for (let j = 0; j < n; j++) a = (a + src[i0 + j]!) | 0;
      else for (let j = 0; j < n; j++) a = step(kind, float, a, src[i0 + j]!);
      acc[o] = a;
    } else if (float && kind === 'sum') {
      for (let j = 0; j < n; j++) acc[o + j] = f32(acc[o + j]! + src[i0 + j]!);
    } else {
      for (let j = 0; j < n; j++) acc[o + j] = step(kind, float, acc[o + j]!, src[i0 + j]!);
    }
  }
}

/** One reduction step `reducer(current, in)` with the type's arithmetic. */
function step(kind: ReduceKind, float: boolean, cur: number, x: number): number {
  switch (kind) {
    case 'sum':
    case 'mean':
      return float ? f32(x + cur) : (x + cur) | 0;
    case 'prod':
      return float ? f32(x * cur) : Math.imul(x, cur);
    case 'max':
      return x > cur ? x : cur;
    case 'min':
      return x < cur ? x : cur;
    case 'any':
      return x !== 0 || cur !== 0 ? 1 : 0;
    default:
      return x !== 0 && cur !== 0 ? 1 : 0;
  }
}

/** Folds int64 inputs with wrapping 64-bit arithmetic. */
function foldInt64(kind: ReduceKind, src: BigInt64Array, acc: BigInt64Array, g: ReduceGeometry): void {
  const op = (cur: bigint, x: bigint): bigint => {
    switch (kind) {
      case 'prod':
        return BigInt.asIntN(64, x * cur);
      case 'max':
        return x > cur ? x : cur;
      case 'min':
        return x < cur ? x : cur;
      default:
        return BigInt.asIntN(64, x + cur);
    }
  };
  if (g.allDims && g.inCount > 0 && kind !== 'mean') {
    let a = src[0]!;
    for (let i = 1; i < g.inCount; i++) a = op(a, src[i]!);
    acc[0] = a;
    return;
  }
  const init = kind === 'prod' ? 1n : kind === 'max' ? -(2n ** 63n) : kind === 'min' ? 2n ** 63n - 1n : 0n;
  acc.fill(init);
  const it = new RunIterator(g);
  while (it.next()) {
    for (let j = 0; j < it.length; j++) {
      const o = it.reducedRun ? it.outOffset : it.outOffset + j;
      acc[o] = op(acc[o]!, src[it.inOffset + j]!);
    }
  }
}

/** Returns trunc(a / b) exactly for integers a, b (b > 0) held in doubles below 2^53. */
function truncDiv(a: number, b: number): number {
  let q = Math.trunc(a / b);
  // Correct a quotient that rounding pushed across an integer boundary.
  const r = a - q * b;
  if (a >= 0 ? r < 0 : r > 0) q += a >= 0 ? -1 : 1;
  else if (a >= 0 ? r >= b : -r >= b) q += a >= 0 ? 1 : -1;
  return q;
}

/** Quantized MEAN/SUM (integer sums, one requantization per output). */
function quantizedMeanOrSum(
  src: Int8Array | Uint8Array | Int16Array,
  dst: Int8Array | Uint8Array | Int16Array,
  sums: Int32Array,
  g: ReduceGeometry,
  q: QuantParamsData,
): void {
  sums.fill(0);
  const it = new RunIterator(g);
  while (it.next()) {
    const i0 = it.inOffset;
    const o = it.outOffset;
    const n = it.length;
    if (it.reducedRun) {
      let a = sums[o]!;
      for (let j = 0; j < n; j++) a = (a + src[i0 + j]!) | 0;
      sums[o] = a;
    } else {
      for (let j = 0; j < n; j++) sums[o + j] = (sums[o + j]! + src[i0 + j]!) | 0;
    }
  }
  const { multiplier, shift, inZero, outZero, min, max } = q;
  const count = g.reducedCount;
  for (let o = 0; o < g.outCount; o++) {
    const shifted = (sums[o]! - inZero * count) | 0;
    const v = multiplyByQuantizedMultiplier(shifted, multiplier, shift) + outZero;
    dst[o] = v < min ? min : v > max ? max : v;
  }
}

/** Quantized REDUCE_PROD (rescaled after every multiplication). */
function quantizedProd(
  src: Int8Array | Int16Array,
  dst: Int8Array | Int16Array,
  acc: Int32Array,
  g: ReduceGeometry,
  q: QuantParamsData,
): void {
  const { multiplier, shift, inZero, outZero, min, max } = q;
  const seen = new Uint8Array(g.outCount);
  const it = new RunIterator(g);
  while (it.next()) {
    for (let j = 0; j < it.length; j++) {
      const o = it.reducedRun ? it.outOffset : it.outOffset + j;
      const x = src[it.inOffset + j]! - inZero;
      if (seen[o]) acc[o] = multiplyByQuantizedMultiplierInt64(acc[o]! * x, multiplier, shift);
      else {
        acc[o] = x;
        seen[o] = 1;
      }
    }
  }
  for (let o = 0; o < g.outCount; o++) {
    const v = multiplyByQuantizedMultiplierInt64(acc[o]!, multiplier, shift) + outZero;
    dst[o] = v < min ? min : v > max ? max : v;
  }
}

/** Runs a reduction whose geometry and quantized parameters are known. */
function runReduce(
  kind: ReduceKind,
  node: KernelNode,
  d: ReduceData,
  g: ReduceGeometry,
  q: QuantParamsData | null,
  ctx: EvalContext,
): void {
  const x = input(node, 0);
  const y = output(node, 0);
  const axisCount = input(node, 1).shape.reduce((a, v) => a * v, 1);
  if ((kind === 'mean' || (kind === 'sum' && q)) && axisCount === 0) {
    // Reference Mean / QuantizedMeanOrSum: no axes is a copy.
    y.bytes.set(x.bytes.subarray(0, y.bytes.byteLength));
    return;
  }
  if (x.dtype === 'int64') {
    const src = x.data as BigInt64Array;
    const dst = y.data as BigInt64Array;
    foldInt64(kind, src, dst, g);
    if (kind === 'mean') {
      if (g.inCount === 0) dst.fill(0n);
      else if (g.reducedCount > 0)
        for (let o = 0; o < g.outCount; o++) dst[o] = dst[o]! / BigInt(g.reducedCount);
    }
    return;
  }
  const accumulator = (): Int32Array => {
    if (d.scratch >= 0) {
      const b = ctx.scratch(d.scratch);
      return new Int32Array(b.buffer, b.byteOffset, g.outCount);
    }
    return new Int32Array(g.outCount);
  };
  if (q) {
    if (kind === 'prod') {
      if (g.inCount === 0) {
        (y.data as Int8Array).fill(q.outZero);
        return;
      }
      quantizedProd(x.data as Int8Array, y.data as Int8Array, accumulator(), g, q);
      return;
    }
    if (kind === 'mean' && g.inCount === 0) {
      y.bytes.fill(0);
      return;
    }
    quantizedMeanOrSum(x.data as Int8Array, y.data as Int8Array, accumulator(), g, q);
    return;
  }
  const float = x.dtype === 'float32';
  if (kind === 'mean') {
    if (g.inCount === 0) {
      if (float) (y.data as Float32Array).fill(NaN);
      else y.bytes.fill(0);
      return;
    }
    if (float) {
      const dst = y.data as Float32Array;
      foldNumbers('sum', true, x.data as Float32Array, dst, { ...g, allDims: false }, 0);
      const count = f32(g.reducedCount);
      for (let o = 0; o < g.outCount; o++) dst[o] = f32(dst[o]! / count);
      return;
    }
    // int32 (and unquantized small ints): exact sums in doubles, truncating division.
    const sums = new Float64Array(g.outCount);
    const src = x.data as Int32Array;
    const it = new RunIterator(g);
    while (it.next()) {
      for (let j = 0; j < it.length; j++)
        sums[it.reducedRun ? it.outOffset : it.outOffset + j]! += src[it.inOffset + j]!;
    }
    const dst = y.data as Int32Array;
    if (g.reducedCount > 0) for (let o = 0; o < g.outCount; o++) dst[o] = truncDiv(sums[o]!, g.reducedCount);
    else dst.fill(0);
    return;
  }
  foldNumbers(kind, float, x.data as Float32Array, y.data as Float32Array, g, neutral(kind, x.dtype));
}

function makeReduceKernel(op: string, kind: ReduceKind): Kernel<ReduceData> {
  return {
    op,
    prepare(node, ctx) {
      const x = input(node, 0);
      const axisT = input(node, 1);
      const y = output(node, 0);
      expectDtype(node, x, DTYPES[kind], 'input');
      expectDtype(node, axisT, ['int32', 'int64'], 'axis');
      if (y.dtype !== x.dtype)
        throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
      const keepDims = optionsOf(node, 'ReducerOptions').keepDims;
      const small = x.dtype === 'int8' || x.dtype === 'uint8' || x.dtype === 'int16';
      let quantized = small && isQuantized(x) && isQuantized(y);
      if (quantized && (kind === 'max' || kind === 'min')) {
        if (x.quant!.scale[0] !== y.quant!.scale[0] || x.quant!.zeroPoint[0] !== y.quant!.zeroPoint[0]) {
          throw unsupported(node, `${op} needs equal input and output quantization (TFLite requires it)`);
        }
        quantized = false; // plain integer comparison
      }
      if (quantized && kind === 'prod' && x.dtype === 'uint8') {
        throw unsupported(node, 'quantized uint8 REDUCE_PROD (TFLite supports int8 and int16)');
      }
      if (small && !quantized && kind === 'mean' && (isQuantized(x) || isQuantized(y))) {
        throw unsupported(node, 'MEAN with only one of input and output quantized');
      }
      const needsAcc = quantized;
      if (!axisT.isConst) {
        ctx.markDynamic(y);
        return { geom: null, quant: null, scratch: -1, keepDims, quantized };
      }
      const geom = reduceGeometry(node, x.shape, readAxes(node, axisT), keepDims);
      y.shape = geom.outShape;
      return {
        geom,
        quant: quantized ? quantParams(kind, x, y, geom) : null,
        scratch: needsAcc ? ctx.requestScratch(Math.max(4, geom.outCount * 4)) : -1,
        keepDims,
        quantized,
      };
    },
    eval(node, d, ctx) {
      let g = d.geom;
      let q = d.quant;
      if (!g) {
        const x = input(node, 0);
        const y = output(node, 0);
        g = reduceGeometry(node, x.shape, readAxes(node, input(node, 1)), d.keepDims);
        ctx.resizeOutput(y, g.outShape);
        q = d.quantized ? quantParams(kind, x, y, g) : null;
      }
      runReduce(kind, node, d, g, q, ctx);
    },
  };
}

/** SUM: inputs (input, axis); keep_dims option. */
export const sumKernel = makeReduceKernel('SUM', 'sum');
/** MEAN: inputs (input, axis); keep_dims option. */
export const meanKernel = makeReduceKernel('MEAN', 'mean');
/** REDUCE_PROD: inputs (input, axis). */
export const reduceProdKernel = makeReduceKernel('REDUCE_PROD', 'prod');
/** REDUCE_MAX: inputs (input, axis). */
export const reduceMaxKernel = makeReduceKernel('REDUCE_MAX', 'max');
/** REDUCE_MIN: inputs (input, axis). */
export const reduceMinKernel = makeReduceKernel('REDUCE_MIN', 'min');
/** REDUCE_ANY: bool inputs. */
export const reduceAnyKernel = makeReduceKernel('REDUCE_ANY', 'any');
/** REDUCE_ALL: bool inputs. */
export const reduceAllKernel = makeReduceKernel('REDUCE_ALL', 'all');
