/**
 * float32 activations through the interpreter against TFLite's float formulas evaluated in the
 * test (float32 rounding after each C++ float operation; transcendental functions within a stated
 * number of ulps or a relative bound), including PRELU's alpha broadcasting and SOFTMAX / LOG_SOFTMAX
 * / L2_NORMALIZATION along the last axis at ranks 1 to 4.
 */
import { describe, expect, it } from 'vitest';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { runCase } from '../elementwise/harness.js';
import { broadcastMap, randomFloats, sizeOf } from '../elementwise/oracle.js';

const f = Math.fround;

function ulps(a: number, b: number): number {
  if (a === b || (a !== a && b !== b)) return 0;
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat32(0, a);
  v.setFloat32(4, b);
  const o = (i: number) => (i < 0 ? -0x80000000 - i : i);
  return Math.abs(o(v.getInt32(0)) - o(v.getInt32(4)));
}

const spec = (name: string, shape: number[]): TensorSpec => ({ name, dtype: 'float32', shape });

function run(op: string, x: Float32Array, shape: number[], options?: Record<string, unknown>): Float32Array {
  return runCase(
    { op, inputs: [spec('x', shape)], outputs: [spec('y', shape)], ...(options ? { options } : {}) },
    [x],
  ) as Float32Array;
}

/** Reference erfc (double) for the GELU oracle: Abramowitz-Stegun 7.1.26 is too coarse, so use a series / continued fraction of our own. */
function erfcRef(x: number): number {
  // erfc(x) = 1 - erf(x); erf by its Maclaurin series (|x| <= 3 here), high precision in double
  let sum = 0;
  let term = x;
  for (let n = 0; n < 200; n++) {
    sum += term / (2 * n + 1);
    term *= (-x * x) / (n + 1);
    if (Math.abs(term) < 1e-300) break;
  }
  return 1 - (2 / Math.sqrt(Math.PI)) * sum;
}

const ELEMENTWISE: {
  op: string;
  options?: Record<string, unknown>;
  range: [number, number];
  fn: (v: number) => number;
  /** allowed float32 ulps, or a relative bound when `rel` is set */
  ulps?: number;
  rel?: number;
}[] = [
  { op: 'RELU', range: [-5, 5], fn: (v) => (v < 0 ? 0 : v), ulps: 0 },
  { op: 'RELU6', range: [-3, 9], fn: (v) => Math.min(6, Math.max(0, v)), ulps: 0 },
  { op: 'RELU_N1_TO_1', range: [-3, 3], fn: (v) => Math.min(1, Math.max(-1, v)), ulps: 0 },
  { op: 'RELU_0_TO_1', range: [-2, 3], fn: (v) => Math.min(1, Math.max(0, v)), ulps: 0 },
  { op: 'LOGISTIC', range: [-20, 20], fn: (v) => f(1 / f(1 + f(Math.exp(-v)))), ulps: 1 },
  { op: 'TANH', range: [-6, 6], fn: (v) => f(Math.tanh(v)), ulps: 1 },
  { op: 'ELU', range: [-6, 6], fn: (v) => (v < 0 ? f(Math.expm1(v)) : v), ulps: 1 },
  {
    op: 'HARD_SWISH',
    range: [-5, 5],
    fn: (v) => f(f(v * Math.min(6, Math.max(0, f(v + 3)))) / 6),
    ulps: 0,
  },
  {
    op: 'LEAKY_RELU',
    options: { alpha: 0.2 },
    range: [-5, 5],
    fn: (v) => (v > 0 ? v : f(v * f(0.2))),
    ulps: 0,
  },
  {
    op: 'LEAKY_RELU',
    options: { alpha: -1.5 },
    range: [-5, 5],
    fn: (v) => (v > 0 ? v : f(v * -1.5)),
    ulps: 0,
  },
  {
    op: 'GELU',
    options: { approximate: false },
    range: [-3, 3],
    fn: (v) => 0.5 * v * erfcRef(-v / Math.SQRT2),
    rel: 1e-6,
  },
  {
    op: 'GELU',
    options: { approximate: true },
    range: [-3, 3],
    fn: (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))),
    rel: 1e-6,
  },
];

describe('float32 element-wise activations', () => {
  it.each(ELEMENTWISE.map((c) => ({ ...c, name: `${c.op} ${JSON.stringify(c.options ?? {})}` })))(
    '$name',
    (c) => {
      const shape = [2, 3, 5, 7];
      const x = randomFloats(sizeOf(shape), c.op.length * 31 + 7, ...c.range);
      const got = run(c.op, x, shape, c.options);
      x.forEach((v, i) => {
        const want = c.fn(v);
        if (c.rel !== undefined) {
          expect(Math.abs(got[i]! - want), `x = ${v}`).toBeLessThanOrEqual(c.rel * Math.abs(want) + 1e-7);
        } else {
          expect(ulps(got[i]!, want), `x = ${v}: got ${got[i]}, want ${want}`).toBeLessThanOrEqual(c.ulps!);
        }
      });
    },
  );

  it('LOGISTIC saturates cleanly for huge inputs; RELU keeps -0 and NaN; RELU6 maps NaN to 0', () => {
    expect(Array.from(run('LOGISTIC', Float32Array.from([1000, -1000]), [2]))).toEqual([1, 0]);
    expect(Array.from(run('RELU', Float32Array.from([-0, NaN]), [2]))).toEqual([-0, NaN]);
    expect(Array.from(run('RELU6', Float32Array.from([NaN, -0]), [2]))).toEqual([0, 0]);
  });
});

