/**
 * Reductions against oracles written here: TFLite's reference fold (row-major input order, the
 * type's arithmetic, neutral element or first-element seeding) spelled out per output element,
 * checked in turn against float64 sums; quantized MEAN/SUM/PROD against the integer formulas with
 * BigInt requantization; ARG_MAX/ARG_MIN and CUMSUM against direct loops. Shapes of rank 0..5,
 * negative and duplicate axes, keep_dims, empty inputs, constant and dynamic axes.
 */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { count, forEachIndex, randomData, runOp, strides, toNumbers } from '../tensor/op_harness.js';
import { oracleMultiply, oracleQuantizeMultiplier } from '../tensor/quant_oracle.js';

const f = Math.fround;
const FLT_MAX = 3.4028234663852886e38;

interface Geometry {
  outShape: number[];
  /** Output flat index of each input flat index. */
  outOf: number[];
  reduced: number;
  all: boolean;
}

function geometry(shape: number[], axes: number[], keep: boolean): Geometry {
  const rank = shape.length;
  const set = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  const outShape = keep ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
  const kept = shape.map((_, i) => i).filter((i) => !set.has(i));
  const keptShape = kept.map((i) => shape[i]!);
  const ks = strides(keptShape);
  const outOf: number[] = [];
  forEachIndex(shape, (idx) => outOf.push(kept.reduce((a, d, k) => a + idx[d]! * ks[k]!, 0)));
  const reduced = [...set].reduce((a, i) => a * shape[i]!, 1);
  return { outShape, outOf, reduced, all: set.size === rank };
}

type Kind = 'SUM' | 'REDUCE_PROD' | 'REDUCE_MAX' | 'REDUCE_MIN' | 'MEAN';

/** The reference fold for float32 / int32 / small ints; `wrap` brings int results to the type. */
function fold(kind: Kind, dtype: DType, x: number[], g: Geometry, wrap: (v: number) => number): number[] {
  const float = dtype === 'float32';
  const n = count(g.outShape);
  const op = (cur: number, v: number): number => {
    switch (kind) {
      case 'SUM':
        return float ? f(cur + v) : wrap(cur + v);
      case 'MEAN':
        return float ? f(cur + v) : cur + v; // integer means sum in a wide accumulator
      case 'REDUCE_PROD':
        return float ? f(cur * v) : wrap(Math.imul(cur, v));
      case 'REDUCE_MAX':
        return v > cur ? v : cur;
      default:
        return v < cur ? v : cur;
    }
  };
  const lim = {
    int8: [-128, 127],
    uint8: [0, 255],
    int16: [-32768, 32767],
    int32: [-2147483648, 2147483647],
  } as Record<string, number[]>;
  const neutral =
    kind === 'REDUCE_PROD'
      ? 1
      : kind === 'REDUCE_MAX'
        ? float
          ? -FLT_MAX
          : lim[dtype]![0]!
        : kind === 'REDUCE_MIN'
          ? float
            ? FLT_MAX
            : lim[dtype]![1]!
          : 0;
  if (g.all && x.length > 0 && kind !== 'MEAN') {
    let a = x[0]!;
    for (let i = 1; i < x.length; i++) a = op(a, x[i]!);
    return [a];
  }
  const acc = new Array<number>(n).fill(neutral);
  x.forEach((v, i) => (acc[g.outOf[i]!] = op(acc[g.outOf[i]!]!, v)));
  if (kind === 'MEAN') {
    if (x.length === 0) return acc.map(() => (float ? NaN : 0));
    return acc.map((s) => (float ? f(s / f(g.reduced)) : Math.trunc(s / g.reduced) + 0));
  }
  return acc;
}

const WRAP: Record<string, (v: number) => number> = {
  int32: (v) => v | 0,
  int8: (v) => (v << 24) >> 24,
  uint8: (v) => v & 0xff,
  int16: (v) => (v << 16) >> 16,
  float32: (v) => v,
};

