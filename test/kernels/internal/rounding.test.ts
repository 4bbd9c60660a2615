import { describe, expect, it } from 'vitest';
import {
  castToInt32Saturating,
  clamp,
  clampInt32,
  roundHalfAwayFromZero,
  roundHalfToEven,
  saturateInt16,
  saturateInt32,
  saturateInt8,
  saturateUint8,
  saturatingAddInt16,
  saturatingAddInt32,
  saturatingSubInt16,
  saturatingSubInt32,
  tfliteRound,
  wrapInt16,
  wrapInt8,
} from '../../../src/kernels/internal/rounding.js';
import { prng } from './oracle.js';

describe('rounding', () => {
  it('roundHalfAwayFromZero is C round()', () => {
    const cases: [number, number][] = [
      [0.5, 1],
      [-0.5, -1],
      [1.5, 2],
      [2.5, 3],
      [-2.5, -3],
      [2.4999999999999996, 2],
      [0.49999999999999994, 0],
      [-0.49999999999999994, -0],
      [4503599627370495.5, 4503599627370496],
      [2 ** 53, 2 ** 53],
      [-7.5, -8],
      [Infinity, Infinity],
    ];
    for (const [x, want] of cases) expect(Object.is(roundHalfAwayFromZero(x), want), `${x}`).toBe(true);
    expect(Object.is(roundHalfAwayFromZero(-0.3), -0)).toBe(true);
    expect(roundHalfAwayFromZero(NaN)).toBeNaN();
    expect(tfliteRound).toBe(roundHalfAwayFromZero);
  });

  it('roundHalfAwayFromZero agrees with sign(x) * floor(|x| + 0.5) away from the 0.5 - ulp trap', () => {
    const next = prng(1);
    for (let i = 0; i < 20_000; i++) {
      const x = ((next() / 2 ** 32) * 2 - 1) * 2 ** (next() % 30);
      const want = Math.sign(x) * Math.floor(Math.abs(x) + 0.5) + 0; // + 0 folds -0
      if (roundHalfAwayFromZero(x) + 0 !== want) expect(roundHalfAwayFromZero(x), `${x}`).toBe(want);
    }
  });

  it('roundHalfToEven', () => {
    expect(roundHalfToEven(0.5)).toBe(0);
    expect(roundHalfToEven(1.5)).toBe(2);
    expect(roundHalfToEven(2.5)).toBe(2);
    expect(roundHalfToEven(-2.5)).toBe(-2);
    expect(roundHalfToEven(-3.5)).toBe(-4);
    expect(roundHalfToEven(2.6)).toBe(3);
    expect(roundHalfToEven(-2.4)).toBe(-2);
  });
});

describe('casts and saturation', () => {
  it('castToInt32Saturating truncates and saturates; NaN -> 0', () => {
    expect(castToInt32Saturating(3.9)).toBe(3);
    expect(castToInt32Saturating(-3.9)).toBe(-3);
    expect(castToInt32Saturating(2147483647.9)).toBe(2147483647);
    expect(castToInt32Saturating(2147483648)).toBe(2147483647);
    expect(castToInt32Saturating(-2147483648.9)).toBe(-2147483648);
    expect(castToInt32Saturating(-1e20)).toBe(-2147483648);
    expect(castToInt32Saturating(Infinity)).toBe(2147483647);
    expect(castToInt32Saturating(NaN)).toBe(0);
  });

  it('wrapping casts are two’s-complement truncation', () => {
    expect(wrapInt8(127)).toBe(127);
    expect(wrapInt8(128)).toBe(-128);
    expect(wrapInt8(-129)).toBe(127);
    expect(wrapInt8(256 + 5)).toBe(5);
    expect(wrapInt16(32768)).toBe(-32768);
    expect(wrapInt16(-32769)).toBe(32767);
    expect(wrapInt16(65535)).toBe(-1);
  });

  it('branch-free clamps equal the branching definition for every edge and 100k random int32', () => {
    const next = prng(77);
    const xs = [
      -2147483648, -2147483647, -2147483521, -32769, -32768, -129, -128, -1, 0, 1, 127, 128, 255, 256,
    ];
    xs.push(32767, 32768, 2147483520, 2147483647);
    for (let i = 0; i < 100_000; i++) xs.push(next() | 0, ((next() | 0) >> (next() % 31)) | 0);
    const ref = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);
    for (const x of xs) {
      if (saturateInt8(x) !== ref(x, -128, 127)) expect(saturateInt8(x), `${x}`).toBe(ref(x, -128, 127));
      if (saturateUint8(x) !== ref(x, 0, 255)) expect(saturateUint8(x), `${x}`).toBe(ref(x, 0, 255));
      if (saturateInt16(x) !== ref(x, -32768, 32767))
        expect(saturateInt16(x), `${x}`).toBe(ref(x, -32768, 32767));
      const small = x >> 2; // |x| < 2^30 for the general clamp
      if (clampInt32(small, -10, 200) !== ref(small, -10, 200))
        expect(clampInt32(small, -10, 200)).toBe(ref(small, -10, 200));
      if (clampInt32(small, 30, 255) !== ref(small, 30, 255))
        expect(clampInt32(small, 30, 255)).toBe(ref(small, 30, 255));
    }
  });

  it('saturating clamps and adds', () => {
    expect([saturateInt8(-200), saturateInt8(200), saturateInt8(5)]).toEqual([-128, 127, 5]);
    expect([saturateUint8(-1), saturateUint8(256), saturateUint8(7)]).toEqual([0, 255, 7]);
    expect([saturateInt16(-40000), saturateInt16(40000)]).toEqual([-32768, 32767]);
    expect([saturateInt32(-(2 ** 40)), saturateInt32(2 ** 40)]).toEqual([-2147483648, 2147483647]);
    expect(saturatingAddInt32(2147483647, 1)).toBe(2147483647);
    expect(saturatingAddInt32(-2147483648, -1)).toBe(-2147483648);
    expect(saturatingAddInt32(5, -7)).toBe(-2);
    expect(saturatingSubInt32(-2147483648, 1)).toBe(-2147483648);
    expect(saturatingSubInt32(2147483647, -1)).toBe(2147483647);
    expect(saturatingAddInt16(32767, 1)).toBe(32767);
    expect(saturatingSubInt16(-32768, 1)).toBe(-32768);
    expect(saturatingSubInt16(10, 3)).toBe(7);
    expect(clamp(5, 0, 3)).toBe(3);
    expect(clamp(-5, 0, 3)).toBe(0);
    expect(Object.is(clamp(-0, 0, 3), -0)).toBe(true);
  });
});
