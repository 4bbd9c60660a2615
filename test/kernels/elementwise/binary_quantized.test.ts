/**
 * Quantized binary ops against TFLite's integer formulas written out in the test with BigInt
 * primitives (oracle.ts): ADD / SUB (general rescaling for uint8, int8, int16; the int16
 * power-of-two path), MUL (uint8, int8, int16), SQUARED_DIFFERENCE (int8), comparisons with
 * rescaling (uint8, int8), and DIV (uint8, int8) within one unit of the real quotient (its exact
 * fixed-point path is checked against the peers in peers.test.ts). Broadcasting shapes, every
 * fused activation, and quantization parameters with different input and output scales.
 */
import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { SHAPE_PAIRS } from './cases.js';
import { runCase } from './harness.js';
import {
  type QDtype,
  QRANGE,
  broadcastMap,
  clampTo,
  mbqm,
  quantActivationRange,
  quantizeMultiplier,
  randomInts,
  rdbp,
  sizeOf,
  wrap32,
} from './oracle.js';

const f = Math.fround;

interface QParams {
  name: string;
  s1: number;
  z1: number;
  s2: number;
  z2: number;
  so: number;
  zo: number;
}

/** Quantization parameter sets; scales are rounded to float32 below, as a model stores them. */
const PARAMS_DOUBLE: Record<QDtype, QParams[]> = {
  uint8: [
    { name: 'different scales', s1: 0.05, z1: 120, s2: 0.031, z2: 131, so: 0.083, zo: 124 },
    { name: 'equal scales', s1: 0.0392, z1: 128, s2: 0.0392, z2: 128, so: 0.0392, zo: 128 },
    { name: 'wide output', s1: 0.01, z1: 3, s2: 0.2, z2: 250, so: 0.5, zo: 10 },
  ],
  int8: [
    { name: 'different scales', s1: 0.05, z1: -8, s2: 0.031, z2: 3, so: 0.083, zo: -4 },
    { name: 'equal scales', s1: 0.0236, z1: 0, s2: 0.0236, z2: 0, so: 0.0236, zo: 0 },
    { name: 'narrow output', s1: 0.11, z1: 100, s2: 0.07, z2: -90, so: 0.02, zo: -128 },
  ],
  int16: [
    { name: 'different scales', s1: 0.000585, z1: 0, s2: 0.000807, z2: 0, so: 0.001024, zo: 0 },
    { name: 'small output', s1: 0.002, z1: 0, s2: 0.0005, z2: 0, so: 0.0003, zo: 0 },
  ],
};

const PARAMS = Object.fromEntries(
  Object.entries(PARAMS_DOUBLE).map(([k, list]) => [
    k,
    list.map((p) => ({ ...p, s1: f(p.s1), s2: f(p.s2), so: f(p.so) })),
  ]),
) as Record<QDtype, QParams[]>;

function spec(
  name: string,
  dtype: QDtype | 'bool',
  shape: number[],
  scale?: number,
  zp?: number,
): TensorSpec {
  return {
    name,
    dtype,
    shape,
    ...(scale !== undefined ? { quant: { scale: [scale], zeroPoint: [zp ?? 0] } } : {}),
  };
}

function typed(dtype: QDtype, v: readonly number[]): TypedArray {
  return dtype === 'int8' ? Int8Array.from(v) : dtype === 'uint8' ? Uint8Array.from(v) : Int16Array.from(v);
}

function inputs(dtype: QDtype, sa: number[], sb: number[], seed: number): [number[], number[]] {
  const [lo, hi] = QRANGE[dtype];
  return [randomInts(sizeOf(sa), seed, lo, hi), randomInts(sizeOf(sb), seed + 7, lo, hi)];
}