const SHAPES: [number[], number[], boolean][] = [
  [[], [], false],
  [[5], [0], false],
  [[5], [-1], true],
  [[3, 4], [1], false],
  [[3, 4], [0, 1], true],
  [[3, 4], [0, -2], false],
  [[2, 3, 4], [0, 2], false],
  [[2, 3, 4], [1], true],
  [[2, 1, 3, 4], [1, 3], false],
  [[1, 7, 7, 6], [1, 2], true],
  [[2, 3, 2, 3, 2], [0, 2, 4], false],
  [[2, 0, 3], [1], false],
  [[2, 0, 3], [0], true],
  [[4, 3], [], false],
];

function reduceOp(
  kind: string,
  dtype: DType,
  shape: number[],
  axes: number[],
  keep: boolean,
  outShape: number[],
  q?: [TensorSpec['quant'], TensorSpec['quant']],
  dynamic = false,
) {
  return {
    op: kind,
    inputs: [
      { name: 'x', dtype, shape, ...(q ? { quant: q[0] } : {}) },
      dynamic
        ? { name: 'axis', dtype: 'int32' as DType, shape: [axes.length] }
        : { name: 'axis', dtype: 'int32' as DType, shape: [axes.length], data: Int32Array.from(axes) },
    ],
    outputs: [{ name: 'y', dtype, shape: outShape, ...(q ? { quant: q[1] } : {}) }],
    options: { keepDims: keep },
  };
}

describe('SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, MEAN (float32, int32, unquantized int8)', () => {
  const KINDS: Kind[] = ['SUM', 'REDUCE_PROD', 'REDUCE_MAX', 'REDUCE_MIN', 'MEAN'];
  for (const kind of KINDS) {
    for (const dtype of ['float32', 'int32', 'int8'] as DType[]) {
      it(`${kind} ${dtype}`, () => {
        SHAPES.forEach(([shape, axes, keep], si) => {
          const x = randomData(
            dtype,
            count(shape),
            si + 1,
            kind === 'REDUCE_PROD' ? 0.5 : -10,
            kind === 'REDUCE_PROD' ? 1.5 : 10,
          );
          const g = geometry(shape, axes, keep);
          const dynamic = si % 3 === 0;
          const [out] = runOp(
            reduceOp(kind, dtype, shape, axes, keep, g.outShape, undefined, dynamic),
            dynamic ? [x, Int32Array.from(axes)] : [x],
          );
          expect(out!.shape, `[${shape}] axes [${axes}]`).toEqual(g.outShape);
          let want = fold(kind, dtype, toNumbers(x), g, WRAP[dtype]!);
          if (kind === 'MEAN' && axes.length === 0) want = toNumbers(x); // no axes: a copy
          expect(toNumbers(out!.data), `[${shape}] axes [${axes}] keep ${keep}`).toEqual(want);
        });
      });
    }
  }

  it('float32 SUM and MEAN are within 1e-5 relative of float64 sums', () => {
    const shape = [4, 50, 30];
    const x = randomData('float32', count(shape), 3, 0, 1);
    for (const [kind, axes] of [
      ['SUM', [1, 2]],
      ['MEAN', [0, 1]],
    ] as [Kind, number[]][]) {
      const g = geometry(shape, axes, false);
      const [out] = runOp(reduceOp(kind, 'float32', shape, axes, false, g.outShape), [x]);
      const exact = new Float64Array(count(g.outShape));
      toNumbers(x).forEach((v, i) => (exact[g.outOf[i]!] += v));
      toNumbers(out!.data).forEach((v, o) => {
        const e = kind === 'MEAN' ? exact[o]! / g.reduced : exact[o]!;
        expect(Math.abs(v - e) / Math.abs(e)).toBeLessThan(1e-5);
      });
    }
  });

  it('REDUCE_MAX over every dim seeds with the first element (-inf stays -inf, partial gives -FLT_MAX)', () => {
    const x = Float32Array.of(-Infinity, -Infinity, -Infinity, -Infinity);
    expect(
      toNumbers(runOp(reduceOp('REDUCE_MAX', 'float32', [2, 2], [0, 1], false, []), [x])[0]!.data),
    ).toEqual([-Infinity]);
    expect(
      toNumbers(runOp(reduceOp('REDUCE_MAX', 'float32', [2, 2], [1], false, [2]), [x])[0]!.data),
    ).toEqual([-FLT_MAX, -FLT_MAX]);
  });

  it('int64 SUM, PROD, MAX, MIN, MEAN wrap and truncate as int64', () => {
    const x = BigInt64Array.of(2n ** 62n, 2n ** 62n, -7n, 3n, 5n, -(2n ** 63n));
    const run = (kind: string) =>
      runOp(reduceOp(kind, 'int64', [2, 3], [1], false, [2]), [x])[0]!.data as BigInt64Array;
    expect(Array.from(run('SUM'))).toEqual([
      BigInt.asIntN(64, 2n ** 63n - 7n),
      BigInt.asIntN(64, 8n - 2n ** 63n),
    ]);
    expect(Array.from(run('REDUCE_PROD'))).toEqual([
      BigInt.asIntN(64, 2n ** 124n * -7n),
      BigInt.asIntN(64, 15n * -(2n ** 63n)),
    ]);
    expect(Array.from(run('REDUCE_MAX'))).toEqual([2n ** 62n, 5n]);
    expect(Array.from(run('REDUCE_MIN'))).toEqual([-7n, -(2n ** 63n)]);
    expect(Array.from(run('MEAN'))).toEqual([
      BigInt.asIntN(64, 2n ** 63n - 7n) / 3n,
      BigInt.asIntN(64, 8n - 2n ** 63n) / 3n,
    ]);
  });

  it('REDUCE_ANY / REDUCE_ALL on bool', () => {
    const x = Uint8Array.of(0, 0, 1, 1, 1, 1);
    const run = (kind: string) =>
      Array.from(runOp(reduceOp(kind, 'bool', [3, 2], [1], false, [3]), [x])[0]!.data as Uint8Array);
    expect(run('REDUCE_ANY')).toEqual([0, 1, 1]);
    expect(run('REDUCE_ALL')).toEqual([0, 1, 1]);
  });
});

