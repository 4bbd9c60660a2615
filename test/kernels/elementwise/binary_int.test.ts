/**
 * Binary ops on plain (unquantized) integers: int32, int64, int16 and int8/uint8 where TFLite
 * has them, with broadcasting and fused activations. Expected values come from BigInt arithmetic
 * with C++'s wrapping (two's complement) and truncating division, and naive broadcast indexing.
 */
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { SHAPE_PAIRS } from './cases.js';
import { runCase, toList } from './harness.js';
import { broadcastMap, randomInts, sizeOf } from './oracle.js';

type IntDtype = 'int8' | 'uint8' | 'int16' | 'int32' | 'int64';
const BITS: Record<IntDtype, number> = { int8: 8, uint8: 8, int16: 16, int32: 32, int64: 64 };

/** Wraps a bigint to the dtype, as a C++ store would. */
function wrap(dtype: IntDtype, v: bigint): bigint {
  return dtype === 'uint8' ? BigInt.asUintN(8, v) : BigInt.asIntN(BITS[dtype], v);
}

/** TFLite's CalculateActivationRange<T> for integer T (RELU, RELU_N1_TO_1, RELU6). */
function intClamp(dtype: IntDtype, act: number, v: bigint): bigint {
  const max = dtype === 'int64' ? 2n ** 63n - 1n : dtype === 'int32' ? 2n ** 31n - 1n : 32767n;
  const [lo, hi] = act === 1 ? [0n, max] : act === 2 ? [-1n, 1n] : act === 3 ? [0n, 6n] : [null, null];
  if (lo === null || hi === null) return v;
  return v < lo ? lo : v > hi ? hi : v;
}

/** C++ truncating division and remainder on bigints. */
const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
};
const floorMod = (a: bigint, b: bigint): bigint => {
  const m = a % b;
  return m !== 0n && b < 0n !== m < 0n ? m + b : m;
};

interface IntOp {
  op: string;
  dtypes: IntDtype[];
  hasActivation: boolean;
  /** Operand ranges. */
  a: [number, number];
  b: [number, number];
  fn: (a: bigint, b: bigint, dtype: IntDtype) => bigint;
}

const OPS: IntOp[] = [
  {
    op: 'ADD',
    dtypes: ['int32', 'int64', 'int16'],
    hasActivation: true,
    a: [-50, 50],
    b: [-50, 50],
    fn: (a, b) => a + b,
  },
  {
    op: 'SUB',
    dtypes: ['int32', 'int64'],
    hasActivation: true,
    a: [-50, 50],
    b: [-50, 50],
    fn: (a, b) => a - b,
  },
  {
    op: 'MUL',
    dtypes: ['int32', 'int64', 'int16'],
    hasActivation: true,
    a: [-9, 9],
    b: [-9, 9],
    fn: (a, b) => a * b,
  },
  { op: 'DIV', dtypes: ['int32'], hasActivation: true, a: [-60, 60], b: [1, 7], fn: (a, b) => a / b },
  {
    op: 'MAXIMUM',
    dtypes: ['int8', 'uint8', 'int16', 'int32', 'int64'],
    hasActivation: false,
    a: [-100, 100],
    b: [-100, 100],
    fn: (a, b) => (a > b ? a : b),
  },
  {
    op: 'MINIMUM',
    dtypes: ['int8', 'uint8', 'int16', 'int32', 'int64'],
    hasActivation: false,
    a: [-100, 100],
    b: [-100, 100],
    fn: (a, b) => (a < b ? a : b),
  },
  {
    op: 'FLOOR_DIV',
    dtypes: ['int32', 'int16', 'int8'],
    hasActivation: false,
    a: [-60, 60],
    b: [-7, -1],
    fn: floorDiv,
  },
  {
    op: 'FLOOR_MOD',
    dtypes: ['int32', 'int64', 'int16', 'int8'],
    hasActivation: false,
    a: [-60, 60],
    b: [1, 7],
    fn: floorMod,
  },
  { op: 'POW', dtypes: ['int32'], hasActivation: false, a: [-6, 6], b: [0, 5], fn: (a, b) => a ** b },
  {
    op: 'SQUARED_DIFFERENCE',
    dtypes: ['int32'],
    hasActivation: false,
    a: [-99, 99],
    b: [-99, 99],
    fn: (a, b) => (a - b) ** 2n,
  },
];

function typed(dtype: IntDtype, values: readonly number[]): TypedArray {
  switch (dtype) {
    case 'int8':
      return Int8Array.from(values);
    case 'uint8':
      return Uint8Array.from(values, (v) => v & 0xff);
    case 'int16':
      return Int16Array.from(values);
    case 'int32':
      return Int32Array.from(values);
    case 'int64':
      return BigInt64Array.from(values, (v) => BigInt(v));
  }
}