/** TFLite's general ADD/SUB formula (add.cc Prepare + reference AddElementwise / SubElementwise). */
function addSubOracle(
  sub: boolean,
  dtype: QDtype,
  p: QParams,
  act: number,
): (a: number, b: number) => number {
  const ls = dtype === 'int16' ? 15 : 20;
  const twice = 2 * Math.max(p.s1, p.s2);
  const m1 = quantizeMultiplier(p.s1 / twice);
  const m2 = quantizeMultiplier(p.s2 / twice);
  const mo = quantizeMultiplier(twice / f(2 ** ls * p.so));
  const [lo, hi] = quantActivationRange(act, dtype, p.so, p.zo);
  return (a, b) => {
    const x1 = mbqm((a - p.z1) * 2 ** ls, m1.m, m1.shift);
    const x2 = mbqm((b - p.z2) * 2 ** ls, m2.m, m2.shift);
    const raw = wrap32(BigInt(sub ? x1 - x2 : x1 + x2));
    return clampTo(mbqm(raw, mo.m, mo.shift) + p.zo, lo, hi);
  };
}

interface Case {
  name: string;
  op: 'ADD' | 'SUB' | 'MUL';
  dtype: QDtype;
  p: QParams;
  shapes: [number[], number[]];
  act: number;
  seed: number;
}

const CASES: Case[] = [];
let seed = 500;
for (const op of ['ADD', 'SUB', 'MUL'] as const) {
  for (const dtype of ['uint8', 'int8', 'int16'] as const) {
    for (const p of PARAMS[dtype]) {
      SHAPE_PAIRS.forEach((shapes, k) => {
        // every activation on a third of the shapes, NONE on the rest
        const acts = k % 3 === 0 ? [0, 1, 2, 3] : [0];
        for (const act of acts) {
          CASES.push({
            name: `${op} ${dtype} ${p.name} [${shapes[0]}] x [${shapes[1]}] act ${act}`,
            op,
            dtype,
            p,
            shapes,
            act,
            seed: seed++,
          });
        }
      });
    }
  }
}

describe('quantized ADD / SUB / MUL', () => {
  it.each(CASES)('$name', ({ op, dtype, p, shapes, act, seed: s }) => {
    const [sa, sb] = shapes;
    const [av, bv] = inputs(dtype, sa, sb, s);
    let fn: (a: number, b: number) => number;
    if (op === 'MUL') {
      const m = quantizeMultiplier(f(f(p.s1 * p.s2) / p.so));
      const [lo, hi] = quantActivationRange(act, dtype, p.so, p.zo);
      fn = (a, b) => clampTo(mbqm((a - p.z1) * (b - p.z2), m.m, m.shift) + p.zo, lo, hi);
    } else {
      fn = addSubOracle(op === 'SUB', dtype, p, act);
    }
    const want = broadcastMap(sa, av, sb, bv, fn);
    const got = runCase(
      {
        op,
        inputs: [spec('a', dtype, sa, p.s1, p.z1), spec('b', dtype, sb, p.s2, p.z2)],
        outputs: [spec('y', dtype, want.shape, p.so, p.zo)],
        options:
          op === 'MUL'
            ? { fusedActivationFunction: act }
            : { fusedActivationFunction: act, potScaleInt16: false },
      },
      [typed(dtype, av), typed(dtype, bv)],
    );
    expect(Array.from(got as Int16Array)).toEqual(want.values);
  });
});

