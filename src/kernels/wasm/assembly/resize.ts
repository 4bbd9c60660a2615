// RESIZE_BILINEAR over NHWC tensors, bit-exact with the reference kernel
// (src/kernels/tensor/resize.ts, TFLite's reference resize_bilinear.h). The plan writes one table
// entry per output row and per output column, taken from the reference's own sampling tables:
//   [lo index, hi index, weight of lo, weight of hi]   (16 bytes; weights f32 or int32)
// float32 and uint8 (float arithmetic):
//   v = ((x00 * wy0) * wx0 + (x10 * wy1) * wx0) + (x01 * wy0) * wx1 + (x11 * wy1) * wx1
// each product and sum rounded to float32 in that order, as the reference; uint8 then truncates
// v + 0.5 (v >= 0) and clamps to [0, 255].
// int8 (10-bit fixed point, ResizeBilinearInteger): acc = sum x * wy * wx exactly in int32
// (|acc| < 2^29: weights lie in [-512, 1536]), computed as (x00 wx0 + x01 wx1) wy0 + (x10 wx0 +
// x11 wx1) wy1, then acc / 2^20 rounded half away from zero = (acc + 2^19 - [acc < 0]) >> 20.
// Output rows are split across threads; channels run 4 lanes at a time, then a scalar tail.

import { pa, pi, splitAt } from './params';

export const R_BATCHES = 0;
export const R_IN_H = 1;
export const R_IN_W = 2;
export const R_C = 3;
export const R_OUT_H = 4;
export const R_OUT_W = 5;
export const R_X = 6;
export const R_Y = 7;
export const R_YTAB = 8;
export const R_XTAB = 9;
export const R_DTYPE = 10; // 0 float32, 1 uint8, 2 int8

// @ts-ignore: decorator
@inline
function floatLanes(x00: v128, x10: v128, x01: v128, x11: v128, wy0: v128, wy1: v128, wx0: v128, wx1: v128): v128 {
  const s = f32x4.add(f32x4.mul(f32x4.mul(x00, wy0), wx0), f32x4.mul(f32x4.mul(x10, wy1), wx0));
  return f32x4.add(f32x4.add(s, f32x4.mul(f32x4.mul(x01, wy0), wx1)), f32x4.mul(f32x4.mul(x11, wy1), wx1));
}

// @ts-ignore: decorator
@inline
function floatOne(x00: f32, x10: f32, x01: f32, x11: f32, wy0: f32, wy1: f32, wx0: f32, wx1: f32): f32 {
  const s: f32 = x00 * wy0 * wx0 + x10 * wy1 * wx0;
  return s + x01 * wy0 * wx1 + x11 * wy1 * wx1;
}

// 4 uint8 values at p as float32 lanes.
// @ts-ignore: decorator
@inline
function u8x4(p: usize): v128 {
  return f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(p))));
}

// 4 int8 values at p as int32 lanes.
// @ts-ignore: decorator
@inline
function i8x4(p: usize): v128 {
  return i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(p)));
}

