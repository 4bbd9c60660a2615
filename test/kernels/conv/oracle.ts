/**
 * Independent oracles for the convolution-family kernel tests: naive float64 convolutions,
 * matrix products and pools written straight from the op definitions (TFLite's reference loop
 * order, padding skipped), and TFLite's integer requantization written out with BigInt
 * (MultiplyByQuantizedMultiplier in its int32 double-rounding and int64 forms, QuantizeMultiplier
 * via frexp). Nothing here imports from src/kernels.
 */

export { rng } from '../../support/rng.js';

/** Returns n floats uniform in [lo, hi), rounded to float32. */
export function randomFloats(next: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + (hi - lo) * next();
  return out;
}

/** Returns n integers uniform in [lo, hi]. */
export function randomInts(next: () => number, n: number, lo: number, hi: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = lo + Math.floor(next() * (hi - lo + 1));
  return out;
}

/** Geometry of a 2-D window op, as the oracle computes it (TFLite padding rules). */
export interface Geometry {
  outH: number;
  outW: number;
  padH: number;
  padW: number;
}

/** Returns output size and leading padding for SAME ('SAME') or VALID padding. */
export function geometry(
  padding: 'SAME' | 'VALID',
  inH: number,
  inW: number,
  fh: number,
  fw: number,
  sh: number,
  sw: number,
  dh = 1,
  dw = 1,
): Geometry {
  const effH = (fh - 1) * dh + 1;
  const effW = (fw - 1) * dw + 1;
  const outH = padding === 'SAME' ? Math.ceil(inH / sh) : Math.ceil((inH - effH + 1) / sh);
  const outW = padding === 'SAME' ? Math.ceil(inW / sw) : Math.ceil((inW - effW + 1) / sw);
  const padH = Math.max(0, Math.floor(((outH - 1) * sh + effH - inH) / 2));
  const padW = Math.max(0, Math.floor(((outW - 1) * sw + effW - inW) / 2));
  return { outH, outW, padH, padW };
}

/** Options of a convolution oracle call. */
export interface ConvSpec {
  /** NHWC input shape. */
  inShape: [number, number, number, number];
  fh: number;
  fw: number;
  padding: 'SAME' | 'VALID';
  sh: number;
  sw: number;
  dh: number;
  dw: number;
}

/**
 * Returns the raw sums of a convolution (no bias, no activation) as float64 numbers, and the
 * output shape. `inputAt(b, y, x, c)` and `filterAt(oc, fy, fx, ic)` give the (already offset)
 * values; positions outside the image are skipped.
 */
export function convSums(
  spec: ConvSpec,
  outC: number,
  inputAt: (b: number, y: number, x: number, c: number) => number,
  filterAt: (oc: number, fy: number, fx: number, ic: number) => number,
): { shape: number[]; sums: number[] } {
  const [B, H, W, C] = spec.inShape;
  const g = geometry(spec.padding, H, W, spec.fh, spec.fw, spec.sh, spec.sw, spec.dh, spec.dw);
  const sums: number[] = [];
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let oc = 0; oc < outC; oc++) {
          let s = 0;
          for (let fy = 0; fy < spec.fh; fy++)
            for (let fx = 0; fx < spec.fw; fx++) {
              const y = oy * spec.sh - g.padH + fy * spec.dh;
              const x = ox * spec.sw - g.padW + fx * spec.dw;
              if (y < 0 || y >= H || x < 0 || x >= W) continue;
              for (let ic = 0; ic < C; ic++) s += inputAt(b, y, x, ic) * filterAt(oc, fy, fx, ic);
            }
          sums.push(s);
        }
  return { shape: [B, g.outH, g.outW, outC], sums };
}

