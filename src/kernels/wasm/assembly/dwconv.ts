// DEPTHWISE_CONV_2D with depth multiplier 1 over NHWC tensors: the parameter block of both
// paths (D_* words) and the quantized path, 8 channels per vector step (the float path is
// f32_dwconv.ts):
//   y[b, oy, ox, c] = act(bias[c] + sum over in-image taps (fy, fx) of x[b, iy, ix, c] * w[fy, fx, c])
// Rows of output pixels are split across threads. Channels past the last multiple of 8 go
// through a scalar tail. Quantized weights: see below (tap pairs, int16 dot products,
// requantize.ts: bit-exact with TFLite's reference DepthwiseConv / DepthwiseConvPerChannel).

import { pa, pi, splitAt } from './params';
import {
  RQ_CLAMP,
  RQ_MODE,
  RQ_QMAX,
  RQ_QMIN,
  RQ_SHIFT,
  RQ_SIGNED,
  RQA_BIAS,
  hybridOut,
  narrow8,
  rqPerChannel,
  rqUniform,
  rqArray,
  rqScalar,
  storePartial,
} from './requantize';

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
export const D_BIAS = 17; // quantized: requantization block (float: the bias is packed with the weights)
export const D_LO = 18; // f32 clamp
export const D_HI = 19; // f32 clamp
export const D_ZP_ROW = 20; // quantized: C + 8 bytes of the input zero point (taps outside the image)
export const D_SCRATCH = 21; // quantized: tap address table, per part (+ chunk * D_SCRATCH_STRIDE)
export const D_SIGNED = 22;
export const D_SCRATCH_STRIDE = 23;
export const D_HYBRID = 24; // 1: X is the int8 image hybrid.ts quantized (one batch), output float32
export const D_HRS = 25; // hybrid: address of the image's scale (float32)

// Quantized path. Per pair of taps (t, t+1) and 8 channels, the two taps' inputs are widened to
// int16 and interleaved per channel, [x(t,c0) x(t+1,c0) x(t,c1) x(t+1,c1) ...], so one
// i32x4.dot_i16x8_s with the weights packed the same way ([w(t,c) w(t+1,c)] per channel, packing.ts)
// adds both taps' products of 4 channels: 8 loads/shuffles/dots/adds per 16 MACs. An odd last tap
// pairs with a zero weight. The input zero point is folded into the bias (bias - zp * sum_t w), so
// raw inputs are multiplied; a tap outside the image reads a row of zero points instead (x - zp =
// 0 there, as TFLite skips it). Weights and bias carry the requantization's factor (requantize.ts).

// Loads the 8 channels at p and q (two taps) as int16 and returns [x(p,c) x(q,c)] for c = 0..3 (lo) / 4..7.
// @ts-ignore: decorator
@inline
function pairLo<T>(xp: v128, xq: v128): v128 {
  return i16x8.shuffle(xp, xq, 0, 8, 1, 9, 2, 10, 3, 11);
}
// @ts-ignore: decorator
@inline
function pairHi<T>(xp: v128, xq: v128): v128 {
  return i16x8.shuffle(xp, xq, 4, 12, 5, 13, 6, 14, 7, 15);
}
// @ts-ignore: decorator
@inline
function load8<T>(p: usize): v128 {
  return isSigned<T>() ? v128.load8x8_s(p) : v128.load8x8_u(p);
}

// Loads r < 8 channels at p (the rest zero) as int16, without reading past them.
// @ts-ignore: decorator
@inline
function loadPart<T>(p: usize, r: i32): v128 {
  let t: u64 = 0;
  for (let q = 0; q < r; q++) t |= (<u64>load<u8>(p + q)) << (<u64>q << 3);
  const v = i64x2.splat(t);
  return isSigned<T>() ? i16x8.extend_low_i8x16_s(v) : i16x8.extend_low_i8x16_u(v);
}

// One tap pair of 8 channels: acc0/acc1 += dot with the pair's two weight vectors at wp.
// @ts-ignore: decorator
@inline
function tapPair<T>(acc: v128, xp: v128, xq: v128, wp: usize, hi: bool): v128 {
  if (hi) return i32x4.add(acc, i32x4.dot_i16x8_s(pairHi<T>(xp, xq), v128.load(wp, 16)));
  return i32x4.add(acc, i32x4.dot_i16x8_s(pairLo<T>(xp, xq), v128.load(wp)));
}

