// TFLite's per-channel requantization, bit-exact with the reference kernels (double rounding,
// src/kernels/internal/multiply_by_quantized_multiplier.ts):
//   x = acc + bias;  x = x * 2^left (wrapping, left = max(shift, 0))
//   q = SaturatingRoundingDoublingHighMul(x, m) = floor((x * m + 2^30) / 2^31)
//       (TFLite's nudge 1 - 2^30 for negative products and truncating division give the same
//       value as this round-half-up floor; m >= 0 never equals INT32_MIN, so no saturation)
//   r = RoundingDivideByPOT(q, e), e = max(-shift, 0): round half away from zero of q / 2^e
//   y = clamp(r + zeroPoint, qmin, qmax)
// Wasm SIMD has no per-lane variable shifts, so the vector form multiplies by 2^left (i32x4.mul
// wraps as the C++ shift does), takes the 64-bit products with i64x2.extmul, and divides by 2^e in
// f64 lanes: q * 2^-e is exact (q has at most 31 significant bits), adding +-0.5 is exact, and
// truncation toward zero then equals round-half-away-from-zero.
//
// Per-column parameters are stored as four arrays of `np` entries (np = columns rounded up to 8):
//   [biasAdj i32][multiplier i32][2^left i32][2^-e f64][shift i32]

export const RQ_BIAS: usize = 0;

/** Byte offset of each per-column array in a requantization block of `np` columns. */
// @ts-ignore: decorator
@inline
export function rqMult(np: usize): usize {
  return np << 2;
}
// @ts-ignore: decorator
@inline
export function rqLeft(np: usize): usize {
  return np << 3;
}
// @ts-ignore: decorator
@inline
export function rqScale(np: usize): usize {
  return np * 12;
}
// @ts-ignore: decorator
@inline
export function rqShift(np: usize): usize {
  return np * 20;
}

/** Requantizes 4 int32 accumulators of columns at `rq + 4*col` (see the file comment). */
// @ts-ignore: decorator
@inline
export function requant4(acc: v128, rq: usize, np: usize, col: usize, zp: v128, qmin: v128, qmax: v128): v128 {
  const o = col << 2;
  let x = i32x4.add(acc, v128.load(rq + o));
  x = i32x4.mul(x, v128.load(rq + rqLeft(np) + o));
  const m = v128.load(rq + rqMult(np) + o);
  const half = i64x2.splat(1 << 30);
  const plo = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), half), 31);
  const phi = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), half), 31);
  const q = i32x4.shuffle(plo, phi, 0, 2, 4, 6);
  const so = rq + rqScale(np) + (col << 3);
  const sign = i64x2.splat(0x8000000000000000);
  const pointFive = f64x2.splat(0.5);
  let d0 = f64x2.mul(f64x2.convert_low_i32x4_s(q), v128.load(so));
  d0 = f64x2.add(d0, v128.or(pointFive, v128.and(d0, sign)));
  let d1 = f64x2.mul(f64x2.convert_low_i32x4_s(i32x4.shuffle(q, q, 2, 3, 2, 3)), v128.load(so, 16));
  d1 = f64x2.add(d1, v128.or(pointFive, v128.and(d1, sign)));
  let r = i32x4.shuffle(i32x4.trunc_sat_f64x2_s_zero(d0), i32x4.trunc_sat_f64x2_s_zero(d1), 0, 1, 4, 5);
  r = i32x4.add(r, zp);
  return i32x4.min_s(i32x4.max_s(r, qmin), qmax);
}

/** Scalar form of requant4 for one column (tails). */
// @ts-ignore: decorator
@inline
export function requant1(acc: i32, rq: usize, np: usize, col: usize, zp: i32, qmin: i32, qmax: i32): i32 {
  const o = col << 2;
  const shift = load<i32>(rq + rqShift(np) + o);
  const left = shift > 0 ? shift : 0;
  const e = shift > 0 ? 0 : -shift;
  const x = (acc + load<i32>(rq + o)) << left;
  const q = <i32>((<i64>x * <i64>load<i32>(rq + rqMult(np) + o) + (1 << 30)) >> 31);
  const mask = (1 << e) - 1;
  const threshold = (mask >> 1) + (q < 0 ? 1 : 0);
  let r = (q >> e) + ((q & mask) > threshold ? 1 : 0);
  r += zp;
  return r < qmin ? qmin : r > qmax ? qmax : r;
}

/**
 * requant4 when every column has the same shift (per-tensor quantization; `shift` given, not
 * read): the rounding divide uses the vector shifts (TFLite's RoundingDivideByPOT with mask and
 * threshold) instead of the float64 lanes, about half the instructions.
 */
// @ts-ignore: decorator
@inline
export function requant4u(acc: v128, rq: usize, np: usize, col: usize, shift: i32, zp: v128, qmin: v128, qmax: v128): v128 {
  const o = col << 2;
  let x = i32x4.add(acc, v128.load(rq + o));
  if (shift > 0) x = i32x4.shl(x, shift);
  const m = v128.load(rq + rqMult(np) + o);
  const half = i64x2.splat(1 << 30);
  const plo = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), half), 31);
  const phi = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), half), 31);
  const q = i32x4.shuffle(plo, phi, 0, 2, 4, 6);
  let r = q;
  if (shift < 0) {
    const e = -shift;
    const mask = i32x4.splat((1 << e) - 1);
    const threshold = i32x4.sub(i32x4.splat(((1 << e) - 1) >> 1), i32x4.lt_s(q, i32x4.splat(0)));
    r = i32x4.sub(i32x4.shr_s(q, e), i32x4.gt_s(v128.and(q, mask), threshold));
  }
  r = i32x4.add(r, zp);
  return i32x4.min_s(i32x4.max_s(r, qmin), qmax);
}

/**
 * Returns the shift shared by all n columns plus 64, or 0 when they differ (the parameter word
 * that selects requant4u).
 */
export function uniformShiftWord(rq: usize, np: usize, n: i32): i32 {
  const s0 = load<i32>(rq + rqShift(np));
  for (let j = 1; j < n; j++) if (load<i32>(rq + rqShift(np) + (<usize>j << 2)) != s0) return 0;
  return s0 + 64;
}
