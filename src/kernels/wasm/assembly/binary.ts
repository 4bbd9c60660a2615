// ADD, SUB and MUL with broadcasting, float32 and uint8 / int8, and float32 DIV, bit-exact with
// the reference kernels (src/kernels/elementwise/add_sub.ts, mul.ts, div.ts).
//
// Shapes: the reference's broadcast plan coalesces the output into at most 4 dims here,
// [D0, D1, D2, N]; each input has an element stride per outer dim and an inner stride of 1 (read
// contiguously) or 0 (one value repeated along the row). The job splits the D0*D1*D2 rows
// across threads; a row runs 8 (quantized) or 4 (float) lanes at a time, then a scalar tail.
//
// Float: y = op(a, b) in float32 (IEEE add, sub, mul, div: the reference's double result rounded
// once is the same value; double rounding is innocuous for these four), then the activation clamp as the reference writes it, v < lo ? lo : v > hi ?
// hi : v, which is f32x4.pmax(v, lo) then f32x4.pmin(v, hi) (NaN and -0 kept alike).
//
// Quantized (TFLite's general rescaling, reference add.h / sub.h / mul.h):
//   ADD/SUB: x1 = MBQMSmallerThanOne((a + off1) << 20, m1, -e1), x2 likewise, raw = x1 +- x2
//   MUL:     raw = (a + off1) * (b + off2)
//   y = clamp(MBQM(raw, mo, shift_o) + zp, lo, hi)
// Every MultiplyByQuantizedMultiplier here has a bounded input (|(a + off) << 20| < 2^28,
// |raw| < 2^29 for ADD/SUB and < 2^16 for MUL), so requantize.ts's exact integer form applies:
// with 2x as the accumulator the high words of i64x2.extmul(2x, m) + 2^31 + C * 2^32 are
// q + C, C = 2^(e-1), and r = (q + C - [q < 0]) >> e is the rounding divide. An output multiplier
// above one (SUB, MUL: shift > 0) shifts raw left first (wrapping, as the reference), then the
// doubling high multiply alone, its high word taken after a logical 64-bit shift by 31.

import { pa, pf, pi, splitAt } from './params';

export const B_OP = 0; // 0 ADD, 1 SUB, 2 MUL, 3 DIV (float32)
export const B_DTYPE = 1; // 0 float32, 1 uint8, 2 int8
export const B_ROWS = 2; // D0 * D1 * D2
export const B_D1 = 3;
export const B_D2 = 4;
export const B_N = 5; // row length
export const B_A = 6;
export const B_A0 = 7; // element strides of the outer dims
export const B_A1 = 8;
export const B_A2 = 9;
export const B_SA = 10; // inner stride, 0 or 1
export const B_B = 11;
export const B_B0 = 12;
export const B_B1 = 13;
export const B_B2 = 14;
export const B_SB = 15;
export const B_Y = 16;
export const B_LO = 17; // float: f32 clamp; quantized: qmin
export const B_HI = 18;
export const B_OFF1 = 19;
export const B_M1 = 20;
export const B_E1 = 21; // right shift of input 1 (>= 0)
export const B_OFF2 = 22;
export const B_M2 = 23;
export const B_E2 = 24;
export const B_MO = 25;
export const B_LEFT = 26; // left shift of the output multiplier (> 0: no right shift)
export const B_EO = 27; // right shift of the output multiplier
export const B_ZP = 28;

// Doubling high multiply and rounding divide of a bounded 2x (see the file comment); k holds
// 2^31 + C * 2^32 in both 64-bit lanes, c = C = 2^(e-1) (e = 0: k = 2^31, no divide).
// @ts-ignore: decorator
@inline
function mbqmBounded(x2: v128, m: v128, k: v128, c: v128, e: i32): v128 {
  const lo = i64x2.add(i64x2.extmul_low_i32x4_s(x2, m), k);
  const hi = i64x2.add(i64x2.extmul_high_i32x4_s(x2, m), k);
  const v = i32x4.shuffle(lo, hi, 1, 3, 5, 7);
  if (e == 0) return v;
  return i32x4.shr_s(i32x4.add(v, i32x4.lt_s(v, c)), e);
}

// SaturatingRoundingDoublingHighMul(x << left, m) for any int32 x (left > 0: no divide after it).
// @ts-ignore: decorator
@inline
function srdhmLeft(x: v128, m: v128, left: i32): v128 {
  const s = i32x4.shl(x, left);
  const half = i64x2.splat(1 << 30);
  const lo = i64x2.shr_u(i64x2.add(i64x2.extmul_low_i32x4_s(s, m), half), 31);
  const hi = i64x2.shr_u(i64x2.add(i64x2.extmul_high_i32x4_s(s, m), half), 31);
  return i32x4.shuffle(lo, hi, 0, 2, 4, 6);
}

