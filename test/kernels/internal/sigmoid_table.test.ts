import { describe, expect, it } from 'vitest';
import {
  logisticInt16Reference,
  SIGMOID_TABLE_UINT16,
  tanhInt16Reference,
} from '../../../src/kernels/internal/sigmoid_table.js';

describe('TFLite sigmoid_table_uint16', () => {
  it('is sigmoid(i/24) in Q0.16 within 1.2 units, monotonic, ending at 65535', () => {
    expect(SIGMOID_TABLE_UINT16.length).toBe(256);
    expect(SIGMOID_TABLE_UINT16[0]).toBe(32768);
    expect(SIGMOID_TABLE_UINT16[255]).toBe(65535);
    for (let i = 0; i < 256; i++) {
      expect(Math.abs(SIGMOID_TABLE_UINT16[i]! - 65536 / (1 + Math.exp(-i / 24)))).toBeLessThan(1.2);
      if (i > 0) expect(SIGMOID_TABLE_UINT16[i]!).toBeGreaterThanOrEqual(SIGMOID_TABLE_UINT16[i - 1]!);
    }
  });
});

describe('int16 LOGISTIC / TANH reference elements', () => {
  it('logistic on Q3.12 input (power-of-two scale 2^-12) is within 2 units of 32768 * sigmoid', () => {
    let worst = 0;
    for (let x = -32768; x <= 32767; x++) {
      const got = logisticInt16Reference(x, 0, 0);
      worst = Math.max(worst, Math.abs(got - 32768 / (1 + Math.exp(-x / 4096))));
      if (got < 0) expect(got, `logistic(${x})`).toBeGreaterThanOrEqual(0);
    }
    expect(worst).toBeLessThan(2);
    expect(logisticInt16Reference(0, 0, 0)).toBe(16384);
  });

  it('tanh on Q3.12 input is within 3 units of 32768 * tanh and odd up to one unit', () => {
    let worst = 0;
    for (let x = -32767; x <= 32767; x++) {
      const got = tanhInt16Reference(x, 0, 0);
      worst = Math.max(worst, Math.abs(got - 32768 * Math.tanh(x / 4096)));
      const odd = Math.abs(got + tanhInt16Reference(-x, 0, 0));
      if (odd > 1) expect(odd, `tanh(${x}) + tanh(${-x})`).toBeLessThanOrEqual(1);
    }
    expect(worst).toBeLessThan(3);
    expect(tanhInt16Reference(0, 0, 0)).toBe(0);
  });

  it('a general multiplier rescales the input (scale 1e-3: multiplier = 1e-3 * 4096 * 3 * 2^k)', () => {
    // TFLite Prepare doubles the multiplier while <= 32767/2, counting the left shift.
    let multiplier = 1e-3 * 4096 * 3;
    let leftShift = 0;
    while (multiplier <= 32767 / 2 && leftShift <= 30) {
      leftShift++;
      multiplier *= 2;
    }
    const m = Math.trunc(multiplier);
    for (let x = -32768; x <= 32767; x += 13) {
      const real = x * 1e-3;
      expect(Math.abs(logisticInt16Reference(x, m, leftShift) - 32768 / (1 + Math.exp(-real)))).toBeLessThan(
        3,
      );
      expect(Math.abs(tanhInt16Reference(x, m, leftShift) - 32768 * Math.tanh(real))).toBeLessThan(4);
    }
  });

  it('saturates large inputs', () => {
    expect(logisticInt16Reference(32767, 1 << 14, 0)).toBe(32767);
    expect(logisticInt16Reference(-32768, 1 << 14, 0)).toBe(1); // TFLite's saturated value mirrors to 1
    expect(tanhInt16Reference(32767, 1 << 14, 0)).toBe(32767);
    expect(tanhInt16Reference(-32768, 1 << 14, 0)).toBe(-32767);
  });
});
