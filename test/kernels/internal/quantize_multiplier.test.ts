import { describe, expect, it } from 'vitest';
import { QuantizationError } from '../../../src/errors.js';
import { fixedPointToDouble } from '../../../src/kernels/internal/fixed_point.js';
import {
  calculateInputRadius,
  checkedLog2,
  downScaleInt32ToInt16Multiplier,
  frexp,
  getInvSqrtQuantizedMultiplierExp,
  getQuantizedConvolutionMultiplier,
  getReciprocal,
  populatePerChannelMultipliers,
  preprocessLogSoftmaxScalingExp,
  preprocessSoftmaxScaling,
  quantizeMultiplier,
  quantizeMultiplierGreaterThanOne,
  quantizeMultiplierSmallerThanOneExp,
} from '../../../src/kernels/internal/quantize_multiplier.js';
import { B32, prng } from './oracle.js';

const pair = (q: { multiplier: number; shift: number }): [number, number] => [q.multiplier, q.shift];

describe('frexp', () => {
  it('splits into [0.5, 1) x 2^e exactly, including subnormals and extremes', () => {
    expect(frexp(1)).toEqual({ fraction: 0.5, exponent: 1 });
    expect(frexp(0.25)).toEqual({ fraction: 0.5, exponent: -1 });
    expect(frexp(-1)).toEqual({ fraction: -0.5, exponent: 1 });
    expect(frexp(123.45).exponent).toBe(7);
    expect(frexp(123.45).fraction).toBeCloseTo(0.964453, 6);
    expect(frexp(0)).toEqual({ fraction: 0, exponent: 0 });
    expect(frexp(Number.MIN_VALUE)).toEqual({ fraction: 0.5, exponent: -1073 });
    expect(frexp(Number.MAX_VALUE).exponent).toBe(1024);
    const next = prng(3);
    for (let i = 0; i < 10_000; i++) {
      const x = (next() / 2 ** 32) * 2 ** ((next() % 200) - 100) * (next() & 1 ? 1 : -1) || 1;
      const { fraction, exponent } = frexp(x);
      expect(Math.abs(fraction) >= 0.5 && Math.abs(fraction) < 1).toBe(true);
      expect(fraction * 2 ** exponent).toBe(x);
    }
  });
});

describe('quantizeMultiplier family (TFLite quantization_util_test values)', () => {
  it('QuantizeMultiplierSmallerThanOneExp', () => {
    expect(pair(quantizeMultiplierSmallerThanOneExp(0.25))).toEqual([1073741824, -1]);
    expect(pair(quantizeMultiplierSmallerThanOneExp(0.5 - 5e-9))).toEqual([2147483627, -1]);
    expect(pair(quantizeMultiplierSmallerThanOneExp(0.5 - 1e-10))).toEqual([1073741824, 0]);
    expect(pair(quantizeMultiplierSmallerThanOneExp(0.5))).toEqual([1073741824, 0]);
    expect(pair(quantizeMultiplierSmallerThanOneExp(0.75))).toEqual([1610612736, 0]);
    expect(pair(quantizeMultiplierSmallerThanOneExp(1 - 1e-9))).toEqual([2147483646, 0]);
    for (const bad of [-0.1, 0, 1 - 1e-15, 1 - 1e-17, 1]) {
      expect(() => quantizeMultiplierSmallerThanOneExp(bad), String(bad)).toThrow(QuantizationError);
    }
  });

  it('QuantizeMultiplierGreaterThanOne', () => {
    expect(() => quantizeMultiplierGreaterThanOne(1 + 1e-16)).toThrow(QuantizationError);
    expect(pair(quantizeMultiplierGreaterThanOne(1 + 1e-11))).toEqual([1073741824, 1]);
    expect(pair(quantizeMultiplierGreaterThanOne(1.25))).toEqual([1342177280, 1]);
    expect(pair(quantizeMultiplierGreaterThanOne(1.5))).toEqual([1610612736, 1]);
    expect(pair(quantizeMultiplierGreaterThanOne(1.75))).toEqual([1879048192, 1]);
    expect(pair(quantizeMultiplierGreaterThanOne(2 - 1e-9))).toEqual([2147483647, 1]);
    expect(pair(quantizeMultiplierGreaterThanOne(2 - 1e-11))).toEqual([1073741824, 2]);
    expect(pair(quantizeMultiplierGreaterThanOne(2))).toEqual([1073741824, 2]);
  });

  it('QuantizeMultiplier underflow flushes below 2^-32 to zero', () => {
    expect(pair(quantizeMultiplier(2 ** -31))).toEqual([1073741824, -30]);
    expect(pair(quantizeMultiplier(2 ** -32))).toEqual([1073741824, -31]);
    expect(pair(quantizeMultiplier(Math.fround(0.99) * 2 ** -32))).toEqual([0, 0]);
    expect(pair(quantizeMultiplier(2 ** -33))).toEqual([0, 0]);
    expect(pair(quantizeMultiplier(1e-6))).toEqual([1125899907, -19]); // 1e-6 * 2^50 = 1125899906.84
  });

  it('QuantizeMultiplierArray: signs and powers of two', () => {
    const weights = [-4, -2, -1, -0.5, -0.25, -0.125, 0, 0.125, 0.25, 0.5, 1, 2, 4];
    const m = weights.map((w) => quantizeMultiplier(w).multiplier);
    const s = weights.map((w) => quantizeMultiplier(w).shift);
    expect(m).toEqual([...Array(6).fill(-1073741824), 0, ...Array(6).fill(1073741824)]);
    expect(s).toEqual([3, 2, 1, 0, -1, -2, 0, -2, -1, 0, 1, 2, 3]);
  });

  it('rounds half away from zero and carries 1 - 2^-32 into the next power of two', () => {
    // q * 2^31 = 2^30 + 0.5 exactly -> rounds up to 2^30 + 1.
    expect(quantizeMultiplier(0.5 + 2 ** -32).multiplier).toBe(1073741825);
    expect(quantizeMultiplier(-(0.5 + 2 ** -32)).multiplier).toBe(-1073741825);
    expect(pair(quantizeMultiplier(1 - 2 ** -32))).toEqual([1073741824, 1]);
    expect(pair(quantizeMultiplier(1 - 2 ** -31))).toEqual([2147483647, 0]);
    expect(pair(quantizeMultiplier(1))).toEqual([1073741824, 1]);
  });

  it('represents random multipliers within half a unit of the significand', () => {
    const next = prng(17);
    for (let i = 0; i < 20_000; i++) {
      const real = (0.5 + next() / 2 ** 33) * 2 ** ((next() % 60) - 30); // [2^-31, 2^30)
      const { multiplier, shift } = quantizeMultiplier(real);
      expect(multiplier).toBeGreaterThanOrEqual(1 << 30);
      expect(multiplier).toBeLessThanOrEqual(2147483647);
      expect(Math.abs(multiplier - real * 2 ** (31 - shift))).toBeLessThanOrEqual(0.5);
    }
  });

  it('rejects NaN and infinities', () => {
    expect(() => quantizeMultiplier(NaN)).toThrow(QuantizationError);
    expect(() => quantizeMultiplier(Infinity)).toThrow(/scale/);
    expect(() => quantizeMultiplierGreaterThanOne(Infinity)).toThrow(QuantizationError);
  });
});

