import { describe, expect, it } from 'vitest';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierGreaterThanOne,
  multiplyByQuantizedMultiplierInt64,
  multiplyByQuantizedMultiplierSmallerThanOneExp,
} from '../../../src/kernels/internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../../../src/kernels/internal/quantize_multiplier.js';
import { B32, INT32_EDGES, mbqm64Oracle, mbqmOracle, prng, randomInt32 } from './oracle.js';

const MULTIPLIER_EDGES = [0, 1, 1 << 30, (1 << 30) + 1, 1518500250, 2147483646, 2147483647, 1073741823];

function quantAndMultiply(x: number, real: number): number {
  const { multiplier, shift } = quantizeMultiplier(real);
  return multiplyByQuantizedMultiplier(x, multiplier, shift);
}

describe('multiplyByQuantizedMultiplier (int32, double rounding)', () => {
  it('matches the BigInt oracle for edge x, edge multipliers and every shift in -31..30', () => {
    for (const x of INT32_EDGES) {
      for (const m of MULTIPLIER_EDGES) {
        for (let shift = -31; shift <= 30; shift++) {
          const got = multiplyByQuantizedMultiplier(x, m, shift);
          const want = mbqmOracle(x, m, shift);
          if (got !== want) expect(got, `${x} * ${m} * 2^${shift}`).toBe(want);
        }
      }
    }
  });

  it('matches the oracle on 200k seeded random (x, multiplier, shift)', () => {
    const next = prng(2024);
    for (let i = 0; i < 200_000; i++) {
      const x = randomInt32(next);
      const m = i % 7 === 0 ? -((next() >>> 1) | 0) : (next() >>> 1) | (1 << 30); // mostly [2^30, 2^31)
      const shift = (next() % 62) - 31;
      const got = multiplyByQuantizedMultiplier(x, m, shift);
      const want = mbqmOracle(x, m, shift);
      if (got !== want) expect(got, `${x} * ${m} * 2^${shift}`).toBe(want);
    }
  });

  it('reproduces TFLite quantization_util_test MultiplyByQuantizedMultiplierInt32', () => {
    expect(quantAndMultiply(0, 0.1)).toBe(0);
    expect(quantAndMultiply(1, 0)).toBe(0);
    expect(quantAndMultiply(10000, 0.00097656)).toBe(10);
    expect(quantAndMultiply(10000, -0.00097656)).toBe(-10);
    expect(quantAndMultiply(-10000, 0.00097656)).toBe(-10);
    expect(quantAndMultiply(-10000, -0.00097656)).toBe(10);
    expect(quantAndMultiply(-2147483648, 0.00001)).toBe(-21475);
    expect(quantAndMultiply(-2147483648, -0.00001)).toBe(21475);
    expect(quantAndMultiply(2147483647, 0.00001)).toBe(21475);
    expect(quantAndMultiply(2147483647, -0.00001)).toBe(-21475);
    // Maximum x and multiplier, shift -3: round(x * m / 2^34).
    const expected = Math.round((2147483647 * 2147483647) / 2 ** 34);
    expect(multiplyByQuantizedMultiplier(2147483647, 2147483647, -3)).toBe(expected);
    expect(multiplyByQuantizedMultiplier(-2147483647, 2147483647, -3)).toBe(-expected);
  });

  it('double rounding differs from single rounding where TFLite says it does', () => {
    // 5 * 0.5 / 2 = 1.25: SRDHM rounds 2.5 up to 3, then the rounding shift takes 1.5 away from
    // zero to 2; single rounding would give 1.
    const m = 1 << 30; // 0.5
    expect(multiplyByQuantizedMultiplier(5, m, -1)).toBe(Number(B32.rdbpot(B32.srdhm(5n, 1n << 30n), 1)));
    expect(multiplyByQuantizedMultiplier(5, m, -1)).toBe(2);
  });

  it('the SmallerThanOne / GreaterThanOne forms equal the general form for their shift ranges', () => {
    const next = prng(11);
    for (let i = 0; i < 20_000; i++) {
      const x = randomInt32(next);
      const m = (next() >>> 1) | (1 << 30);
      const right = next() % 32;
      expect(multiplyByQuantizedMultiplierSmallerThanOneExp(x, m, -right)).toBe(mbqmOracle(x, m, -right));
      const left = next() % 31;
      expect(multiplyByQuantizedMultiplierGreaterThanOne(x, m, left)).toBe(mbqmOracle(x, m, left));
    }
  });
});

