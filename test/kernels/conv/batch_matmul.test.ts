/**
 * BATCH_MATMUL against a naive matrix product: float32 (float64 oracle) and int8 / int16
 * (TFLite's integer formula, exact). adj_x / adj_y in every combination, batch broadcasting
 * across ranks 2 to 4 (dims of 1 stretching on either side), a constant RHS.
 */
import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../../src/ir/dtype.js';
import { maxRelError, randomFloats, randomInts, requant, rng } from './oracle.js';
import { runOp } from './run_op.js';

interface Case {
  name: string;
  dtype: 'float32' | 'int8' | 'int16';
  lhs: number[];
  rhs: number[];
  adjX: boolean;
  adjY: boolean;
  constRhs?: boolean;
  lZp?: number;
  rZp?: number;
  oZp?: number;
}

const CASES: Case[] = [
  { name: 'float rank 2', dtype: 'float32', lhs: [3, 5], rhs: [5, 4], adjX: false, adjY: false },
  { name: 'float rank 3 adj_x', dtype: 'float32', lhs: [2, 5, 3], rhs: [2, 5, 6], adjX: true, adjY: false },
  {
    name: 'float rank 3 adj_y, constant RHS',
    dtype: 'float32',
    lhs: [2, 3, 7],
    rhs: [2, 4, 7],
    adjX: false,
    adjY: true,
    constRhs: true,
  },
  { name: 'float adj_x and adj_y', dtype: 'float32', lhs: [1, 6, 5], rhs: [1, 3, 6], adjX: true, adjY: true },
  {
    name: 'float broadcast [2,1,3,4] x [5,4,6]',
    dtype: 'float32',
    lhs: [2, 1, 3, 4],
    rhs: [5, 4, 6],
    adjX: false,
    adjY: false,
  },
  {
    name: 'float broadcast rank 4 x rank 2 (constant weights)',
    dtype: 'float32',
    lhs: [2, 3, 5, 8],
    rhs: [8, 9],
    adjX: false,
    adjY: false,
    constRhs: true,
  },
  {
    name: 'float broadcast LHS dim 1 against RHS [3,1,...]',
    dtype: 'float32',
    lhs: [1, 2, 4, 3],
    rhs: [3, 1, 3, 2],
    adjX: false,
    adjY: false,
  },
  {
    name: 'int8 zero points, adj_y',
    dtype: 'int8',
    lhs: [2, 4, 9],
    rhs: [2, 5, 9],
    adjX: false,
    adjY: true,
    lZp: 3,
    rZp: -2,
    oZp: -5,
  },
  {
    name: 'int8 broadcast, adj_x',
    dtype: 'int8',
    lhs: [3, 6, 4],
    rhs: [6, 7],
    adjX: true,
    adjY: false,
    constRhs: true,
    lZp: -128,
    rZp: 0,
    oZp: 10,
  },
  {
    name: 'int16 (int64 accumulator)',
    dtype: 'int16',
    lhs: [2, 3, 10],
    rhs: [1, 10, 4],
    adjX: false,
    adjY: false,
  },
];

/** Returns the output shape and naive products with element accessors for both sides. */
function matmul(
  c: Case,
  l: (i: number) => number,
  r: (i: number) => number,
): { shape: number[]; vals: number[] } {
  const lr = c.lhs.length;
  const rr = c.rhs.length;
  const M = c.adjX ? c.lhs[lr - 1]! : c.lhs[lr - 2]!;
  const K = c.adjX ? c.lhs[lr - 2]! : c.lhs[lr - 1]!;
  const N = c.adjY ? c.rhs[rr - 2]! : c.rhs[rr - 1]!;
  const lb = c.lhs.slice(0, -2);
  const rb = c.rhs.slice(0, -2);
  const rank = Math.max(lb.length, rb.length);
  const L = [...new Array<number>(rank - lb.length).fill(1), ...lb];
  const R = [...new Array<number>(rank - rb.length).fill(1), ...rb];
  const ob = L.map((d, i) => Math.max(d, R[i]!));
  const vals: number[] = [];
  const count = ob.reduce((a, b) => a * b, 1);
  for (let bi = 0; bi < count; bi++) {
    // Unravel the output batch index, then map to each side (dims of 1 repeat).
    let rem = bi;
    const idx = ob.map(() => 0);
    for (let a = rank - 1; a >= 0; a--) {
      idx[a] = rem % ob[a]!;
      rem = Math.floor(rem / ob[a]!);
    }
    let li = 0;
    let ri = 0;
    for (let a = 0; a < rank; a++) {
      li = li * L[a]! + (L[a] === 1 ? 0 : idx[a]!);
      ri = ri * R[a]! + (R[a] === 1 ? 0 : idx[a]!);
    }
    for (let m = 0; m < M; m++)
      for (let n = 0; n < N; n++) {
        let s = 0;
        for (let k = 0; k < K; k++) {
          const lv = l(li * M * K + (c.adjX ? k * M + m : m * K + k));
          const rv = r(ri * K * N + (c.adjY ? n * K + k : k * N + n));
          s += lv * rv;
        }
        vals.push(s);
      }
  }
  return { shape: [...ob, M, N], vals };
}

