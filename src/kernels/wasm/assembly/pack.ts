// Weight packing at allocateTensors(), compiled: the same layouts and values as the JavaScript
// reference in ../packing.ts (whose comments define them), which ran once per process mostly in
// V8's interpreter (~20 ns per weight). The glue (../packer.ts) copies a layer's weights into a
// memory of its own, calls these and copies the packed bytes into the interpreter's memory.
// Pointers are byte addresses; a factor pointer of 0 means a factor of 1 for every column.

/** Loads an 8-bit weight as i32 (sign-extended when signed). */
// @ts-ignore: decorator
@inline
function ld8(p: usize, signed: bool): i32 {
  return signed ? <i32>load<i8>(p) : <i32>load<u8>(p);
}

/**
 * Per row j < rows: the sum of (w - wzp) (i32, wrapping as the Int32Array store of the
 * reference does) and of |w - wzp| (f64, exact) over `count` weights at w + j * rs + i * es.
 */
export function pack_sums8(
  w: usize,
  signed: i32,
  rows: i32,
  count: i32,
  rs: i32,
  es: i32,
  wzp: i32,
  sum: usize,
  abssum: usize,
): void {
  const sg = signed != 0;
  for (let j = 0; j < rows; j++) {
    let s: i32 = 0;
    let a: i64 = 0;
    let p = w + <usize>j * <usize>rs;
    for (let i = 0; i < count; i++) {
      const v = ld8(p, sg) - wzp;
      s += v;
      a += <i64>abs<i32>(v);
      p += <usize>es;
    }
    store<i32>(sum + (<usize>j << 2), s);
    store<f64>(abssum + (<usize>j << 3), <f64>a);
  }
}

/** packQ8Gemm of ../packing.ts: (w[n][k] - wzp) * factor[j] as int16 in the "c2" layout. */
export function pack_q8_gemm(
  w: usize,
  signed: i32,
  n: i32,
  k: i32,
  wzp: i32,
  factor: usize,
  dst: usize,
): void {
  const sg = signed != 0;
  const k8 = (k + 7) & ~7;
  memory.fill(dst, 0, <usize>((n + 7) >> 3) * <usize>k8 * 16);
  for (let j = 0; j < n; j++) {
    const f = factor ? load<i32>(factor + (<usize>j << 2)) : 1;
    const q = j & 7;
    // int16 index of (j, kk): block + pair (kk >> 1) * 16 + half (q >> 2) * 8 + column (q & 3) * 2 + kk & 1.
    const col = dst + ((<usize>(j >> 3) * <usize>k8 * 8 + <usize>((q >> 2) * 8 + (q & 3) * 2)) << 1);
    const row = w + <usize>j * <usize>k;
    for (let kk = 0; kk < k; kk++) {
      store<i16>(col + (<usize>(kk >> 1) << 5) + (<usize>(kk & 1) << 1), <i16>((ld8(row + kk, sg) - wzp) * f));
    }
  }
}

/** packDepthwiseQ8 of ../packing.ts: w[taps][C] as (w - wzp) * factor[c] int16 in tap pairs. */
export function pack_q8_dw(
  w: usize,
  signed: i32,
  taps: i32,
  c: i32,
  wzp: i32,
  factor: usize,
  dst: usize,
): void {
  const sg = signed != 0;
  const pairs = (taps + 1) >> 1;
  memory.fill(dst, 0, <usize>(((c + 7) & ~7) >> 3) * <usize>pairs * 32);
  for (let ch = 0; ch < c; ch++) {
    const f = factor ? load<i32>(factor + (<usize>ch << 2)) : 1;
    const g = <usize>(ch >> 3) * <usize>pairs * 16 + <usize>((ch & 7) * 2);
    for (let t = 0; t < taps; t++) {
      const at = g + <usize>(t >> 1) * 16 + <usize>(t & 1);
      store<i16>(dst + (at << 1), <i16>((ld8(w + <usize>t * <usize>c + <usize>ch, sg) - wzp) * f));
    }
  }
}

/** packF32Gemm of ../packing.ts: w[n][k] in 8-column blocks, then the bias (bias 0: zeros). Copies bits. */
export function pack_f32_gemm(w: usize, bias: usize, n: i32, k: i32, dst: usize): void {
  const blocks = <usize>((n + 7) >> 3);
  memory.fill(dst, 0, (blocks * <usize>k * 8 + blocks * 8) << 2);
  for (let j = 0; j < n; j++) {
    const base = dst + ((<usize>(j >> 3) * <usize>k * 8 + <usize>(j & 7)) << 2);
    const row = w + ((<usize>j * <usize>k) << 2);
    for (let kk = 0; kk < k; kk++) store<u32>(base + (<usize>kk << 5), load<u32>(row + (<usize>kk << 2)));
  }
  if (bias) {
    const pb = dst + ((blocks * <usize>k * 8) << 2);
    memory.copy(pb, bias, <usize>n << 2);
  }
}

/** packDepthwiseF32 of ../packing.ts: per 8 channels [bias | tap 0 | ... ] x 8 floats (bias 0: zeros). Copies bits. */
export function pack_f32_dw(w: usize, bias: usize, taps: i32, c: i32, dst: usize): void {
  memory.fill(dst, 0, (<usize>((c + 7) & ~7) * <usize>(taps + 1)) << 2);
  for (let ch = 0; ch < c; ch++) {
    const g = dst + ((<usize>(ch >> 3) * <usize>(taps + 1) * 8 + <usize>(ch & 7)) << 2);
    if (bias) store<u32>(g, load<u32>(bias + (<usize>ch << 2)));
    for (let t = 0; t < taps; t++) {
      store<u32>(g + (<usize>(t + 1) << 5), load<u32>(w + ((<usize>t * <usize>c + <usize>ch) << 2)));
    }
  }
}
