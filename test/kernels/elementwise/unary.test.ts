/**
 * Unary math: float32 against C++'s float formulas (Math.fround after each float operation;
 * transcendental functions within 1 float32 ulp), ROUND's half-to-even ties, the integer forms
 * (ABS, NEG wrapping), and the quantized forms: ABS (formula), EXP/LOG int8 (TFLite's
 * LUTPopulate formula written out), RSQRT int8 and the int16 interpolated tables (within one
 * resp. a few units of the real function; exactness against TFLite in peers.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { runCase, toList } from './harness.js';
import { type QDtype, QRANGE, clampTo, mbqm, quantizeMultiplier, randomFloats, roundAway } from './oracle.js';

const f = Math.fround;

function ulps(a: number, b: number): number {
  if (a === b || (a !== a && b !== b)) return 0;
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat32(0, a);
  v.setFloat32(4, b);
  const o = (i: number) => (i < 0 ? -0x80000000 - i : i);
  return Math.abs(o(v.getInt32(0)) - o(v.getInt32(4)));
}

function run1(
  op: string,
  x: TypedArray,
  inSpec: Partial<TensorSpec> & { dtype: DType },
  outSpec?: Partial<TensorSpec>,
): TypedArray {
  const shape = [x.length];
  return runCase(
    {
      op,
      inputs: [{ name: 'x', shape, ...inSpec } as TensorSpec],
      outputs: [{ name: 'y', shape, ...inSpec, ...outSpec } as TensorSpec],
    },
    [x],
  );
}

const FLOAT_OPS: { op: string; range: [number, number]; fn: (v: number) => number; ulps: number }[] = [
  { op: 'ABS', range: [-5, 5], fn: Math.abs, ulps: 0 },
  { op: 'NEG', range: [-5, 5], fn: (v) => -v, ulps: 0 },
  { op: 'SQRT', range: [0, 50], fn: (v) => f(Math.sqrt(v)), ulps: 0 },
  { op: 'RSQRT', range: [0.01, 50], fn: (v) => f(1 / f(Math.sqrt(v))), ulps: 0 },
  { op: 'SQUARE', range: [-7, 7], fn: (v) => f(v * v), ulps: 0 },
  { op: 'FLOOR', range: [-9, 9], fn: Math.floor, ulps: 0 },
  { op: 'CEIL', range: [-9, 9], fn: Math.ceil, ulps: 0 },
  { op: 'EXP', range: [-20, 20], fn: (v) => f(Math.exp(v)), ulps: 1 },
  { op: 'LOG', range: [0.001, 1000], fn: (v) => f(Math.log(v)), ulps: 1 },
  { op: 'SIN', range: [-10, 10], fn: (v) => f(Math.sin(v)), ulps: 1 },
  { op: 'COS', range: [-10, 10], fn: (v) => f(Math.cos(v)), ulps: 1 },
];

describe('float32 unary ops', () => {
  it.each(FLOAT_OPS)('$op', ({ op, range, fn, ulps: tol }) => {
    const x = randomFloats(257, op.length * 13, ...range);
    const got = run1(op, x, { dtype: 'float32' }) as Float32Array;
    const worst = Array.from(x).reduce((m, v, i) => Math.max(m, ulps(got[i]!, fn(v))), 0);
    expect(worst).toBeLessThanOrEqual(tol);
  });

  it('ROUND rounds half to even (TFLite RoundToNearest) and keeps non-ties nearest', () => {
    const x = Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.49999997, 2.5000002, -3.7, 1e9 + 0.5, 7]);
    const got = run1('ROUND', x, { dtype: 'float32' });
    // -0.5: floor -1 is odd, so -1 + 1 = +0 (TFLite's arithmetic gives +0, not -0)
    expect(toList(got)).toEqual([0, 2, 2, 0, -2, -2, 0, 3, -4, 1e9, 7]);
  });

  it('LOG and SQRT of negatives give NaN, LOG(0) = -inf', () => {
    expect(toList(run1('LOG', Float32Array.from([-1, 0]), { dtype: 'float32' }))).toEqual([NaN, -Infinity]);
    expect(toList(run1('SQRT', Float32Array.from([-1]), { dtype: 'float32' }))).toEqual([NaN]);
  });

  it('float-only ops reject integer inputs at allocateTensors', () => {
    expect(() => run1('SIN', new Int32Array(2), { dtype: 'int32' })).toThrow(/SIN.*int32/);
  });
});

describe('integer ABS and NEG (plain integers, wrapping)', () => {
  it('ABS int32 and unquantized int16', () => {
    expect(toList(run1('ABS', Int32Array.from([-5, 7, -2147483648, 0]), { dtype: 'int32' }))).toEqual([
      5, 7, -2147483648, 0,
    ]);
    expect(toList(run1('ABS', Int16Array.from([-5, -32768, 12]), { dtype: 'int16' }))).toEqual([
      5, -32768, 12,
    ]);
  });
  it('NEG int8, int16, int32, int64', () => {
    expect(toList(run1('NEG', Int8Array.from([-128, 5, 0]), { dtype: 'int8' }))).toEqual([-128, -5, 0]);
    expect(toList(run1('NEG', Int16Array.from([-32768, 300]), { dtype: 'int16' }))).toEqual([-32768, -300]);
    expect(toList(run1('NEG', Int32Array.from([-2147483648, 9]), { dtype: 'int32' }))).toEqual([
      -2147483648, -9,
    ]);
    expect(toList(run1('NEG', BigInt64Array.from([-(2n ** 63n), 9n]), { dtype: 'int64' }))).toEqual([
      -(2n ** 63n),
      -9n,
    ]);
  });
});

const q = (scale: number, zp: number) => ({ quant: { scale: [scale], zeroPoint: [zp] } });
const allValues = (dtype: 'int8' | 'uint8'): TypedArray =>
  dtype === 'int8'
    ? Int8Array.from({ length: 256 }, (_, i) => i - 128)
    : Uint8Array.from({ length: 256 }, (_, i) => i);

describe('quantized ABS', () => {
  const cases: { name: string; dtype: QDtype; si: number; zi: number; so: number; zo: number }[] = [
    { name: 'int8 same scale', dtype: 'int8', si: 0.05, zi: 3, so: 0.05, zo: -100 },
    { name: 'int8 rescaled', dtype: 'int8', si: 0.05, zi: -7, so: 0.03, zo: -128 },
    { name: 'int16 rescaled', dtype: 'int16', si: 0.001, zi: 0, so: 0.0007, zo: 0 },
  ];
  it.each(cases)('$name', ({ dtype, si, zi, so, zo }) => {
    const x =
      dtype === 'int8' ? allValues('int8') : Int16Array.from({ length: 500 }, (_, i) => (i - 250) * 131);
    const [lo, hi] = QRANGE[dtype];
    const m = quantizeMultiplier(f(f(si) / f(so)));
    const want = Array.from(x as Int16Array, (v) => {
      const a = Math.abs(v - zi);
      return clampTo(f(si) === f(so) ? a + zo : mbqm(a, m.m, m.shift) + zo, lo, hi);
    });
    const got = run1('ABS', x, { dtype, ...q(si, zi) }, q(so, zo));
    expect(Array.from(got as Int16Array)).toEqual(want);
  });
});

describe('quantized EXP / LOG int8 (256-entry tables)', () => {
  const cases = [
    { op: 'EXP', si: 0.03, zi: 20, so: 0.1, zo: -128, fn: (v: number) => f(Math.exp(v)) },
    { op: 'LOG', si: 0.1, zi: -128, so: 0.03, zo: 60, fn: (v: number) => f(Math.log(v)) },
  ];
  it.each(cases)('$op', ({ op, si, zi, so, zo, fn }) => {
    // TFLite's LUTPopulate<int8_t>: round(f(s_in * (q - zp_in)) * (1 / s_out)) + zp_out, clamped.
    const lowest = f((-128 - zo) * f(so));
    const want = Array.from({ length: 256 }, (_, i) => {
      const v = f(f(si) * (i - 128 - zi));
      const y = op === 'LOG' && v <= 0 ? lowest : fn(v);
      return clampTo(roundAway(f(y * f(1 / f(so)))) + zo, -128, 127);
    });
    const got = run1(op, allValues('int8'), { dtype: 'int8', ...q(si, zi) }, q(so, zo));
    expect(Array.from(got as Int8Array)).toEqual(want);
  });
});

describe('quantized RSQRT and int16 tables: close to the real function', () => {
  it('RSQRT int8 within one unit of round(1/sqrt(x) / s_out) + zp_out', () => {
    const si = f(0.02);
    const so = f(0.05);
    const x = Int8Array.from({ length: 246 }, (_, i) => i - 118); // >= the zero point -118
    const got = run1('RSQRT', x, { dtype: 'int8', ...q(si, -118) }, q(so, -128)) as Int8Array;
    for (let i = 0; i < x.length; i++) {
      const real =
        x[i]! === -118 ? 127 : clampTo(Math.round(1 / Math.sqrt((x[i]! + 118) * si) / so) - 128, -128, 127);
      expect(Math.abs(got[i]! - real), `x = ${x[i]}`).toBeLessThanOrEqual(1);
    }
  });

  it('RSQRT int8 below the zero point is an error at invoke', () => {
    expect(() =>
      run1('RSQRT', Int8Array.from([5, -10]), { dtype: 'int8', ...q(0.02, 0) }, q(0.05, 0)),
    ).toThrow(/positive/);
  });

  const tables = [
    { op: 'EXP', si: 1 / 4096, so: 1 / 1024, fn: Math.exp, range: [-8, 3] },
    { op: 'LOG', si: 1 / 1024, so: 1 / 4096, fn: Math.log, range: [1, 30] },
    { op: 'RSQRT', si: 1 / 1024, so: 1 / 2048, fn: (v: number) => 1 / Math.sqrt(v), range: [1, 30] },
  ];
  // Linear interpolation over 512 segments of the int16 input range: the error grows with the
  // function's curvature (steep near 0 for LOG and RSQRT, so the range starts at 1).
  it.each(tables)('$op int16 within max(8, 0.1%) units of the real function', ({ op, si, so, fn, range }) => {
    const [lo, hi] = range as [number, number];
    const x = Int16Array.from({ length: 400 }, (_, i) => Math.round((lo + ((hi - lo) * i) / 399) / si));
    const got = run1(op, x, { dtype: 'int16', ...q(si, 0) }, q(so, 0)) as Int16Array;
    for (let i = 0; i < x.length; i++) {
      const real = clampTo(Math.round(fn(x[i]! * si) / so), -32768, 32767);
      expect(Math.abs(got[i]! - real), `x = ${x[i]! * si}`).toBeLessThanOrEqual(
        Math.max(8, Math.abs(real) / 1000),
      );
    }
  });
});
