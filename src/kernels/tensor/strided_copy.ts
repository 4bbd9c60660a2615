/**
 * The workhorse of the data-movement kernels: copy an N-D box of elements from one strided
 * layout to another. TRANSPOSE, SLICE, STRIDED_SLICE (negative strides too), TILE and
 * BROADCAST_TO (zero strides), PAD (interior copy), SPACE_TO_DEPTH/DEPTH_TO_SPACE and the
 * SPACE_TO_BATCH/BATCH_TO_SPACE family are all one or a few such copies, planned in prepare.
 *
 * Planning simplifies the box once: it drops size-1 dims and merges neighbouring dims that are
 * contiguous in both layouts, so a typical NCHW<->NHWC transpose becomes a 2-D transpose and a
 * slice of whole rows becomes one long row. Running the plan walks the outer dims with an
 * odometer (offsets updated incrementally, no index math per element) and copies the inner dim
 * with `TypedArray.set` when it is contiguous on both sides, or with a plain loop; a transpose of
 * the last two dims is done in square tiles so both sides stay cache-friendly.
 */
import type { WordArray } from './word_view.js';

/** A simplified copy: dims outermost first, strides and offsets in words. */
export interface CopyPlan {
  readonly dims: Int32Array;
  readonly src: Int32Array;
  readonly dst: Int32Array;
  readonly srcOffset: number;
  readonly dstOffset: number;
  /** Number of words copied (0: nothing to do). */
  readonly count: number;
}

/** Rows shorter than this are copied with a loop rather than `set` (which allocates a subarray). */
const SET_THRESHOLD = 48;
/** Tile edge of the blocked 2-D transpose. */
const TILE = 32;

/**
 * Returns a plan copying the box `dims` (in elements) from `src` (element strides `srcStrides`,
 * start `srcOffset`) to `dst` (strides `dstStrides`, start `dstOffset`); each element is
 * `wordsPerElement` words. Strides may be negative or zero (a repeated source). Never throws.
 */
export function planCopy(
  dims: readonly number[],
  srcStrides: readonly number[],
  dstStrides: readonly number[],
  srcOffset: number,
  dstOffset: number,
  wordsPerElement = 1,
): CopyPlan {
  const w = wordsPerElement;
  const d: number[] = [];
  const s: number[] = [];
  const t: number[] = [];
  let count = w;
  for (let k = 0; k < dims.length; k++) {
    const n = dims[k]!;
    count *= n;
    if (n === 1) continue;
    d.push(n);
    s.push(srcStrides[k]! * w);
    t.push(dstStrides[k]! * w);
  }
  if (w > 1) {
    d.push(w);
    s.push(1);
    t.push(1);
  }
  // Merge from the innermost dim outwards: dim k folds into the (already merged) dim after it
  // when stepping k once equals stepping the inner dim through its whole extent, on both sides.
  const md: number[] = [];
  const ms: number[] = [];
  const mt: number[] = [];
  for (let k = d.length - 1; k >= 0; k--) {
    const last = md.length - 1;
    if (last >= 0 && s[k] === ms[last]! * md[last]! && t[k] === mt[last]! * md[last]!) {
      md[last] = md[last]! * d[k]!;
    } else {
      md.push(d[k]!);
      ms.push(s[k]!);
      mt.push(t[k]!);
    }
  }
  md.reverse();
  ms.reverse();
  mt.reverse();
  return {
    dims: Int32Array.from(md),
    src: Int32Array.from(ms),
    dst: Int32Array.from(mt),
    srcOffset: srcOffset * w,
    dstOffset: dstOffset * w,
    count,
  };
}

