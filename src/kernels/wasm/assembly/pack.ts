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
 * Contiguous rows (es = 1) run 16 weights per step: w - wzp fits int16 for 8-bit w and zero
 * point, and the lanes' absolute sums stay below 2^31 for count < 2^23.
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
  const vzp = i16x8.splat(<i16>wzp);
  for (let j = 0; j < rows; j++) {
    let s: i32 = 0;
    let a: i64 = 0;
    let p = w + <usize>j * <usize>rs;
    let i = 0;
    if (es == 1 && count >= 16) {
      let vs = i32x4.splat(0);
      let va = i32x4.splat(0);
      for (; i + 16 <= count; i += 16) {
        const x = v128.load(p);
        const lo = i16x8.sub(sg ? i16x8.extend_low_i8x16_s(x) : i16x8.extend_low_i8x16_u(x), vzp);
        const hi = i16x8.sub(sg ? i16x8.extend_high_i8x16_s(x) : i16x8.extend_high_i8x16_u(x), vzp);
        vs = i32x4.add(vs, i32x4.add(i32x4.extadd_pairwise_i16x8_s(lo), i32x4.extadd_pairwise_i16x8_s(hi)));
        va = i32x4.add(
          va,
          i32x4.add(i32x4.extadd_pairwise_i16x8_u(i16x8.abs(lo)), i32x4.extadd_pairwise_i16x8_u(i16x8.abs(hi))),
        );
        p += 16;
      }
      s = i32x4.extract_lane(vs, 0) + i32x4.extract_lane(vs, 1) + i32x4.extract_lane(vs, 2) + i32x4.extract_lane(vs, 3);
      a =
        <i64>i32x4.extract_lane(va, 0) +
        <i64>i32x4.extract_lane(va, 1) +
        <i64>i32x4.extract_lane(va, 2) +
        <i64>i32x4.extract_lane(va, 3);
    }
    for (; i < count; i++) {
      const v = ld8(p, sg) - wzp;
      s += v;
      a += <i64>abs<i32>(v);
      p += <usize>es;
    }
    store<i32>(sum + (<usize>j << 2), s);
    store<f64>(abssum + (<usize>j << 3), <f64>a);
  }
}

