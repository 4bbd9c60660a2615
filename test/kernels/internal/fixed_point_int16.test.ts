import { describe, expect, it } from 'vitest';
import {
  expOnIntervalBetweenNegativeOneQuarterAnd0ExclInt16,
  expOnNegativeValuesInt16,
  fixedPointLogisticInt16,
  fixedPointOneInt16,
  fixedPointTanhInt16,
  oneMinusXOverOnePlusXForXIn01Int16,
  oneOverOnePlusXForXIn01Int16,
  rescaleInt16,
  roundingDivideByPOTInt16,
  roundingHalfSumInt16,
  saturatingRoundingDoublingHighMulInt16,
  saturatingRoundingMultiplyByPOTInt16,
} from '../../../src/kernels/internal/fixed_point_int16.js';
import { B16 } from './oracle.js';

const big = BigInt;
const ALL_INT16 = Array.from({ length: 65536 }, (_, i) => i - 32768);

describe('int16 gemmlowp primitives', () => {
  it('saturatingRoundingDoublingHighMulInt16 matches the oracle on a dense grid of pairs', () => {
    let checked = 0;
    for (let a = -32768; a <= 32767; a += 97) {
      for (const b of [-32768, -32767, -16384, -1, 0, 1, 16383, 16384, 32767, a, -a, 12345, -2345]) {
        const bb = Math.max(-32768, Math.min(32767, b));
        expect(saturatingRoundingDoublingHighMulInt16(a, bb), `${a} * ${bb}`).toBe(
          Number(B16.srdhm(big(a), big(bb))),
        );
        checked++;
      }
    }
    expect(saturatingRoundingDoublingHighMulInt16(-32768, -32768)).toBe(32767);
    expect(checked).toBeGreaterThan(8000);
  });

  it('roundingDivideByPOTInt16 and saturatingRoundingMultiplyByPOTInt16 match the oracle for every int16', () => {
    for (const e of [1, 2, 3, 7, 12, 15]) {
      for (const x of ALL_INT16) {
        const d = roundingDivideByPOTInt16(x, e);
        if (d !== Number(B16.rdbpot(big(x), e)))
          expect(d, `${x} >> ${e}`).toBe(Number(B16.rdbpot(big(x), e)));
        const m = saturatingRoundingMultiplyByPOTInt16(x, e);
        if (m !== Number(B16.srmbpot(big(x), e)))
          expect(m, `${x} << ${e}`).toBe(Number(B16.srmbpot(big(x), e)));
      }
    }
    expect(saturatingRoundingMultiplyByPOTInt16(-5, -1)).toBe(-3);
    expect(rescaleInt16(4096, 3, 0)).toBe(32767); // 1.0 in Q3.12 -> saturated Q0.15
    expect(rescaleInt16(-4096, 3, 0)).toBe(-32768);
  });

  it('roundingHalfSumInt16 and one', () => {
    expect(roundingHalfSumInt16(32767, 32767)).toBe(32767);
    expect(roundingHalfSumInt16(-32768, -32768)).toBe(-32768);
    expect(roundingHalfSumInt16(1, 2)).toBe(2);
    expect(roundingHalfSumInt16(-1, -2)).toBe(-2);
    expect(fixedPointOneInt16(0)).toBe(32767);
    expect(fixedPointOneInt16(3)).toBe(4096);
  });
});

describe('int16 gemmlowp functions (exhaustive over int16 inputs)', () => {
  it('exp on [-1/4, 0) and 1/(1+x), (1-x)/(1+x) on [0, 1) match the oracle for every input', () => {
    let worstExp = 0;
    let worstRecip = 0;
    for (let a = -8192; a < 0; a++) {
      const got = expOnIntervalBetweenNegativeOneQuarterAnd0ExclInt16(a);
      if (got !== Number(B16.expOnInterval(big(a))))
        expect(got, `exp(${a})`).toBe(Number(B16.expOnInterval(big(a))));
      worstExp = Math.max(worstExp, Math.abs(got / 32768 - Math.exp(a / 32768)));
    }
    expect(worstExp).toBeLessThan(2 ** -13);
    for (let a = 0; a <= 32767; a++) {
      const r = oneOverOnePlusXForXIn01Int16(a);
      const m = oneMinusXOverOnePlusXForXIn01Int16(a);
      if (r !== Number(B16.oneOverOnePlusX(big(a)))) expect(r).toBe(Number(B16.oneOverOnePlusX(big(a))));
      if (m !== Number(B16.oneMinusXOverOnePlusX(big(a))))
        expect(m).toBe(Number(B16.oneMinusXOverOnePlusX(big(a))));
      worstRecip = Math.max(worstRecip, Math.abs(r / 32768 - 1 / (1 + a / 32768)));
    }
    expect(worstRecip).toBeLessThan(2 ** -12);
  });

  it('exp_on_negative_values matches the oracle for every negative input (integer bits 0..6 and 13)', () => {
    for (const k of [0, 1, 2, 3, 4, 5, 6, 13]) {
      let worst = 0;
      for (let a = -32768; a <= 0; a++) {
        const got = expOnNegativeValuesInt16(a, k);
        const want = Number(B16.expOnNegativeValues(big(a), k));
        if (got !== want) expect(got, `exp(${a} Q${k})`).toBe(want);
        worst = Math.max(worst, Math.abs(got / 32768 - Math.exp(a / 2 ** (15 - k))));
      }
      expect(worst, `Q${k}`).toBeLessThan(2 ** -11);
    }
  });

  it('logistic (Q3.12, the LSTM gates) and tanh (Q0, Q3, Q4, Q6) match the oracle for every int16 input', () => {
    let worstL = 0;
    for (const a of ALL_INT16) {
      const l = fixedPointLogisticInt16(a, 3);
      const want = Number(B16.logistic(big(a), 3));
      if (l !== want) expect(l, `logistic(${a})`).toBe(want);
      worstL = Math.max(worstL, Math.abs(l / 32768 - 1 / (1 + Math.exp(-a / 4096))));
    }
    expect(worstL).toBeLessThan(2 ** -11);
    for (const k of [0, 3, 4, 6]) {
      let worstT = 0;
      for (const a of ALL_INT16) {
        const t = fixedPointTanhInt16(a, k);
        const want = Number(B16.tanh(big(a), k));
        if (t !== want) expect(t, `tanh(${a} Q${k})`).toBe(want);
        worstT = Math.max(worstT, Math.abs(t / 32768 - Math.tanh(a / 2 ** (15 - k))));
      }
      expect(worstT, `Q${k}`).toBeLessThan(2 ** -10);
    }
  });
});