// Scalar forms (tails): the reference formulas with a 64-bit product.
// @ts-ignore: decorator
@inline
function mbqm1(x: i32, m: i32, left: i32, e: i32): i32 {
  const q = <i32>((<i64>(x << left) * <i64>m + (1 << 30)) >> 31);
  const mask = (1 << e) - 1;
  const threshold = (mask >> 1) + (q < 0 ? 1 : 0);
  return (q >> e) + ((q & mask) > threshold ? 1 : 0);
}

// Per-op constants of the quantized formula as vectors, set up once per job part. They are wasm
// globals (module-level variables), so every thread's instance has its own.
let qOp: i32 = 0;
let qOff1: v128 = i32x4.splat(0);
let qOff2: v128 = i32x4.splat(0);
let qM1: v128 = i32x4.splat(0);
let qM2: v128 = i32x4.splat(0);
let qMo: v128 = i32x4.splat(0);
let qK1: v128 = i32x4.splat(0);
let qK2: v128 = i32x4.splat(0);
let qKo: v128 = i32x4.splat(0);
let qC1: v128 = i32x4.splat(0);
let qC2: v128 = i32x4.splat(0);
let qCo: v128 = i32x4.splat(0);
let qE1: i32 = 0;
let qE2: i32 = 0;
let qEo: i32 = 0;
let qLeft: i32 = 0;
let qZp: v128 = i32x4.splat(0);
let qMin: v128 = i32x4.splat(0);
let qMax: v128 = i32x4.splat(0);

// @ts-ignore: decorator
@inline
function roundingK(e: i32): v128 {
  return e == 0 ? i64x2.splat(0x80000000) : i64x2.splat(0x80000000 + (<i64>1 << (<i64>e - 1 + 32)));
}

function setupQ8(p: usize): void {
  qOp = pi(p, B_OP);
  qOff1 = i32x4.splat(pi(p, B_OFF1));
  qOff2 = i32x4.splat(pi(p, B_OFF2));
  qM1 = i32x4.splat(pi(p, B_M1));
  qM2 = i32x4.splat(pi(p, B_M2));
  qMo = i32x4.splat(pi(p, B_MO));
  qE1 = pi(p, B_E1);
  qE2 = pi(p, B_E2);
  qEo = pi(p, B_EO);
  qLeft = pi(p, B_LEFT);
  qK1 = roundingK(qE1);
  qK2 = roundingK(qE2);
  qKo = roundingK(qEo);
  qC1 = i32x4.splat(qE1 == 0 ? 0 : 1 << (qE1 - 1));
  qC2 = i32x4.splat(qE2 == 0 ? 0 : 1 << (qE2 - 1));
  qCo = i32x4.splat(qEo == 0 ? 0 : 1 << (qEo - 1));
  qZp = i32x4.splat(pi(p, B_ZP));
  qMin = i16x8.splat(<i16>pi(p, B_LO));
  qMax = i16x8.splat(<i16>pi(p, B_HI));
}

// 4 lanes of the quantized formula on widened inputs a, b (int32); returns r + zp.
// @ts-ignore: decorator
@inline
function q8Lanes(a: v128, b: v128): v128 {
  let raw: v128;
  if (qOp == 2) {
    raw = i32x4.mul(i32x4.add(a, qOff1), i32x4.add(b, qOff2));
  } else {
    const x1 = mbqmBounded(i32x4.shl(i32x4.add(a, qOff1), 21), qM1, qK1, qC1, qE1);
    const x2 = mbqmBounded(i32x4.shl(i32x4.add(b, qOff2), 21), qM2, qK2, qC2, qE2);
    raw = qOp == 1 ? i32x4.sub(x1, x2) : i32x4.add(x1, x2);
  }
  const r = qLeft > 0 ? srdhmLeft(raw, qMo, qLeft) : mbqmBounded(i32x4.shl(raw, 1), qMo, qKo, qCo, qEo);
  return i32x4.add(r, qZp);
}

// @ts-ignore: decorator
@inline
function load8<T>(p: usize): v128 {
  return isSigned<T>() ? v128.load8x8_s(p) : v128.load8x8_u(p);
}

// @ts-ignore: decorator
@inline
function load1<T>(p: usize): i32 {
  return isSigned<T>() ? <i32>load<i8>(p) : <i32>load<u8>(p);
}