/** Oracle of the quantized MEAN/SUM (reference QuantizedMeanOrSum). */
function quantizedMeanOrSum(
  mean: boolean,
  x: number[],
  g: Geometry,
  si: number,
  zi: number,
  so: number,
  zo: number,
  lo: number,
  hi: number,
): number[] {
  const sums = new Array<number>(count(g.outShape)).fill(0);
  x.forEach((v, i) => (sums[g.outOf[i]!] = (sums[g.outOf[i]!]! + v) | 0));
  let [m, s] = oracleQuantizeMultiplier(f(si) / f(so));
  if (mean) {
    let k = 0;
    while (2 ** (k + 1) <= g.reduced) k++;
    k = Math.min(k, 32, 31 + s);
    m = Number((BigInt(m) << BigInt(k)) / BigInt(g.reduced));
    s -= k;
  }
  return sums.map((sum) => Math.min(hi, Math.max(lo, oracleMultiply((sum - zi * g.reduced) | 0, m, s) + zo)));
}

/** Oracle of TFLite's int64 MultiplyByQuantizedMultiplier (15-bit multiplier, single rounding). */
function multiply64(x: number, m: number, shift: number): number {
  const reduced = m < 0x7fff0000 ? (m + (1 << 15)) >> 16 : 0x7fff;
  const total = BigInt(15 - shift);
  const r = (BigInt(x) * BigInt(reduced) + (1n << (total - 1n))) >> total;
  return Number(BigInt.asIntN(32, r));
}