describe('per-channel and convolution multipliers', () => {
  it('fills per-axis multipliers from float32 scales in double arithmetic', () => {
    const filterScales = Float32Array.from([0.001, 0.02, 0.3, 4e-5]);
    const inScale = Math.fround(0.0078125);
    const outScale = Math.fround(0.05);
    const m = new Int32Array(4);
    const s = new Int32Array(4);
    populatePerChannelMultipliers(inScale, filterScales, outScale, m, s);
    for (let c = 0; c < 4; c++) {
      const q = quantizeMultiplier((inScale * filterScales[c]!) / outScale);
      expect([m[c], s[c]]).toEqual([q.multiplier, q.shift]);
    }
    // One scale broadcasts to every channel (per-tensor int8 weights).
    populatePerChannelMultipliers(inScale, [0.001], outScale, m, s);
    expect(new Set(m).size).toBe(1);
    expect(m[3]).toBe(quantizeMultiplier((inScale * Math.fround(0.001)) / outScale).multiplier);
    expect(() => populatePerChannelMultipliers(1, [1, 2], 1, m, s)).toThrow(QuantizationError);
  });

  it('uses the float32 product for the legacy uint8 path', () => {
    const a = Math.fround(0.1);
    const b = Math.fround(0.3);
    expect(getQuantizedConvolutionMultiplier(0.1, 0.3, 0.7)).toBe(Math.fround(a * b) / Math.fround(0.7));
    expect(getQuantizedConvolutionMultiplier(0.1, 0.3, 0.7)).not.toBe((a * b) / Math.fround(0.7));
  });
});