function q8Row<T>(p: usize, a: usize, sa: usize, b: usize, sb: usize, y: usize, n: i32): void {
  // A broadcast operand (stride 0) is one value splatted to all lanes.
  const va0 = isSigned<T>() ? i16x8.splat(<i16>load<i8>(a)) : i16x8.splat(<i16>load<u8>(a));
  const vb0 = isSigned<T>() ? i16x8.splat(<i16>load<i8>(b)) : i16x8.splat(<i16>load<u8>(b));
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const va = sa ? load8<T>(a + <usize>i) : va0;
    const vb = sb ? load8<T>(b + <usize>i) : vb0;
    const r0 = q8Lanes(i32x4.extend_low_i16x8_s(va), i32x4.extend_low_i16x8_s(vb));
    const r1 = q8Lanes(i32x4.extend_high_i16x8_s(va), i32x4.extend_high_i16x8_s(vb));
    const h = i16x8.min_s(i16x8.max_s(i16x8.narrow_i32x4_s(r0, r1), qMin), qMax);
    v128.store64_lane(y + <usize>i, isSigned<T>() ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0);
  }
  const op = pi(p, B_OP);
  const off1 = pi(p, B_OFF1);
  const off2 = pi(p, B_OFF2);
  const mo = pi(p, B_MO);
  const left = pi(p, B_LEFT);
  const eo = pi(p, B_EO);
  const lo = pi(p, B_LO);
  const hi = pi(p, B_HI);
  for (; i < n; i++) {
    const av = load1<T>(a + <usize>i * sa) + off1;
    const bv = load1<T>(b + <usize>i * sb) + off2;
    let raw: i32;
    if (op == 2) raw = av * bv;
    else {
      const x1 = mbqm1(av << 20, pi(p, B_M1), 0, pi(p, B_E1));
      const x2 = mbqm1(bv << 20, pi(p, B_M2), 0, pi(p, B_E2));
      raw = op == 1 ? x1 - x2 : x1 + x2;
    }
    let r = mbqm1(raw, mo, left, eo) + pi(p, B_ZP);
    r = r < lo ? lo : r > hi ? hi : r;
    store<u8>(y + <usize>i, <u8>r);
  }
}

function f32Row(op: i32, a: usize, sa: usize, b: usize, sb: usize, y: usize, n: i32, lo: f32, hi: f32): void {
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const va0 = v128.load32_splat(a);
  const vb0 = v128.load32_splat(b);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const va = sa ? v128.load(a + o) : va0;
    const vb = sb ? v128.load(b + o) : vb0;
    let v = op == 0 ? f32x4.add(va, vb) : op == 1 ? f32x4.sub(va, vb) : op == 2 ? f32x4.mul(va, vb) : f32x4.div(va, vb);
    v = f32x4.pmin(f32x4.pmax(v, vlo), vhi);
    v128.store(y + o, v);
  }
  for (; i < n; i++) {
    const x = load<f32>(a + ((<usize>i * sa) << 2));
    const z = load<f32>(b + ((<usize>i * sb) << 2));
    let v: f32 = op == 0 ? x + z : op == 1 ? x - z : op == 2 ? x * z : x / z;
    v = v < lo ? lo : v > hi ? hi : v;
    store<f32>(y + (<usize>i << 2), v);
  }
}

/** Job: rows of part `chunk` of a broadcast ADD / SUB / MUL. */
export function binary_job(p: usize, chunk: i32, chunks: i32): void {
  const rows = pi(p, B_ROWS);
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  if (r0 >= r1) return;
  const dtype = pi(p, B_DTYPE);
  const es: usize = dtype == 0 ? 4 : 1;
  const d1 = pi(p, B_D1);
  const d2 = pi(p, B_D2);
  const n = pi(p, B_N);
  const a = pa(p, B_A);
  const b = pa(p, B_B);
  const y = pa(p, B_Y);
  const sa = pa(p, B_SA);
  const sb = pa(p, B_SB);
  const op = pi(p, B_OP);
  if (dtype != 0) setupQ8(p);
  for (let r = r0; r < r1; r++) {
    const i2 = r % d2;
    const t = r / d2;
    const i1 = t % d1;
    const i0 = t / d1;
    const ao = a + <usize>(i0 * pi(p, B_A0) + i1 * pi(p, B_A1) + i2 * pi(p, B_A2)) * es;
    const bo = b + <usize>(i0 * pi(p, B_B0) + i1 * pi(p, B_B1) + i2 * pi(p, B_B2)) * es;
    const yo = y + <usize>r * <usize>n * es;
    if (dtype == 0) f32Row(op, ao, sa, bo, sb, yo, n, pf(p, B_LO), pf(p, B_HI));
    else if (dtype == 1) q8Row<u8>(p, ao, sa, bo, sb, yo, n);
    else q8Row<i8>(p, ao, sa, bo, sb, yo, n);
  }
}
