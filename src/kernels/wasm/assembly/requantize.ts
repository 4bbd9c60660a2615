// TFLite's per-channel requantization of int32 accumulators, bit-exact with the reference kernels
// (double rounding, src/kernels/internal/multiply_by_quantized_multiplier.ts), in integer lanes:
//   x = acc + bias;  x = x * 2^left (left = max(shift, 0))
//   q = SaturatingRoundingDoublingHighMul(x, m) = floor((x * m + 2^30) / 2^31)
//   r = RoundingDivideByPOT(q, e), e = max(-shift, 0): round half away from zero of q / 2^e
//   y = clamp(r + zeroPoint, qmin, qmax)
//
// The fast modes rest on a bound the packer (src/kernels/wasm/packing.ts) proves per layer from the
// constant weights and bias: |x| < 2^30 for every input, so nothing below overflows and the int32
// sums the reference wraps never do. The packer also multiplies each column's weights and bias by
// 2^(1 + left) (|w - zp| <= 255 stays an int16 for left <= 6), so the accumulator is already 2x:
//   2x * m + 2^31 = 2 * (x * m + 2^30), whose high 32 bits are q
// (i64x2.extmul gives the exact products; the low halves of the two 64-bit lanes are dropped by
// one shuffle, no 64-bit shift). Then, with C = 2^(e-1) + zeroPoint * 2^e folded into the same
// 64-bit add (K = 2^31 + C * 2^32), the high word is v = q + C, and
//   r + zeroPoint = (v - [q < 0]) >> e        ([q < 0] = [v < C])
// because floor((q + 2^(e-1) - [q < 0]) / 2^e) is round half away from zero of q / 2^e (e >= 1),
// and adding zeroPoint * 2^e before an arithmetic shift adds zeroPoint after it.
//
// Mode 0 ("uniform"): every column has the same e (1 <= e <= 21: |v| < 2^31).
// Mode 1 ("per-channel"): shifts differ; D = max e <= 22. Wasm SIMD has no per-lane shift, so each
//   lane's divide by 2^e becomes a divide by 2^D of y = q * 2^(D - e) (exact: a power of two):
//   round half away from zero of y / 2^D equals that of q / 2^e. q is first clamped to
//   +-2^(e + 8), which keeps |y| <= 2^(D + 8) and changes no output: at the bound |r| = 256, and
//   r + zeroPoint lies above 255 or below -128 either way (zero points lie in [-128, 255]).
//   Here K = 2^31 and v = y + C with C = 2^(D-1) + zeroPoint * 2^D, |v| <= 511.5 * 2^D < 2^31.
// Mode 4: mode 1 without the clamp of q, where the packer proves from the layer's bound that the
//   clamp never binds or that |q| * 2^(D - e) + |C| < 2^31 anyway (v never wraps, so the rounding
//   divide is exact as it stands). Saves 4 instructions per 4 columns; most per-channel layers
//   qualify (their worst-case |q| * 2^(D - e) stays far below 2^31).
// Columns whose weights are all zero output a constant: the packer gives them multiplier 0 and
// folds the constant into C (v = C, r = the constant), so they never constrain e or D.
// Mode 2 ("scalar"): anything else (a bound above 2^30, left shifts above 6, e above 22 on a live
//   column): one column at a time in scalar code with the reference formula (64-bit product,
//   wrapping int32 shift), on unscaled weights.
//
// The rounding result is then narrowed to int16 (saturating), clamped to [qmin, qmax] when the
// activation range is narrower than the output type, and narrowed to 8 bits (saturating).
//
// Mode 3 ("hybrid"): float32 activations quantized at run time (hybrid.ts), int8 weights, float
// output, as TFLite's hybrid kernels (src/kernels/conv/*.ts, their hybrid paths): with a = f32(acc)
// and rs the row's input scale, in float32 steps
//   form 0: y = a * f32(scale[c] * rs)      (+ bias[c])    (CONV_2D per-tensor, DEPTHWISE, FC)
//   form 1: y = (a * scale[c]) * rs          (+ bias[c])    (CONV_2D per-channel)
// then the activation clamp as the float kernels write it (pmax / pmin). The bias add is skipped
// without a bias (CONV_2D, DEPTHWISE: -0 stays -0); FULLY_CONNECTED always adds (0 without one).
// Header: RQ_SHIFT = form, RQ_CLAMP = add the bias, RQ_QMIN / RQ_QMAX = the float clamp (f32
// bits); arrays: RQA_BIAS = accumulator start (int32), RQA_MULT = scale[c], RQA_C = bias[c] (f32).

