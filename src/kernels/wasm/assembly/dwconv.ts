// DEPTHWISE_CONV_2D with depth multiplier 1 over NHWC tensors, 8 channels per vector step:
//   y[b, oy, ox, c] = act(bias[c] + sum over in-image taps (fy, fx) of x[b, iy, ix, c] * w[fy, fx, c])
// Rows of output pixels are split across threads. Per pixel the in-image tap range is computed
// once; a 3x3 window fully inside the image (any stride or dilation) takes an unrolled 9-tap path,
// border pixels and other window sizes loop over their taps. Channels past the last multiple of
// 8 go through 4-lane (float) or scalar (quantized) tails.
//
// Packed weights: [fh * fw][Cp] with Cp = channels rounded up to 8 (float32, or int16 w - zp_w);
// float bias: Cp floats. Quantized: sum of (x - zp_in) * w' in int32 via i32x4.extmul of int16
// lanes (exact), then requant4 (bit-exact with TFLite's reference DepthwiseConv / PerChannel).
// Float bound: a float32 sum of at most fh*fw products from the bias, |error| <= fh*fw * 2^-24 * sum|terms|.

import { pa, pf, pi, splitAt } from './params';
import { requant1, requant4, requant4u, uniformShiftWord } from './requantize';

export const D_BATCHES = 0;
export const D_IN_H = 1;
export const D_IN_W = 2;
export const D_C = 3;
export const D_OUT_H = 4;
export const D_OUT_W = 5;
export const D_FH = 6;
export const D_FW = 7;
export const D_SH = 8;
export const D_SW = 9;
export const D_DH = 10;
export const D_DW = 11;
export const D_PAD_H = 12;
export const D_PAD_W = 13;
export const D_X = 14;
export const D_W = 15;
export const D_Y = 16;
export const D_BIAS = 17; // float bias (Cp floats) | requantization block
export const D_LO = 18; // f32 clamp | output zero point
export const D_HI = 19; // f32 clamp | qmin
export const D_QMAX = 20;
export const D_ZP_IN = 21;
export const D_SIGNED = 22;

// First and end tap of a window starting at input position i0 (taps at i0 + t*d inside [0, size)).
// Dilation 1 needs no division (this runs once per output pixel).
// @ts-ignore: decorator
@inline
function firstTap(i0: i32, d: i32): i32 {
  if (i0 >= 0) return 0;
  return d == 1 ? -i0 : (-i0 + d - 1) / d;
}

// @ts-ignore: decorator
@inline
function endTap(i0: i32, d: i32, f: i32, size: i32): i32 {
  if (i0 + (f - 1) * d < size) return f;
  const e = d == 1 ? size - i0 : (size - i0 + d - 1) / d;
  return e < f ? e : f;
}

