// Float DEPTHWISE_CONV_2D with depth multiplier 1 over NHWC tensors:
//   y[b, oy, ox, c] = act(bias[c] + sum over in-image taps (fy, fx) of x[b, iy, ix, c] * w[fy, fx, c])
// Rows of output pixels are split across threads.
//
// 3x3 windows (any stride or dilation), on output rows whose windows lie inside the image
// vertically: the pixels whose windows also lie inside horizontally are done 4 channels at a
// time along the row, the 4 channels' 9 weights held in registers, so a pixel costs 9 input loads
// for its 9 multiply-adds (the 8-channel-per-pixel loop also loaded 9 weights and the bias, and
// recomputed its weight addresses): 2x faster on every depthwise layer of MobileNet v1 / deeplabv3
// (4.5-5.5 -> 8.3-10.3 GMAC/s, Node 20). At stride 1 and dilation 1 two neighbouring pixels
// share their inputs: 12 loads for 18 multiply-adds, 5-18% faster (more with relaxed SIMD, whose
// fused multiply-add needs no temporary register). 8 channels at a time would need more than
// V8's 15 vector registers. The other pixels (borders, other windows, first and last rows) take
// 8 channels per step over their in-image taps; channels past the last multiple of 4 (strip) or
// 8 (per pixel) go through a 4-lane and a scalar tail.
//
// Packed weights (packing.ts, packDepthwiseF32): per group of 8 channels, the group's bias then
// each tap's 8 weights, [bias | w(tap 0) | ... | w(tap taps-1)] x 8 floats (zero past C), so one
// pointer reaches a group's bias and weights at constant offsets. The clamp is f32x4.pmax / pmin
// (TFLite's min(max(v, lo), hi) exactly, see f32_gemm.ts).
//
// Float bound: a float32 sum of at most fh*fw products from the bias in tap order,
// |error| <= fh*fw * 2^-24 * sum|terms|.

import {
  D_BATCHES,
  D_C,
  D_DH,
  D_DW,
  D_FH,
  D_FW,
  D_HI,
  D_IN_H,
  D_IN_W,
  D_LO,
  D_OUT_H,
  D_OUT_W,
  D_PAD_H,
  D_PAD_W,
  D_SH,
  D_SW,
  D_W,
  D_X,
  D_Y,
} from './dwconv';
import { clamp } from './f32_gemm';
import { fmadd } from './fma';
import { pa, pf, pi, splitAt } from './params';

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