// Header words of a requantization block (then per-column arrays of np = roundUp8(n) entries).
export const RQ_MODE = 0;
export const RQ_SHIFT = 1; // e (mode 0) | D (mode 1)
export const RQ_QMIN = 2;
export const RQ_QMAX = 3;
export const RQ_CLAMP = 4; // 1 when [qmin, qmax] is narrower than the output type
export const RQ_SIGNED = 5; // 1: int8 output, 0: uint8
export const RQ_ZP = 6; // output zero point (mode 2)
export const RQ_HEADER_BYTES: usize = 32;

// Per-column arrays, in units of np * 4 bytes after the header: bias (x 2^(1+left) in modes 0/1),
// multiplier, C, clamp high 2^(e+8), clamp low, 2^(D-e), shift (mode 2), then K as np int64.
export const RQA_BIAS: usize = 0;
export const RQA_MULT: usize = 1;
export const RQA_C: usize = 2;
export const RQA_HI: usize = 3;
export const RQA_LO: usize = 4;
export const RQA_P2: usize = 5;
export const RQA_SHIFT: usize = 6;
export const RQA_K: usize = 7; // int64: 2 units

/** Address of per-column array `which` of a block of np columns at rq. */
// @ts-ignore: decorator
@inline
export function rqArray(rq: usize, np: usize, which: usize): usize {
  return rq + RQ_HEADER_BYTES + which * (np << 2);
}