/** Job: output rows of part `chunk` of a float depthwise convolution. */
export function f32_dwconv_job(p: usize, chunk: i32, chunks: i32): void {
  const inH = pi(p, D_IN_H);
  const inW = pi(p, D_IN_W);
  const C = pi(p, D_C);
  const outH = pi(p, D_OUT_H);
  const outW = pi(p, D_OUT_W);
  const fh = pi(p, D_FH);
  const fw = pi(p, D_FW);
  const sh = pi(p, D_SH);
  const sw = pi(p, D_SW);
  const dh = pi(p, D_DH);
  const dw = pi(p, D_DW);
  const padH = pi(p, D_PAD_H);
  const padW = pi(p, D_PAD_W);
  const x = pa(p, D_X);
  const w = pa(p, D_W);
  const y = pa(p, D_Y);
  const bias = pa(p, D_BIAS);
  const vlo = f32x4.splat(pf(p, D_LO));
  const vhi = f32x4.splat(pf(p, D_HI));
  const lo = pf(p, D_LO);
  const hi = pf(p, D_HI);
  const rows = pi(p, D_BATCHES) * outH;
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  const cBytes = <usize>C << 2;
  const rowBytes = <usize>inW * cBytes;
  const cp = ((C + 7) >> 3) << 3;
  const tapBytes = <usize>cp << 2;
  const c8 = <usize>(C & ~7) << 2;
  const c4 = <usize>(C & ~3) << 2;
  const dy = <usize>dh * rowBytes;
  const dx = <usize>dw * cBytes;
  const is3x3 = fh == 3 && fw == 3;
  for (let row = r0; row < r1; row++) {
    const b = row / outH;
    const oy = row - b * outH;
    const iy0 = oy * sh - padH;
    const fyLo = firstTap(iy0, dh);
    const fyHi = endTap(iy0, dh, fh, inH);
    const image = x + <usize>b * <usize>inH * rowBytes;
    let yp = y + <usize>row * <usize>outW * cBytes;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * sw - padW;
      const fxLo = firstTap(ix0, dw);
      const fxHi = endTap(ix0, dw, fw, inW);
      const base = image + <usize>iy0 * rowBytes + <usize>ix0 * cBytes;
      const full = is3x3 && fyLo == 0 && fyHi == 3 && fxLo == 0 && fxHi == 3;
      let c: usize = 0;
      for (; c < c8; c += 32) {
        let acc0 = v128.load(bias + c);
        let acc1 = v128.load(bias + c, 16);
        if (full) {
          const q0 = base + c;
          const q1 = q0 + dy;
          const q2 = q1 + dy;
          const wp = w + c;
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q0), v128.load(wp)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q0, 16), v128.load(wp, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q0 + dx), v128.load(wp + tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q0 + dx, 16), v128.load(wp + tapBytes, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q0 + 2 * dx), v128.load(wp + 2 * tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q0 + 2 * dx, 16), v128.load(wp + 2 * tapBytes, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q1), v128.load(wp + 3 * tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q1, 16), v128.load(wp + 3 * tapBytes, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q1 + dx), v128.load(wp + 4 * tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q1 + dx, 16), v128.load(wp + 4 * tapBytes, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q1 + 2 * dx), v128.load(wp + 5 * tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q1 + 2 * dx, 16), v128.load(wp + 5 * tapBytes, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q2), v128.load(wp + 6 * tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q2, 16), v128.load(wp + 6 * tapBytes, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q2 + dx), v128.load(wp + 7 * tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q2 + dx, 16), v128.load(wp + 7 * tapBytes, 16)));
          acc0 = f32x4.add(acc0, f32x4.mul(v128.load(q2 + 2 * dx), v128.load(wp + 8 * tapBytes)));
          acc1 = f32x4.add(acc1, f32x4.mul(v128.load(q2 + 2 * dx, 16), v128.load(wp + 8 * tapBytes, 16)));
        } else {
          for (let fy = fyLo; fy < fyHi; fy++) {
            for (let fx = fxLo; fx < fxHi; fx++) {
              const xp = base + <usize>fy * dy + <usize>fx * dx + c;
              const wp = w + <usize>(fy * fw + fx) * tapBytes + c;
              acc0 = f32x4.add(acc0, f32x4.mul(v128.load(xp), v128.load(wp)));
              acc1 = f32x4.add(acc1, f32x4.mul(v128.load(xp, 16), v128.load(wp, 16)));
            }
          }
        }
        v128.store(yp + c, f32x4.min(f32x4.max(acc0, vlo), vhi));
        v128.store(yp + c, f32x4.min(f32x4.max(acc1, vlo), vhi), 16);
      }
      for (; c < c4; c += 16) {
        let acc = v128.load(bias + c);
        for (let fy = fyLo; fy < fyHi; fy++) {
          for (let fx = fxLo; fx < fxHi; fx++) {
            const xp = base + <usize>fy * dy + <usize>fx * dx + c;
            const wp = w + <usize>(fy * fw + fx) * tapBytes + c;
            acc = f32x4.add(acc, f32x4.mul(v128.load(xp), v128.load(wp)));
          }
        }
        v128.store(yp + c, f32x4.min(f32x4.max(acc, vlo), vhi));
      }
      for (; c < cBytes; c += 4) {
        let acc = load<f32>(bias + c);
        for (let fy = fyLo; fy < fyHi; fy++) {
          for (let fx = fxLo; fx < fxHi; fx++) {
            const xp = base + <usize>fy * dy + <usize>fx * dx + c;
            const wp = w + <usize>(fy * fw + fx) * tapBytes + c;
            acc += load<f32>(xp) * load<f32>(wp);
          }
        }
        store<f32>(yp + c, acc < lo ? lo : acc > hi ? hi : acc);
      }
      yp += cBytes;
    }
  }
}

// @ts-ignore: decorator
@inline
function loadX<T>(p: usize, zp: v128): v128 {
  if (isSigned<T>()) return i16x8.sub(v128.load8x8_s(p), zp);
  return i16x8.sub(v128.load8x8_u(p), zp);
}

// @ts-ignore: decorator
@inline
function store8<T>(c: usize, r0: v128, r1: v128): void {
  const h = i16x8.narrow_i32x4_s(r0, r1);
  const v = isSigned<T>() ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
  v128.store64_lane(c, v, 0);
}

