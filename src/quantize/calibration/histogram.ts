/**
 * A histogram of every value one activation tensor took during calibration, in one pass and
 * bounded memory, from which min/max, percentiles and MSE-optimal clipping ranges are read.
 *
 * Layout: BINS bins of width w anchored at zero; bin k (an integer, possibly negative) holds
 * [k*w, (k+1)*w), and the histogram stores bins start .. start+BINS-1. When a value falls outside,
 * the width doubles and bins merge pairwise (k -> floor(k/2)), which is exact because every bin
 * edge at width 2w is also an edge at width w; the window then covers at least twice the old
 * range, with room on both sides. Exact zeros (ReLU outputs, padding) are also counted apart:
 * zero is exactly representable in every quantized range, so it costs no rounding error.
 */

/** Number of bins. */
export const HISTOGRAM_BINS = 2048;

/** Streaming histogram of float values. */
export class Histogram {
  /** Count per bin (index i holds bin start + i). */
  readonly counts = new Float64Array(HISTOGRAM_BINS);
  /** Bin width (0 until a non-zero value arrives). */
  width = 0;
  /** Integer index of the first stored bin. */
  start = 0;
  /** Smallest and largest value seen (+-Infinity before any). */
  min = Infinity;
  max = -Infinity;
  /** Values seen, and how many of them were exactly 0. */
  count = 0;
  zeros = 0;
  /** Zeros seen before the width was known (moved into their bin then). */
  private pendingZeros = 0;

  /** Adds every value of `values` (NaN values are ignored). */
  add(values: ArrayLike<number>): void {
    const n = values.length;
    let lo = Infinity;
    let hi = -Infinity;
    let zeros = 0;
    let valid = 0;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      valid++;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      if (v === 0) zeros++;
    }
    if (valid === 0) return;
    this.count += valid;
    this.zeros += zeros;
    if (lo < this.min) this.min = lo;
    if (hi > this.max) this.max = hi;
    if (this.width === 0) {
      if (lo === 0 && hi === 0) {
        this.pendingZeros += zeros;
        return;
      }
      // First non-zero data: the window spans about twice the batch's range around zero.
      const span = Math.max(Math.abs(lo), Math.abs(hi));
      this.width = (2 * span) / HISTOGRAM_BINS;
      this.start = -HISTOGRAM_BINS / 2;
      this.counts[-this.start] = this.pendingZeros;
      this.pendingZeros = 0;
    }
    while (
      Math.floor(lo / this.width) < this.start ||
      Math.floor(hi / this.width) >= this.start + HISTOGRAM_BINS
    ) {
      this.doubleWidth();
    }
    const { counts, width, start } = this;
    const inv = 1 / width;
    for (let i = 0; i < n; i++) {
      const v = values[i]!;
      if (v !== v) continue;
      let k = Math.floor(v * inv) - start;
      // Rounding at the window's top edge can give BINS; it belongs to the last bin.
      if (k >= HISTOGRAM_BINS) k = HISTOGRAM_BINS - 1;
      else if (k < 0) k = 0;
      counts[k]++;
    }
  }

  /** Doubles the bin width, merging bins k and k^1 into bin floor(k / 2). */
  private doubleWidth(): void {
    const merged = new Float64Array(HISTOGRAM_BINS);
    const newStart = Math.floor(this.start / 2);
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      const c = this.counts[i]!;
      if (c === 0) continue;
      merged[Math.floor((this.start + i) / 2) - newStart]! += c;
    }
    this.counts.set(merged);
    this.start = newStart;
    this.width *= 2;
  }

  /** Lower edge of stored bin i. */
  binLow(i: number): number {
    return (this.start + i) * this.width;
  }

  /**
   * Returns the value below which a fraction `q` (0..1) of the values lie, interpolating inside
   * the bin and clamped to [min, max]. Returns 0 for an empty histogram.
   */
  quantile(q: number): number {
    if (this.count === 0) return 0;
    if (this.width === 0) return 0;
    const target = q * (this.count + 0);
    let cum = 0;
    for (let i = 0; i < HISTOGRAM_BINS; i++) {
      const c = this.counts[i]!;
      if (cum + c >= target && c > 0) {
        const frac = (target - cum) / c;
        const v = this.binLow(i) + frac * this.width;
        return Math.min(this.max, Math.max(this.min, v));
      }
      cum += c;
    }
    return this.max;
  }
}