describe('softmax, log-softmax and logistic preprocessing', () => {
  it('PreprocessSoftmaxScaling (TFLite test values)', () => {
    expect(pair(preprocessSoftmaxScaling(1.0, 16.0, 4))).toEqual([2147483647, 31]);
    expect(pair(preprocessSoftmaxScaling(1.0, 8.0, 4))).toEqual([1073741824, 31]);
    expect(pair(preprocessSoftmaxScaling(2.0, 16.0, 5))).toEqual([2147483647, 31]);
    expect(pair(preprocessSoftmaxScaling(2.0, 8.0, 5))).toEqual([1073741824, 31]);
    // A typical int8 softmax input scale: 1/256 * beta 1 * 2^26.
    expect(pair(preprocessSoftmaxScaling(1.0, 1 / 256, 5))).toEqual([1073741824, 19]);
  });

  it('PreprocessLogSoftmaxScalingExp adds the inverse scale', () => {
    const r = preprocessLogSoftmaxScalingExp(1.0, 1 / 16, 5);
    expect(pair(r)).toEqual([1073741824, 23]); // 2^-4 * 2^26 = 2^22 = 0.5 * 2^23
    // 2^(31-23) / 2^30 = 2^-22 = 0.5 * 2^-21.
    expect([r.reverseScalingDivisor, r.reverseScalingLeftShift]).toEqual([1073741824, -21]);
  });

  it('CalculateInputRadius (TFLite test values)', () => {
    expect(calculateInputRadius(4, 27)).toBe(15);
    expect(calculateInputRadius(3, 27)).toBe(14);
    expect(calculateInputRadius(3, 28)).toBe(7);
    expect(calculateInputRadius(4, 2)).toBe(503316480);
    expect(calculateInputRadius(4, 19, 15)).toBe(0);
    expect(calculateInputRadius(4, 3, 15)).toBe(3840);
  });

  it('DownScaleInt32ToInt16Multiplier', () => {
    expect(downScaleInt32ToInt16Multiplier(1 << 30)).toBe(16384);
    expect(downScaleInt32ToInt16Multiplier((1 << 30) + 32767)).toBe(16384);
    expect(downScaleInt32ToInt16Multiplier((1 << 30) + 32768)).toBe(16385);
    expect(downScaleInt32ToInt16Multiplier(2147483647)).toBe(32767);
    expect(downScaleInt32ToInt16Multiplier(2147483647 - 32768)).toBe(32767);
  });

  it('CheckedLog2 detects power-of-two scales', () => {
    expect(checkedLog2(1 / 4096)).toEqual({ isPowerOfTwo: true, log2: -12 });
    expect(checkedLog2(Math.fround(1 / 32768))).toEqual({ isPowerOfTwo: true, log2: -15 });
    expect(checkedLog2(0.001).isPowerOfTwo).toBe(false);
    expect(checkedLog2(3).isPowerOfTwo).toBe(false);
  });
});

describe('reciprocal and inverse square root', () => {
  it('GetInvSqrtQuantizedMultiplierExp (TFLite test values, reverse_shift 1)', () => {
    const inv = (x: number): [number, number] => pair(getInvSqrtQuantizedMultiplierExp(x, 1));
    expect(inv(0)).toEqual([2147483647, 0]);
    expect(inv(1)).toEqual([2147483647, 0]);
    expect(inv(2)).toEqual([1518498372, 0]);
    expect(inv(3)).toEqual([1239850284, 0]);
    expect(inv(4)).toEqual([1073741828, 0]);
    expect(inv(100)).toEqual([214748363, 0]);
    expect(inv(10000)).toEqual([343597361, 4]);
    expect(inv(1000000)).toEqual([274877901, 7]);
    expect(inv(100000000)).toEqual([219902323, 10]);
    expect(inv(1 << 30)).toEqual([268435457, 12]);
    expect(inv(2147483647)).toEqual([189812531, 12]);
    expect(pair(getInvSqrtQuantizedMultiplierExp(10000, -1))).toEqual([343597361, -4]);
  });

  it('GetInvSqrtQuantizedMultiplierExp is 1/sqrt(x) within 2e-6 relative (inv(2) is off by 1.2e-6 in TFLite too)', () => {
    const next = prng(8);
    for (let i = 0; i < 5000; i++) {
      const x = 2 + (next() % 2147483645);
      const { multiplier, shift } = getInvSqrtQuantizedMultiplierExp(x, -1);
      const real = (multiplier / 2 ** 31) * 2 ** shift;
      expect(Math.abs(real * Math.sqrt(x) - 1)).toBeLessThan(2e-6);
    }
  });

  it('GetReciprocal matches 1/x and the BigInt composition', () => {
    const next = prng(9);
    for (let i = 0; i < 5000; i++) {
      const x = 1 + (next() % 2147483647);
      const { reciprocal, numBitsOverUnit } = getReciprocal(x, 12);
      // Oracle: normalize with the leading-zero count, then gemmlowp's 1/(1+x) in BigInt.
      const h = Math.clz32(x);
      expect(reciprocal).toBe(Number(B32.oneOverOnePlusX(BigInt(((x << h) >>> 0) - 2 ** 31))));
      expect(numBitsOverUnit).toBe(12 - h);
      const real = fixedPointToDouble(reciprocal, 0) / 2 ** numBitsOverUnit;
      expect(Math.abs(real * fixedPointToDouble(x, 12) - 1)).toBeLessThan(1e-8 * 4);
    }
  });
});
