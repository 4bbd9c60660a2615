/**
 * An independent oracle for the element-wise and activation tests: seeded data, naive NumPy
 * broadcasting by index arithmetic, and TFLite's integer primitives written out with BigInt
 * (QuantizeMultiplier, SaturatingRoundingDoublingHighMul, RoundingDivideByPOT,
 * MultiplyByQuantizedMultiplier) — none of it shares code with src/kernels.
 */
import { rng } from '../../support/rng.js';

export { rng };

/** Returns n float32 values uniform in [lo, hi). */
export function randomFloats(n: number, seed: number, lo = -4, hi = 4): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** Returns n integers uniform in [lo, hi] as plain numbers. */
export function randomInts(n: number, seed: number, lo: number, hi: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * r()));
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** NumPy broadcast of shapes (the test's own implementation). */
export function broadcast(...shapes: (readonly number[])[]): number[] {
  const rank = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let d = 1;
    for (const s of shapes) {
      const v = s[s.length - rank + i] ?? 1;
      if (v !== 1) {
        if (d !== 1 && d !== v) throw new Error(`shapes ${JSON.stringify(shapes)} do not broadcast`);
        d = v;
      }
    }
    out.push(d);
  }
  return out;
}

/** Flat index into `inShape` of the element that output flat index `k` (of `outShape`) reads. */
export function sourceIndex(outShape: readonly number[], inShape: readonly number[], k: number): number {
  let idx = 0;
  let stride = 1;
  let rem = k;
  for (let d = outShape.length - 1; d >= 0; d--) {
    const coord = rem % outShape[d]!;
    rem = Math.floor(rem / outShape[d]!);
    const id = d - (outShape.length - inShape.length);
    if (id >= 0) {
      const extent = inShape[id]!;
      idx += (extent === 1 ? 0 : coord) * stride;
      stride *= extent;
    }
  }
  return idx;
}

/** Applies f over the broadcast of a and b by naive index arithmetic. */
export function broadcastMap<T>(
  aShape: readonly number[],
  a: ArrayLike<T>,
  bShape: readonly number[],
  b: ArrayLike<T>,
  f: (x: T, y: T) => number,
): { shape: number[]; values: number[] } {
  const shape = broadcast(aShape, bShape);
  const n = sizeOf(shape);
  const values: number[] = [];
  for (let k = 0; k < n; k++)
    values.push(f(a[sourceIndex(shape, aShape, k)]!, b[sourceIndex(shape, bShape, k)]!));
  return { shape, values };
}

// ---- TFLite's integer arithmetic with BigInt ----

const B31 = 2n ** 31n;

/** Wraps a bigint to int32. */
export function wrap32(x: bigint): number {
  return Number(BigInt.asIntN(32, x));
}

/** gemmlowp SaturatingRoundingDoublingHighMul on int32. */
export function srdhm(a: number, b: number): number {
  if (a === -2147483648 && b === -2147483648) return 2147483647;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 2n ** 30n : 1n - 2n ** 30n;
  return Number((ab + nudge) / B31); // BigInt division truncates toward zero, as C++
}

/** gemmlowp RoundingDivideByPOT: x / 2^e rounded half away from zero. */
export function rdbp(x: number, e: number): number {
  const p = 2n ** BigInt(e);
  const X = BigInt(x);
  let q = X / p; // toward zero
  if (X < 0n && q * p !== X) q -= 1n; // floor
  const r = X - q * p;
  const threshold = (p - 1n) / 2n + (X < 0n ? 1n : 0n);
  return Number(q + (r > threshold ? 1n : 0n));
}

/** TFLite MultiplyByQuantizedMultiplier(int32 x, multiplier, shift) with double rounding. */
export function mbqm(x: number, m: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  return rdbp(srdhm(wrap32(BigInt(x) * 2n ** BigInt(left)), m), right);
}

/** TFLite QuantizeMultiplier(double): significand in [2^30, 2^31), shift. */
export function quantizeMultiplier(m: number): { m: number; shift: number } {
  if (m === 0) return { m: 0, shift: 0 };
  let e = Math.floor(Math.log2(Math.abs(m))) + 1;
  while (Math.abs(m) / 2 ** e >= 1) e++;
  while (Math.abs(m) / 2 ** e < 0.5) e--;
  const frac = m / 2 ** e;
  let q = Math.sign(frac) * Math.round(Math.abs(frac) * 2 ** 31);
  if (Math.abs(q) === 2 ** 31) {
    q /= 2;
    e++;
  }
  if (e < -31) return { m: 0, shift: 0 };
  return { m: q, shift: e };
}

/** Rounds half away from zero (C's round). */
export function roundAway(x: number): number {
  return Math.sign(x) * Math.floor(Math.abs(x) + 0.5);
}

/** Clamps x to [lo, hi]. */
export function clampTo(x: number, lo: number, hi: number): number {
  return x < lo ? lo : x > hi ? hi : x;
}

/** Integer range of a quantized dtype. */
export const QRANGE = { int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767] } as const;
export type QDtype = keyof typeof QRANGE;

/**
 * TFLite's CalculateActivationRangeQuantized: act 0 NONE, 1 RELU, 2 RELU_N1_TO_1, 3 RELU6 on
 * the output scale (zero_point + round(bound / scale) in float32).
 */
export function quantActivationRange(
  act: number,
  dtype: QDtype,
  scale: number,
  zp: number,
): [number, number] {
  const [lo, hi] = QRANGE[dtype];
  const q = (v: number) => zp + roundAway(Math.fround(v / scale));
  switch (act) {
    case 1:
      return [Math.max(lo, q(0)), hi];
    case 2:
      return [Math.max(lo, q(-1)), Math.min(hi, q(1))];
    case 3:
      return [Math.max(lo, q(0)), Math.min(hi, q(6))];
    default:
      return [lo, hi];
  }
}

/** Float clamp of a fused activation (NONE, RELU, RELU_N1_TO_1, RELU6). */
export function floatActivation(act: number, v: number): number {
  switch (act) {
    case 1:
      return v < 0 ? 0 : v;
    case 2:
      return clampTo(v, -1, 1);
    case 3:
      return clampTo(v, 0, 6);
    default:
      return v;
  }
}
