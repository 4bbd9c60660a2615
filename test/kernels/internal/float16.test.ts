import { describe, expect, it } from 'vitest';
import {
  bfloat16BitsToFloat32,
  float16ArrayToFloat32,
  float16BitsToFloat32,
  float16BitsToFloat32Bits,
  float32ArrayToFloat16,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
} from '../../../src/kernels/internal/float16.js';
import { prng } from './oracle.js';

const f32bits = (x: number): number => new Uint32Array(new Float32Array([x]).buffer)[0]!;
const isNaNHalf = (h: number): boolean => (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;

/** Value of every finite non-negative half (bits 0..0x7bff) for the nearest-value oracle. */
const HALF_VALUES = Array.from({ length: 0x7c00 }, (_, h) => {
  const e = h >> 10;
  const m = h & 0x3ff;
  return e === 0 ? m * 2 ** -24 : (1 + m / 1024) * 2 ** (e - 15);
});

/** Nearest half by binary search over all finite halves, ties to the even pattern; inf past 65520. */
function nearestHalf(x: number): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  let lo = 0;
  let hi = HALF_VALUES.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (HALF_VALUES[mid]! <= a) lo = mid;
    else hi = mid;
  }
  const dl = a - HALF_VALUES[lo]!;
  const dh = HALF_VALUES[hi]! - a;
  const pick = dl < dh ? lo : dh < dl ? hi : lo % 2 === 0 ? lo : hi;
  return sign | pick;
}

describe('float16', () => {
  it('half -> float32 -> half is the identity for every non-NaN pattern; NaNs stay NaN', () => {
    for (let h = 0; h <= 0xffff; h++) {
      const v = float16BitsToFloat32(h);
      const back = float32ToFloat16Bits(v);
      if (isNaNHalf(h)) {
        expect(Number.isNaN(v)).toBe(true);
        expect(back & 0x7fff).toBe(0x7e00); // a quiet NaN (whether a JS NaN keeps its sign is up to the engine)
      } else if (back !== h) {
        expect(back, `0x${h.toString(16)}`).toBe(h);
      }
    }
  });

  it('float16BitsToFloat32Bits agrees with the value conversion and keeps NaN payloads', () => {
    for (let h = 0; h <= 0xffff; h++) {
      if (isNaNHalf(h)) continue;
      const bits = float16BitsToFloat32Bits(h);
      if (bits !== f32bits(float16BitsToFloat32(h)))
        expect(bits, `0x${h.toString(16)}`).toBe(f32bits(float16BitsToFloat32(h)));
    }
    expect(float16BitsToFloat32Bits(0x7c01)).toBe(0x7f802000);
    expect(float16BitsToFloat32Bits(0xfe00)).toBe(0xffc00000);
    expect(float16BitsToFloat32Bits(0x8000)).toBe(0x80000000);
  });

  it('rounds float32 to the nearest half, ties to even (random values and every tie of a range)', () => {
    const next = prng(16);
    const reg = new Float32Array(1);
    const u = new Uint32Array(reg.buffer);
    for (let i = 0; i < 100_000; i++) {
      // Random float32 bit patterns with exponents around the half range.
      u[0] = ((next() & 0x80000000) | ((95 + (next() % 50)) << 23) | (next() & 0x7fffff)) >>> 0;
      const got = float32ToFloat16Bits(reg[0]!);
      const want = nearestHalf(reg[0]!);
      if (got !== want) expect(got, String(reg[0])).toBe(want);
    }
    for (let h = 0; h < 0x7bff; h += 3) {
      const tie = (HALF_VALUES[h]! + HALF_VALUES[h + 1]!) / 2; // exact in float32
      expect(float32ToFloat16Bits(tie)).toBe(h % 2 === 0 ? h : h + 1);
      expect(float32ToFloat16Bits(-tie)).toBe(0x8000 | (h % 2 === 0 ? h : h + 1));
    }
  });

  it('known values: 1/3, 0.1, max, overflow, subnormals, zeros, infinities, NaN', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(1 / 3)).toBe(0x3555);
    expect(float32ToFloat16Bits(0.1)).toBe(0x2e66);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65519)).toBe(0x7bff);
    expect(float32ToFloat16Bits(65520)).toBe(0x7c00);
    expect(float32ToFloat16Bits(1e10)).toBe(0x7c00);
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001);
    expect(float32ToFloat16Bits(2 ** -25)).toBe(0x0000); // tie -> even (0)
    expect(float32ToFloat16Bits(1.5 * 2 ** -24)).toBe(0x0002); // tie -> even (2)
    expect(float32ToFloat16Bits(2 ** -25 * 1.0000001)).toBe(0x0001);
    expect(float32ToFloat16Bits(2 ** -14)).toBe(0x0400);
    expect(float32ToFloat16Bits(1e-30)).toBe(0x0000);
    expect(float32ToFloat16Bits(-0)).toBe(0x8000);
    expect(float32ToFloat16Bits(-Infinity)).toBe(0xfc00);
    expect(float32ToFloat16Bits(NaN)).toBe(0x7e00);
    expect(float16BitsToFloat32(0x3555)).toBe(0.333251953125);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0xfbff)).toBe(-65504);
    // A double is rounded to float32 first: 1 + 2^-11 + 2^-40 is a tie in float32 -> even (1.0).
    expect(float32ToFloat16Bits(1 + 2 ** -11 + 2 ** -40)).toBe(0x3c00);
  });

  it('array helpers', () => {
    const src = Float32Array.from([0, -2, 0.5, 1000.7]);
    const h = new Uint16Array(4);
    float32ArrayToFloat16(src, h);
    expect(Array.from(h)).toEqual([0x0000, 0xc000, 0x3800, float32ToFloat16Bits(1000.7)]);
    const back = new Float32Array(4);
    float16ArrayToFloat32(h, back);
    expect(Array.from(back)).toEqual([0, -2, 0.5, 1000.5]);
  });
});

describe('bfloat16', () => {
  it('round trips every non-NaN pattern and rounds to nearest even', () => {
    for (let b = 0; b <= 0xffff; b++) {
      const v = bfloat16BitsToFloat32(b);
      if (Number.isNaN(v)) continue;
      if (float32ToBfloat16Bits(v) !== b) expect(float32ToBfloat16Bits(v), `0x${b.toString(16)}`).toBe(b);
    }
    expect(float32ToBfloat16Bits(1)).toBe(0x3f80);
    expect(float32ToBfloat16Bits(Math.PI)).toBe(0x4049);
    const u = new Uint32Array(1);
    const f = new Float32Array(u.buffer);
    u[0] = 0x3f808000; // halfway between 0x3f80 and 0x3f81 -> even 0x3f80
    expect(float32ToBfloat16Bits(f[0]!)).toBe(0x3f80);
    u[0] = 0x3f818000; // halfway between 0x3f81 and 0x3f82 -> even 0x3f82
    expect(float32ToBfloat16Bits(f[0]!)).toBe(0x3f82);
    u[0] = 0x3f808001;
    expect(float32ToBfloat16Bits(f[0]!)).toBe(0x3f81);
    expect(float32ToBfloat16Bits(NaN)).toBe(0x7fc0);
    expect(float32ToBfloat16Bits(-Infinity)).toBe(0xff80);
    expect(float32ToBfloat16Bits(3.4e38)).toBe(0x7f80); // rounds up to infinity
  });
});
