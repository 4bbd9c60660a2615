import { describe, expect, it } from 'vitest';
import {
  constantPOT,
  countLeadingSignBits,
  expOnIntervalBetweenNegativeOneQuarterAnd0Excl,
  expOnNegativeValues,
  fixedPointFromDouble,
  fixedPointLogistic,
  fixedPointOne,
  fixedPointTanh,
  fixedPointToDouble,
  floorLog2,
  logXForXGreaterThanOrEqualTo1,
  oneMinusXOverOnePlusXForXIn01,
  oneOverOnePlusXForXIn01,
  rescale,
  roundingDivideByPOT,
  roundingHalfSum,
  saturatingRoundingDoublingHighMul,
  saturatingRoundingMultiplyByPOT,
} from '../../../src/kernels/internal/fixed_point.js';
import { B32, INT32_EDGES, logXOracle, prng, randomInt32 } from './oracle.js';

const big = BigInt;

describe('saturatingRoundingDoublingHighMul (int32)', () => {
  it('matches the BigInt oracle on every pair of edge values', () => {
    let n = 0;
    for (const a of INT32_EDGES) {
      for (const b of INT32_EDGES) {
        expect(saturatingRoundingDoublingHighMul(a, b), `${a} * ${b}`).toBe(
          Number(B32.srdhm(big(a), big(b))),
        );
        n++;
      }
    }
    expect(n).toBe(INT32_EDGES.length ** 2);
  });

  it('saturates only INT32_MIN * INT32_MIN', () => {
    expect(saturatingRoundingDoublingHighMul(-2147483648, -2147483648)).toBe(2147483647);
    expect(saturatingRoundingDoublingHighMul(-2147483648, 2147483647)).toBe(-2147483647);
    expect(saturatingRoundingDoublingHighMul(-2147483647, -2147483648)).toBe(2147483647);
    expect(saturatingRoundingDoublingHighMul(2147483647, 2147483647)).toBe(2147483646);
  });

  it('rounds ties up (toward +infinity), as VQRDMULH', () => {
    // a*b = 2^30 -> 0.5 -> 1; a*b = -2^30 -> -0.5 -> 0; a*b = 3*2^30 -> 1.5 -> 2; -1.5 -> -1
    expect(saturatingRoundingDoublingHighMul(1 << 15, 1 << 15)).toBe(1);
    expect(saturatingRoundingDoublingHighMul(-(1 << 15), 1 << 15)).toBe(0);
    expect(saturatingRoundingDoublingHighMul(3 << 15, 1 << 15)).toBe(2);
    expect(saturatingRoundingDoublingHighMul(-(3 << 15), 1 << 15)).toBe(-1);
  });

  it('matches the oracle on 200k seeded random pairs (small and > 2^52 products)', () => {
    const next = prng(0x5eed);
    let slow = 0;
    for (let i = 0; i < 200_000; i++) {
      const a = randomInt32(next);
      const b = i & 1 ? next() | 0 : randomInt32(next);
      if (Math.abs(a * b) >= 2 ** 52) slow++;
      const got = saturatingRoundingDoublingHighMul(a, b);
      const want = Number(B32.srdhm(big(a), big(b)));
      if (got !== want) expect(got, `${a} * ${b}`).toBe(want);
    }
    expect(slow).toBeGreaterThan(20_000); // products beyond double precision were exercised
  });
});

describe('roundingDivideByPOT (int32)', () => {
  it('matches the oracle for edge values and every exponent 0..31', () => {
    for (const x of INT32_EDGES) {
      for (let e = 0; e <= 31; e++) {
        expect(roundingDivideByPOT(x, e), `${x} >> ${e}`).toBe(Number(B32.rdbpot(big(x), e)));
      }
    }
  });

  it('rounds ties away from zero', () => {
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(6, 2)).toBe(2);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2);
    expect(roundingDivideByPOT(-7, 2)).toBe(-2);
    expect(roundingDivideByPOT(2147483647, 31)).toBe(1);
    expect(roundingDivideByPOT(-2147483648, 31)).toBe(-1);
    expect(roundingDivideByPOT(-1073741824, 31)).toBe(-1);
    expect(roundingDivideByPOT(-1073741823, 31)).toBe(0);
  });

  it('matches the oracle on 100k seeded random inputs', () => {
    const next = prng(42);
    for (let i = 0; i < 100_000; i++) {
      const x = randomInt32(next);
      const e = next() % 32;
      const got = roundingDivideByPOT(x, e);
      const want = Number(B32.rdbpot(big(x), e));
      if (got !== want) expect(got, `${x} >> ${e}`).toBe(want);
    }
  });
});

