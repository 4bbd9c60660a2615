/**
 * Comparisons on raw values (float32 with NaN, int32, int64, int16, bool), LOGICAL_AND / OR /
 * NOT and SELECT_V2 (condition, x and y broadcast three ways, every value dtype), against naive
 * broadcasting in the test.
 */
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { SHAPE_PAIRS } from './cases.js';
import { runCase } from './harness.js';
import { broadcast, broadcastMap, randomFloats, randomInts, sizeOf, sourceIndex } from './oracle.js';

const PRED: Record<string, (u: number | bigint, v: number | bigint) => boolean> = {
  EQUAL: (u, v) => u === v,
  NOT_EQUAL: (u, v) => u !== v,
  LESS: (u, v) => u < v,
  LESS_EQUAL: (u, v) => u <= v,
  GREATER: (u, v) => u > v,
  GREATER_EQUAL: (u, v) => u >= v,
};

function values(dtype: DType, n: number, seed: number): TypedArray {
  const ints = randomInts(n, seed, -3, 3);
  switch (dtype) {
    case 'float32': {
      // few distinct values (so equality happens) plus a NaN
      const v = Float32Array.from(ints, (x) => x / 2);
      if (n > 2) v[1] = NaN;
      return v;
    }
    case 'int32':
      return Int32Array.from(ints);
    case 'int16':
      return Int16Array.from(ints);
    case 'int64':
      return BigInt64Array.from(ints, (x) => BigInt(x) * 10n ** 12n);
    case 'bool':
      return Uint8Array.from(ints, (x) => (x > 0 ? 1 : 0));
    default:
      throw new Error(dtype);
  }
}

const cmpCases = Object.keys(PRED).flatMap((op) =>
  (
    [
      'float32',
      'int32',
      'int16',
      'int64',
      ...(op === 'EQUAL' || op === 'NOT_EQUAL' ? ['bool'] : []),
    ] as DType[]
  ).flatMap((dtype) =>
    SHAPE_PAIRS.filter((_, i) => i % 2 === 1).map((shapes) => ({
      name: `${op} ${dtype} [${shapes[0]}]x[${shapes[1]}]`,
      op,
      dtype,
      shapes,
    })),
  ),
);

describe('comparisons on raw values', () => {
  it.each(cmpCases)('$name', ({ op, dtype, shapes }) => {
    const [sa, sb] = shapes;
    const a = values(dtype, sizeOf(sa), 3);
    const b = values(dtype, sizeOf(sb), 4);
    const want = broadcastMap(sa, a as ArrayLike<number>, sb, b as ArrayLike<number>, (x, y) =>
      PRED[op]!(x, y) ? 1 : 0,
    );
    const got = runCase(
      {
        op,
        inputs: [
          { name: 'a', dtype, shape: sa },
          { name: 'b', dtype, shape: sb },
        ],
        outputs: [{ name: 'y', dtype: 'bool', shape: want.shape }],
      },
      [a, b],
    );
    expect(Array.from(got as Uint8Array)).toEqual(want.values);
  });
});

