/**
 * float32 binary ops through the interpreter on single-op models: every op with broadcasting at
 * ranks 0 to 6 (same shape, scalar either side, inner/outer/mixed broadcasts) and every fused
 * activation where the op has one. Expected values: TFLite's float formulas evaluated in the test
 * (float32 rounding via Math.fround after each C++ float operation, naive broadcast indexing).
 */
import { describe, expect, it } from 'vitest';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { runCase, toList } from './harness.js';
import { SHAPE_PAIRS } from './cases.js';
import { broadcastMap, floatActivation, randomFloats, sizeOf } from './oracle.js';

const f = Math.fround;

interface FloatOp {
  op: string;
  /** Options table values; `act` is added for ops with a fused activation. */
  hasActivation: boolean;
  /** Value range of the operands (divisors are kept away from zero). */
  a: [number, number];
  b: [number, number];
  /** TFLite's float formula. */
  fn: (a: number, b: number) => number;
  /** Allowed float32 ulps (0 = exact). */
  ulps: number;
}

const OPS: FloatOp[] = [
  { op: 'ADD', hasActivation: true, a: [-8, 8], b: [-8, 8], fn: (a, b) => f(a + b), ulps: 0 },
  { op: 'SUB', hasActivation: true, a: [-8, 8], b: [-8, 8], fn: (a, b) => f(a - b), ulps: 0 },
  { op: 'MUL', hasActivation: true, a: [-3, 3], b: [-3, 3], fn: (a, b) => f(a * b), ulps: 0 },
  { op: 'DIV', hasActivation: true, a: [-8, 8], b: [0.25, 4], fn: (a, b) => f(a / b), ulps: 0 },
  { op: 'MAXIMUM', hasActivation: false, a: [-4, 4], b: [-4, 4], fn: (a, b) => (a > b ? a : b), ulps: 0 },
  { op: 'MINIMUM', hasActivation: false, a: [-4, 4], b: [-4, 4], fn: (a, b) => (a < b ? a : b), ulps: 0 },
  { op: 'POW', hasActivation: false, a: [0.1, 3], b: [-2.5, 2.5], fn: (a, b) => f(a ** b), ulps: 1 },
  {
    op: 'SQUARED_DIFFERENCE',
    hasActivation: false,
    a: [-4, 4],
    b: [-4, 4],
    fn: (a, b) => f(f(a - b) * f(a - b)),
    ulps: 0,
  },
  {
    op: 'FLOOR_DIV',
    hasActivation: false,
    a: [-9, 9],
    b: [0.3, 3],
    fn: (a, b) => f(Math.floor(a / b)),
    ulps: 0,
  },
  {
    op: 'FLOOR_MOD',
    hasActivation: false,
    a: [-9, 9],
    b: [-3, -0.3],
    fn: (a, b) => {
      const m = a % b; // fmod
      return f(m !== 0 && b < 0 !== m < 0 ? m + b : m);
    },
    ulps: 0,
  },
];

const OPTIONS_TABLE: Record<string, string> = { ADD: 'add', SUB: 'sub', MUL: 'mul', DIV: 'div' };

/** Distance in float32 ulps between two float32 values. */
function ulpDistance(a: number, b: number): number {
  if (a === b) return 0;
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat32(0, a);
  v.setFloat32(4, b);
  const ia = v.getInt32(0);
  const ib = v.getInt32(4);
  const oa = ia < 0 ? -0x80000000 - ia : ia;
  const ob = ib < 0 ? -0x80000000 - ib : ib;
  return Math.abs(oa - ob);
}

interface Case {
  name: string;
  spec: FloatOp;
  shapes: [number[], number[]];
  act: number;
  seed: number;
}

const CASES: Case[] = [];
let seed = 1;
for (const spec of OPS) {
  for (const shapes of SHAPE_PAIRS) {
    const acts = spec.hasActivation ? [0, 1, 2, 3] : [0];
    for (const act of acts) {
      CASES.push({
        name: `${spec.op} [${shapes[0]}] x [${shapes[1]}] act ${act}`,
        spec,
        shapes,
        act,
        seed: seed++,
      });
    }
  }
}

describe('float32 binary ops', () => {
  it.each(CASES)('$name', ({ spec, shapes, act, seed: s }) => {
    const [sa, sb] = shapes;
    const a = randomFloats(sizeOf(sa), s, ...spec.a);
    const b = randomFloats(sizeOf(sb), s + 1000, ...spec.b);
    const want = broadcastMap(sa, a, sb, b, (x, y) => floatActivation(act, spec.fn(x, y)));
    const tensor = (name: string, shape: number[]): TensorSpec => ({ name, dtype: 'float32', shape });
    const got = runCase(
      {
        op: spec.op,
        inputs: [tensor('a', sa), tensor('b', sb)],
        outputs: [tensor('y', want.shape)],
        ...(OPTIONS_TABLE[spec.op] ? { options: { fusedActivationFunction: act } } : {}),
      },
      [a, b],
    ) as Float32Array;
    expect(got.length).toBe(want.values.length);
    const worst = want.values.reduce((m, w, i) => Math.max(m, ulpDistance(got[i]!, w)), 0);
    expect(worst).toBeLessThanOrEqual(spec.ulps);
  });

  it('DIV by zero gives +-inf / NaN (no activation) and the activation clamps it', () => {
    const spec: TensorSpec = { name: 'a', dtype: 'float32', shape: [3] };
    const run = (act: number) =>
      toList(
        runCase(
          {
            op: 'DIV',
            inputs: [spec, { ...spec, name: 'b' }],
            outputs: [{ ...spec, name: 'y' }],
            options: { fusedActivationFunction: act },
          },
          [new Float32Array([1, -1, 0]), new Float32Array([0, 0, 0])],
        ),
      );
    expect(run(0)).toEqual([Infinity, -Infinity, NaN]);
    expect(run(3)).toEqual([6, 0, NaN]);
  });

  it('FLOOR_DIV by zero is an error at invoke', () => {
    const spec: TensorSpec = { name: 'a', dtype: 'float32', shape: [2] };
    expect(() =>
      runCase(
        { op: 'FLOOR_DIV', inputs: [spec, { ...spec, name: 'b' }], outputs: [{ ...spec, name: 'y' }] },
        [new Float32Array([1, 2]), new Float32Array([1, 0])],
      ),
    ).toThrow(/division by zero/);
  });

  it('shapes that do not broadcast fail at allocateTensors with a ShapeError', () => {
    const a: TensorSpec = { name: 'a', dtype: 'float32', shape: [2, 3] };
    expect(() =>
      runCase(
        {
          op: 'ADD',
          inputs: [a, { name: 'b', dtype: 'float32', shape: [4] }],
          outputs: [{ ...a, name: 'y' }],
        },
        [new Float32Array(6), new Float32Array(4)],
      ),
    ).toThrow(/cannot be broadcast/);
  });
});