// @ts-ignore: decorator
@inline
function madd(acc: v128, x: v128, w: v128): v128 {
  return fmadd(x, w, acc);
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
  const vlo = f32x4.splat(pf(p, D_LO));
  const vhi = f32x4.splat(pf(p, D_HI));
  const lo = pf(p, D_LO);
  const hi = pf(p, D_HI);
  const rows = pi(p, D_BATCHES) * outH;
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  const cBytes = <usize>C << 2;
  const rowBytes = <usize>inW * cBytes;
  const groupBytes = <usize>(fh * fw + 1) << 5;
  const c8 = <usize>(C & ~7) << 2;
  const c4 = <usize>(C & ~3) << 2;
  const wTail = w + (c8 >> 5) * groupBytes; // the group of the channels past c8
  const dy = <usize>dh * rowBytes;
  const dx = <usize>dw * cBytes;
  const dx2 = dx << 1;
  const stepX = <usize>sw * cBytes;
  const is3x3 = fh == 3 && fw == 3;
  // Output columns whose windows lie inside the image horizontally: [oxLo, oxHi).
  let oxLo = (padW + sw - 1) / sw;
  let oxHi = (inW - 1 - (fw - 1) * dw + padW) / sw + 1;
  if (inW - 1 - (fw - 1) * dw + padW < 0) oxHi = 0;
  if (oxHi > outW) oxHi = outW;
  if (oxLo > oxHi) oxLo = oxHi;
  for (let row = r0; row < r1; row++) {
    const b = row / outH;
    const oy = row - b * outH;
    const iy0 = oy * sh - padH;
    const fyLo = firstTap(iy0, dh);
    const fyHi = endTap(iy0, dh, fh, inH);
    const strip = is3x3 && fyLo == 0 && fyHi == 3 && oxLo < oxHi;
    const image = x + <usize>b * <usize>inH * rowBytes;
    const yRow = y + <usize>row * <usize>outW * cBytes;
    if (strip) {
      const q0 = image + <usize>iy0 * rowBytes + <usize>(oxLo * sw - padW) * cBytes;
      const yStrip = yRow + <usize>oxLo * cBytes;
      const n = oxHi - oxLo;
      for (let c: usize = 0; c < c4; c += 16) {
        const wq = w + (c >> 5) * groupBytes + (c & 16);
        const bias = v128.load(wq);
        const w0 = v128.load(wq, 32);
        const w1 = v128.load(wq, 64);
        const w2 = v128.load(wq, 96);
        const w3 = v128.load(wq, 128);
        const w4 = v128.load(wq, 160);
        const w5 = v128.load(wq, 192);
        const w6 = v128.load(wq, 224);
        const w7 = v128.load(wq, 256);
        const w8 = v128.load(wq, 288);
        let a = q0 + c;
        let o = yStrip + c;
        let i = 0;
        if (stepX == dx) {
          // Stride 1, dilation 1: two pixels per step, the second one's taps are the first one's
          // shifted by one column: 12 input loads for 18 multiply-adds.
          for (; i + 2 <= n; i += 2) {
            let x0 = v128.load(a);
            let x1 = v128.load(a + dx);
            let x2 = v128.load(a + dx2);
            let x3 = v128.load(a + dx2 + dx);
            let p0 = madd(bias, x0, w0);
            let p1 = madd(bias, x1, w0);
            p0 = madd(p0, x1, w1);
            p1 = madd(p1, x2, w1);
            p0 = madd(p0, x2, w2);
            p1 = madd(p1, x3, w2);
            const a1 = a + dy;
            x0 = v128.load(a1);
            x1 = v128.load(a1 + dx);
            x2 = v128.load(a1 + dx2);
            x3 = v128.load(a1 + dx2 + dx);
            p0 = madd(p0, x0, w3);
            p1 = madd(p1, x1, w3);
            p0 = madd(p0, x1, w4);
            p1 = madd(p1, x2, w4);
            p0 = madd(p0, x2, w5);
            p1 = madd(p1, x3, w5);
            const a2 = a1 + dy;
            x0 = v128.load(a2);
            x1 = v128.load(a2 + dx);
            x2 = v128.load(a2 + dx2);
            x3 = v128.load(a2 + dx2 + dx);
            p0 = madd(p0, x0, w6);
            p1 = madd(p1, x1, w6);
            p0 = madd(p0, x1, w7);
            p1 = madd(p1, x2, w7);
            p0 = madd(p0, x2, w8);
            p1 = madd(p1, x3, w8);
            v128.store(o, clamp(p0, vlo, vhi));
            v128.store(o + cBytes, clamp(p1, vlo, vhi));
            a += stepX << 1;
            o += cBytes << 1;
          }
        }
        for (; i < n; i++) {
          let acc = madd(bias, v128.load(a), w0);
          acc = madd(acc, v128.load(a + dx), w1);
          acc = madd(acc, v128.load(a + dx2), w2);
          const a1 = a + dy;
          acc = madd(acc, v128.load(a1), w3);
          acc = madd(acc, v128.load(a1 + dx), w4);
          acc = madd(acc, v128.load(a1 + dx2), w5);
          const a2 = a1 + dy;
          acc = madd(acc, v128.load(a2), w6);
          acc = madd(acc, v128.load(a2 + dx), w7);
          acc = madd(acc, v128.load(a2 + dx2), w8);
          v128.store(o, clamp(acc, vlo, vhi));
          a += stepX;
          o += cBytes;
        }
      }
    }
    let yp = yRow;
    for (let ox = 0; ox < outW; ox++) {
      // Strip pixels have only their channels past c4 left.
      const inStrip = strip && ox >= oxLo && ox < oxHi;
      if (inStrip && c4 == cBytes) {
        yp += cBytes;
        continue;
      }
      const ix0 = ox * sw - padW;
      const fxLo = firstTap(ix0, dw);
      const fxHi = endTap(ix0, dw, fw, inW);
      const base = image + <usize>iy0 * rowBytes + <usize>ix0 * cBytes;
      let c: usize = inStrip ? c4 : 0;
      let wg = w;
      for (; c < c8; c += 32) {
        let acc0 = v128.load(wg);
        let acc1 = v128.load(wg, 16);
        for (let fy = fyLo; fy < fyHi; fy++) {
          for (let fx = fxLo; fx < fxHi; fx++) {
            const xp = base + <usize>fy * dy + <usize>fx * dx + c;
            const wp = wg + (<usize>(fy * fw + fx + 1) << 5);
            acc0 = madd(acc0, v128.load(xp), v128.load(wp));
            acc1 = madd(acc1, v128.load(xp, 16), v128.load(wp, 16));
          }
        }
        v128.store(yp + c, clamp(acc0, vlo, vhi));
        v128.store(yp + c, clamp(acc1, vlo, vhi), 16);
        wg += groupBytes;
      }
      // Past c8: 4 channels (offset 0 in the last group), then single channels.
      if (c < c4) {
        let acc = v128.load(wTail);
        for (let fy = fyLo; fy < fyHi; fy++) {
          for (let fx = fxLo; fx < fxHi; fx++) {
            const xp = base + <usize>fy * dy + <usize>fx * dx + c;
            acc = madd(acc, v128.load(xp), v128.load(wTail + (<usize>(fy * fw + fx + 1) << 5)));
          }
        }
        v128.store(yp + c, clamp(acc, vlo, vhi));
        c += 16;
      }
      for (; c < cBytes; c += 4) {
        const wc = wTail + (c - c8);
        let acc = load<f32>(wc);
        for (let fy = fyLo; fy < fyHi; fy++) {
          for (let fx = fxLo; fx < fxHi; fx++) {
            const xp = base + <usize>fy * dy + <usize>fx * dx + c;
            acc += load<f32>(xp) * load<f32>(wc + (<usize>(fy * fw + fx + 1) << 5));
          }
        }
        store<f32>(yp + c, acc < lo ? lo : acc > hi ? hi : acc);
      }
      yp += cBytes;
    }
  }
}
