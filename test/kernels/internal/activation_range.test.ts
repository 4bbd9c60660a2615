import { describe, expect, it } from 'vitest';
import { QuantizationError } from '../../../src/errors.js';
import { Activation } from '../../../src/ir/builtin_options.js';
import {
  activationFunctionWithMinMax,
  calculateActivationRangeFloat,
  calculateActivationRangeQuantized,
} from '../../../src/kernels/internal/activation_range.js';

/** zero_point + round(f / scale) in float32, rounding half away from zero (independent spelling). */
function q(f: number, scale: number, zp: number): number {
  const r = new Float32Array([f / Math.fround(scale)])[0]!;
  return zp + Math.sign(r) * Math.floor(Math.abs(r) + 0.5);
}

describe('calculateActivationRangeFloat', () => {
  it('gives TFLite’s float clamp bounds', () => {
    expect(calculateActivationRangeFloat(Activation.NONE)).toEqual({ min: -Infinity, max: Infinity });
    expect(calculateActivationRangeFloat(Activation.RELU)).toEqual({ min: 0, max: Infinity });
    expect(calculateActivationRangeFloat(Activation.RELU_N1_TO_1)).toEqual({ min: -1, max: 1 });
    expect(calculateActivationRangeFloat(Activation.RELU6)).toEqual({ min: 0, max: 6 });
    expect(calculateActivationRangeFloat(Activation.TANH)).toEqual({ min: -Infinity, max: Infinity });
  });

  it('activationFunctionWithMinMax keeps NaN and -0 like std::min/std::max', () => {
    expect(activationFunctionWithMinMax(-3, 0, 6)).toBe(0);
    expect(activationFunctionWithMinMax(7, 0, 6)).toBe(6);
    expect(activationFunctionWithMinMax(2.5, 0, 6)).toBe(2.5);
    expect(Object.is(activationFunctionWithMinMax(-0, 0, 6), -0)).toBe(true);
    expect(activationFunctionWithMinMax(NaN, 0, 6)).toBeNaN();
    expect(activationFunctionWithMinMax(-Infinity, -Infinity, Infinity)).toBe(-Infinity);
  });
});

describe('calculateActivationRangeQuantized', () => {
  it('NONE is the dtype range', () => {
    expect(calculateActivationRangeQuantized(Activation.NONE, 'int8', 0.1, 3)).toEqual({
      min: -128,
      max: 127,
    });
    expect(calculateActivationRangeQuantized(Activation.NONE, 'uint8', 0.1, 3)).toEqual({ min: 0, max: 255 });
    expect(calculateActivationRangeQuantized(Activation.NONE, 'int16', 0.1, 0)).toEqual({
      min: -32768,
      max: 32767,
    });
  });

  it('RELU / RELU6 / RELU_N1_TO_1 quantize their bounds in float32 and clamp to the dtype', () => {
    const s = 0.0235294; // a typical uint8 scale (6/255)
    expect(calculateActivationRangeQuantized(Activation.RELU, 'int8', s, -128)).toEqual({
      min: -128,
      max: 127,
    });
    expect(calculateActivationRangeQuantized(Activation.RELU6, 'uint8', s, 0)).toEqual({
      min: 0,
      max: q(6, s, 0),
    });
    expect(q(6, s, 0)).toBe(255);
    expect(calculateActivationRangeQuantized(Activation.RELU, 'int8', 0.05, -10)).toEqual({
      min: -10,
      max: 127,
    });
    expect(calculateActivationRangeQuantized(Activation.RELU6, 'int8', 0.05, -10)).toEqual({
      min: -10,
      max: 110,
    });
    expect(calculateActivationRangeQuantized(Activation.RELU_N1_TO_1, 'int8', 0.01, 5)).toEqual({
      min: q(-1, 0.01, 5),
      max: q(1, 0.01, 5),
    });
    expect(q(1, 0.01, 5)).toBe(105);
    expect(calculateActivationRangeQuantized(Activation.RELU_N1_TO_1, 'int16', 1 / 4096, 0)).toEqual({
      min: -4096,
      max: 4096,
    });
    // A zero point below the range: RELU's lower bound clamps to the dtype minimum.
    expect(calculateActivationRangeQuantized(Activation.RELU, 'int8', 0.1, -200)).toEqual({
      min: -128,
      max: 127,
    });
    // Ties round away from zero: -1 / 0.4 = -2.5 -> -3.
    expect(calculateActivationRangeQuantized(Activation.RELU_N1_TO_1, 'int8', 0.4, 0)).toEqual({
      min: -3,
      max: 3,
    });
  });

  it('rejects TANH / SIGN_BIT and overflowing bounds with QuantizationError', () => {
    expect(() => calculateActivationRangeQuantized(Activation.TANH, 'int8', 0.1, 0)).toThrow(
      QuantizationError,
    );
    expect(() => calculateActivationRangeQuantized(Activation.SIGN_BIT, 'uint8', 0.1, 0)).toThrow(/SIGN_BIT/);
    expect(() => calculateActivationRangeQuantized(Activation.RELU6, 'int8', 1e-30, 0)).toThrow(
      /overflows int32/,
    );
    expect(() => calculateActivationRangeQuantized(Activation.RELU6, 'int8', 0, 0)).toThrow(
      QuantizationError,
    );
  });
});