describe('int16 ADD / SUB with power-of-two scales (pot_scale_int16)', () => {
  const POT: { name: string; s1: number; s2: number; so: number }[] = [
    { name: 'input 2 shifted by 2', s1: 2 ** -10, s2: 2 ** -12, so: 2 ** -10 },
    { name: 'input 1 shifted by 3', s1: 2 ** -15, s2: 2 ** -12, so: 2 ** -12 },
    { name: 'same scales', s1: 2 ** -11, s2: 2 ** -11, so: 2 ** -11 },
  ];
  const cases = POT.flatMap((p) =>
    (['ADD', 'SUB'] as const).flatMap((op) =>
      [0, 1, 3].flatMap((act) =>
        [SHAPE_PAIRS[3]!, SHAPE_PAIRS[9]!].map((shapes) => ({
          name: `${op} ${p.name} act ${act} [${shapes[0]}]x[${shapes[1]}]`,
          op,
          p,
          act,
          shapes,
        })),
      ),
    ),
  );
  it.each(cases)('$name', ({ op, p, act, shapes }) => {
    const [sa, sb] = shapes;
    const [av, bv] = inputs('int16', sa, sb, 77);
    const l = (s: number) => Math.round(Math.log2(s));
    const sh1 = l(p.s1) - l(p.so);
    const sh2 = l(p.s2) - l(p.so);
    const [lo, hi] = quantActivationRange(act, 'int16', p.so, 0);
    const want = broadcastMap(sa, av, sb, bv, (a, b) => {
      const x1 = sh1 === 0 ? a : rdbp(a, -sh1);
      const x2 = sh2 === 0 ? b : rdbp(b, -sh2);
      return clampTo(op === 'ADD' ? x1 + x2 : x1 - x2, lo, hi);
    });
    const got = runCase(
      {
        op,
        inputs: [spec('a', 'int16', sa, p.s1, 0), spec('b', 'int16', sb, p.s2, 0)],
        outputs: [spec('y', 'int16', want.shape, p.so, 0)],
        options: { fusedActivationFunction: act, potScaleInt16: true },
      },
      [typed('int16', av), typed('int16', bv)],
    );
    expect(Array.from(got as Int16Array)).toEqual(want.values);
  });
});

describe('quantized SQUARED_DIFFERENCE (int8) and comparisons (uint8, int8)', () => {
  const shapesUsed = SHAPE_PAIRS.filter((_, i) => i % 2 === 0);
  const sqCases = PARAMS.int8.flatMap((p) =>
    shapesUsed.map((shapes) => ({ name: `${p.name} [${shapes[0]}]x[${shapes[1]}]`, p, shapes })),
  );
  it.each(sqCases)('SQUARED_DIFFERENCE int8 $name', ({ p, shapes }) => {
    const [sa, sb] = shapes;
    const [av, bv] = inputs('int8', sa, sb, 900);
    const twice = 2 * Math.max(p.s1, p.s2);
    const m1 = quantizeMultiplier(p.s1 / twice);
    const m2 = quantizeMultiplier(p.s2 / twice);
    const mo = quantizeMultiplier((twice * twice) / f(2 ** 14 * p.so));
    const want = broadcastMap(sa, av, sb, bv, (a, b) => {
      const d = mbqm((a - p.z1) * 128, m1.m, m1.shift) - mbqm((b - p.z2) * 128, m2.m, m2.shift);
      return clampTo(mbqm(d * d, mo.m, mo.shift) + p.zo, -128, 127);
    });
    const got = runCase(
      {
        op: 'SQUARED_DIFFERENCE',
        inputs: [spec('a', 'int8', sa, p.s1, p.z1), spec('b', 'int8', sb, p.s2, p.z2)],
        outputs: [spec('y', 'int8', want.shape, p.so, p.zo)],
      },
      [typed('int8', av), typed('int8', bv)],
    );
    expect(Array.from(got as Int8Array)).toEqual(want.values);
  });

  const CMP: [string, (u: number, v: number) => boolean][] = [
    ['EQUAL', (u, v) => u === v],
    ['NOT_EQUAL', (u, v) => u !== v],
    ['LESS', (u, v) => u < v],
    ['LESS_EQUAL', (u, v) => u <= v],
    ['GREATER', (u, v) => u > v],
    ['GREATER_EQUAL', (u, v) => u >= v],
  ];
  const cmpCases = CMP.flatMap(([op, pred]) =>
    (['uint8', 'int8'] as const).flatMap((dtype) =>
      PARAMS[dtype].slice(0, 2).flatMap((p) =>
        [SHAPE_PAIRS[3]!, SHAPE_PAIRS[6]!, SHAPE_PAIRS[10]!].map((shapes) => ({
          name: `${op} ${dtype} ${p.name} [${shapes[0]}]x[${shapes[1]}]`,
          op,
          pred,
          dtype,
          p,
          shapes,
        })),
      ),
    ),
  );
  it.each(cmpCases)('$name', ({ op, pred, dtype, p, shapes }) => {
    const [sa, sb] = shapes;
    // Small value ranges so that equal real values actually occur.
    const [av, bv] = inputs(dtype, sa, sb, 31).map((v) =>
      v.map((x) => (dtype === 'uint8' ? 120 + (x % 16) : x % 16)),
    );
    const m1 = quantizeMultiplier(p.s1);
    const m2 = quantizeMultiplier(p.s2);
    const want = broadcastMap(sa, av!, sb, bv!, (a, b) =>
      pred(mbqm((a - p.z1) * 256, m1.m, m1.shift), mbqm((b - p.z2) * 256, m2.m, m2.shift)) ? 1 : 0,
    );
    const got = runCase(
      {
        op,
        inputs: [spec('a', dtype, sa, p.s1, p.z1), spec('b', dtype, sb, p.s2, p.z2)],
        outputs: [spec('y', 'bool', want.shape)],
      },
      [typed(dtype, av!), typed(dtype, bv!)],
    );
    expect(Array.from(got as Uint8Array)).toEqual(want.values);
  });
});