/** Returns the row-major element strides of a shape (for building plans). Never throws. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Copies `n` words from src[s + i*si] to dst[d + i*di]. */
function copyRow(
  src: WordArray,
  s: number,
  si: number,
  dst: WordArray,
  d: number,
  di: number,
  n: number,
): void {
  if (si === 1 && di === 1) {
    if (n >= SET_THRESHOLD) {
      dst.set(src.subarray(s, s + n), d);
    } else {
      for (let i = 0; i < n; i++) dst[d + i] = src[s + i]!;
    }
  } else if (si === 0 && di === 1) {
    dst.fill(src[s]!, d, d + n);
  } else {
    for (let i = 0; i < n; i++) dst[d + i * di] = src[s + i * si]!;
  }
}

/**
 * Transposes an rows x cols block: dst[d + i*dRow + j] = src[s + i + j*sCol], in tiles so that
 * both the strided reads and the contiguous writes stay within a few cache lines.
 */
function copyTransposed(
  src: WordArray,
  s: number,
  sCol: number,
  dst: WordArray,
  d: number,
  dRow: number,
  rows: number,
  cols: number,
): void {
  if (cols <= 4) {
    // Few columns (e.g. NCHW -> NHWC of an RGB image): the columns are the tile.
    for (let i = 0; i < rows; i++) {
      const dO = d + i * dRow;
      const so = s + i;
      for (let j = 0; j < cols; j++) dst[dO + j] = src[so + j * sCol]!;
    }
    return;
  }
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = i0 + TILE < rows ? i0 + TILE : rows;
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = j0 + TILE < cols ? j0 + TILE : cols;
      for (let i = i0; i < i1; i++) {
        const so = s + i;
        const dO = d + i * dRow;
        for (let j = j0; j < j1; j++) dst[dO + j] = src[so + j * sCol]!;
      }
    }
  }
}

/**
 * Byte transpose writing 32-bit words: four source rows j..j+3 (each contiguous along i) are
 * packed into one destination word per i. Needs d, dRow (and the outer strides) to be multiples
 * of 4 and `dst32` to view dst's bytes from the same origin; leftover columns go byte by byte.
 */
function transposeBytesWriteWords(
  src: Uint8Array,
  s: number,
  sCol: number,
  dst: Uint8Array,
  dst32: Int32Array,
  d: number,
  dRow: number,
  rows: number,
  cols: number,
): void {
  const cols4 = cols & ~3;
  for (let i0 = 0; i0 < rows; i0 += 64) {
    const i1 = i0 + 64 < rows ? i0 + 64 : rows;
    for (let j = 0; j < cols4; j += 4) {
      const s0 = s + j * sCol;
      const s1 = s0 + sCol;
      const s2 = s1 + sCol;
      const s3 = s2 + sCol;
      let w = (d + i0 * dRow + j) >> 2;
      const step = dRow >> 2;
      for (let i = i0; i < i1; i++, w += step) {
        dst32[w] = src[s0 + i]! | (src[s1 + i]! << 8) | (src[s2 + i]! << 16) | (src[s3 + i]! << 24);
      }
    }
    for (let j = cols4; j < cols; j++) {
      for (let i = i0; i < i1; i++) dst[d + i * dRow + j] = src[s + i + j * sCol]!;
    }
  }
}

/**
 * Byte transpose reading 32-bit words: one source word holds rows i..i+3 of column j and is
 * spread over four destination rows. Needs s, sCol (and the outer strides) to be multiples of 4
 * and `src32` to view src's bytes from the same origin; leftover rows go byte by byte.
 */
function transposeBytesReadWords(
  src: Uint8Array,
  src32: Int32Array,
  s: number,
  sCol: number,
  dst: Uint8Array,
  d: number,
  dRow: number,
  rows: number,
  cols: number,
): void {
  const rows4 = rows & ~3;
  for (let j0 = 0; j0 < cols; j0 += 16) {
    const j1 = j0 + 16 < cols ? j0 + 16 : cols;
    for (let i = 0; i < rows4; i += 4) {
      const d0 = d + i * dRow;
      const d1 = d0 + dRow;
      const d2 = d1 + dRow;
      const d3 = d2 + dRow;
      for (let j = j0; j < j1; j++) {
        const w = src32[(s + i + j * sCol) >> 2]!;
        dst[d0 + j] = w;
        dst[d1 + j] = w >> 8;
        dst[d2 + j] = w >> 16;
        dst[d3 + j] = w >> 24;
      }
    }
    for (let i = rows4; i < rows; i++) {
      for (let j = j0; j < j1; j++) dst[d + i * dRow + j] = src[s + i + j * sCol]!;
    }
  }
}