describe('quantized MEAN, SUM and REDUCE_PROD', () => {
  const PARAMS: [number, number, number, number][] = [
    [0.05, 3, 0.05, 3],
    [0.05, -10, 0.02, 7],
    [0.3, 0, 0.11, -2],
    [0.0235, 5, 0.0235, 5],
  ];
  for (const dtype of ['int8', 'uint8', 'int16'] as DType[]) {
    for (const kind of ['MEAN', 'SUM'] as const) {
      it(`${kind} ${dtype}`, () => {
        const [lo, hi] = dtype === 'int8' ? [-128, 127] : dtype === 'uint8' ? [0, 255] : [-32768, 32767];
        SHAPES.filter(([s, a]) => a.length > 0 && count(s) > 0).forEach(([shape, axes, keep], si) => {
          PARAMS.forEach(([sIn, zIn0, sOut, zOut0], pi) => {
            const zIn = dtype === 'int16' ? 0 : zIn0 + (dtype === 'uint8' ? 128 : 0);
            const zOut = dtype === 'int16' ? 0 : zOut0 + (dtype === 'uint8' ? 128 : 0);
            const x = randomData(dtype, count(shape), si * 7 + pi);
            const g = geometry(shape, axes, keep);
            const q: [TensorSpec['quant'], TensorSpec['quant']] = [
              { scale: [sIn], zeroPoint: [zIn] },
              { scale: [sOut], zeroPoint: [zOut] },
            ];
            const [out] = runOp(reduceOp(kind, dtype, shape, axes, keep, g.outShape, q), [x]);
            const want = quantizedMeanOrSum(kind === 'MEAN', toNumbers(x), g, sIn, zIn, sOut, zOut, lo, hi);
            expect(toNumbers(out!.data), `[${shape}] axes [${axes}] params ${pi}`).toEqual(want);
          });
        });
      });
    }
  }

  for (const dtype of ['int8', 'int16'] as DType[]) {
    it(`REDUCE_PROD ${dtype}`, () => {
      const [lo, hi] = dtype === 'int8' ? [-128, 127] : [-32768, 32767];
      for (const [shape, axes] of [
        [[3, 4], [1]],
        [
          [2, 3, 2],
          [0, 2],
        ],
        [[5], [0]],
      ] as [number[], number[]][]) {
        const zIn = dtype === 'int8' ? 2 : 0;
        const zOut = dtype === 'int8' ? -1 : 0;
        const sIn = dtype === 'int8' ? 0.02 : 0.0002;
        const sOut = 0.01;
        const x = randomData(dtype, count(shape), 4);
        const g = geometry(shape, axes, false);
        const [out] = runOp(
          reduceOp('REDUCE_PROD', dtype, shape, axes, false, g.outShape, [
            { scale: [sIn], zeroPoint: [zIn] },
            { scale: [sOut], zeroPoint: [zOut] },
          ]),
          [x],
        );
        const n = count(g.outShape);
        const [m, s] = oracleQuantizeMultiplier(f(sIn) / Math.pow(f(sOut), 1 / (count(shape) / n)));
        const acc: (number | undefined)[] = new Array(n).fill(undefined);
        toNumbers(x).forEach((v, i) => {
          const o = g.outOf[i]!;
          acc[o] = acc[o] === undefined ? v - zIn : multiply64(acc[o]! * (v - zIn), m, s);
        });
        const want = acc.map((a) => Math.min(hi, Math.max(lo, multiply64(a!, m, s) + zOut)));
        expect(toNumbers(out!.data), `[${shape}] axes [${axes}]`).toEqual(want);
      }
    });
  }

  it('REDUCE_MAX on int8 needs equal input and output params', () => {
    expect(() =>
      runOp(
        reduceOp(
          'REDUCE_MAX',
          'int8',
          [2, 2],
          [1],
          false,
          [2],
          [
            { scale: [0.1], zeroPoint: [0] },
            { scale: [0.2], zeroPoint: [0] },
          ],
        ),
        [new Int8Array(4)],
      ),
    ).toThrow(/equal input and output quantization/);
  });
});