describe('BATCH_MATMUL', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const next = rng(c.lhs.reduce((a, b) => a * b, 3) + c.rhs.length);
      const nl = c.lhs.reduce((a, b) => a * b, 1);
      const nr = c.rhs.reduce((a, b) => a * b, 1);
      const opts = { adjX: c.adjX, adjY: c.adjY };
      if (c.dtype === 'float32') {
        const l = randomFloats(next, nl);
        const r = randomFloats(next, nr);
        const { shape, vals } = matmul(
          c,
          (i) => l[i]!,
          (i) => r[i]!,
        );
        const feeds: TypedArray[] = c.constRhs ? [l] : [l, r];
        const [out] = runOp(
          {
            op: 'BATCH_MATMUL',
            inputs: [
              { name: 'l', dtype: 'float32', shape: c.lhs },
              { name: 'r', dtype: 'float32', shape: c.rhs, ...(c.constRhs ? { data: r } : {}) },
            ],
            outputs: [{ name: 'y', dtype: 'float32', shape }],
            options: opts,
          },
          feeds,
        );
        expect(out!.shape).toEqual(shape);
        expect(maxRelError(out!.data as Float32Array, vals)).toBeLessThan(1e-5);
        return;
      }
      const [qlo, qhi] = c.dtype === 'int8' ? [-128, 127] : [-32768, 32767];
      const Arr = c.dtype === 'int8' ? Int8Array : Int16Array;
      const l = new Arr(randomInts(next, nl, qlo, qhi));
      const r = new Arr(randomInts(next, nr, qlo, qhi));
      const lZp = c.lZp ?? 0;
      const rZp = c.rZp ?? 0;
      const oZp = c.oZp ?? 0;
      const { shape, vals } = matmul(
        c,
        (i) => l[i]! - lZp,
        (i) => r[i]! - rZp,
      );
      const maxAcc = Math.max(1, ...vals.map(Math.abs));
      const lScale = Math.fround(4 / maxAcc);
      const rScale = Math.fround(0.5);
      const oScale = Math.fround((1.1 * 2) / ((qhi - qlo) / 2));
      const expected = vals.map((v) =>
        requant(v, lScale, rScale, oScale, oZp, qlo, qhi, c.dtype === 'int16'),
      );
      const feeds: TypedArray[] = c.constRhs ? [l] : [l, r];
      const [out] = runOp(
        {
          op: 'BATCH_MATMUL',
          version: 4,
          inputs: [
            { name: 'l', dtype: c.dtype, shape: c.lhs, quant: { scale: [lScale], zeroPoint: [lZp] } },
            {
              name: 'r',
              dtype: c.dtype,
              shape: c.rhs,
              quant: { scale: [rScale], zeroPoint: [rZp] },
              ...(c.constRhs ? { data: r } : {}),
            },
          ],
          outputs: [{ name: 'y', dtype: c.dtype, shape, quant: { scale: [oScale], zeroPoint: [oZp] } }],
          options: opts,
        },
        feeds,
      );
      expect(out!.shape).toEqual(shape);
      expect(new Set(expected).size).toBeGreaterThan(4);
      expect(Array.from(out!.data as Int8Array)).toEqual(expected);
    });
  }

  it('rejects operands whose contracted dims differ', () => {
    expect(() =>
      runOp(
        {
          op: 'BATCH_MATMUL',
          inputs: [
            { name: 'l', dtype: 'float32', shape: [2, 3] },
            { name: 'r', dtype: 'float32', shape: [4, 2] },
          ],
          outputs: [{ name: 'y', dtype: 'float32', shape: [2, 2] }],
          options: {},
        },
        [new Float32Array(6), new Float32Array(8)],
      ),
    ).toThrow(/contracted dims differ/);
  });
});
