/**
 * Axis resolution and iteration order shared by the reductions.
 *
 * TFLite's reference reductions visit the input in row-major order and fold each element into
 * the output element it reduces to; float results depend on that order, so we keep it. To make
 * the walk cheap, dims of size 1 are dropped and neighbouring dims that are both reduced or both
 * kept are merged (TFLite's ResolveAxis does the same "normalization"): the input is then a
 * short list of alternating kept/reduced extents, walked as runs of the innermost extent. A run
 * over a reduced extent folds consecutive inputs into one output; a run over a kept extent folds
 * them into consecutive outputs.
 */
import { type KernelNode, type KernelTensor, shapeError } from '../kernel.js';
import { readIndexValues } from '../tensor/index_values.js';

/** Resolved reduction of one input shape. */
export interface ReduceGeometry {
  /** Sorted, de-duplicated reduced axes of the input. */
  readonly axes: number[];
  readonly outShape: number[];
  /** Number of input elements folded into each output (product of the reduced dims). */
  readonly reducedCount: number;
  readonly outCount: number;
  readonly inCount: number;
  /** True when every input dim is reduced (TFLite then seeds with the first element). */
  readonly allDims: boolean;
  /** Merged extents, outermost first, with their kind and output stride (0 for reduced). */
  readonly dims: Int32Array;
  readonly reduced: Uint8Array;
  readonly outStrides: Int32Array;
}

/**
 * Resolves the axis values (negative counts from the end, duplicates ignored) against `shape`
 * and returns the reduction geometry. Throws ShapeError for an axis out of range.
 */
export function reduceGeometry(
  node: KernelNode,
  shape: readonly number[],
  axisValues: readonly number[],
  keepDims: boolean,
): ReduceGeometry {
  const rank = shape.length;
  const set = new Set<number>();
  if (rank > 0) {
    for (const a of axisValues) {
      const r = a < 0 ? a + rank : a;
      if (r < 0 || r >= rank)
        throw shapeError(node, `axis ${a} is out of range for an input of rank ${rank}`);
      set.add(r);
    }
  }
  const axes = [...set].sort((a, b) => a - b);
  const outShape = keepDims ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
  let reducedCount = 1;
  let inCount = 1;
  for (let i = 0; i < rank; i++) {
    inCount *= shape[i]!;
    if (set.has(i)) reducedCount *= shape[i]!;
  }
  const outCount = outShape.reduce((a, d) => a * d, 1);
  // Merge dims (dropping size 1) into alternating kept/reduced extents.
  const dims: number[] = [];
  const reduced: number[] = [];
  for (let i = 0; i < rank; i++) {
    const d = shape[i]!;
    if (d === 1) continue;
    const r = set.has(i) ? 1 : 0;
    if (dims.length > 0 && reduced[reduced.length - 1] === r) dims[dims.length - 1]! *= d;
    else {
      dims.push(d);
      reduced.push(r);
    }
  }
  const outStrides = new Int32Array(dims.length);
  let acc = 1;
  for (let k = dims.length - 1; k >= 0; k--) {
    if (reduced[k]) continue;
    outStrides[k] = acc;
    acc *= dims[k]!;
  }
  return {
    axes,
    outShape,
    reducedCount,
    outCount,
    inCount,
    allDims: axes.length === rank,
    dims: Int32Array.from(dims),
    reduced: Uint8Array.from(reduced),
    outStrides,
  };
}

/** Reads an axis tensor (int32/int64, any shape) as numbers. */
export function readAxes(node: KernelNode, t: KernelTensor): number[] {
  return readIndexValues(node, t, 'axis');
}

/**
 * Walks the input as runs of its innermost extent, in row-major order:
 *   while (it.next()) { ... it.inOffset, it.outOffset, it.length, it.reducedRun ... }
 * A reduced run folds inputs [inOffset, inOffset + length) into output outOffset; a kept run
 * folds input inOffset + j into output outOffset + j.
 */
export class RunIterator {
  inOffset = 0;
  outOffset = 0;
  length = 0;
  reducedRun = false;
  private readonly g: ReduceGeometry;
  private readonly idx: Int32Array;
  private started = false;
  private done = false;

  constructor(g: ReduceGeometry) {
    this.g = g;
    this.idx = new Int32Array(Math.max(0, g.dims.length - 1));
    const r = g.dims.length;
    this.length = r === 0 ? 1 : g.dims[r - 1]!;
    this.reducedRun = r === 0 ? true : g.reduced[r - 1] === 1;
    this.done = g.inCount === 0;
  }

  /** Advances to the next run; returns false when the input is exhausted. */
  next(): boolean {
    if (this.done) return false;
    if (!this.started) {
      this.started = true;
      return true;
    }
    const { dims, outStrides } = this.g;
    const outer = dims.length - 1;
    this.inOffset += this.length;
    for (let k = outer - 1; k >= 0; k--) {
      this.outOffset += outStrides[k]!;
      if (++this.idx[k]! < dims[k]!) return true;
      this.outOffset -= outStrides[k]! * dims[k]!;
      this.idx[k] = 0;
    }
    this.done = true;
    return false;
  }
}