/** True when every offset reachable by the outer odometer (and the given strides) is a multiple of 4. */
function aligned4(offset: number, strides: Int32Array, outer: number, extra: number): boolean {
  if ((offset & 3) !== 0 || (extra & 3) !== 0) return false;
  for (let k = 0; k < outer; k++) if ((strides[k]! & 3) !== 0) return false;
  return true;
}

/** Runs a plan from planCopy: copies the planned words from `src` to `dst`. Never throws for a valid plan. */
export function runCopy(plan: CopyPlan, src: WordArray, dst: WordArray): void {
  if (plan.count === 0) return;
  const { dims, src: ss, dst: ds } = plan;
  const r = dims.length;
  if (r === 0) {
    dst[plan.dstOffset] = src[plan.srcOffset]!;
    return;
  }
  const n = dims[r - 1]!;
  const si = ss[r - 1]!;
  const di = ds[r - 1]!;
  // A transpose of the two innermost dims: rows are contiguous in the source, columns in the destination.
  const tiled = r >= 2 && si !== 1 && di === 1 && ss[r - 2] === 1 && dims[r - 2]! > 1;
  const inner = tiled ? 2 : 1;
  const outer = r - inner;
  const rows = tiled ? dims[r - 2]! : 0;
  const dRow = tiled ? ds[r - 2]! : 0;
  // Byte transposes (int8/uint8/bool) move four bytes per 32-bit access on whichever side is
  // 4-byte aligned: ~2x faster than byte-by-byte tiles (NHWC<->NCHW of quantized models).
  let mode = tiled ? 1 : 0;
  let src32: Int32Array | null = null;
  let dst32: Int32Array | null = null;
  if (tiled && src instanceof Uint8Array && dst instanceof Uint8Array && rows >= 4 && n >= 4) {
    if ((dst.byteOffset & 3) === 0 && aligned4(plan.dstOffset, ds, outer, dRow)) {
      mode = 2;
      dst32 = new Int32Array(dst.buffer, dst.byteOffset, dst.byteLength >> 2);
    } else if ((src.byteOffset & 3) === 0 && aligned4(plan.srcOffset, ss, outer, si)) {
      mode = 3;
      src32 = new Int32Array(src.buffer, src.byteOffset, src.byteLength >> 2);
    }
  }
  const idx = new Int32Array(outer);
  let s = plan.srcOffset;
  let d = plan.dstOffset;
  for (;;) {
    if (mode === 0) copyRow(src, s, si, dst, d, di, n);
    else if (mode === 1) copyTransposed(src, s, si, dst, d, dRow, rows, n);
    else if (mode === 2)
      transposeBytesWriteWords(src as Uint8Array, s, si, dst as Uint8Array, dst32!, d, dRow, rows, n);
    else transposeBytesReadWords(src as Uint8Array, src32!, s, si, dst as Uint8Array, d, dRow, rows, n);
    let k = outer - 1;
    for (; k >= 0; k--) {
      s += ss[k]!;
      d += ds[k]!;
      if (++idx[k]! < dims[k]!) break;
      s -= ss[k]! * dims[k]!;
      d -= ds[k]! * dims[k]!;
      idx[k] = 0;
    }
    if (k < 0) return;
  }
}

/** Copies `n` contiguous words from src[s..] to dst[d..]. Never throws for in-range offsets. */
export function copyWords(src: WordArray, s: number, dst: WordArray, d: number, n: number): void {
  copyRow(src, s, 1, dst, d, 1, n);
}