/** Job: output rows of part `chunk` of a bilinear resize. */
export function resize_bilinear_job(p: usize, chunk: i32, chunks: i32): void {
  const inH = pi(p, R_IN_H);
  const inW = pi(p, R_IN_W);
  const C = pi(p, R_C);
  const outH = pi(p, R_OUT_H);
  const outW = pi(p, R_OUT_W);
  const x = pa(p, R_X);
  const y = pa(p, R_Y);
  const ytab = pa(p, R_YTAB);
  const xtab = pa(p, R_XTAB);
  const dtype = pi(p, R_DTYPE);
  const es: usize = dtype == 0 ? 4 : 1;
  const rows = pi(p, R_BATCHES) * outH;
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  const c4 = C & ~3;
  const pixelBytes = <usize>C * es;
  const rowBytes = <usize>inW * pixelBytes;
  const half = i32x4.splat(1 << 19);
  let yp = y + <usize>r0 * <usize>outW * pixelBytes;
  for (let row = r0; row < r1; row++) {
    const b = row / outH;
    const oy = row - b * outH;
    const ye = ytab + (<usize>oy << 4);
    const image = x + <usize>b * <usize>inH * rowBytes;
    const top = image + <usize>load<i32>(ye) * rowBytes;
    const bot = image + <usize>load<i32>(ye, 4) * rowBytes;
    for (let ox = 0; ox < outW; ox++) {
      const xe = xtab + (<usize>ox << 4);
      const l = <usize>load<i32>(xe) * pixelBytes;
      const r = <usize>load<i32>(xe, 4) * pixelBytes;
      const p00 = top + l;
      const p10 = bot + l;
      const p01 = top + r;
      const p11 = bot + r;
      let c = 0;
      if (dtype == 2) {
        const wy0 = load<i32>(ye, 8);
        const wy1 = load<i32>(ye, 12);
        const wx0 = load<i32>(xe, 8);
        const wx1 = load<i32>(xe, 12);
        const vy0 = i32x4.splat(wy0);
        const vy1 = i32x4.splat(wy1);
        const vx0 = i32x4.splat(wx0);
        const vx1 = i32x4.splat(wx1);
        for (; c < c4; c += 4) {
          const o = <usize>c;
          const t = i32x4.add(i32x4.mul(i8x4(p00 + o), vx0), i32x4.mul(i8x4(p01 + o), vx1));
          const u = i32x4.add(i32x4.mul(i8x4(p10 + o), vx0), i32x4.mul(i8x4(p11 + o), vx1));
          const acc = i32x4.add(i32x4.mul(t, vy0), i32x4.mul(u, vy1));
          const q = i32x4.shr_s(i32x4.add(i32x4.add(acc, half), i32x4.shr_s(acc, 31)), 20);
          const h = i16x8.narrow_i32x4_s(q, q);
          v128.store32_lane(yp + o, i8x16.narrow_i16x8_s(h, h), 0);
        }
        for (; c < C; c++) {
          const o = <usize>c;
          const t = <i32>load<i8>(p00 + o) * wx0 + <i32>load<i8>(p01 + o) * wx1;
          const u = <i32>load<i8>(p10 + o) * wx0 + <i32>load<i8>(p11 + o) * wx1;
          const acc = t * wy0 + u * wy1;
          store<i8>(yp + o, <i8>((acc + (1 << 19) + (acc >> 31)) >> 20));
        }
      } else {
        const wy0 = load<f32>(ye, 8);
        const wy1 = load<f32>(ye, 12);
        const wx0 = load<f32>(xe, 8);
        const wx1 = load<f32>(xe, 12);
        const vy0 = f32x4.splat(wy0);
        const vy1 = f32x4.splat(wy1);
        const vx0 = f32x4.splat(wx0);
        const vx1 = f32x4.splat(wx1);
        if (dtype == 0) {
          for (; c < c4; c += 4) {
            const o = <usize>c << 2;
            const v = floatLanes(v128.load(p00 + o), v128.load(p10 + o), v128.load(p01 + o), v128.load(p11 + o), vy0, vy1, vx0, vx1);
            v128.store(yp + o, v);
          }
          for (; c < C; c++) {
            const o = <usize>c << 2;
            store<f32>(yp + o, floatOne(load<f32>(p00 + o), load<f32>(p10 + o), load<f32>(p01 + o), load<f32>(p11 + o), wy0, wy1, wx0, wx1));
          }
        } else {
          const pointFive = f32x4.splat(0.5);
          for (; c < c4; c += 4) {
            const o = <usize>c;
            const v = floatLanes(u8x4(p00 + o), u8x4(p10 + o), u8x4(p01 + o), u8x4(p11 + o), vy0, vy1, vx0, vx1);
            const q = i32x4.trunc_sat_f32x4_s(f32x4.add(v, pointFive));
            const h = i16x8.narrow_i32x4_s(q, q);
            v128.store32_lane(yp + o, i8x16.narrow_i16x8_u(h, h), 0);
          }
          for (; c < C; c++) {
            const o = <usize>c;
            const v = floatOne(<f32>load<u8>(p00 + o), <f32>load<u8>(p10 + o), <f32>load<u8>(p01 + o), <f32>load<u8>(p11 + o), wy0, wy1, wx0, wx1);
            const q = <i32>(v + 0.5);
            store<u8>(yp + o, <u8>(q < 0 ? 0 : q > 255 ? 255 : q));
          }
        }
      }
      yp += pixelBytes;
    }
  }
}
