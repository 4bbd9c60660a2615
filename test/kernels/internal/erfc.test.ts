/** erfc against reference values (CPython's math.erfc, i.e. the C library's double erfc). */
import { describe, expect, it } from 'vitest';
import { erfc } from '../../../src/kernels/internal/erfc.js';

const REFERENCE: readonly [number, number][] = [
  [-3, 1.9999779095030015],
  [-1.5, 1.9661051464753108],
  [-0.5, 1.5204998778130465],
  [0, 1.0],
  [1e-8, 0.9999999887162083],
  [0.1, 0.8875370839817152],
  [0.5, 0.4795001221869535],
  [1, 0.15729920705028513],
  [1.4999, 0.03390674833770473],
  [1.5, 0.033894853524689274],
  [2, 0.004677734981047265],
  [2.5, 0.0004069520174449589],
  [3, 2.2090496998585438e-5],
  [4, 1.541725790028002e-8],
  [5, 1.5374597944280351e-12],
  [7, 4.183825607779414e-23],
  [10, 2.088487583762545e-45],
  [20, 5.3958656116079005e-176],
];

describe('erfc', () => {
  it.each(REFERENCE)('erfc(%s) within 1e-13 relative', (x, want) => {
    expect(Math.abs(erfc(x) - want) / want).toBeLessThan(1e-13);
  });
  it('special values', () => {
    expect(erfc(Infinity)).toBe(0);
    expect(erfc(-Infinity)).toBe(2);
    expect(erfc(NaN)).toBeNaN();
    expect(erfc(40)).toBe(0); // underflows like the C library's
  });
  it('erfc(-x) = 2 - erfc(x)', () => {
    for (const x of [0.3, 1.2, 1.7, 2.6]) expect(erfc(-x)).toBeCloseTo(2 - erfc(x), 15);
  });
});
