/**
 * Hybrid (run-time) input quantization, against values worked out by hand from TFLite's
 * SymmetricQuantizeFloats / AsymmetricQuantizeFloats formulas.
 */
import { describe, expect, it } from 'vitest';
import {
  asymmetricQuantizeFloats,
  hybridMatVecAccumulate,
  int8RowSums,
  symmetricQuantizeFloats,
} from '../../../src/kernels/internal/hybrid_quantize.js';

describe('symmetricQuantizeFloats', () => {
  it('scales by max|x| / 127 and rounds half away from zero', () => {
    // range 2.54: inv = 127/2.54 = 50, so x * 50 rounds: 0.01 -> 0.5 -> 1, -0.03 -> -1.5 -> -2.
    const x = new Float32Array([0.01, -0.03, 2.54, -1.27, 0]);
    const q = new Int8Array(5);
    const scale = symmetricQuantizeFloats(x, 0, 5, q, 0);
    expect(scale).toBe(Math.fround(Math.fround(2.54) / 127));
    expect(Array.from(q)).toEqual([1, -2, 127, -64, 0]);
  });
  it('gives zeros and scale 1 for an all-zero row, and honours offsets', () => {
    const x = new Float32Array([9, 0, 0, 0, 9]);
    const q = new Int8Array(6).fill(5);
    expect(symmetricQuantizeFloats(x, 1, 3, q, 2)).toBe(1);
    expect(Array.from(q)).toEqual([5, 5, 0, 0, 0, 5]);
  });
});

describe('asymmetricQuantizeFloats', () => {
  it('maps [min(0,lo), max(0,hi)] onto [-128, 127] with a nudged zero point', () => {
    // rmin 0 (all positive), rmax 2.55: scale 0.01, zero point from min = -128 exactly.
    const x = new Float32Array([0.5, 2.55, 1.0]);
    const q = new Int8Array(3);
    const r = { scale: 0, offset: 0 };
    asymmetricQuantizeFloats(x, 0, 3, q, 0, r);
    expect(r.offset).toBe(-128);
    expect(r.scale).toBe(Math.fround(2.55 / 255));
    // q = round(-128 + x / 0.01): 0.5 -> -78, 2.55 -> 127, 1.0 -> -28
    expect(Array.from(q)).toEqual([-78, 127, -28]);
  });
  it('puts the zero point inside the range for mixed signs', () => {
    // rmin -1, rmax 3: scale 4/255, zp from min = -128 + 63.75 = -64.25 -> -64.
    const x = new Float32Array([-1, 3, 0]);
    const q = new Int8Array(3);
    const r = { scale: 0, offset: 0 };
    asymmetricQuantizeFloats(x, 0, 3, q, 0, r);
    expect(r.offset).toBe(-64);
    expect(Array.from(q)).toEqual([-128, 127, -64]);
  });
  it('gives scale 1, offset 0 for zeros', () => {
    const q = new Int8Array(2).fill(3);
    const r = { scale: 0, offset: 7 };
    asymmetricQuantizeFloats(new Float32Array(2), 0, 2, q, 0, r);
    expect(r).toEqual({ scale: 1, offset: 0 });
    expect(Array.from(q)).toEqual([0, 0]);
  });
});

describe('hybridMatVecAccumulate', () => {
  it('accumulates (dot - rowSum * offset) * scale with a result stride', () => {
    const m = new Int8Array([1, 2, 3, -4, 5, -6]); // 2 x 3
    const v = new Int8Array([9, 1, -1, 2]); // vector starts at 1: [1, -1, 2]
    const sums = int8RowSums(m, 2, 3);
    expect(Array.from(sums)).toEqual([6, -5]);
    const out = new Float32Array([10, 0, 20, 0]);
    hybridMatVecAccumulate(m, 2, 3, v, 1, 0.5, 2, sums, out, 0, 2);
    // row 0: dot = 1 - 2 + 6 = 5, minus 6*2 = -7 -> 10 - 3.5; row 1: -4 - 5 - 12 = -21, + 10 = -11 -> 20 - 5.5
    expect(Array.from(out)).toEqual([6.5, 0, 14.5, 0]);
  });
});
