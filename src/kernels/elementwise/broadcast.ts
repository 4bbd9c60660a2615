/**
 * NumPy-style broadcasting for element-wise kernels, planned once in prepare.
 *
 * A plan coalesces the output's dimensions so the innermost loop is as long as possible:
 * output dims of size 1 are dropped, then neighbouring dims are merged whenever every input
 * walks them contiguously (stride[i] == stride[i+1] * dim[i+1], which also covers "both
 * broadcast", stride 0). After that the innermost stride of each input is 1 (it is read
 * element by element) or 0 (one value repeats), and:
 *   - same-shape operands become one row of `size` elements (strides 1, 1),
 *   - a scalar (or single-element) operand becomes one row with stride 0,
 *   - everything else is a short odometer over the outer dims calling the row function.
 * Ranks up to 6 (TFLite's limit) and beyond work the same way.
 *
 * Row functions receive the typed arrays, start offsets, inner strides and the row length, so
 * per-element work has no index arithmetic beyond `i += stride`; op parameters are captured by
 * the row closure built in prepare.
 */
import type { TypedArray } from '../../ir/dtype.js';
import { type KernelNode, input, output } from '../kernel.js';
import { broadcastStrides, numElements } from '../internal/shape.js';

/** Coalesced iteration plan of an element-wise op with one or more broadcast inputs. */
export interface BroadcastPlan {
  /** Number of output elements. */
  readonly size: number;
  /** Coalesced dims, outermost first; the last one is the row length. Never empty. */
  readonly dims: readonly number[];
  /** For each input, its coalesced strides in elements (0 where it is broadcast). */
  readonly strides: readonly (readonly number[])[];
  /** Odometer counters reused by every walk (one per outer dim). */
  readonly counter: Int32Array;
}

/**
 * A row of a binary op: for i in [0, n): y[iy + i] = f(a[ia + i*sa], b[ib + i*sb]), sa and sb
 * being 0 or 1.
 */
export type BinaryRow = (
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  y: TypedArray,
  iy: number,
  n: number,
) => void;

/** A row of a ternary op (SELECT_V2): y[iy + i] = f(c[ic + i*sc], a[...], b[...]). */
export type TernaryRow = (
  c: TypedArray,
  ic: number,
  sc: number,
  a: TypedArray,
  ia: number,
  sa: number,
  b: TypedArray,
  ib: number,
  sb: number,
  y: TypedArray,
  iy: number,
  n: number,
) => void;

/**
 * Returns the plan that walks `outShape` reading each of `inShapes` broadcast into it. The
 * caller has already checked that the shapes broadcast (broadcastShapes). Never throws.
 */
export function planBroadcast(
  outShape: readonly number[],
  inShapes: readonly (readonly number[])[],
): BroadcastPlan {
  const full = inShapes.map((s) => broadcastStrides(s, outShape));
  const dims: number[] = [];
  const strides: number[][] = inShapes.map(() => []);
  // Walk from the innermost dim outwards, merging into the current outermost coalesced dim.
  for (let d = outShape.length - 1; d >= 0; d--) {
    const extent = outShape[d]!;
    if (extent === 1) continue;
    const top = dims.length - 1;
    const mergeable = top >= 0 && full.every((s, k) => s[d] === strides[k]![top]! * dims[top]!);
    if (mergeable) {
      dims[top] = dims[top]! * extent;
    } else {
      dims.push(extent);
      full.forEach((s, k) => strides[k]!.push(s[d]!));
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    strides.forEach((s) => s.push(0));
  }
  dims.reverse();
  strides.forEach((s) => s.reverse());
  return {
    size: numElements(outShape),
    dims,
    strides,
    counter: new Int32Array(Math.max(0, dims.length - 1)),
  };
}

/** Runs `row` over every output row of a binary op planned with planBroadcast. Never throws. */
export function walkBinary(
  p: BroadcastPlan,
  a: TypedArray,
  b: TypedArray,
  y: TypedArray,
  row: BinaryRow,
): void {
  if (p.size === 0) return;
  const dims = p.dims;
  const last = dims.length - 1;
  const n = dims[last]!;
  const stA = p.strides[0]!;
  const stB = p.strides[1]!;
  const sa = stA[last]!;
  const sb = stB[last]!;
  if (last === 0) {
    row(a, 0, sa, b, 0, sb, y, 0, n);
    return;
  }
  const idx = p.counter;
  idx.fill(0);
  let ia = 0;
  let ib = 0;
  for (let iy = 0; iy < p.size; iy += n) {
    row(a, ia, sa, b, ib, sb, y, iy, n);
    // Advance the odometer over the outer dims (innermost outer dim first).
    for (let k = last - 1; k >= 0; k--) {
      ia += stA[k]!;
      ib += stB[k]!;
      if (++idx[k]! < dims[k]!) break;
      ia -= stA[k]! * dims[k]!;
      ib -= stB[k]! * dims[k]!;
      idx[k] = 0;
    }
  }
}

/** Per-node data of a binary op: its broadcast plan and the row function bound to its constants. */
export interface BinaryData {
  plan: BroadcastPlan;
  row: BinaryRow;
}

/** The eval of a binary op: runs `d.row` over inputs 0 and 1 broadcast into output 0. Never throws. */
export function evalBinary(node: KernelNode, d: BinaryData): void {
  walkBinary(d.plan, input(node, 0).data, input(node, 1).data, output(node, 0).data, d.row);
}

/** Runs `row` over every output row of a ternary op planned with planBroadcast. Never throws. */
export function walkTernary(
  p: BroadcastPlan,
  c: TypedArray,
  a: TypedArray,
  b: TypedArray,
  y: TypedArray,
  row: TernaryRow,
): void {
  if (p.size === 0) return;
  const dims = p.dims;
  const last = dims.length - 1;
  const n = dims[last]!;
  const stC = p.strides[0]!;
  const stA = p.strides[1]!;
  const stB = p.strides[2]!;
  const sc = stC[last]!;
  const sa = stA[last]!;
  const sb = stB[last]!;
  const idx = p.counter;
  idx.fill(0);
  let ic = 0;
  let ia = 0;
  let ib = 0;
  for (let iy = 0; iy < p.size; iy += n) {
    row(c, ic, sc, a, ia, sa, b, ib, sb, y, iy, n);
    for (let k = last - 1; k >= 0; k--) {
      ic += stC[k]!;
      ia += stA[k]!;
      ib += stB[k]!;
      if (++idx[k]! < dims[k]!) break;
      ic -= stC[k]! * dims[k]!;
      ia -= stA[k]! * dims[k]!;
      ib -= stB[k]! * dims[k]!;
      idx[k] = 0;
    }
  }
}
