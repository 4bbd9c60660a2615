import { describe, expect, it } from 'vitest';
import { dequantizeValue, quantizeValue } from '../../../src/kernels/internal/quantize.js';
import { prng } from './oracle.js';

describe('quantizeValue (AffineQuantize)', () => {
  it('divides in float32, rounds ties away from zero, adds the zero point and clamps', () => {
    expect(quantizeValue(1.25, 0.5, 0, -128, 127)).toBe(3);
    expect(quantizeValue(-1.25, 0.5, 0, -128, 127)).toBe(-3);
    expect(quantizeValue(0.74, 0.5, 10, -128, 127)).toBe(11);
    expect(quantizeValue(1000, 0.5, 0, -128, 127)).toBe(127);
    expect(quantizeValue(-1000, 0.5, 0, 0, 255)).toBe(0);
    expect(quantizeValue(1e30, 1e-30, 0, -32768, 32767)).toBe(32767);
    expect(quantizeValue(NaN, 0.1, 7, -128, 127)).toBe(7);
  });

  it('rounds the float32 quotient, not the double one', () => {
    // 0.25 / float32(0.1) is 2.4999999627 in double but exactly 2.5 in float32 -> 3.
    expect(quantizeValue(0.25, 0.1, 0, -128, 127)).toBe(3);
    expect(quantizeValue(-0.25, 0.1, 0, -128, 127)).toBe(-3);
    expect(quantizeValue(0.75, 0.3, 1, -128, 127)).toBe(4);
  });

  it('matches a Float32Array computation on 50k random values', () => {
    const next = prng(31);
    const reg = new Float32Array(3);
    for (let i = 0; i < 50_000; i++) {
      reg[0] = ((next() / 2 ** 32) * 2 - 1) * 20; // value
      reg[1] = 2 ** -((next() % 10) + 1) * (1 + (next() % 1000) / 1000); // scale
      const zp = (next() % 256) - 128;
      reg[2] = reg[0] / reg[1];
      const r = reg[2];
      const want = Math.min(127, Math.max(-128, (r < 0 ? -Math.round(-r) : Math.round(r)) + zp));
      const got = quantizeValue(reg[0], reg[1], zp, -128, 127);
      if (got !== want) expect(got, `${reg[0]} / ${reg[1]} + ${zp}`).toBe(want);
    }
  });
});

describe('dequantizeValue', () => {
  it('is float32(scale * (q - zp))', () => {
    expect(dequantizeValue(3, 0.1, 1)).toBe(Math.fround(Math.fround(0.1) * 2));
    expect(dequantizeValue(-128, 0.5, -128)).toBe(0);
    expect(dequantizeValue(127, 1 / 128, 0)).toBe(0.9921875);
    const next = prng(5);
    for (let i = 0; i < 10_000; i++) {
      const s = Math.fround((next() / 2 ** 32) * 0.1);
      const q = (next() % 65536) - 32768;
      const zp = (next() % 256) - 128;
      expect(dequantizeValue(q, s, zp)).toBe(new Float32Array([s * (q - zp)])[0]);
    }
  });
});
