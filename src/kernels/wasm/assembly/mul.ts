// Quantized MUL of uint8 / int8 tensors, TFLite's MulElementwise bit-exact with the reference:
//   y = clamp(zpOut + MBQM((a - zpA) * (b - zpB), m, shift), lo, hi)
// over rows x C elements, where b either has the same shape (row stride C), repeats one row of C
// values for every row of a (the per-channel scales of squeeze-and-excitation blocks: row
// stride 0), or is a single value (scalar flag). The shift is the same for every lane, so the
// shifts of MultiplyByQuantizedMultiplier use the vector shift instructions.

import { pa, pi, splitAt } from './params';

export const M_ROWS = 0;
export const M_C = 1;
export const M_A = 2;
export const M_B = 3;
export const M_Y = 4;
export const M_B_ROW_STRIDE = 5; // C or 0
export const M_B_SCALAR = 6;
export const M_OFF_A = 7;
export const M_OFF_B = 8;
export const M_ZP_OUT = 9;
export const M_MULT = 10;
export const M_LEFT = 11; // max(shift, 0)
export const M_RIGHT = 12; // max(-shift, 0)
export const M_LO = 13;
export const M_HI = 14;
export const M_SIGNED = 15;

// @ts-ignore: decorator
@inline
function mbqm4(x: v128, m: v128, left: i32, right: i32, mask: v128, half: v128): v128 {
  const s = i32x4.shl(x, left);
  const r30 = i64x2.splat(1 << 30);
  const lo = i64x2.shr_s(i64x2.add(i64x2.extmul_low_i32x4_s(s, m), r30), 31);
  const hi = i64x2.shr_s(i64x2.add(i64x2.extmul_high_i32x4_s(s, m), r30), 31);
  const q = i32x4.shuffle(lo, hi, 0, 2, 4, 6);
  const threshold = i32x4.sub(half, i32x4.lt_s(q, i32x4.splat(0)));
  return i32x4.sub(i32x4.shr_s(q, right), i32x4.gt_s(v128.and(q, mask), threshold));
}

// @ts-ignore: decorator
@inline
function mbqm1(x: i32, m: i32, left: i32, right: i32): i32 {
  const q = <i32>((<i64>(x << left) * <i64>m + (1 << 30)) >> 31);
  const mask = (1 << right) - 1;
  const threshold = (mask >> 1) + (q < 0 ? 1 : 0);
  return (q >> right) + ((q & mask) > threshold ? 1 : 0);
}

// @ts-ignore: decorator
@inline
function load8<T>(p: usize): v128 {
  if (isSigned<T>()) return v128.load8x8_s(p);
  return v128.load8x8_u(p);
}

// @ts-ignore: decorator
@inline
function load1<T>(p: usize): i32 {
  if (isSigned<T>()) return <i32>load<i8>(p);
  return <i32>load<u8>(p);
}

function mulRows<T>(p: usize, r0: i32, r1: i32): void {
  const C = pi(p, M_C);
  const a = pa(p, M_A);
  const b = pa(p, M_B);
  const y = pa(p, M_Y);
  const bStride = <usize>pi(p, M_B_ROW_STRIDE);
  const bScalar = pi(p, M_B_SCALAR) != 0;
  const offA = pi(p, M_OFF_A);
  const offB = pi(p, M_OFF_B);
  const zp = pi(p, M_ZP_OUT);
  const m = pi(p, M_MULT);
  const left = pi(p, M_LEFT);
  const right = pi(p, M_RIGHT);
  const lo = pi(p, M_LO);
  const hi = pi(p, M_HI);
  const vOffA = i16x8.splat(<i16>offA);
  const vOffB = i16x8.splat(<i16>offB);
  const vm = i32x4.splat(m);
  const mask = i32x4.splat((1 << right) - 1);
  const half = i32x4.splat(((1 << right) - 1) >> 1);
  const vzp = i32x4.splat(zp);
  const vlo = i32x4.splat(lo);
  const vhi = i32x4.splat(hi);
  const bs = load1<T>(b) + offB;
  const vbs = i16x8.splat(<i16>bs);
  for (let r = r0; r < r1; r++) {
    const ar = a + <usize>r * <usize>C;
    const br = b + <usize>r * bStride;
    const yr = y + <usize>r * <usize>C;
    let c = 0;
    for (; c + 8 <= C; c += 8) {
      const va = i16x8.add(load8<T>(ar + c), vOffA);
      const vb = bScalar ? vbs : i16x8.add(load8<T>(br + c), vOffB);
      let p0 = i32x4.add(mbqm4(i32x4.extmul_low_i16x8_s(va, vb), vm, left, right, mask, half), vzp);
      let p1 = i32x4.add(mbqm4(i32x4.extmul_high_i16x8_s(va, vb), vm, left, right, mask, half), vzp);
      p0 = i32x4.min_s(i32x4.max_s(p0, vlo), vhi);
      p1 = i32x4.min_s(i32x4.max_s(p1, vlo), vhi);
      const h = i16x8.narrow_i32x4_s(p0, p1);
      const v = isSigned<T>() ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
      v128.store64_lane(yr + c, v, 0);
    }
    for (; c < C; c++) {
      const vb = bScalar ? bs : load1<T>(br + c) + offB;
      let v = zp + mbqm1((load1<T>(ar + c) + offA) * vb, m, left, right);
      v = v < lo ? lo : v > hi ? hi : v;
      store<u8>(yr + c, <u8>v);
    }
  }
}

/** Job: rows of part `chunk` of a quantized MUL. */
export function q8_mul_job(p: usize, chunk: i32, chunks: i32): void {
  const rows = pi(p, M_ROWS);
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  if (pi(p, M_SIGNED)) mulRows<i8>(p, r0, r1);
  else mulRows<u8>(p, r0, r1);
}