// Modes 3 (hybrid: float32 out) and 2 (scalar) of finish8: rare, so called rather than inlined
// at every call site (the module stays smaller).
function finishRare(yp: usize, acc0: v128, acc1: v128, rq: usize, np: usize, c: usize, r: i32, mode: i32, signed: bool, rs: usize): void {
  if (mode == 3) {
    const v0 = hybridOut(acc0, rq, np, c << 2, rs);
    const v1 = hybridOut(acc1, rq, np, (c << 2) + 16, rs);
    if (r >= 8) {
      v128.store(yp, v0);
      v128.store(yp, v1, 16);
      return;
    }
    for (let q = 0; q < r; q++) {
      const v = q < 4 ? v0 : v1;
      const l = q & 3;
      store<f32>(
        yp + (<usize>q << 2),
        l == 0 ? f32x4.extract_lane(v, 0) : l == 1 ? f32x4.extract_lane(v, 1) : l == 2 ? f32x4.extract_lane(v, 2) : f32x4.extract_lane(v, 3),
      );
    }
    return;
  }
  for (let q = 0; q < r; q++) {
    const v = q < 4 ? acc0 : acc1;
    const l = q & 3;
    const x =
      l == 0 ? i32x4.extract_lane(v, 0) : l == 1 ? i32x4.extract_lane(v, 1) : l == 2 ? i32x4.extract_lane(v, 2) : i32x4.extract_lane(v, 3);
    const o = rqScalar(x, rq, np, c + <usize>q);
    if (signed) store<i8>(yp + <usize>q, <i8>o);
    else store<u8>(yp + <usize>q, <u8>o);
  }
}

// Requantizes and stores 8 channels (or r < 8).
// @ts-ignore: decorator
@inline
function finish8(yp: usize, acc0: v128, acc1: v128, rq: usize, np: usize, c: usize, r: i32, mode: i32, s: i32, clamp: bool, vmin: v128, vmax: v128, signed: bool, rs: usize): void {
  if (mode == 3 || mode == 2) {
    finishRare(yp, acc0, acc1, rq, np, c, r, mode, signed, rs);
    return;
  }
  const o = c << 2;
  const v =
    mode == 0
      ? narrow8(rqUniform(acc0, rq, np, o, s), rqUniform(acc1, rq, np, o + 16, s), clamp, vmin, vmax, signed)
      : narrow8(rqPerChannel(acc0, rq, np, o, s, mode == 1), rqPerChannel(acc1, rq, np, o + 16, s, mode == 1), clamp, vmin, vmax, signed);
  if (r >= 8) v128.store64_lane(yp, v, 0);
  else storePartial(yp, v, r);
}

