// Global spatial pooling of NHWC tensors: AVERAGE_POOL_2D whose window covers the whole image
// (one output pixel) and MEAN over the height and width axes, bit-exact with the reference
// kernels (src/kernels/pooling/pool_2d.ts, src/kernels/reduce/reduce.ts):
//   average, float32: double sum in pixel order, / count in double, clamp, rounded to float32
//   average, 8-bit:   int32 sum, (sum +- count/2) / count (C division), clamp
//   mean, float32:    float32 sum in pixel order, / float32(count)
//   mean, 8-bit:      clamp(MultiplyByQuantizedMultiplier(sum - zp_in * count, m, shift) + zp_out)
// Channels are split across threads; each part sums blocks of channels over all pixels with the
// accumulators in registers (16 channels as int32, 4 as float32, 2 as float64 lanes), then
// finishes each channel in scalar code.

import { pa, pf, pi, splitAt } from './params';

export const P_BATCHES = 0;
export const P_PIXELS = 1;
export const P_C = 2;
export const P_X = 3;
export const P_Y = 4;
export const P_KIND = 5; // 0 average, 1 mean
export const P_DTYPE = 6; // 0 float32, 1 uint8, 2 int8
export const P_LO = 7; // clamp (f32 for float, int for 8-bit)
export const P_HI = 8;
export const P_ZP_IN = 9;
export const P_MULT = 10;
export const P_SHIFT = 11;
export const P_ZP_OUT = 12;

// @ts-ignore: decorator
@inline
function mbqm1(x: i32, m: i32, shift: i32): i32 {
  const left = shift > 0 ? shift : 0;
  const e = shift > 0 ? 0 : -shift;
  const q = <i32>((<i64>(x << left) * <i64>m + (1 << 30)) >> 31);
  const mask = <i32>((<i64>1 << e) - 1);
  const threshold = (mask >> 1) + (q < 0 ? 1 : 0);
  return (q >> e) + ((q & mask) > threshold ? 1 : 0);
}

// Finishes one 8-bit channel sum.
// @ts-ignore: decorator
@inline
function finishQ8(p: usize, sum: i32, count: i32, lo: i32, hi: i32): i32 {
  let v: i32;
  if (pi(p, P_KIND) == 0) {
    const half = count / 2;
    v = sum > 0 ? (sum + half) / count : (sum - half) / count;
  } else {
    v = mbqm1(sum - pi(p, P_ZP_IN) * count, pi(p, P_MULT), pi(p, P_SHIFT)) + pi(p, P_ZP_OUT);
  }
  return v < lo ? lo : v > hi ? hi : v;
}

function q8Pool<T>(p: usize, x: usize, y: usize, pixels: i32, C: i32, c0: i32, c1: i32): void {
  const lo = pi(p, P_LO);
  const hi = pi(p, P_HI);
  const stride = <usize>C;
  let c = c0;
  for (; c + 16 <= c1; c += 16) {
    let a0 = i32x4.splat(0),
      a1 = a0,
      a2 = a0,
      a3 = a0;
    let xp = x + <usize>c;
    for (let i = 0; i < pixels; i++) {
      const v = v128.load(xp);
      const l = isSigned<T>() ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
      const h = isSigned<T>() ? i16x8.extend_high_i8x16_s(v) : i16x8.extend_high_i8x16_u(v);
      a0 = i32x4.add(a0, i32x4.extend_low_i16x8_s(l));
      a1 = i32x4.add(a1, i32x4.extend_high_i16x8_s(l));
      a2 = i32x4.add(a2, i32x4.extend_low_i16x8_s(h));
      a3 = i32x4.add(a3, i32x4.extend_high_i16x8_s(h));
      xp += stride;
    }
    for (let k = 0; k < 16; k++) {
      const a = k < 4 ? a0 : k < 8 ? a1 : k < 12 ? a2 : a3;
      const l = k & 3;
      const s =
        l == 0 ? i32x4.extract_lane(a, 0) : l == 1 ? i32x4.extract_lane(a, 1) : l == 2 ? i32x4.extract_lane(a, 2) : i32x4.extract_lane(a, 3);
      store<u8>(y + <usize>(c + k), <u8>finishQ8(p, s, pixels, lo, hi));
    }
  }
  for (; c < c1; c++) {
    let s = 0;
    let xp = x + <usize>c;
    for (let i = 0; i < pixels; i++) {
      s += isSigned<T>() ? <i32>load<i8>(xp) : <i32>load<u8>(xp);
      xp += stride;
    }
    store<u8>(y + <usize>c, <u8>finishQ8(p, s, pixels, lo, hi));
  }
}