describe('quantized DIV (uint8, int8): within one unit of the real quotient', () => {
  const divCases = (['uint8', 'int8'] as const).flatMap((dtype) =>
    PARAMS[dtype].slice(0, 2).flatMap((p) =>
      [SHAPE_PAIRS[3]!, SHAPE_PAIRS[5]!, SHAPE_PAIRS[10]!].flatMap((shapes) =>
        [0, 1].map((act) => ({
          name: `${dtype} ${p.name} act ${act} [${shapes[0]}]x[${shapes[1]}]`,
          dtype,
          p,
          shapes,
          act,
        })),
      ),
    ),
  );
  it.each(divCases)('$name', ({ dtype, p, shapes, act }) => {
    const [sa, sb] = shapes;
    const [av, bv0] = inputs(dtype, sa, sb, 61);
    // divisors at least 8 units away from the zero point
    const bv = bv0!.map((v) =>
      Math.abs(v - p.z2) < 8 ? clampTo(p.z2 + (v >= p.z2 ? 8 : -8), QRANGE[dtype][0], QRANGE[dtype][1]) : v,
    );
    const [lo, hi] = quantActivationRange(act, dtype, p.so, p.zo);
    const want = broadcastMap(sa, av!, sb, bv, (a, b) =>
      clampTo(Math.round(((a - p.z1) * p.s1) / ((b - p.z2) * p.s2) / p.so) + p.zo, lo, hi),
    );
    const got = runCase(
      {
        op: 'DIV',
        inputs: [spec('a', dtype, sa, p.s1, p.z1), spec('b', dtype, sb, p.s2, p.z2)],
        outputs: [spec('y', dtype, want.shape, p.so, p.zo)],
        options: { fusedActivationFunction: act },
      },
      [typed(dtype, av!), typed(dtype, bv)],
    );
    const worst = want.values.reduce((m, w, i) => Math.max(m, Math.abs((got as Int16Array)[i]! - w)), 0);
    expect(worst).toBeLessThanOrEqual(1);
  });

  it('a divisor equal to its zero point is an error at invoke', () => {
    const p = PARAMS.uint8[0]!;
    expect(() =>
      runCase(
        {
          op: 'DIV',
          inputs: [spec('a', 'uint8', [2], p.s1, p.z1), spec('b', 'uint8', [2], p.s2, p.z2)],
          outputs: [spec('y', 'uint8', [2], p.so, p.zo)],
        },
        [Uint8Array.from([1, 2]), Uint8Array.from([p.z2 + 1, p.z2])],
      ),
    ).toThrow(/division by zero/);
  });
});