/** Depthwise analogue of convSums: output channel oc = ic * multiplier + m reads input channel ic. */
export function depthwiseSums(
  spec: ConvSpec,
  multiplier: number,
  inputAt: (b: number, y: number, x: number, c: number) => number,
  filterAt: (fy: number, fx: number, oc: number) => number,
): { shape: number[]; sums: number[] } {
  const [B, H, W, C] = spec.inShape;
  const g = geometry(spec.padding, H, W, spec.fh, spec.fw, spec.sh, spec.sw, spec.dh, spec.dw);
  const outC = C * multiplier;
  const sums: number[] = [];
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let oc = 0; oc < outC; oc++) {
          const ic = Math.floor(oc / multiplier);
          let s = 0;
          for (let fy = 0; fy < spec.fh; fy++)
            for (let fx = 0; fx < spec.fw; fx++) {
              const y = oy * spec.sh - g.padH + fy * spec.dh;
              const x = ox * spec.sw - g.padW + fx * spec.dw;
              if (y < 0 || y >= H || x < 0 || x >= W) continue;
              s += inputAt(b, y, x, ic) * filterAt(fy, fx, oc);
            }
          sums.push(s);
        }
  return { shape: [B, g.outH, g.outW, outC], sums };
}

/** Float clamp of a fused activation code (0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6). */
export function floatAct(act: number, v: number): number {
  if (act === 1) return Math.max(0, v);
  if (act === 2) return Math.min(1, Math.max(-1, v));
  if (act === 3) return Math.min(6, Math.max(0, v));
  return v;
}

/** C's round(): half away from zero. */
function roundAway(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** TFLite QuantizeMultiplier, written from its definition: m = q * 2^shift, q in [0.5, 1) as Q0.31. */
export function quantizeMultiplier(real: number): { m: number; shift: number } {
  if (real === 0) return { m: 0, shift: 0 };
  let shift = Math.floor(Math.log2(real)) + 1;
  // Fix log2 rounding at exact powers of two: q must be in [0.5, 1).
  while (real / 2 ** shift >= 1) shift++;
  while (real / 2 ** shift < 0.5) shift--;
  let q = roundAway((real / 2 ** shift) * 2 ** 31);
  if (q === 2 ** 31) {
    q /= 2;
    shift++;
  }
  if (shift < -31) return { m: 0, shift: 0 };
  return { m: q, shift };
}

/** gemmlowp SaturatingRoundingDoublingHighMul in BigInt. */
function srdhm(a: bigint, b: bigint): bigint {
  if (a === -2147483648n && b === -2147483648n) return 2147483647n;
  const ab = a * b;
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  // C++ division truncates toward zero.
  const num = ab + nudge;
  const q = num / (1n << 31n);
  return q;
}

/** gemmlowp RoundingDivideByPOT in BigInt. */
function rdbpot(x: bigint, e: bigint): bigint {
  const mask = (1n << e) - 1n;
  const rem = x & mask;
  const threshold = (mask >> 1n) + (x < 0n ? 1n : 0n);
  return (x >> e) + (rem > threshold ? 1n : 0n);
}

/** Wraps a BigInt to int32. */
function toInt32(x: bigint): bigint {
  return BigInt.asIntN(32, x);
}

/** TFLite MultiplyByQuantizedMultiplier(int32 x, m, shift) with double rounding. */
export function mbqm32(x: number, m: number, shift: number): number {
  const left = shift > 0 ? BigInt(shift) : 0n;
  const right = shift > 0 ? 0n : BigInt(-shift);
  const xs = toInt32(BigInt(x) * (1n << left));
  return Number(rdbpot(srdhm(xs, BigInt(m)), right));
}

/** TFLite MultiplyByQuantizedMultiplier(int64 x, m, shift): 15-bit reduced multiplier, one rounding. */
export function mbqm64(x: number, m: number, shift: number): number {
  const reduced = m < 0x7fff0000 ? (BigInt(m) + (1n << 15n)) >> 16n : 0x7fffn;
  const total = BigInt(15 - shift);
  const r = (BigInt(x) * reduced + (1n << (total - 1n))) >> total;
  return Number(toInt32(r));
}

/** Quantized clamp range of a fused activation (TFLite CalculateActivationRangeQuantized). */
export function quantAct(
  act: number,
  qmin: number,
  qmax: number,
  scale: number,
  zp: number,
): [number, number] {
  const q = (f: number) => zp + roundAway(Math.fround(f / Math.fround(scale)));
  if (act === 1) return [Math.max(qmin, q(0)), qmax];
  if (act === 2) return [Math.max(qmin, q(-1)), Math.min(qmax, q(1))];
  if (act === 3) return [Math.max(qmin, q(0)), Math.min(qmax, q(6))];
  return [qmin, qmax];
}

/**
 * Returns TFLite's requantized output for an accumulator (already including the bias): the
 * 8-bit form wraps acc to int32 and uses the double-rounding multiplier; `wide` uses the int64 one.
 */
export function requant(
  acc: number,
  inScale: number,
  filterScale: number,
  outScale: number,
  outZp: number,
  lo: number,
  hi: number,
  wide: boolean,
): number {
  const real = (Math.fround(inScale) * Math.fround(filterScale)) / Math.fround(outScale);
  const { m, shift } = quantizeMultiplier(real);
  const v = (wide ? mbqm64(acc, m, shift) : mbqm32(Number(toInt32(BigInt(acc))), m, shift)) + outZp;
  return Math.min(hi, Math.max(lo, v));
}

/**
 * Returns the largest |actual - expected| / max(|expected|, floor) with floor = 1% of the largest
 * |expected| (and at least 1e-3): the relative error on well-conditioned outputs, without
 * penalising float32 rounding on values that cancel to nearly zero. Infinity on a length mismatch.
 */
export function maxRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let peak = 0;
  for (let i = 0; i < expected.length; i++) peak = Math.max(peak, Math.abs(expected[i]!));
  const floor = Math.max(1e-3, 0.01 * peak);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const rel = Math.abs(actual[i]! - e) / Math.max(floor, Math.abs(e));
    if (!(rel <= worst)) worst = rel; // a NaN makes the result NaN, which fails toBeLessThan
  }
  return worst;
}