function f32Pool(p: usize, x: usize, y: usize, pixels: i32, C: i32, c0: i32, c1: i32): void {
  const stride = <usize>C << 2;
  const lo = pf(p, P_LO);
  const hi = pf(p, P_HI);
  if (pi(p, P_KIND) == 1) {
    // MEAN: float32 sums, / float32(count).
    const n = <f32>pixels;
    let c = c0;
    for (; c + 4 <= c1; c += 4) {
      let a = f32x4.splat(0);
      let xp = x + (<usize>c << 2);
      for (let i = 0; i < pixels; i++) {
        a = f32x4.add(a, v128.load(xp));
        xp += stride;
      }
      v128.store(y + (<usize>c << 2), f32x4.div(a, f32x4.splat(n)));
    }
    for (; c < c1; c++) {
      let a: f32 = 0;
      let xp = x + (<usize>c << 2);
      for (let i = 0; i < pixels; i++) {
        a += load<f32>(xp);
        xp += stride;
      }
      store<f32>(y + (<usize>c << 2), a / n);
    }
    return;
  }
  // AVERAGE_POOL_2D: float64 sums, / count in float64, clamp, one rounding to float32.
  const n = <f64>pixels;
  const vlo = f64x2.splat(<f64>lo);
  const vhi = f64x2.splat(<f64>hi);
  let c = c0;
  for (; c + 2 <= c1; c += 2) {
    let a = f64x2.splat(0);
    let xp = x + (<usize>c << 2);
    for (let i = 0; i < pixels; i++) {
      a = f64x2.add(a, f64x2.promote_low_f32x4(v128.load64_zero(xp)));
      xp += stride;
    }
    const v = f64x2.pmin(f64x2.pmax(f64x2.div(a, f64x2.splat(n)), vlo), vhi);
    v128.store64_lane(y + (<usize>c << 2), f32x4.demote_f64x2_zero(v), 0);
  }
  for (; c < c1; c++) {
    let a: f64 = 0;
    let xp = x + (<usize>c << 2);
    for (let i = 0; i < pixels; i++) {
      a += <f64>load<f32>(xp);
      xp += stride;
    }
    let v = a / n;
    v = v < <f64>lo ? <f64>lo : v > <f64>hi ? <f64>hi : v;
    store<f32>(y + (<usize>c << 2), <f32>v);
  }
}

/** Job: channels of part `chunk` of a global average pool or spatial mean. */
export function global_pool_job(p: usize, chunk: i32, chunks: i32): void {
  const C = pi(p, P_C);
  const c0 = splitAt(C, chunk, chunks, 16);
  const c1 = splitAt(C, chunk + 1, chunks, 16);
  if (c0 >= c1) return;
  const pixels = pi(p, P_PIXELS);
  const dtype = pi(p, P_DTYPE);
  const es: usize = dtype == 0 ? 4 : 1;
  for (let b = 0; b < pi(p, P_BATCHES); b++) {
    const x = pa(p, P_X) + <usize>b * <usize>pixels * <usize>C * es;
    const y = pa(p, P_Y) + <usize>b * <usize>C * es;
    if (dtype == 0) f32Pool(p, x, y, pixels, C, c0, c1);
    else if (dtype == 1) q8Pool<u8>(p, x, y, pixels, C, c0, c1);
    else q8Pool<i8>(p, x, y, pixels, C, c0, c1);
  }
}