describe('PRELU (float32, alpha broadcast to the input shape)', () => {
  const cases: [number[], number[]][] = [
    [
      [2, 3, 4],
      [2, 3, 4],
    ],
    [[2, 3, 4], [4]],
    [
      [1, 5, 5, 3],
      [1, 1, 3],
    ],
    [
      [2, 4, 3],
      [4, 1],
    ],
    [[6], []],
  ];
  it.each(cases.map(([sx, sa]) => ({ name: `[${sx}] alpha [${sa}]`, sx, sa })))('$name', ({ sx, sa }) => {
    const x = randomFloats(sizeOf(sx), 5);
    const alpha = randomFloats(sizeOf(sa), 6, -0.5, 0.5);
    const want = broadcastMap(sx, x, sa, alpha, (v, a) => (v >= 0 ? v : f(v * a)));
    const got = runCase(
      { op: 'PRELU', inputs: [spec('x', sx), spec('alpha', sa)], outputs: [spec('y', sx)] },
      [x, alpha],
    );
    expect(Array.from(got as Float32Array)).toEqual(want.values);
  });

  it('an alpha that would grow the output shape is rejected', () => {
    expect(() =>
      runCase({ op: 'PRELU', inputs: [spec('x', [3]), spec('alpha', [2, 3])], outputs: [spec('y', [3])] }, [
        new Float32Array(3),
        new Float32Array(6),
      ]),
    ).toThrow(/broadcast to the input's shape/);
  });
});

/** TFLite's reference float SOFTMAX, step by step in float32. */
function softmaxRef(x: Float32Array, depth: number, beta: number): number[] {
  const out: number[] = [];
  for (let o = 0; o < x.length; o += depth) {
    let max = -3.4028234663852886e38;
    for (let c = 0; c < depth; c++) max = Math.max(max, x[o + c]!);
    const e: number[] = [];
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      e.push(f(Math.exp(f(f(x[o + c]! - max) * f(beta)))));
      sum = f(sum + e[c]!);
    }
    for (let c = 0; c < depth; c++) out.push(f(e[c]! / sum));
  }
  return out;
}

describe('SOFTMAX, LOG_SOFTMAX, L2_NORMALIZATION (float32, last axis)', () => {
  const shapes = [[10], [3, 7], [2, 3, 5], [2, 2, 3, 4], [4, 1]];
  const softmaxCases = shapes.flatMap((shape) =>
    [1, 0.5, 2.5].map((beta) => ({ name: `[${shape}] beta ${beta}`, shape, beta })),
  );
  it.each(softmaxCases)('SOFTMAX $name', ({ shape, beta }) => {
    const x = randomFloats(sizeOf(shape), 11, -6, 6);
    const got = run('SOFTMAX', x, shape, { beta });
    const want = softmaxRef(x, shape[shape.length - 1]!, beta);
    want.forEach((w, i) => expect(ulps(got[i]!, w)).toBeLessThanOrEqual(2));
  });

  it.each(shapes.map((shape) => ({ name: `[${shape}]`, shape })))('LOG_SOFTMAX $name', ({ shape }) => {
    const x = randomFloats(sizeOf(shape), 12, -6, 6);
    const got = run('LOG_SOFTMAX', x, shape);
    const depth = shape[shape.length - 1]!;
    for (let o = 0; o < x.length; o += depth) {
      const row = Array.from(x.subarray(o, o + depth));
      const max = Math.max(...row);
      const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      row.forEach((v, c) => expect(Math.abs(got[o + c]! - (v - max - logSum))).toBeLessThanOrEqual(2e-6));
    }
  });

  it.each(shapes.map((shape) => ({ name: `[${shape}]`, shape })))('L2_NORMALIZATION $name', ({ shape }) => {
    const x = randomFloats(sizeOf(shape), 13, -3, 3);
    const got = run('L2_NORMALIZATION', x, shape);
    const depth = shape[shape.length - 1]!;
    for (let o = 0; o < x.length; o += depth) {
      let sq = 0;
      for (let c = 0; c < depth; c++) sq = f(sq + f(x[o + c]! * x[o + c]!));
      const norm = Math.max(f(Math.sqrt(sq)), f(1e-6));
      for (let c = 0; c < depth; c++) expect(got[o + c]).toBe(f(x[o + c]! / norm));
    }
  });

  it('L2_NORMALIZATION of a zero row divides by epsilon (no NaN)', () => {
    expect(Array.from(run('L2_NORMALIZATION', new Float32Array(3), [1, 3]))).toEqual([0, 0, 0]);
  });
});
