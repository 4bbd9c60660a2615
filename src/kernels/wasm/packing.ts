/**
 * Weight packing for the kernel module, done once at allocateTensors() (init hooks) into a
 * node's persistent memory. Layouts are those the AssemblyScript kernels read (see the comments
 * of assembly/f32_gemm.ts, q8_gemm.ts, dwconv.ts and requantize.ts). The plans pack with the
 * compiled copy of these loops (packer.ts, assembly/pack.ts); the functions here define the
 * layouts and are its test oracle (test/kernels/wasm/packer.test.ts).
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

/** Per-column sums of a quantized weight matrix w[n][k] minus wzp: signed and absolute. */
export interface ColumnSums {
  sum: Int32Array;
  abs: Float64Array;
}

/** Returns each row's sum of (w - wzp) and of |w - wzp| for w[n][k] (row j = output column j). */
export function gemmColumnSums(w: Int8Array | Uint8Array, n: number, k: number, wzp: number): ColumnSums {
  const sum = new Int32Array(n);
  const abs = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let s = 0;
    let a = 0;
    for (let kk = 0; kk < k; kk++) {
      const v = w[j * k + kk]! - wzp;
      s += v;
      a += Math.abs(v);
    }
    sum[j] = s;
    abs[j] = a;
  }
  return { sum, abs };
}

/**
 * Packs (w[n][k] - wzp) * factor[j] as int16 in the "c2" layout: per 8-column block and per k
 * pair, columns 0..3 then 4..7, each column contributing (w[k], w[k+1]); k padded with zeros to
 * a multiple of 8. factor (from requant_block.ts) keeps |w| * factor <= 255 * 128. Never throws.
 */
export function packQ8Gemm(
  w: Int8Array | Uint8Array,
  n: number,
  k: number,
  wzp: number,
  factor: Int32Array,
  dst: Int16Array,
): void {
  const k8 = roundUp8(k);
  dst.fill(0, 0, ((n + 7) >> 3) * k8 * 8);
  for (let j = 0; j < n; j++) {
    const block = (j >> 3) * k8 * 8;
    const q = j & 7;
    const f = factor[j]!;
    // Element (j, kk): pair kk>>1 of the block (16 int16 per pair), half q>>2, column q&3, slot kk&1.
    const colBase = block + (q >> 2) * 8 + (q & 3) * 2;
    for (let kk = 0; kk < k; kk++) dst[colBase + (kk >> 1) * 16 + (kk & 1)] = (w[j * k + kk]! - wzp) * f;
  }
}

/** Floats of packed float depthwise weights and bias: per 8 channels, the bias and each tap's 8 weights. */
export function f32DepthwisePackedFloats(taps: number, c: number): number {
  return roundUp8(c) * (taps + 1);
}

/**
 * Packs float depthwise weights w[taps][C] and bias (or zeros) for assembly/f32_dwconv.ts: per
 * group of 8 channels, [bias | w(tap 0) | ... | w(tap taps-1)] x 8 floats, zero past C. Never throws.
 */
export function packDepthwiseF32(
  w: Float32Array,
  bias: Float32Array | null,
  taps: number,
  c: number,
  dst: Float32Array,
): void {
  dst.fill(0, 0, f32DepthwisePackedFloats(taps, c));
  for (let ch = 0; ch < c; ch++) {
    const g = (ch >> 3) * (taps + 1) * 8 + (ch & 7);
    if (bias) dst[g] = bias[ch]!;
    for (let t = 0; t < taps; t++) dst[g + (t + 1) * 8] = w[t * c + ch]!;
  }
}

/** Bytes of packed quantized depthwise weights: per 8 channels, 32 bytes per pair of taps. */
export function q8DepthwisePackedBytes(taps: number, c: number): number {
  return (roundUp8(c) >> 3) * ((taps + 1) >> 1) * 32;
}

/** Returns each channel's sum of (w - wzp) and of |w - wzp| over the taps of w[taps][C]. */
export function depthwiseChannelSums(
  w: Int8Array | Uint8Array,
  taps: number,
  c: number,
  wzp: number,
): ColumnSums {
  const sum = new Int32Array(c);
  const abs = new Float64Array(c);
  for (let t = 0; t < taps; t++) {
    for (let ch = 0; ch < c; ch++) {
      const v = w[t * c + ch]! - wzp;
      sum[ch] += v;
      abs[ch] += Math.abs(v);
    }
  }
  return { sum, abs };
}

/**
 * Packs depthwise weights w[taps][C] as (w - wzp) * factor[c] int16 for the tap-pair kernel
 * (assembly/dwconv.ts): per group of 8 channels, per pair of taps (t, t+1), 16 values
 * [w(t,c0) w(t+1,c0) w(t,c1) w(t+1,c1) ... c7]; an odd last tap pairs with zeros. Never throws.
 */
export function packDepthwiseQ8(
  w: Int8Array | Uint8Array,
  taps: number,
  c: number,
  wzp: number,
  factor: Int32Array,
  dst: Int16Array,
): void {
  const pairs = (taps + 1) >> 1;
  dst.fill(0, 0, q8DepthwisePackedBytes(taps, c) >> 1);
  for (let t = 0; t < taps; t++) {
    for (let ch = 0; ch < c; ch++) {
      const at = ((ch >> 3) * pairs + (t >> 1)) * 16 + (ch & 7) * 2 + (t & 1);
      dst[at] = (w[t * c + ch]! - wzp) * factor[ch]!;
    }
  }
}
