/**
 * `std::partial_sort` of an index array by decreasing value, step for step as LLVM's libc++
 * implements it (the C++ library of TFLite's Android, iOS and WebAssembly builds). The order it
 * leaves among equal values is unspecified by the standard, and TFLite's detection post-process
 * exposes it: quantized class scores tie often. Reproducing libc++'s heap operations (make_heap,
 * sift_down, then sort_heap by Floyd's pop_heap) gives the same order as those builds.
 *
 * The comparison is TFLite's `values[i] > values[j]` (a "less" that puts larger values first).
 */

/** Ordering predicate of the heap: a comes before b (value of a is greater). */
function before(values: Float32Array, off: number, a: number, b: number): boolean {
  return values[off + a]! > values[off + b]!;
}

/** libc++ __sift_down on idx[0..len) starting at `start`. */
function siftDown(idx: Int32Array, values: Float32Array, off: number, len: number, start: number): void {
  let child = start;
  if (len < 2 || (len - 2) >> 1 < child) return;
  child = 2 * child + 1;
  if (child + 1 < len && before(values, off, idx[child]!, idx[child + 1]!)) child++;
  if (before(values, off, idx[child]!, idx[start]!)) return;
  const top = idx[start]!;
  let hole = start;
  do {
    idx[hole] = idx[child]!;
    hole = child;
    if ((len - 2) >> 1 < child) break;
    child = 2 * child + 1;
    if (child + 1 < len && before(values, off, idx[child]!, idx[child + 1]!)) child++;
  } while (!before(values, off, idx[child]!, top));
  idx[hole] = top;
}

/**
 * libc++ __floyd_sift_down on idx[0..len): moves the larger child into the hole until the hole
 * is a leaf; returns the hole's position.
 */
function floydSiftDown(idx: Int32Array, values: Float32Array, off: number, len: number): number {
  let hole = 0;
  let child = 0;
  for (;;) {
    child = 2 * child + 1;
    if (child + 1 < len && before(values, off, idx[child]!, idx[child + 1]!)) child++;
    idx[hole] = idx[child]!;
    hole = child;
    if (child > (len - 2) >> 1) return hole;
  }
}

/** libc++ __sift_up of the element at position len-1 of idx[0..len). */
function siftUp(idx: Int32Array, values: Float32Array, off: number, len: number): void {
  if (len <= 1) return;
  let last = len - 1;
  let parent = (len - 2) >> 1;
  if (!before(values, off, idx[parent]!, idx[last]!)) return;
  const t = idx[last]!;
  for (;;) {
    idx[last] = idx[parent]!;
    last = parent;
    if (parent === 0) break;
    parent = (parent - 1) >> 1;
    if (!before(values, off, idx[parent]!, t)) break;
  }
  idx[last] = t;
}

/**
 * Rearranges idx[0..n) so that idx[0..k) holds the k indices with the largest values
 * `values[off + idx]`, in decreasing order, exactly as libc++'s
 * `std::partial_sort(idx, idx + k, idx + n, [&](i, j) { return values[i] > values[j]; })`.
 * Never throws.
 */
export function partialSortDecreasing(
  idx: Int32Array,
  n: number,
  k: number,
  values: Float32Array,
  off = 0,
): void {
  if (k <= 0) return;
  // make_heap on [0, k)
  if (k > 1) for (let start = (k - 2) >> 1; start >= 0; start--) siftDown(idx, values, off, k, start);
  for (let i = k; i < n; i++) {
    if (before(values, off, idx[i]!, idx[0]!)) {
      const t = idx[i]!;
      idx[i] = idx[0]!;
      idx[0] = t;
      siftDown(idx, values, off, k, 0);
    }
  }
  // sort_heap: repeated pop_heap (Floyd's variant) on a shrinking heap.
  for (let len = k; len > 1; len--) {
    const top = idx[0]!;
    const hole = floydSiftDown(idx, values, off, len);
    const last = len - 1;
    if (hole === last) idx[hole] = top;
    else {
      idx[hole] = idx[last]!;
      idx[last] = top;
      siftUp(idx, values, off, hole + 1);
    }
  }
}
