// Quantized ADD of two uint8 / int8 tensors of the same shape, TFLite's general rescaling
// (reference add.h, ArithmeticParams), bit-exact with the reference kernel:
//   x1 = MBQM_smaller_than_one((a - zp1) << leftShift, m1, s1)   (same for b)
//   y  = clamp(MBQM(x1 + x2, mo, so) + zpOut, lo, hi)
// Every multiplier here has a shift <= 0 that is the same for all lanes, so the rounding divide by
// 2^e uses the vector shifts directly (TFLite's RoundingDivideByPOT with mask and threshold).

import { pa, pi, splitAt } from './params';

export const A_N = 0;
export const A_A = 1;
export const A_B = 2;
export const A_Y = 3;
export const A_OFF1 = 4;
export const A_M1 = 5;
export const A_E1 = 6; // right shift (>= 0)
export const A_OFF2 = 7;
export const A_M2 = 8;
export const A_E2 = 9;
export const A_ZP_OUT = 10;
export const A_MO = 11;
export const A_EO = 12;
export const A_LO = 13;
export const A_HI = 14;
export const A_LEFT = 15;
export const A_SIGNED = 16;

// @ts-ignore: decorator
@inline
function srdhm(x: v128, m: v128): v128 {
  const half = i64x2.splat(1 << 30);
  const lo = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(x, m), half), 31);
  const hi = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(x, m), half), 31);
  return i32x4.shuffle(lo, hi, 0, 2, 4, 6);
}

// @ts-ignore: decorator
@inline
function rdbpot(x: v128, e: i32, mask: v128, half: v128): v128 {
  const rem = v128.and(x, mask);
  const threshold = i32x4.sub(half, i32x4.lt_s(x, i32x4.splat(0)));
  return i32x4.sub(i32x4.shr_s(x, e), i32x4.gt_s(rem, threshold));
}

// @ts-ignore: decorator
@inline
function rdbpot1(x: i32, e: i32): i32 {
  const mask = (1 << e) - 1;
  const threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> e) + ((x & mask) > threshold ? 1 : 0);
}

// @ts-ignore: decorator
@inline
function srdhm1(x: i32, m: i32): i32 {
  return <i32>((<i64>x * <i64>m + (1 << 30)) >> 31);
}

function addRange<T>(p: usize, i0: i32, i1: i32): void {
  const a = pa(p, A_A);
  const b = pa(p, A_B);
  const y = pa(p, A_Y);
  const off1 = pi(p, A_OFF1);
  const off2 = pi(p, A_OFF2);
  const m1 = pi(p, A_M1);
  const m2 = pi(p, A_M2);
  const mo = pi(p, A_MO);
  const e1 = pi(p, A_E1);
  const e2 = pi(p, A_E2);
  const eo = pi(p, A_EO);
  const zpOut = pi(p, A_ZP_OUT);
  const lo = pi(p, A_LO);
  const hi = pi(p, A_HI);
  const left = pi(p, A_LEFT);
  const voff1 = i32x4.splat(off1);
  const voff2 = i32x4.splat(off2);
  const vm1 = i32x4.splat(m1);
  const vm2 = i32x4.splat(m2);
  const vmo = i32x4.splat(mo);
  const mask1 = i32x4.splat((1 << e1) - 1);
  const mask2 = i32x4.splat((1 << e2) - 1);
  const masko = i32x4.splat((1 << eo) - 1);
  const half1 = i32x4.splat(((1 << e1) - 1) >> 1);
  const half2 = i32x4.splat(((1 << e2) - 1) >> 1);
  const halfo = i32x4.splat(((1 << eo) - 1) >> 1);
  const vzp = i32x4.splat(zpOut);
  const vlo = i32x4.splat(lo);
  const vhi = i32x4.splat(hi);
  let i = i0;
  for (; i + 8 <= i1; i += 8) {
    const va = isSigned<T>() ? v128.load8x8_s(a + i) : v128.load8x8_u(a + i);
    const vb = isSigned<T>() ? v128.load8x8_s(b + i) : v128.load8x8_u(b + i);
    let r0: v128, r1: v128;
    {
      const x1 = rdbpot(srdhm(i32x4.shl(i32x4.add(i32x4.extend_low_i16x8_s(va), voff1), left), vm1), e1, mask1, half1);
      const x2 = rdbpot(srdhm(i32x4.shl(i32x4.add(i32x4.extend_low_i16x8_s(vb), voff2), left), vm2), e2, mask2, half2);
      r0 = i32x4.add(rdbpot(srdhm(i32x4.add(x1, x2), vmo), eo, masko, halfo), vzp);
    }
    {
      const x1 = rdbpot(srdhm(i32x4.shl(i32x4.add(i32x4.extend_high_i16x8_s(va), voff1), left), vm1), e1, mask1, half1);
      const x2 = rdbpot(srdhm(i32x4.shl(i32x4.add(i32x4.extend_high_i16x8_s(vb), voff2), left), vm2), e2, mask2, half2);
      r1 = i32x4.add(rdbpot(srdhm(i32x4.add(x1, x2), vmo), eo, masko, halfo), vzp);
    }
    r0 = i32x4.min_s(i32x4.max_s(r0, vlo), vhi);
    r1 = i32x4.min_s(i32x4.max_s(r1, vlo), vhi);
    const h = i16x8.narrow_i32x4_s(r0, r1);
    const v = isSigned<T>() ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
    v128.store64_lane(y + i, v, 0);
  }
  for (; i < i1; i++) {
    const ai = isSigned<T>() ? <i32>load<i8>(a + i) : <i32>load<u8>(a + i);
    const bi = isSigned<T>() ? <i32>load<i8>(b + i) : <i32>load<u8>(b + i);
    const x1 = rdbpot1(srdhm1((ai + off1) << left, m1), e1);
    const x2 = rdbpot1(srdhm1((bi + off2) << left, m2), e2);
    let r = rdbpot1(srdhm1(x1 + x2, mo), eo) + zpOut;
    r = r < lo ? lo : r > hi ? hi : r;
    store<u8>(y + i, <u8>r);
  }
}

/** Job: elements of part `chunk` of a quantized ADD. */
export function q8_add_job(p: usize, chunk: i32, chunks: i32): void {
  const n = pi(p, A_N);
  const i0 = splitAt(n, chunk, chunks, 16);
  const i1 = splitAt(n, chunk + 1, chunks, 16);
  if (pi(p, A_SIGNED)) addRange<i8>(p, i0, i1);
  else addRange<u8>(p, i0, i1);
}
