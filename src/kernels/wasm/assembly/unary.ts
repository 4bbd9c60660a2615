// Element-wise conversions and 8-bit tables:
// - lut8: y[i] = table[x[i]] for 8-bit x and y. Any element-wise op on an 8-bit tensor is a
//   function of the 256 input values; the plan (src/kernels/wasm/unary_wasm.ts) takes the table
//   from the reference kernel itself, so the outputs are the reference's by construction.
// - to_f32: y = float(scale * (q - zp)) for 8-bit q (DEQUANTIZE; CAST with scale 1, zp 0). The
//   reference rounds the double product once to float32; q - zp is exact in float32 and the
//   product of two float32 values rounded once is the same value: f32x4.mul.
// - from_f32: y = clamp(round(x / scale) + zp) for 8-bit y (QUANTIZE), TFLite's rounding half
//   away from zero of the float32 quotient. r + 0.5 computed in float32 would round up
//   0.49999997 (the reference adds in double), so the lanes add copysign(0.49999997, r) (the
//   largest float below 0.5) and truncate: for every float32 r that equals round half away from
//   zero (a tie r = k + 0.5 sums to k + 0.99999997, which rounds to k + 1 in float32; below a tie
//   the sum stays below k + 1). The quotient is clamped to +-2^16 before the conversion
//   (outputs saturate long before; NaN converts to 0 as the reference's q !== q case).

import { pa, pf, pi, splitAt } from './params';

export const U_N = 0;
export const U_X = 1;
export const U_Y = 2;
export const U_TABLE = 3; // lut8: 256 bytes
export const U_SCALE = 4; // f32
export const U_ZP = 5;
export const U_SIGNED = 6; // the 8-bit side is int8
export const U_QMIN = 7;
export const U_QMAX = 8;

/** Job: part `chunk` of y = table[x] over 8-bit elements. */
export function lut8_job(p: usize, chunk: i32, chunks: i32): void {
  const n = pi(p, U_N);
  const i0 = <usize>splitAt(n, chunk, chunks, 16);
  const i1 = <usize>splitAt(n, chunk + 1, chunks, 16);
  const x = pa(p, U_X);
  const y = pa(p, U_Y);
  const t = pa(p, U_TABLE);
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const w = load<u32>(x + i);
    const o =
      <u32>load<u8>(t + (w & 0xff)) |
      (<u32>load<u8>(t + ((w >> 8) & 0xff)) << 8) |
      (<u32>load<u8>(t + ((w >> 16) & 0xff)) << 16) |
      (<u32>load<u8>(t + (w >> 24)) << 24);
    store<u32>(y + i, o);
  }
  for (; i < i1; i++) store<u8>(y + i, load<u8>(t + <usize>load<u8>(x + i)));
}

/** Job: part `chunk` of y = float(scale * (q - zp)) for 8-bit q. */
export function to_f32_job(p: usize, chunk: i32, chunks: i32): void {
  const n = pi(p, U_N);
  const i0 = <usize>splitAt(n, chunk, chunks, 16);
  const i1 = <usize>splitAt(n, chunk + 1, chunks, 16);
  const x = pa(p, U_X);
  const y = pa(p, U_Y);
  const signed = pi(p, U_SIGNED) != 0;
  const scale = pf(p, U_SCALE);
  const zp = pi(p, U_ZP);
  const vs = f32x4.splat(scale);
  const vz = i16x8.splat(<i16>zp);
  let i = i0;
  for (; i + 8 <= i1; i += 8) {
    const q = i16x8.sub(signed ? v128.load8x8_s(x + i) : v128.load8x8_u(x + i), vz);
    const o = y + (i << 2);
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_low_i16x8_s(q)), vs));
    v128.store(o, f32x4.mul(f32x4.convert_i32x4_s(i32x4.extend_high_i16x8_s(q)), vs), 16);
  }
  for (; i < i1; i++) {
    const q = signed ? <i32>load<i8>(x + i) : <i32>load<u8>(x + i);
    store<f32>(y + (i << 2), <f32>(q - zp) * scale);
  }
}

/** Job: part `chunk` of y = clamp(round(x / scale) + zp) for float32 x, 8-bit y. */
export function from_f32_job(p: usize, chunk: i32, chunks: i32): void {
  const n = pi(p, U_N);
  const i0 = <usize>splitAt(n, chunk, chunks, 16);
  const i1 = <usize>splitAt(n, chunk + 1, chunks, 16);
  const x = pa(p, U_X);
  const y = pa(p, U_Y);
  const signed = pi(p, U_SIGNED) != 0;
  const scale = pf(p, U_SCALE);
  const zp = pi(p, U_ZP);
  const qmin = pi(p, U_QMIN);
  const qmax = pi(p, U_QMAX);
  const vs = f32x4.splat(scale);
  const vz = i32x4.splat(zp);
  const half = f32x4.splat(0.49999997);
  const sign = i32x4.splat(0x80000000);
  const big = f32x4.splat(65536);
  const nbig = f32x4.splat(-65536);
  const vmin = i16x8.splat(<i16>qmin);
  const vmax = i16x8.splat(<i16>qmax);
  let i = i0;
  for (; i + 8 <= i1; i += 8) {
    const xp = x + (i << 2);
    let r0 = f32x4.div(v128.load(xp), vs);
    let r1 = f32x4.div(v128.load(xp, 16), vs);
    r0 = f32x4.max(f32x4.min(f32x4.add(r0, v128.or(half, v128.and(r0, sign))), big), nbig);
    r1 = f32x4.max(f32x4.min(f32x4.add(r1, v128.or(half, v128.and(r1, sign))), big), nbig);
    const q0 = i32x4.add(i32x4.trunc_sat_f32x4_s(r0), vz);
    const q1 = i32x4.add(i32x4.trunc_sat_f32x4_s(r1), vz);
    const h = i16x8.min_s(i16x8.max_s(i16x8.narrow_i32x4_s(q0, q1), vmin), vmax);
    v128.store64_lane(y + i, signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h), 0);
  }
  for (; i < i1; i++) {
    let r = load<f32>(x + (i << 2)) / scale;
    r = r + (r < 0 ? <f32>-0.49999997 : <f32>0.49999997);
    r = r > 65536 ? 65536 : r < -65536 ? -65536 : r;
    let q = (r != r ? 0 : <i32>r) + zp;
    q = q < qmin ? qmin : q > qmax ? qmax : q;
    store<u8>(y + i, <u8>q);
  }
}