function q8Rows<T>(p: usize, r0: i32, r1: i32, table: usize): void {
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
  const zpRow = pa(p, D_ZP_ROW);
  const np = <usize>(((C + 7) >> 3) << 3);
  const mode = load<i32>(rq + (<usize>RQ_MODE << 2));
  const s = load<i32>(rq + (<usize>RQ_SHIFT << 2));
  const clamp = load<i32>(rq + (<usize>RQ_CLAMP << 2)) != 0;
  const signed = load<i32>(rq + (<usize>RQ_SIGNED << 2)) != 0;
  const vmin = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMIN << 2)));
  const vmax = i16x8.splat(<i16>load<i32>(rq + (<usize>RQ_QMAX << 2)));
  const biasBase = rqArray(rq, np, RQA_BIAS);
  const cBytes = <usize>C;
  const rowBytes = <usize>inW * cBytes;
  const c8 = <usize>(C & ~7);
  // Hybrid: float32 output (4 bytes per value), the image's scale at rs.
  const oes: usize = mode == 3 ? 4 : 1;
  const rs = pa(p, D_HRS);
  const outPixel = cBytes * oes;
  const rem = C & 7;
  const taps = fh * fw;
  const pairs = (taps + 1) >> 1;
  const groupBytes = <usize>pairs << 5; // weights of 8 channels: 32 bytes per tap pair
  const dy = <usize>dh * rowBytes;
  const dx = <usize>dw * cBytes;
  // Two address tables of `pairs` x 2 taps: [0] the taps of the row's first window as if it were
  // inside the image (a window inside the image is that plus its horizontal offset), [1] the
  // taps of a window at the border (outside taps read the zero-point row). An odd tap's partner
  // (zero weight) reads the zero-point row.
  const slots = <usize>pairs << 1;
  const rowTable = table;
  const edgeTable = table + (slots << 2);
  if (taps & 1) {
    store<usize>(rowTable + (<usize>taps << 2), zpRow);
    store<usize>(edgeTable + (<usize>taps << 2), zpRow);
  }
  // Output columns whose windows lie inside the image horizontally: [oxLo, oxHi).
  let oxLo = sw > 0 ? (padW + sw - 1) / sw : 0;
  let oxHi = (inW - 1 - (fw - 1) * dw + padW) / sw + 1;
  if (inW - 1 - (fw - 1) * dw + padW < 0) oxHi = 0;
  if (oxHi > outW) oxHi = outW;
  if (oxLo > oxHi) oxLo = oxHi;
  const stepX = <usize>sw * cBytes;
  for (let row = r0; row < r1; row++) {
    const b = row / outH;
    const oy = row - b * outH;
    const iy0 = oy * sh - padH;
    const image = x + <usize>b * <usize>inH * rowBytes;
    let yp = y + <usize>row * <usize>outW * outPixel;
    const rowInside = iy0 >= 0 && iy0 + (fh - 1) * dh < inH;
    if (rowInside) {
      // Addresses of the taps of column 0's window (taps left of the image are never read).
      let t: usize = rowTable;
      const a0 = image + <usize>iy0 * rowBytes - <usize>padW * cBytes;
      for (let fy = 0; fy < fh; fy++) {
        let a = a0 + <usize>fy * dy;
        for (let fx = 0; fx < fw; fx++) {
          store<usize>(t, a);
          t += 4;
          a += dx;
        }
      }
    }
    for (let ox = 0; ox < outW; ox++) {
      let tab = rowTable;
      let po: usize = <usize>ox * stepX;
      if (taps == 9 && rowInside && ox >= oxLo && ox + 1 < oxHi && rem == 0) {
        // Two neighbouring pixels with 3x3 windows inside the image: each weight vector loaded
        // once for both (the second pixel's taps are stepX further).
        const r0 = load<usize>(tab) + po;
        const r1 = load<usize>(tab, 12) + po;
        const r2 = load<usize>(tab, 24) + po;
        const dx2 = dx << 1;
        let wg = w;
        for (let c: usize = 0; c < c8; c += 8) {
          let acc0 = v128.load(biasBase + (c << 2));
          let acc1 = v128.load(biasBase + (c << 2), 16);
          let acc2 = acc0;
          let acc3 = acc1;
          const a0 = r0 + c;
          const a1 = r1 + c;
          const a2 = r2 + c;
          const b0 = a0 + stepX;
          const b1 = a1 + stepX;
          const b2 = a2 + stepX;
          let wl = v128.load(wg);
          let wh = v128.load(wg, 16);
          let xa = load8<T>(a0);
          let xb = load8<T>(a0 + dx);
          acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          xa = load8<T>(b0);
          xb = load8<T>(b0 + dx);
          acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          wl = v128.load(wg, 32);
          wh = v128.load(wg, 48);
          xa = load8<T>(a0 + dx2);
          xb = load8<T>(a1);
          acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          xa = load8<T>(b0 + dx2);
          xb = load8<T>(b1);
          acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          wl = v128.load(wg, 64);
          wh = v128.load(wg, 80);
          xa = load8<T>(a1 + dx);
          xb = load8<T>(a1 + dx2);
          acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          xa = load8<T>(b1 + dx);
          xb = load8<T>(b1 + dx2);
          acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          wl = v128.load(wg, 96);
          wh = v128.load(wg, 112);
          xa = load8<T>(a2);
          xb = load8<T>(a2 + dx);
          acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          xa = load8<T>(b2);
          xb = load8<T>(b2 + dx);
          acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(pairLo<T>(xa, xb), wl));
          acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(pairHi<T>(xa, xb), wh));
          wl = v128.load(wg, 128);
          wh = v128.load(wg, 144);
          xa = load8<T>(a2 + dx2);
          acc0 = i32x4.add(acc0, i32x4.dot_i16x8_s(pairLo<T>(xa, xa), wl));
          acc1 = i32x4.add(acc1, i32x4.dot_i16x8_s(pairHi<T>(xa, xa), wh));
          xa = load8<T>(b2 + dx2);
          acc2 = i32x4.add(acc2, i32x4.dot_i16x8_s(pairLo<T>(xa, xa), wl));
          acc3 = i32x4.add(acc3, i32x4.dot_i16x8_s(pairHi<T>(xa, xa), wh));
          finish8(yp + c * oes, acc0, acc1, rq, np, c, 8, mode, s, clamp, vmin, vmax, signed, rs);
          finish8(yp + outPixel + c * oes, acc2, acc3, rq, np, c, 8, mode, s, clamp, vmin, vmax, signed, rs);
          wg += 160;
        }
        yp += outPixel << 1;
        ox++;
        continue;
      }
      if (!rowInside || ox < oxLo || ox >= oxHi) {
        const ix0 = ox * sw - padW;
        const base = image + <usize>iy0 * rowBytes + <usize>ix0 * cBytes;
        for (let fy = 0; fy < fh; fy++) {
          const iy = iy0 + fy * dh;
          for (let fx = 0; fx < fw; fx++) {
            const ix = ix0 + fx * dw;
            const inside = iy >= 0 && iy < inH && ix >= 0 && ix < inW;
            store<usize>(edgeTable + (<usize>(fy * fw + fx) << 2), inside ? base + <usize>fy * dy + <usize>fx * dx : zpRow);
          }
        }
        tab = edgeTable;
        po = 0;
      }
      const tabEnd = tab + (slots << 2);
      let c: usize = 0;
      let wg = w;
      for (; c < c8; c += 8) {
        let acc0 = v128.load(biasBase + (c << 2));
        let acc1 = v128.load(biasBase + (c << 2), 16);
        let wp = wg;
        const pc = po + c;
        for (let t: usize = tab; t < tabEnd; t += 8) {
          const xa = load8<T>(load<usize>(t) + pc);
          const xb = load8<T>(load<usize>(t, 4) + pc);
          acc0 = tapPair<T>(acc0, xa, xb, wp, false);
          acc1 = tapPair<T>(acc1, xa, xb, wp, true);
          wp += 32;
        }
        finish8(yp + c * oes, acc0, acc1, rq, np, c, 8, mode, s, clamp, vmin, vmax, signed, rs);
        wg += groupBytes;
      }
      if (rem != 0) {
        let acc0 = v128.load(biasBase + (c << 2));
        let acc1 = v128.load(biasBase + (c << 2), 16);
        let wp = wg;
        const pc = po + c;
        for (let t: usize = tab; t < tabEnd; t += 8) {
          const xa = loadPart<T>(load<usize>(t) + pc, rem);
          const xb = loadPart<T>(load<usize>(t, 4) + pc, rem);
          acc0 = tapPair<T>(acc0, xa, xb, wp, false);
          acc1 = tapPair<T>(acc1, xa, xb, wp, true);
          wp += 32;
        }
        finish8(yp + c * oes, acc0, acc1, rq, np, c, rem, mode, s, clamp, vmin, vmax, signed, rs);
      }
      yp += outPixel;
    }
  }
}

/** Job: output rows of part `chunk` of a quantized depthwise convolution. */
export function q8_dwconv_job(p: usize, chunk: i32, chunks: i32): void {
  const rows = pi(p, D_BATCHES) * pi(p, D_OUT_H);
  const r0 = splitAt(rows, chunk, chunks, 1);
  const r1 = splitAt(rows, chunk + 1, chunks, 1);
  const table = pa(p, D_SCRATCH) + <usize>chunk * pa(p, D_SCRATCH_STRIDE);
  if (pi(p, D_SIGNED) || pi(p, D_HYBRID)) q8Rows<i8>(p, r0, r1, table);
  else q8Rows<u8>(p, r0, r1, table);
}