describe('ARG_MAX and ARG_MIN', () => {
  for (const op of ['ARG_MAX', 'ARG_MIN'] as const) {
    for (const dtype of ['float32', 'uint8', 'int8', 'int16', 'int32', 'int64', 'bool'] as DType[]) {
      it(`${op} ${dtype}`, () => {
        for (const [shape, axis] of [
          [[7], 0],
          [[3, 5], 1],
          [[3, 5], -2],
          [[2, 3, 4], 1],
          [[1, 2304, 17], 1],
        ] as [number[], number][]) {
          for (const outType of ['int32', 'int64'] as DType[]) {
            const x = randomData(dtype, count(shape), count(shape));
            if (dtype !== 'bool' && x.length > 3) (x as Float32Array)[2] = (x as Float32Array)[0]!; // a tie
            const a = axis < 0 ? axis + shape.length : axis;
            const outShape = shape.filter((_, i) => i !== a);
            const [out] = runOp(
              {
                op,
                inputs: [
                  { name: 'x', dtype, shape },
                  { name: 'axis', dtype: 'int32', shape: [1], data: Int32Array.of(axis) },
                ],
                outputs: [{ name: 'y', dtype: outType, shape: outShape }],
                options: { outputType: outType === 'int32' ? 2 : 4 },
              },
              [x],
            );
            const xs = toNumbers(x);
            const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
            const size = shape[a]!;
            const want: number[] = [];
            forEachIndex(outShape, (_, o) => {
              const outer = Math.floor(o / inner);
              const j = o % inner;
              let best = 0;
              for (let i = 1; i < size; i++) {
                const v = xs[(outer * size + i) * inner + j]!;
                const b = xs[(outer * size + best) * inner + j]!;
                if (op === 'ARG_MAX' ? v > b : v < b) best = i;
              }
              want.push(best);
            });
            expect(out!.shape).toEqual(outShape);
            expect(toNumbers(out!.data), `[${shape}] axis ${axis} -> ${outType}`).toEqual(want);
          }
        }
      });
    }
  }
});

describe('CUMSUM', () => {
  for (const dtype of ['float32', 'int32', 'int64'] as DType[]) {
    it(`${dtype}: exclusive and reverse on every axis`, () => {
      const shape = [2, 3, 4];
      const x = randomData(dtype, 24, 5);
      const xs = toNumbers(x);
      for (let axis = -3; axis < 3; axis++) {
        for (const exclusive of [false, true]) {
          for (const reverse of [false, true]) {
            const [out] = runOp(
              {
                op: 'CUMSUM',
                inputs: [
                  { name: 'x', dtype, shape },
                  { name: 'axis', dtype: 'int32', shape: [], data: Int32Array.of(axis) },
                ],
                outputs: [{ name: 'y', dtype, shape }],
                options: { exclusive, reverse },
              },
              [x],
            );
            const a = axis < 0 ? axis + 3 : axis;
            const st = strides(shape);
            const want: number[] = [];
            forEachIndex(shape, (idx) => {
              let acc = 0;
              for (let k = 0; k < shape[a]!; k++) {
                const take = reverse
                  ? exclusive
                    ? k > idx[a]!
                    : k >= idx[a]!
                  : exclusive
                    ? k < idx[a]!
                    : k <= idx[a]!;
                if (!take) continue;
                const j = [...idx];
                j[a] = k;
                const v = xs[j.reduce((p, d, q) => p + d * st[q]!, 0)]!;
                acc = dtype === 'float32' ? acc + v : acc + v;
              }
              want.push(acc);
            });
            const got = toNumbers(out!.data);
            got.forEach((g, i) => {
              if (dtype === 'float32')
                expect(Math.abs(g - want[i]!)).toBeLessThan(1e-4 * (1 + Math.abs(want[i]!)));
              else expect(g).toBe(want[i]);
            });
          }
        }
      }
    });
  }

  it('float32 accumulates in float32, in scan order', () => {
    const x = Float32Array.of(1e8, 1, 1, 1, -1e8);
    const [out] = runOp(
      {
        op: 'CUMSUM',
        inputs: [
          { name: 'x', dtype: 'float32', shape: [5] },
          { name: 'axis', dtype: 'int32', shape: [], data: Int32Array.of(0) },
        ],
        outputs: [{ name: 'y', dtype: 'float32', shape: [5] }],
      },
      [x],
    );
    const want: number[] = [];
    let acc = 0;
    for (const v of x) want.push((acc = f(acc + v)));
    expect(Array.from(out!.data as Float32Array)).toEqual(want);
  });
});