function q8Rows<T>(p: usize, r0: i32, r1: i32): void {
  const inH = pi(p, D_IN_H);
  const inW = pi(p, D_IN_W);
  const C = pi(p, D_C);
  const outH = pi(p, D_OUT_H);
  const outW = pi(p, D_OUT_W);
  const fh = pi(p, D_FH);
  const fw = pi(p, D_FW);
  const sh = pi(p, D_SH);
  const sw = pi(p, D_SW);
  const dh = pi(p, D_DH);
  const dw = pi(p, D_DW);
  const padH = pi(p, D_PAD_H);
  const padW = pi(p, D_PAD_W);
  const x = pa(p, D_X);
  const w = pa(p, D_W);
  const y = pa(p, D_Y);
  const rq = pa(p, D_BIAS);
  const zp = pi(p, D_LO);
  const qmin = pi(p, D_HI);
  const qmax = pi(p, D_QMAX);
  const zpIn = pi(p, D_ZP_IN);
  const vzp = i32x4.splat(zp);
  const vmin = i32x4.splat(qmin);
  const vmax = i32x4.splat(qmax);
  const vzpIn = i16x8.splat(<i16>zpIn);
  const cBytes = <usize>C;
  const rowBytes = <usize>inW * cBytes;
  const cp = ((C + 7) >> 3) << 3;
  const np = <usize>cp;
  const tapBytes = <usize>cp << 1;
  const c8 = <usize>(C & ~7);
  const dy = <usize>dh * rowBytes;
  const dx = <usize>dw * cBytes;
  const is3x3 = fh == 3 && fw == 3;
  const uw = uniformShiftWord(rq, np, C);
  const ushift = uw - 64;
  for (let row = r0; row < r1; row++) {
    const b = row / outH;
    const oy = row - b * outH;
    const iy0 = oy * sh - padH;
    const fyLo = firstTap(iy0, dh);
    const fyHi = endTap(iy0, dh, fh, inH);
    const image = x + <usize>b * <usize>inH * rowBytes;
    let yp = y + <usize>row * <usize>outW * cBytes;
    for (let ox = 0; ox < outW; ox++) {
      const ix0 = ox * sw - padW;
      const fxLo = firstTap(ix0, dw);
      const fxHi = endTap(ix0, dw, fw, inW);
      const base = image + <usize>iy0 * rowBytes + <usize>ix0 * cBytes;
      const full = is3x3 && fyLo == 0 && fyHi == 3 && fxLo == 0 && fxHi == 3;
      let c: usize = 0;
      for (; c < c8; c += 8) {
        let acc0 = i32x4.splat(0);
        let acc1 = acc0;
        if (full) {
          const q0 = base + c;
          const q1 = q0 + dy;
          const q2 = q1 + dy;
          const wp = w + (c << 1);
          let xv = loadX<T>(q0, vzpIn);
          let wv = v128.load(wp);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q0 + dx, vzpIn);
          wv = v128.load(wp + tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q0 + 2 * dx, vzpIn);
          wv = v128.load(wp + 2 * tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q1, vzpIn);
          wv = v128.load(wp + 3 * tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q1 + dx, vzpIn);
          wv = v128.load(wp + 4 * tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q1 + 2 * dx, vzpIn);
          wv = v128.load(wp + 5 * tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q2, vzpIn);
          wv = v128.load(wp + 6 * tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q2 + dx, vzpIn);
          wv = v128.load(wp + 7 * tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
          xv = loadX<T>(q2 + 2 * dx, vzpIn);
          wv = v128.load(wp + 8 * tapBytes);
          acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
          acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
        } else {
          for (let fy = fyLo; fy < fyHi; fy++) {
            for (let fx = fxLo; fx < fxHi; fx++) {
              const xv = loadX<T>(base + <usize>fy * dy + <usize>fx * dx + c, vzpIn);
              const wv = v128.load(w + <usize>(fy * fw + fx) * tapBytes + (c << 1));
              acc0 = i32x4.add(acc0, i32x4.extmul_low_i16x8_s(xv, wv));
              acc1 = i32x4.add(acc1, i32x4.extmul_high_i16x8_s(xv, wv));
            }
          }
        }
        if (uw != 0) {
          store8<T>(yp + c, requant4u(acc0, rq, np, c, ushift, vzp, vmin, vmax), requant4u(acc1, rq, np, c + 4, ushift, vzp, vmin, vmax));
        } else {
          store8<T>(yp + c, requant4(acc0, rq, np, c, vzp, vmin, vmax), requant4(acc1, rq, np, c + 4, vzp, vmin, vmax));
        }
      }
      for (; c < cBytes; c++) {
        let acc = 0;
        for (let fy = fyLo; fy < fyHi; fy++) {
          for (let fx = fxLo; fx < fxHi; fx++) {
            const xp = base + <usize>fy * dy + <usize>fx * dx + c;
            const xv = isSigned<T>() ? <i32>load<i8>(xp) : <i32>load<u8>(xp);
            acc += (xv - zpIn) * <i32>load<i16>(w + <usize>(fy * fw + fx) * tapBytes + (c << 1));
          }
        }
        const r = requant1(acc, rq, np, c, zp, qmin, qmax);
        if (isSigned<T>()) store<i8>(yp + c, <i8>r);
        else store<u8>(yp + c, <u8>r);
      }
      yp += cBytes;
    }
  }
}

/** Job: output rows of part `chunk` of a quantized depthwise convolution. */
export function q8_dwconv_job(p: usize, chunk: i32, chunks: i32): void {
  const rows = pi(p, D_BATCHES) * pi(p, D_OUT_H);
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  if (pi(p, D_SIGNED)) q8Rows<i8>(p, r0, r1);
  else q8Rows<u8>(p, r0, r1);
}