/** TFLite SymmetricQuantizeFloats, written out: scale = max|v| / 127, q = round(v * 127 / max|v|). */
export function symmetricQuantize(values: ArrayLike<number>): { q: number[]; scale: number } {
  const f = Math.fround;
  let range = 0;
  for (let i = 0; i < values.length; i++) range = Math.max(range, Math.abs(values[i]!));
  if (range === 0) return { q: Array.from(values, () => 0), scale: 1 };
  const inv = f(127 / range);
  return {
    q: Array.from(values, (v) => Math.max(-127, Math.min(127, roundAway(f(v * inv))))),
    scale: f(range / 127),
  };
}

/** TFLite AsymmetricQuantizeFloats, written out: [min(0, lo), max(0, hi)] onto [-128, 127]. */
export function asymmetricQuantize(values: ArrayLike<number>): {
  q: number[];
  scale: number;
  offset: number;
} {
  const f = Math.fround;
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < values.length; i++) {
    lo = Math.min(lo, values[i]!);
    hi = Math.max(hi, values[i]!);
  }
  if (lo === hi) return { q: Array.from(values, () => 0), scale: 1, offset: 0 };
  const scale = (hi - lo) / 255;
  const fromMin = -128 - lo / scale;
  const fromMax = 127 - hi / scale;
  const zpd = 128 + Math.abs(lo / scale) < 127 + Math.abs(hi / scale) ? fromMin : fromMax;
  const offset = zpd <= -128 ? -128 : zpd >= 127 ? 127 : roundAway(zpd);
  const s = f(scale);
  const inv = f(1 / s);
  return {
    q: Array.from(values, (v) => Math.max(-128, Math.min(127, roundAway(f(offset + f(v * inv)))))),
    scale: s,
    offset,
  };
}