describe('saturatingRoundingMultiplyByPOT / rescale', () => {
  it('matches the oracle for exponents -31..31 on edges and random values', () => {
    const next = prng(7);
    const xs = [...INT32_EDGES, ...Array.from({ length: 300 }, () => randomInt32(next))];
    for (const x of xs) {
      for (let e = -31; e <= 31; e++) {
        const got = saturatingRoundingMultiplyByPOT(x, e);
        const want = Number(B32.srmbpot(big(x), e));
        if (got !== want) expect(got, `${x} * 2^${e}`).toBe(want);
      }
    }
  });

  it('rescale converts between Q formats', () => {
    const q5 = fixedPointFromDouble(-1.25, 5);
    expect(fixedPointToDouble(rescale(q5, 5, 0), 0)).toBe(-1); // saturates to -1.0
    expect(fixedPointToDouble(rescale(fixedPointFromDouble(0.375, 0), 0, 12), 12)).toBe(0.375);
  });
});

describe('fixed-point helpers', () => {
  it('constants and conversions', () => {
    expect(fixedPointOne(0)).toBe(2147483647);
    expect(fixedPointOne(4)).toBe(1 << 27);
    expect(constantPOT(0, -3)).toBe(1 << 28);
    expect(constantPOT(5, -2)).toBe(1 << 24);
    expect(fixedPointFromDouble(0.5, 0)).toBe(1 << 30);
    expect(fixedPointFromDouble(-1, 0)).toBe(-2147483648);
    expect(fixedPointFromDouble(1, 0)).toBe(2147483647);
    expect(fixedPointFromDouble(-32, 5)).toBe(-2147483648);
    expect(fixedPointToDouble(1 << 26, 5)).toBe(1);
  });

  it('roundingHalfSum matches the oracle and never overflows', () => {
    for (const a of INT32_EDGES) {
      for (const b of INT32_EDGES) {
        expect(roundingHalfSum(a, b)).toBe(Number(B32.roundingHalfSum(big(a), big(b))));
      }
    }
  });

  it('countLeadingSignBits and floorLog2', () => {
    expect(countLeadingSignBits(0)).toBe(31);
    expect(countLeadingSignBits(-1)).toBe(31);
    expect(countLeadingSignBits(1)).toBe(30);
    expect(countLeadingSignBits(-2)).toBe(30);
    expect(countLeadingSignBits(0x40000000)).toBe(0);
    expect(countLeadingSignBits(-0x40000000)).toBe(1);
    expect(countLeadingSignBits(-0x40000001)).toBe(0);
    expect(countLeadingSignBits(-2147483648)).toBe(0);
    expect(floorLog2(1)).toBe(0);
    expect(floorLog2(1023)).toBe(9);
    expect(floorLog2(1024)).toBe(10);
    expect(floorLog2(2147483647)).toBe(30);
  });
});

/** Q0.31 raws spread over [lo, hi] plus random ones. */
function grid(lo: number, hi: number, count: number, seed: number): number[] {
  const out: number[] = [];
  for (let i = 0; i <= count; i++) out.push(Math.round(lo + ((hi - lo) * i) / count) | 0);
  const next = prng(seed);
  for (let i = 0; i < count; i++) out.push((lo + (next() % (hi - lo + 1))) | 0);
  return out;
}

/** Asserts got === want, calling expect only on a mismatch (cheap inside 10^5-iteration loops). */
function same(got: number, want: number, label: string): void {
  if (got !== want) expect(got, label).toBe(want);
}