/**
 * packQ8Gemm of ../packing.ts: (w[n][k] - wzp) * factor[j] as int16 in the "c2" layout. Each half
 * block (4 columns) runs 8 k at a time: the 4 rows' int16 vectors, read as 4 pairs (i32 lanes)
 * each, transposed 4x4 give the 4 pair rows [col0 col1 col2 col3] of the layout. The product
 * keeps its low 16 bits as the Int16Array store of the reference does; the rest of k is scalar.
 */
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
  const kv = k & ~7;
  const vzp = i16x8.splat(<i16>wzp);
  memory.fill(dst, 0, <usize>((n + 7) >> 3) * <usize>k8 * 16);
  for (let j0 = 0; j0 < n; j0 += 4) {
    // Half block of columns j0..j0+3 (j0 % 4 == 0): bytes block * k8 * 16 + half * 16, then 32 per pair.
    const out = dst + <usize>(j0 >> 3) * <usize>k8 * 16 + <usize>((j0 >> 2) & 1) * 16;
    const m = min(4, n - j0);
    const f0 = i16x8.splat(<i16>(factor ? load<i32>(factor + (<usize>j0 << 2)) : 1));
    const f1 = i16x8.splat(<i16>(m > 1 ? (factor ? load<i32>(factor + (<usize>(j0 + 1) << 2)) : 1) : 0));
    const f2 = i16x8.splat(<i16>(m > 2 ? (factor ? load<i32>(factor + (<usize>(j0 + 2) << 2)) : 1) : 0));
    const f3 = i16x8.splat(<i16>(m > 3 ? (factor ? load<i32>(factor + (<usize>(j0 + 3) << 2)) : 1) : 0));
    // Rows past n read row j0 again (in bounds) and are multiplied by 0.
    const r0 = w + <usize>j0 * <usize>k;
    const r1 = m > 1 ? r0 + <usize>k : r0;
    const r2 = m > 2 ? r0 + <usize>(2 * k) : r0;
    const r3 = m > 3 ? r0 + <usize>(3 * k) : r0;
    for (let kk = 0; kk < kv; kk += 8) {
      const a0 = i16x8.mul(i16x8.sub(sg ? v128.load8x8_s(r0 + kk) : v128.load8x8_u(r0 + kk), vzp), f0);
      const a1 = i16x8.mul(i16x8.sub(sg ? v128.load8x8_s(r1 + kk) : v128.load8x8_u(r1 + kk), vzp), f1);
      const a2 = i16x8.mul(i16x8.sub(sg ? v128.load8x8_s(r2 + kk) : v128.load8x8_u(r2 + kk), vzp), f2);
      const a3 = i16x8.mul(i16x8.sub(sg ? v128.load8x8_s(r3 + kk) : v128.load8x8_u(r3 + kk), vzp), f3);
      const t0 = i32x4.shuffle(a0, a1, 0, 4, 1, 5);
      const t1 = i32x4.shuffle(a0, a1, 2, 6, 3, 7);
      const t2 = i32x4.shuffle(a2, a3, 0, 4, 1, 5);
      const t3 = i32x4.shuffle(a2, a3, 2, 6, 3, 7);
      const at = out + (<usize>kk << 4); // pair kk / 2 at 32 bytes each
      v128.store(at, i64x2.shuffle(t0, t2, 0, 2));
      v128.store(at + 32, i64x2.shuffle(t0, t2, 1, 3));
      v128.store(at + 64, i64x2.shuffle(t1, t3, 0, 2));
      v128.store(at + 96, i64x2.shuffle(t1, t3, 1, 3));
    }
    for (let c = 0; c < m; c++) {
      const f = factor ? load<i32>(factor + (<usize>(j0 + c) << 2)) : 1;
      const row = r0 + <usize>(c * k);
      const col = out + <usize>(c * 4);
      for (let kk = kv; kk < k; kk++) {
        store<i16>(col + (<usize>(kk >> 1) << 5) + (<usize>(kk & 1) << 1), <i16>((ld8(row + kk, sg) - wzp) * f));
      }
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

/** 2^x as an f64, exactly (x in -1022..1023). */
// @ts-ignore: decorator
@inline
function pow2(x: i32): f64 {
  return reinterpret<f64>(<i64>(1023 + x) << 52);
}

/** ToInt32 of 2^x as JavaScript stores it in an Int32Array: 0 below 2^0 or from 2^32, -2^31 at 2^31. */
// @ts-ignore: decorator
@inline
function pow2i32(x: i32): i32 {
  return x >= 0 && x < 32 ? 1 << x : 0;
}

/**
 * The per-column arrays of a requantization block (../requant_block.ts writeRequantBlock, whose
 * header the glue writes): at dst + 32, np = n rounded up to 8, int32 arrays bias, mult, C, hi,
 * lo, p2, shift of np each, then np int64. start, mult, shifts and factor hold n int32, constant n
 * f64 (NaN: live column). The values are those JavaScript's double arithmetic stored (C through
 * i64: an integer below 2^31 in every plan planRequant makes).
 */
export function pack_requant_block(
  dst: usize,
  n: i32,
  mode: i32,
  s: i32,
  zp: i32,
  start: usize,
  mult: usize,
  shifts: usize,
  factor: usize,
  constant: usize,
): void {
  const np = <usize>((n + 7) & ~7);
  const aBias = dst + 32;
  const aMult = aBias + (np << 2);
  const aC = aMult + (np << 2);
  const aHi = aC + (np << 2);
  const aLo = aHi + (np << 2);
  const aP2 = aLo + (np << 2);
  const aShift = aP2 + (np << 2);
  const aK = aShift + (np << 2);
  memory.fill(aBias, 0, np * 36);
  const half = pow2(s - 1);
  const unit = pow2(s);
  const perChannel = mode == 1 || mode == 4;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    const shift = load<i32>(shifts + o);
    store<i32>(aShift + o, shift);
    if (mode == 2) {
      store<i32>(aBias + o, load<i32>(start + o));
      store<i32>(aMult + o, load<i32>(mult + o));
      continue;
    }
    const c = load<f64>(constant + (<usize>j << 3));
    const live = c != c;
    const C = <i32><i64>(half + (live ? <f64>zp : <f64>zp + c) * unit);
    store<i32>(aC + o, C);
    if (live) {
      const e = shift < 0 ? -shift : 0;
      store<i32>(aBias + o, load<i32>(start + o) * load<i32>(factor + o));
      store<i32>(aMult + o, load<i32>(mult + o));
      store<i32>(aHi + o, pow2i32(e + 8));
      store<i32>(aLo + o, -pow2i32(e + 8));
      store<i32>(aP2 + o, perChannel ? pow2i32(s - e) : 1);
    } else {
      store<i32>(aHi + o, 256);
      store<i32>(aLo + o, -256);
      store<i32>(aP2 + o, 1);
    }
    store<i32>(aK + (<usize>j << 3), 0x80000000);
    store<i32>(aK + (<usize>j << 3) + 4, mode == 0 ? C : 0);
  }
}

/**
 * The column loop of ../requant_block.ts planRequant (its comments derive the tests): columns
 * with zeroWeights[j] keep the constant the caller wrote; dead columns get constant 0, live ones
 * NaN and factor 2^(1 + left). Returns mode | shift << 4 (mode 2: every constant NaN, factor 1).
 * The float64 expressions are JavaScript's, operation for operation.
 */
export function pack_plan_requant(
  n: i32,
  mult: usize,
  shifts: usize,
  bound: usize,
  zeroWeights: usize,
  factor: usize,
  constant: usize,
): i32 {
  let fast = true;
  let liveCount = 0;
  let e0 = 1;
  let same = true;
  let maxE = 1;
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    store<i32>(factor + o, 1);
    if (load<u8>(zeroWeights + <usize>j)) continue;
    const m = <f64>load<i32>(mult + o);
    const shift = load<i32>(shifts + o);
    const e = shift < 0 ? -shift : 0;
    const left = shift > 0 ? shift : 0;
    const b = load<f64>(bound + (<usize>j << 3));
    if (m == 0 || (e > 0 && left == 0 && Math.floor((b * m + pow2(30)) / pow2(31)) < pow2(e - 1))) {
      store<f64>(constant + (<usize>j << 3), 0);
      continue;
    }
    if (left > 6 || b * pow2(left) >= pow2(30) || e > 22) fast = false;
    store<f64>(constant + (<usize>j << 3), NaN);
    if (liveCount++ == 0) e0 = e;
    else if (e != e0) same = false;
    if (e > maxE) maxE = e;
  }
  if (!fast) {
    for (let j = 0; j < n; j++) store<f64>(constant + (<usize>j << 3), NaN);
    return 2;
  }
  const uniform = e0 >= 1 && e0 <= 21 && same;
  const d = uniform ? e0 : maxE;
  // Per-channel: can the clamp of q be skipped (planRequant's clampFree)?
  const limit = pow2(31) - pow2(d - 1) - 255 * pow2(d) - 1;
  let clampFree = true;
  for (let j = 0; j < n; j++) {
    const c = load<f64>(constant + (<usize>j << 3));
    if (c == c) continue; // constant column
    const shift = load<i32>(shifts + (<usize>j << 2));
    const e = shift < 0 ? -shift : 0;
    const left = shift > 0 ? shift : 0;
    store<i32>(factor + (<usize>j << 2), 1 << (1 + left));
    if (!uniform && clampFree) {
      const q =
        Math.floor((load<f64>(bound + (<usize>j << 3)) * pow2(left) * <f64>load<i32>(mult + (<usize>j << 2)) + pow2(30)) / pow2(31)) + 1;
      if (!(q <= pow2(e + 8) || q * pow2(d - e) < limit)) clampFree = false;
    }
  }
  return (uniform ? 0 : clampFree ? 4 : 1) | (d << 4);
}