/** Mode 3 for 4 columns: float32 outputs of accumulators `acc`; rs points at the row's input scale. */
// @ts-ignore: decorator
@inline
export function hybridOut(acc: v128, rq: usize, np: usize, o: usize, rs: usize): v128 {
  const a = f32x4.convert_i32x4_s(acc);
  const s = v128.load(rqArray(rq, np, RQA_MULT) + o);
  const r = v128.load32_splat(rs);
  let v = load<i32>(rq + (<usize>RQ_SHIFT << 2)) == 0 ? f32x4.mul(a, f32x4.mul(s, r)) : f32x4.mul(f32x4.mul(a, s), r);
  if (load<i32>(rq + (<usize>RQ_CLAMP << 2)) != 0) v = f32x4.add(v, v128.load(rqArray(rq, np, RQA_C) + o));
  const lo = v128.load32_splat(rq + (<usize>RQ_QMIN << 2));
  const hi = v128.load32_splat(rq + (<usize>RQ_QMAX << 2));
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

/** Mode 0 for 4 columns: `acc` holds 2 * 2^left * (acc + bias); `o` is the column's byte offset (4 * col). */
// @ts-ignore: decorator
@inline
export function rqUniform(acc: v128, rq: usize, np: usize, o: usize, e: i32): v128 {
  const m = v128.load(rqArray(rq, np, RQA_MULT) + o);
  const kp = rqArray(rq, np, RQA_K) + (o << 1);
  const lo = i64x2.add(i64x2.extmul_low_i32x4_s(acc, m), v128.load(kp));
  const hi = i64x2.add(i64x2.extmul_high_i32x4_s(acc, m), v128.load(kp, 16));
  const v = i32x4.shuffle(lo, hi, 1, 3, 5, 7);
  return i32x4.shr_s(i32x4.add(v, i32x4.lt_s(v, v128.load(rqArray(rq, np, RQA_C) + o))), e);
}

/** Mode 1 (clampQ) or 4 for 4 columns (see the file comment); `d` is D. */
// @ts-ignore: decorator
@inline
export function rqPerChannel(acc: v128, rq: usize, np: usize, o: usize, d: i32, clampQ: bool): v128 {
  const m = v128.load(rqArray(rq, np, RQA_MULT) + o);
  const k = i64x2.splat(0x80000000);
  const lo = i64x2.add(i64x2.extmul_low_i32x4_s(acc, m), k);
  const hi = i64x2.add(i64x2.extmul_high_i32x4_s(acc, m), k);
  let q = i32x4.shuffle(lo, hi, 1, 3, 5, 7);
  if (clampQ) q = i32x4.min_s(i32x4.max_s(q, v128.load(rqArray(rq, np, RQA_LO) + o)), v128.load(rqArray(rq, np, RQA_HI) + o));
  const c = v128.load(rqArray(rq, np, RQA_C) + o);
  const v = i32x4.add(i32x4.mul(q, v128.load(rqArray(rq, np, RQA_P2) + o)), c);
  return i32x4.shr_s(i32x4.add(v, i32x4.lt_s(v, c)), d);
}

/** Requantizes 4 columns in mode 0 or 1 (mode given). */
// @ts-ignore: decorator
@inline
export function rq4(acc: v128, rq: usize, np: usize, o: usize, mode: i32, s: i32): v128 {
  return mode == 0 ? rqUniform(acc, rq, np, o, s) : rqPerChannel(acc, rq, np, o, s, mode == 1);
}

/**
 * Narrows two vectors of 4 results (r + zero point) to 8 bytes in the low half: saturate to int16,
 * clamp to [qmin, qmax] if `clamp`, saturate to int8 or uint8.
 */
// @ts-ignore: decorator
@inline
export function narrow8(r0: v128, r1: v128, clamp: bool, vmin: v128, vmax: v128, signed: bool): v128 {
  let h = i16x8.narrow_i32x4_s(r0, r1);
  if (clamp) h = i16x8.min_s(i16x8.max_s(h, vmin), vmax);
  return signed ? i8x16.narrow_i16x8_s(h, h) : i8x16.narrow_i16x8_u(h, h);
}

/** Mode 2: requantizes one accumulator (acc + bias, unscaled) of column `col`; returns the clamped output. */
export function rqScalar(acc: i32, rq: usize, np: usize, col: usize): i32 {
  const o = col << 2;
  const shift = load<i32>(rqArray(rq, np, RQA_SHIFT) + o);
  const left = shift > 0 ? shift : 0;
  const e = shift > 0 ? 0 : -shift;
  const x = acc << left; // wraps, and counts modulo 32, as the reference
  const q = <i32>((<i64>x * <i64>load<i32>(rqArray(rq, np, RQA_MULT) + o) + (1 << 30)) >> 31);
  const mask = <i32>((<i64>1 << e) - 1);
  const threshold = (mask >> 1) + (q < 0 ? 1 : 0);
  let r = (q >> e) + ((q & mask) > threshold ? 1 : 0);
  r += load<i32>(rq + (<usize>RQ_ZP << 2));
  const qmin = load<i32>(rq + (<usize>RQ_QMIN << 2));
  const qmax = load<i32>(rq + (<usize>RQ_QMAX << 2));
  return r < qmin ? qmin : r > qmax ? qmax : r;
}

/** Stores the low `nr` (< 8) bytes of v at c. */
// @ts-ignore: decorator
@inline
export function storePartial(c: usize, v: v128, nr: i32): void {
  let u = v;
  let p = c;
  if (nr >= 4) {
    v128.store32_lane(p, u, 0);
    u = i32x4.shuffle(u, u, 1, 1, 1, 1);
    p += 4;
    nr -= 4;
  }
  if (nr >= 2) {
    v128.store16_lane(p, u, 0);
    u = i16x8.shuffle(u, u, 1, 1, 1, 1, 1, 1, 1, 1);
    p += 2;
    nr -= 2;
  }
  if (nr >= 1) v128.store8_lane(p, u, 0);
}
