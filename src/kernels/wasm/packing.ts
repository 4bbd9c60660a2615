/**
 * Weight packing for the kernel module, done once at allocateTensors() (init hooks) into a
 * node's persistent memory. Layouts are those the AssemblyScript kernels read (see the comments
 * of assembly/f32_gemm.ts, q8_gemm.ts, dwconv.ts and requantize.ts).
 */

/** Rounds n up to a multiple of 8. */
export function roundUp8(n: number): number {
  return (n + 7) & ~7;
}

/** Bytes of a packed float GEMM operand: weights in 8-column blocks, then the bias. */
export function f32GemmPackedBytes(n: number, k: number): number {
  const blocks = (n + 7) >> 3;
  return blocks * k * 32 + blocks * 32;
}

/**
 * Packs weights w[n][k] (row-major) and bias (or zeros) as 8-column blocks: block jb holds, for
 * each k, the weights of columns 8jb..8jb+7 (zero past n); the bias follows. Never throws.
 */
export function packF32Gemm(
  w: Float32Array,
  bias: Float32Array | null,
  n: number,
  k: number,
  dst: Float32Array,
): void {
  const blocks = (n + 7) >> 3;
  dst.fill(0, 0, blocks * k * 8 + blocks * 8);
  for (let j = 0; j < n; j++) {
    const base = (j >> 3) * k * 8 + (j & 7);
    for (let kk = 0; kk < k; kk++) dst[base + kk * 8] = w[j * k + kk]!;
  }
  const pb = blocks * k * 8;
  if (bias) for (let j = 0; j < n; j++) dst[pb + j] = bias[j]!;
}

/** Bytes of a packed quantized GEMM operand (int16, k padded to a multiple of 8). */
export function q8GemmPackedBytes(n: number, k: number): number {
  return ((n + 7) >> 3) * roundUp8(k) * 16;
}

/**
 * Packs w[n][k] - wzp as int16 in the "c2" layout: per 8-column block and per k pair, columns
 * 0..3 then 4..7, each column contributing (w[k], w[k+1]). Returns each column's sum of
 * (w - wzp), for the input zero point correction. Never throws.
 */
export function packQ8Gemm(
  w: Int8Array | Uint8Array,
  n: number,
  k: number,
  wzp: number,
  dst: Int16Array,
): Int32Array {
  const k8 = roundUp8(k);
  const sums = new Int32Array(n);
  dst.fill(0, 0, ((n + 7) >> 3) * k8 * 8);
  for (let j = 0; j < n; j++) {
    const block = (j >> 3) * k8 * 8;
    const q = j & 7;
    // Element (j, kk): pair kk>>1 of the block (16 int16 per pair), half q>>2, column q&3, slot kk&1.
    const colBase = block + (q >> 2) * 8 + (q & 3) * 2;
    let s = 0;
    for (let kk = 0; kk < k; kk++) {
      const v = w[j * k + kk]! - wzp;
      dst[colBase + (kk >> 1) * 16 + (kk & 1)] = v;
      s += v;
    }
    sums[j] = s;
  }
  return sums;
}

/** Bytes of the per-column requantization block of n columns (see assembly/requantize.ts). */
export function requantBlockBytes(n: number): number {
  return roundUp8(n) * 24;
}

/**
 * Writes the requantization block: biasAdj (int32, wrapping), multiplier, 2^max(shift, 0),
 * 2^-max(-shift, 0) as float64, and the shift, each array padded to a multiple of 8 columns.
 */
export function writeRequantBlock(
  dst: Uint8Array,
  n: number,
  biasAdj: Int32Array,
  multipliers: Int32Array,
  shifts: Int32Array,
): void {
  const np = roundUp8(n);
  const i32 = new Int32Array(dst.buffer, dst.byteOffset, np * 6);
  const f64 = new Float64Array(dst.buffer, dst.byteOffset + np * 12, np);
  i32.fill(0);
  f64.fill(0);
  for (let j = 0; j < n; j++) {
    const s = shifts[j]!;
    i32[j] = biasAdj[j]!;
    i32[np + j] = multipliers[j]!;
    i32[2 * np + j] = s > 0 ? 1 << s : 1;
    f64[j] = s < 0 ? 2 ** s : 1;
    i32[5 * np + j] = s;
  }
}

/** Packs depthwise weights [taps][C] as [taps][roundUp8(C)] float32. */
export function packDepthwiseF32(w: Float32Array, taps: number, c: number, dst: Float32Array): void {
  const cp = roundUp8(c);
  dst.fill(0, 0, taps * cp);
  for (let t = 0; t < taps; t++) for (let ch = 0; ch < c; ch++) dst[t * cp + ch] = w[t * c + ch]!;
}

/** Packs depthwise weights [taps][C] minus wzp as [taps][roundUp8(C)] int16. */
export function packDepthwiseQ8(
  w: Int8Array | Uint8Array,
  taps: number,
  c: number,
  wzp: number,
  dst: Int16Array,
): void {
  const cp = roundUp8(c);
  dst.fill(0, 0, taps * cp);
  for (let t = 0; t < taps; t++) for (let ch = 0; ch < c; ch++) dst[t * cp + ch] = w[t * c + ch]! - wzp;
}