describe('multiplyByQuantizedMultiplierInt64 (16x8 kernels)', () => {
  it('reproduces TFLite quantization_util_test MultiplyByQuantizedMultiplierInt64', () => {
    const qm = (x: number, real: number): number => {
      const { multiplier, shift } = quantizeMultiplier(real);
      return multiplyByQuantizedMultiplierInt64(x, multiplier, shift);
    };
    expect(qm(0, 0.1)).toBe(0);
    expect(qm(1, 0)).toBe(0);
    expect(qm(10000, 0.00097656)).toBe(10);
    expect(qm(-10000, 0.00097656)).toBe(-10);
    expect(qm(-(2 ** 47), 0.00001)).toBe(-1407385600);
    expect(qm(2 ** 47 - 1, 0.00001)).toBe(1407385600);
    expect(multiplyByQuantizedMultiplierInt64(2 ** 47 - 1, 2147483647, -31)).toBe(65534);
    expect(multiplyByQuantizedMultiplierInt64(-(2 ** 47 - 1), 2147483647, -31)).toBe(-65534);
  });

  it('matches the BigInt oracle for |x| < 2^47 and < 2^53, every shift in -31..7 (all code paths)', () => {
    const next = prng(64);
    // A random integer of a random bit length up to maxBits (<= 53), random sign.
    const randomX = (maxBits: number): number => {
      const v53 = (next() >>> 11) * 2 ** 32 + next(); // uniform in [0, 2^53)
      const mag = Math.floor(v53 / 2 ** (53 - (next() % (maxBits + 1))));
      return next() & 1 ? -mag : mag;
    };
    const xs: number[] = [
      0,
      1,
      -1,
      2 ** 47 - 1,
      -(2 ** 47),
      2 ** 53 - 1,
      -(2 ** 53) + 1,
      123456789012,
      -98765432109,
    ];
    for (let i = 0; i < 3000; i++) xs.push(randomX(i % 2 ? 48 : 53));
    for (const x of xs) {
      for (const m of [0, 1, 32767, 32768, 1 << 30, 1518500250, 0x7ffeffff, 0x7fff0000, 2147483647]) {
        for (let shift = -31; shift <= 7; shift++) {
          const got = multiplyByQuantizedMultiplierInt64(x, m, shift);
          const want = mbqm64Oracle(BigInt(x), m, shift);
          if (got !== want) expect(got, `${x} * ${m} * 2^${shift}`).toBe(want);
        }
      }
    }
  });

  it('matches the oracle on 100k random (x < 2^53, multiplier, shift), covering both shift ranges and products beyond 2^53', () => {
    const next = prng(4747);
    let highShift = 0; // t = 15 - shift >= 24
    let lowShift = 0;
    let huge = 0; // x * reduced not exact in a double
    for (let i = 0; i < 100_000; i++) {
      const v53 = (next() >>> 11) * 2 ** 32 + next();
      const mag = Math.floor(v53 / 2 ** (53 - (next() % 54)));
      const x = next() & 1 ? -mag : mag;
      const m = next() >>> 1;
      const shift = (next() % 39) - 31;
      const reduced = m < 0x7fff0000 ? (m + 32768) >> 16 : 0x7fff;
      if (15 - shift >= 24) highShift++;
      else lowShift++;
      if (Math.abs(x * reduced) >= 2 ** 53) huge++;
      const got = multiplyByQuantizedMultiplierInt64(x, m, shift);
      const want = mbqm64Oracle(BigInt(x), m, shift);
      if (got !== want) expect(got, `${x} * ${m} * 2^${shift}`).toBe(want);
    }
    expect(Math.min(highShift, lowShift, huge)).toBeGreaterThan(5000);
  });
});