describe('gemmlowp exp / reciprocal / tanh / logistic (int32)', () => {
  it('exp on [-1/4, 0) matches the oracle and exp() within 3e-7 (the Taylor remainder (1/8)^5/120)', () => {
    let worst = 0;
    for (const a of grid(-(1 << 29), -1, 4000, 1)) {
      const got = expOnIntervalBetweenNegativeOneQuarterAnd0Excl(a);
      same(got, Number(B32.expOnInterval(big(a))), `exp(${a})`);
      worst = Math.max(worst, Math.abs(got / 2 ** 31 - Math.exp(a / 2 ** 31)));
    }
    expect(worst).toBeLessThan(3e-7);
  });

  it('exp_on_negative_values matches the oracle for integer bits 0..29 and exp() within 1e-6', () => {
    const next = prng(99);
    for (let k = 0; k <= 29; k++) {
      const minusOne = k === 0 ? -2147483648 : -(2 ** (31 - k)); // -1.0 in Qk
      const xs = [0, -1, -2147483648, minusOne, ...Array.from({ length: 400 }, () => -(next() >>> 1))];
      let worst = 0;
      for (const a of xs) {
        const got = expOnNegativeValues(a, k);
        same(got, Number(B32.expOnNegativeValues(big(a), k)), `exp(${a} Q${k})`);
        worst = Math.max(worst, Math.abs(got / 2 ** 31 - Math.exp(fixedPointToDouble(a, k))));
      }
      // The error grows with the number of barrel multiplications; 1e-6 absolute covers every k.
      expect(worst, `Q${k}`).toBeLessThan(1e-6);
    }
  });

  it('exp of -32 and below is 0 when the format reaches it', () => {
    expect(expOnNegativeValues(fixedPointFromDouble(-32.5, 6), 6)).toBe(0);
    expect(expOnNegativeValues(0, 6)).toBe(2147483647);
    // exp(-1) * 2^31 = 790015084.4; the fixed-point value is 224 units (1e-7) above it.
    expect(expOnNegativeValues(fixedPointFromDouble(-1, 5), 5)).toBe(790015308);
  });

  it('1/(1+x) and (1-x)/(1+x) on [0, 1) match the oracle and the real function within 2^-27', () => {
    let worst = 0;
    for (const a of grid(0, 2147483647, 5000, 2)) {
      const r = oneOverOnePlusXForXIn01(a);
      const m = oneMinusXOverOnePlusXForXIn01(a);
      same(r, Number(B32.oneOverOnePlusX(big(a))), `1/(1+${a})`);
      same(m, Number(B32.oneMinusXOverOnePlusX(big(a))), `(1-${a})/(1+${a})`);
      const x = a / 2 ** 31;
      worst = Math.max(worst, Math.abs(r / 2 ** 31 - 1 / (1 + x)), Math.abs(m / 2 ** 31 - (1 - x) / (1 + x)));
    }
    expect(worst).toBeLessThan(2 ** -27);
  });

  it('tanh and logistic match the oracle over the whole int32 range for several formats', () => {
    for (const k of [0, 3, 4, 5, 8, 12]) {
      let worstT = 0;
      let worstL = 0;
      for (const a of grid(-2147483648, 2147483647, 3000, 10 + k)) {
        const t = fixedPointTanh(a, k);
        const l = fixedPointLogistic(a, k);
        same(t, Number(B32.tanh(big(a), k)), `tanh(${a} Q${k})`);
        same(l, Number(B32.logistic(big(a), k)), `logistic(${a} Q${k})`);
        const x = fixedPointToDouble(a, k);
        worstT = Math.max(worstT, Math.abs(t / 2 ** 31 - Math.tanh(x)));
        worstL = Math.max(worstL, Math.abs(l / 2 ** 31 - 1 / (1 + Math.exp(-x))));
      }
      expect(worstT, `tanh Q${k}`).toBeLessThan(2e-6);
      expect(worstL, `logistic Q${k}`).toBeLessThan(1e-6);
    }
    expect(fixedPointTanh(0, 4)).toBe(0);
    expect(fixedPointLogistic(0, 4)).toBe(1 << 30);
    expect(fixedPointLogistic(-2147483648, 4)).toBe(Number(B32.logistic(-2147483648n, 4)));
    expect(fixedPointTanh(-2147483648, 4)).toBe(Number(B32.tanh(-2147483648n, 4)));
  });

  it('tanh is odd and logistic(x) + logistic(-x) = 1 up to one unit', () => {
    const next = prng(5);
    for (let i = 0; i < 2000; i++) {
      const a = (next() >>> 1) - (next() >>> 2);
      same(fixedPointTanh(-a, 4), -fixedPointTanh(a, 4), `tanh(${a})`);
      const sum = fixedPointLogistic(a, 4) + fixedPointLogistic(-a, 4) - 2147483647;
      if (Math.abs(sum) > 1) expect(Math.abs(sum), `logistic(${a})`).toBeLessThanOrEqual(1);
    }
  });
});

describe('logXForXGreaterThanOrEqualTo1', () => {
  it('matches the oracle and log() within 2^-20 for Q12 -> Q5 (LOG_SOFTMAX) and Q5 -> Q3', () => {
    for (const [inBits, outBits] of [
      [12, 5],
      [5, 3],
    ] as const) {
      const one = 1 << (31 - inBits);
      let worst = 0;
      for (const x of grid(one, 2147483647, 4000, 20 + inBits)) {
        const got = logXForXGreaterThanOrEqualTo1(x, inBits, outBits);
        same(got, Number(logXOracle(big(x), inBits, outBits)), `log(${x})`);
        worst = Math.max(
          worst,
          Math.abs(fixedPointToDouble(got, outBits) - Math.log(fixedPointToDouble(x, inBits))),
        );
      }
      expect(worst).toBeLessThan(2 ** -20);
    }
  });

  it('log(1) = 0 and log(e) ~ 1', () => {
    expect(logXForXGreaterThanOrEqualTo1(1 << 19, 12, 5)).toBe(0);
    const e = logXForXGreaterThanOrEqualTo1(fixedPointFromDouble(Math.E, 12), 12, 5);
    expect(fixedPointToDouble(e, 5)).toBeCloseTo(1, 6);
  });
});