/**
 * The column loop of ../requant_block.ts requantColumns: per column j < n, with bj = bias[j]
 * (f64; bias 0: none, bj = 0): b = ToInt32(bj), start = ToInt32(bj - zpIn * sum[j]) with the
 * product wrapped to int32 when fold, else b; bound = xr * abs[j] + |bj|; zeroWeights = abs == 0.
 * ToInt32 goes through i64 (exact for |value| < 2^63; biases are int32).
 */
export function pack_requant_columns(
  n: i32,
  bias: usize,
  sum: usize,
  abssum: usize,
  xr: f64,
  zpIn: i32,
  fold: i32,
  start: usize,
  b: usize,
  bound: usize,
  zeroWeights: usize,
): void {
  for (let j = 0; j < n; j++) {
    const o = <usize>j << 2;
    const o8 = <usize>j << 3;
    const bj = bias ? load<f64>(bias + o8) : 0.0;
    const bi = <i32><i64>bj;
    store<i32>(b + o, bi);
    store<i32>(start + o, fold ? <i32><i64>(bj - <f64>(zpIn * load<i32>(sum + o))) : bi);
    const a = load<f64>(abssum + o8);
    store<f64>(bound + o8, xr * a + Math.abs(bj));
    store<u8>(zeroWeights + <usize>j, a == 0 ? 1 : 0);
  }
}