describe('8-bit ADD / SUB / MUL / DIV with large outputs (the 256x256 table path)', () => {
  const shapes: [number[], number[]] = [
    [64, 33, 36],
    [33, 36],
  ];
  const cases = (['ADD', 'SUB', 'MUL', 'DIV'] as const).flatMap((op) =>
    (['uint8', 'int8'] as const).map((dtype) => ({
      name: `${op} ${dtype} -> [${shapes[0]}]`,
      op,
      dtype,
      p: PARAMS[dtype][0]!,
    })),
  );
  it.each(cases)('$name', ({ op, dtype, p }) => {
    const [sa, sb] = shapes;
    const [lo, hi] = QRANGE[dtype];
    // DIV: dividends away from the zero point too (see the next test for tiny dividends)
    const av = randomInts(sizeOf(sa), 71, lo, hi).map((v) =>
      op === 'DIV' && Math.abs(v - p.z1) < 8 ? clampTo(p.z1 + 8, lo, hi) : v,
    );
    // DIV: keep divisors away from the zero point
    const bv = randomInts(sizeOf(sb), 72, lo, hi).map((v) =>
      op === 'DIV' && Math.abs(v - p.z2) < 8 ? clampTo(p.z2 + 8, lo, hi) : v,
    );
    const act = 1;
    const [alo, ahi] = quantActivationRange(act, dtype, p.so, p.zo);
    let fn: (a: number, b: number) => number;
    if (op === 'MUL') {
      const m = quantizeMultiplier(f(f(p.s1 * p.s2) / p.so));
      fn = (a, b) => clampTo(mbqm((a - p.z1) * (b - p.z2), m.m, m.shift) + p.zo, alo, ahi);
    } else if (op === 'DIV') {
      fn = (a, b) => clampTo(Math.round(((a - p.z1) * p.s1) / ((b - p.z2) * p.s2) / p.so) + p.zo, alo, ahi);
    } else {
      fn = addSubOracle(op === 'SUB', dtype, p, act);
    }
    // Evaluate the oracle once per distinct pair (the same 65536 pairs repeat).
    const memo = new Map<number, number>();
    const want = broadcastMap(sa, av, sb, bv, (a, b) => {
      const k = (a + 200) * 1000 + b + 200;
      let v = memo.get(k);
      if (v === undefined) memo.set(k, (v = fn(a, b)));
      return v;
    });
    expect(want.values.length).toBeGreaterThanOrEqual(65536);
    const got = runCase(
      {
        op,
        inputs: [spec('a', dtype, sa, p.s1, p.z1), spec('b', dtype, sb, p.s2, p.z2)],
        outputs: [spec('y', dtype, want.shape, p.so, p.zo)],
        options: { fusedActivationFunction: act },
      },
      [typed(dtype, av), typed(dtype, bv)],
    );
    const worst = want.values.reduce((m, w, i) => Math.max(m, Math.abs((got as Int16Array)[i]! - w)), 0);
    // DIV's fixed point is within one unit of the real quotient; the others are exact.
    expect(worst).toBeLessThanOrEqual(op === 'DIV' ? 1 : 0);
  });
});

describe('quantized DIV where TFLite is undefined', () => {
  it('a tiny dividend against a large divisor saturates as LiteRT.js and tfjs-tflite do (measured: 255)', () => {
    // s_a / (s_b * s_y) = 19.4 (shift 5); a - zp = -1, b - zp = -128: the total shift is -32,
    // beyond RoundingDivideByPOT's range; TFLite's wasm builds output 255 (and 124 for a - zp = 1).
    const got = runCase(
      {
        op: 'DIV',
        inputs: [spec('a', 'uint8', [4], f(0.05), 120), spec('b', 'uint8', [4], f(0.031), 131)],
        outputs: [spec('y', 'uint8', [4], f(0.083), 124)],
        options: { fusedActivationFunction: 1 },
      },
      [Uint8Array.from([119, 121, 119, 119]), Uint8Array.from([3, 3, 2, 200])],
    );
    expect(Array.from(got as Uint8Array)).toEqual([255, 124, 255, 124]);
  });
});
