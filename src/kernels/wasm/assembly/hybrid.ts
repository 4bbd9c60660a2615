// Run-time quantization of float activations for the hybrid (dynamic-range) kernels, bit-exact
// with src/kernels/internal/hybrid_quantize.ts (TFLite's SymmetricQuantizeFloats and
// AsymmetricQuantizeFloats): each row of `n` floats (a batch image for convolutions, a batch row
// for fully connected layers) becomes int8 with its own scale and zero point, which the GEMM /
// depthwise epilogue (requantize.ts mode 3) turns back into float32.
//
//   symmetric:  range = max(|min|, |max|); inv = f32(127 / range); q = round(f32(x * inv)) in
//               [-127, 127]; scale = f32(range / 127) (a zero row: q = 0, scale 1)
//   asymmetric: [rmin, rmax] = [min(0, min), max(0, max)] onto [-128, 127]: scale and the nudged
//               zero point in double as the reference, offset = round(zp) (clamped), inv =
//               f32(1 / f32(scale)); q = round(f32(offset + f32(x * inv))) in [-128, 127]
// min / max follow the reference's `if (v < min)` scan (f32x4.pmin / pmax: NaN never wins);
// round is half away from zero: trunc(v + copysign(0.49999997, v)) for float32 v (unary.ts).
// Over a row, the reference's min and max equal the lane-wise ones reduced at the end, up to the
// sign of a zero, which no later step can see (an absolute value or a subtraction from 0).

import { pa, pi } from './params';

export const H_X = 0; // float32 rows
export const H_N = 1; // floats per row
export const H_ROWS = 2;
export const H_Q = 3; // int8 out, rows of n
export const H_ASYM = 4;
export const H_SCALE = 5; // float32 per row (out)
export const H_OFFSET = 6; // int32 per row (out)
// Depthwise only (one row): the accumulator starts -offset * sum_t w(t, c) and the zero-point row.
export const H_C = 7;
export const H_WSUM = 8; // int32 per channel
export const H_START = 9; // int32 per channel (out)
export const H_ZPROW = 10; // bytes (out)

// @ts-ignore: decorator
@inline
function round64(x: f64): f64 {
  const t = trunc(x);
  const d = x - t;
  return d >= 0.5 ? t + 1 : d <= -0.5 ? t - 1 : t;
}

function quantizeRow(x: usize, n: i32, q: usize, asym: bool, row: usize, p: usize): void {
  let vmin = f32x4.splat(Infinity);
  let vmax = f32x4.splat(-Infinity);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    vmin = f32x4.pmin(vmin, v);
    vmax = f32x4.pmax(vmax, v);
  }
  let mn = f32x4.extract_lane(vmin, 0);
  let mx = f32x4.extract_lane(vmax, 0);
  for (let l = 1; l < 4; l++) {
    const a = l == 1 ? f32x4.extract_lane(vmin, 1) : l == 2 ? f32x4.extract_lane(vmin, 2) : f32x4.extract_lane(vmin, 3);
    const b = l == 1 ? f32x4.extract_lane(vmax, 1) : l == 2 ? f32x4.extract_lane(vmax, 2) : f32x4.extract_lane(vmax, 3);
    if (a < mn) mn = a;
    if (b > mx) mx = b;
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    if (v < mn) mn = v;
    if (v > mx) mx = v;
  }
  let offset = 0;
  let scale: f32 = 1;
  let inv: f32 = 0;
  let zeroRow = false;
  let lo: i32 = -127;
  if (asym) {
    lo = -128;
    const rmin: f64 = min<f64>(0, <f64>mn);
    const rmax: f64 = max<f64>(0, <f64>mx);
    if (n == 0 || rmin == rmax) {
      zeroRow = true;
    } else {
      const s = (rmax - rmin) / 255;
      const zpFromMin = -128 - rmin / s;
      const zpFromMax = 127 - rmax / s;
      const errMin = 128 + abs<f64>(rmin / s);
      const errMax = 127 + abs<f64>(rmax / s);
      const zp = errMin < errMax ? zpFromMin : zpFromMax;
      offset = zp <= -128 ? -128 : zp >= 127 ? 127 : <i32>round64(zp);
      scale = <f32>s;
      inv = <f32>(1 / <f64>scale);
    }
  } else {
    const range = max<f32>(abs<f32>(mn), abs<f32>(mx));
    if (n == 0 || range == 0) {
      zeroRow = true;
    } else {
      inv = <f32>(127 / <f64>range);
      scale = <f32>(<f64>range / 127);
    }
  }
  store<f32>(pa(p, H_SCALE) + (row << 2), scale);
  store<i32>(pa(p, H_OFFSET) + (row << 2), offset);
  if (zeroRow) {
    memory.fill(q, 0, <usize>n);
    return;
  }
  const vinv = f32x4.splat(inv);
  const voff = f32x4.splat(<f32>offset);
  const half = f32x4.splat(0.49999997);
  const sign = i32x4.splat(0x80000000);
  const vlo = i16x8.splat(<i16>lo);
  i = 0;
  for (; i + 8 <= n; i += 8) {
    const xp = x + (<usize>i << 2);
    let a = f32x4.mul(v128.load(xp), vinv);
    let b = f32x4.mul(v128.load(xp, 16), vinv);
    if (asym) {
      a = f32x4.add(voff, a);
      b = f32x4.add(voff, b);
    }
    // |a| <= 128 + 1 (bounded by the range), so the conversion needs no clamp.
    const ia = i32x4.trunc_sat_f32x4_s(f32x4.add(a, v128.or(half, v128.and(a, sign))));
    const ib = i32x4.trunc_sat_f32x4_s(f32x4.add(b, v128.or(half, v128.and(b, sign))));
    const h = i16x8.max_s(i16x8.narrow_i32x4_s(ia, ib), vlo);
    v128.store64_lane(q + <usize>i, i8x16.narrow_i16x8_s(h, h), 0);
  }
  for (; i < n; i++) {
    let v = load<f32>(x + (<usize>i << 2)) * inv;
    if (asym) v = <f32>offset + v;
    let r = <i32>(v + (v < 0 ? <f32>-0.49999997 : <f32>0.49999997));
    r = r < lo ? lo : r > 127 ? 127 : r;
    store<i8>(q + <usize>i, <i8>r);
  }
}

/** Job: quantizes the rows of part `chunk` (and, for depthwise, writes the offset's corrections). */
export function hybrid_quantize_job(p: usize, chunk: i32, chunks: i32): void {
  const rows = pi(p, H_ROWS);
  const n = pi(p, H_N);
  const asym = pi(p, H_ASYM) != 0;
  for (let r = chunk; r < rows; r += chunks) {
    quantizeRow(pa(p, H_X) + <usize>r * <usize>n * 4, n, pa(p, H_Q) + <usize>r * <usize>n, asym, <usize>r, p);
  }
  const C = pi(p, H_C);
  if (C > 0 && chunk == 0) {
    const offset = load<i32>(pa(p, H_OFFSET));
    const wsum = pa(p, H_WSUM);
    const start = pa(p, H_START);
    for (let c: usize = 0; c < <usize>C; c++) store<i32>(start + (c << 2), -offset * load<i32>(wsum + (c << 2)));
    memory.fill(pa(p, H_ZPROW), <u8>offset, <usize>C);
  }
}