interface Case {
  name: string;
  spec: IntOp;
  dtype: IntDtype;
  shapes: [number[], number[]];
  act: number;
  seed: number;
}

// Every dtype x activation on a subset of the shape pairs (every pair for int32).
const CASES: Case[] = [];
let seed = 100;
for (const spec of OPS) {
  for (const dtype of spec.dtypes) {
    const pairs = dtype === 'int32' ? SHAPE_PAIRS : SHAPE_PAIRS.filter((_, i) => i % 3 === 1);
    for (const shapes of pairs) {
      for (const act of spec.hasActivation ? [0, 1, 2, 3] : [0]) {
        CASES.push({
          name: `${spec.op} ${dtype} [${shapes[0]}] x [${shapes[1]}] act ${act}`,
          spec,
          dtype,
          shapes,
          act,
          seed: seed++,
        });
      }
    }
  }
}

describe('integer binary ops (unquantized)', () => {
  it.each(CASES)('$name', ({ spec, dtype, shapes, act, seed: s }) => {
    const [sa, sb] = shapes;
    const lo = dtype === 'uint8' ? 0 : 1;
    const aRange: [number, number] = dtype === 'uint8' ? [0, 200] : spec.a;
    const bRange: [number, number] = dtype === 'uint8' ? [0, 200] : spec.b;
    const av = randomInts(sizeOf(sa), s, ...aRange);
    const bv = randomInts(sizeOf(sb), s + 1, ...bRange).map((v) =>
      v === 0 && lo === 1 && spec.op.includes('DIV') ? 1 : v,
    );
    const want = broadcastMap(sa, av, sb, bv, (x, y) =>
      Number(wrap(dtype, intClamp(dtype, act, wrap(dtype, spec.fn(BigInt(x), BigInt(y), dtype))))),
    );
    const t = (name: string, shape: number[]): TensorSpec => ({ name, dtype: dtype as DType, shape });
    const got = runCase(
      {
        op: spec.op,
        inputs: [t('a', sa), t('b', sb)],
        outputs: [t('y', want.shape)],
        ...(spec.hasActivation ? { options: { fusedActivationFunction: act } } : {}),
      },
      [typed(dtype, av), typed(dtype, bv)],
    );
    expect(Array.from(got as Int32Array, (v) => Number(v))).toEqual(want.values);
  });

  it('int32 ADD and MUL wrap on overflow as C++ does; int32 DIV truncates toward zero', () => {
    const t: TensorSpec = { name: 'a', dtype: 'int32', shape: [3] };
    const run = (op: string, a: number[], b: number[]) =>
      toList(
        runCase({ op, inputs: [t, { ...t, name: 'b' }], outputs: [{ ...t, name: 'y' }] }, [
          Int32Array.from(a),
          Int32Array.from(b),
        ]),
      );
    expect(run('ADD', [2147483647, -2147483648, 5], [1, -1, -7])).toEqual([-2147483648, 2147483647, -2]);
    expect(run('MUL', [65536, 46341, -3], [65536, 46341, 7])).toEqual([0, -2147479015, -21]);
    expect(run('DIV', [7, -7, -2147483648], [2, 2, -1])).toEqual([3, -3, -2147483648]);
  });

  it('int32 DIV and POW report bad operands at invoke', () => {
    const t: TensorSpec = { name: 'a', dtype: 'int32', shape: [2] };
    const run = (op: string, b: number[]) => () =>
      runCase({ op, inputs: [t, { ...t, name: 'b' }], outputs: [{ ...t, name: 'y' }] }, [
        Int32Array.from([4, 5]),
        Int32Array.from(b),
      ]);
    expect(run('DIV', [2, 0])).toThrow(/division by zero/);
    expect(run('FLOOR_MOD', [0, 1])).toThrow(/division by zero/);
    expect(run('POW', [2, -1])).toThrow(/negative/);
  });

  it('mixed input dtypes are rejected at allocateTensors', () => {
    expect(() =>
      runCase(
        {
          op: 'ADD',
          inputs: [
            { name: 'a', dtype: 'int32', shape: [2] },
            { name: 'b', dtype: 'float32', shape: [2] },
          ],
          outputs: [{ name: 'y', dtype: 'int32', shape: [2] }],
        },
        [new Int32Array(2), new Float32Array(2)],
      ),
    ).toThrow(/different dtypes/);
  });
});