describe('logical ops', () => {
  const cases = (['LOGICAL_AND', 'LOGICAL_OR'] as const).flatMap((op) =>
    SHAPE_PAIRS.map((shapes) => ({ name: `${op} [${shapes[0]}]x[${shapes[1]}]`, op, shapes })),
  );
  it.each(cases)('$name', ({ op, shapes }) => {
    const [sa, sb] = shapes;
    const a = Uint8Array.from(randomInts(sizeOf(sa), 5, 0, 1));
    const b = Uint8Array.from(randomInts(sizeOf(sb), 6, 0, 1));
    const want = broadcastMap(sa, a, sb, b, (x, y) => ((op === 'LOGICAL_AND' ? x && y : x || y) ? 1 : 0));
    const got = runCase(
      {
        op,
        inputs: [
          { name: 'a', dtype: 'bool', shape: sa },
          { name: 'b', dtype: 'bool', shape: sb },
        ],
        outputs: [{ name: 'y', dtype: 'bool', shape: want.shape }],
      },
      [a, b],
    );
    expect(Array.from(got as Uint8Array)).toEqual(want.values);
  });

  it('LOGICAL_NOT', () => {
    const x = Uint8Array.from([0, 1, 1, 0, 0]);
    const got = runCase(
      {
        op: 'LOGICAL_NOT',
        inputs: [{ name: 'x', dtype: 'bool', shape: [5] }],
        outputs: [{ name: 'y', dtype: 'bool', shape: [5] }],
      },
      [x],
    );
    expect(Array.from(got as Uint8Array)).toEqual([1, 0, 0, 1, 1]);
  });

  it('non-bool inputs are rejected at allocateTensors', () => {
    expect(() =>
      runCase(
        {
          op: 'LOGICAL_AND',
          inputs: [
            { name: 'a', dtype: 'int32', shape: [1] },
            { name: 'b', dtype: 'int32', shape: [1] },
          ],
          outputs: [{ name: 'y', dtype: 'bool', shape: [1] }],
        },
        [new Int32Array(1), new Int32Array(1)],
      ),
    ).toThrow(/LOGICAL_AND.*int32/);
  });
});

describe('SELECT_V2', () => {
  const SHAPES: [number[], number[], number[]][] = [
    [[], [4], [4]],
    [[3], [3], [3]],
    [[2, 1], [1, 3], [3]],
    [[2, 3, 4], [4], []],
    [
      [1, 4, 1],
      [3, 1, 5],
      [1, 1, 5],
    ],
    [[2, 1, 2, 1, 2], [1, 2, 1, 2, 1], [2]],
    [
      [1, 2, 1, 1, 2, 1],
      [2, 1, 1, 2, 1, 2],
      [1, 2, 1, 2],
    ],
  ];
  const DTYPES: DType[] = ['float32', 'int32', 'int64', 'int8', 'uint8', 'int16', 'bool'];
  const cases = DTYPES.flatMap((dtype) =>
    SHAPES.map((shapes) => ({ name: `${dtype} [${shapes.join('] [')}]`, dtype, shapes })),
  );
  it.each(cases)('$name', ({ dtype, shapes }) => {
    const [sc, sx, sy] = shapes;
    const cond = Uint8Array.from(randomInts(sizeOf(sc), 8, 0, 1));
    const make = (n: number, seed: number): TypedArray => {
      const f = randomFloats(n, seed, -100, 100);
      switch (dtype) {
        case 'float32':
          return f;
        case 'int32':
          return Int32Array.from(f, Math.trunc);
        case 'int64':
          return BigInt64Array.from(f, (v) => BigInt(Math.trunc(v)) * 2n ** 40n);
        case 'int8':
          return Int8Array.from(f, Math.trunc);
        case 'uint8':
          return Uint8Array.from(f, (v) => Math.abs(Math.trunc(v)));
        case 'int16':
          return Int16Array.from(f, (v) => Math.trunc(v) * 300);
        default:
          return Uint8Array.from(f, (v) => (v > 0 ? 1 : 0));
      }
    };
    const x = make(sizeOf(sx), 9);
    const y = make(sizeOf(sy), 10);
    const out = broadcast(sc, sx, sy);
    const want: (number | bigint)[] = [];
    for (let k = 0; k < sizeOf(out); k++) {
      want.push(cond[sourceIndex(out, sc, k)] ? x[sourceIndex(out, sx, k)]! : y[sourceIndex(out, sy, k)]!);
    }
    const spec = (name: string, d: DType, shape: number[]): TensorSpec => ({ name, dtype: d, shape });
    const got = runCase(
      {
        op: 'SELECT_V2',
        inputs: [spec('c', 'bool', sc), spec('x', dtype, sx), spec('y', dtype, sy)],
        outputs: [spec('out', dtype, out)],
      },
      [cond, x, y],
    );
    expect(Array.from(got as ArrayLike<number>)).toEqual(want);
  });
});
