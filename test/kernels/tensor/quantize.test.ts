/**
 * QUANTIZE, DEQUANTIZE and CAST against oracles written from TFLite's formulas (quant_oracle.ts
 * for requantization), per tensor and per axis, every dtype pair the kernels accept; the TFLM
 * seanet quantize0 (int32 -> int16) and pad0 (int16 PAD) goldens, exact.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../../support/fixtures.js';
import { arrayOf, makeArray, randomData, rng, runOp, toNumbers } from './op_harness.js';
import { oracleMultiply, oracleQuantizeMultiplier, roundAway } from './quant_oracle.js';

const RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};
const clamp = (v: number, [lo, hi]: [number, number]) => Math.min(Math.max(v, lo), hi);
const f32 = Math.fround;

interface Q {
  scale: number[];
  zeroPoint: number[];
  axis?: number;
}

function quantizeOp(
  inDtype: DType,
  inQ: Q | undefined,
  outDtype: DType,
  outQ: Q,
  shape: number[],
  x: TypedArray,
) {
  return runOp(
    {
      op: 'QUANTIZE',
      inputs: [{ name: 'x', dtype: inDtype, shape, ...(inQ ? { quant: inQ } : {}) }],
      outputs: [{ name: 'y', dtype: outDtype, shape, quant: outQ }],
    },
    [x],
  )[0]!;
}

describe('QUANTIZE float -> integer', () => {
  for (const dtype of ['int8', 'uint8', 'int16'] as const) {
    it(`float32 -> ${dtype}, per tensor and per axis`, () => {
      const x = randomData('float32', 2 * 3 * 4, 1, -40, 40) as Float32Array;
      // Values exactly on .5 boundaries exercise the ties-away-from-zero rounding.
      x.set([0.25, -0.25, 0.75, -0.75, 1e9, -1e9, 0, NaN], 0);
      const zp = dtype === 'uint8' ? 100 : dtype === 'int8' ? -7 : 0;
      const q: Q = { scale: [0.5], zeroPoint: [zp] };
      const out = quantizeOp('float32', undefined, dtype, q, [2, 3, 4], x);
      const want = Array.from(x, (v) => {
        const r = f32(v / f32(0.5));
        return Number.isNaN(r) ? zp : clamp(roundAway(r) + zp, RANGE[dtype]!);
      });
      expect(toNumbers(out.data)).toEqual(want);
      // Per axis (axis 1: three channels with their own scale and zero point).
      const pq: Q = {
        scale: [0.1, 0.3, 0.7],
        zeroPoint: dtype === 'int16' ? [0, 0, 0] : [1, -2, 5],
        axis: 1,
      };
      const pout = quantizeOp('float32', undefined, dtype, pq, [2, 3, 4], x);
      const pwant = Array.from(x, (v, i) => {
        const c = Math.floor(i / 4) % 3;
        const r = f32(v / f32(pq.scale[c]!));
        const z = pq.zeroPoint[c]! + (dtype === 'uint8' ? 128 : 0);
        return Number.isNaN(r) ? z : clamp(roundAway(r) + z, RANGE[dtype]!);
      });
      const pq2 = { ...pq, zeroPoint: pq.zeroPoint.map((z) => z + (dtype === 'uint8' ? 128 : 0)) };
      expect(toNumbers(quantizeOp('float32', undefined, dtype, pq2, [2, 3, 4], x).data)).toEqual(pwant);
      expect(pout.shape).toEqual([2, 3, 4]);
    });
  }
});

describe('QUANTIZE requantization', () => {
  const PAIRS: [DType, DType][] = [
    ['int8', 'int8'],
    ['int8', 'uint8'],
    ['uint8', 'int8'],
    ['uint8', 'uint8'],
    ['int8', 'int16'],
    ['int8', 'int32'],
    ['int16', 'int8'],
    ['int16', 'int16'],
    ['int16', 'int32'],
    ['int32', 'int8'],
    ['int32', 'int16'],
  ];
  const SCALES: [number, number][] = [
    [0.05, 0.05],
    [0.05, 0.1],
    [0.37, 0.011],
    [1e-4, 3e-2],
    [2.5e-5, 3.0517578125e-5],
  ];
  for (const [a, b] of PAIRS) {
    it(`${a} -> ${b}`, () => {
      SCALES.forEach(([si, so], k) => {
        const zi = a === 'uint8' ? 130 : a === 'int8' ? -5 : 0;
        const zo = b === 'uint8' ? 120 : b === 'int8' ? 4 : 0;
        const x = randomData(a, 300, k + 11);
        if (a === 'int32') {
          const r = rng(k);
          (x as Int32Array).forEach(
            (_, i) => ((x as Int32Array)[i] = Math.floor((r() - 0.5) * 2 ** (8 + 4 * k))),
          );
        }
        const out = quantizeOp(
          a,
          { scale: [si], zeroPoint: [zi] },
          b,
          { scale: [so], zeroPoint: [zo] },
          [300],
          x,
        );
        const [m, s] = oracleQuantizeMultiplier(f32(si) / f32(so));
        const want = toNumbers(x).map((v) => clamp(oracleMultiply(v - zi, m, s) + zo, RANGE[b]!));
        expect(toNumbers(out.data), `scales ${si} -> ${so}`).toEqual(want);
      });
    });
  }

  it('int8 <-> uint8 with equal scales is the xor-0x80 shift', () => {
    const x = Int8Array.from({ length: 256 }, (_, i) => i - 128);
    const out = quantizeOp(
      'int8',
      { scale: [0.02], zeroPoint: [-3] },
      'uint8',
      { scale: [0.02], zeroPoint: [125] },
      [256],
      x,
    );
    expect(Array.from(out.data as Uint8Array)).toEqual(Array.from(x, (v) => (v ^ 0x80) & 0xff));
  });
});

describe('DEQUANTIZE', () => {
  for (const dtype of ['int8', 'uint8', 'int16', 'int32'] as const) {
    it(`${dtype} -> float32, per tensor${dtype === 'int8' || dtype === 'uint8' ? ' and per axis' : ''}`, () => {
      const x = randomData(dtype, 24, 3);
      const zp = dtype === 'uint8' ? 128 : dtype === 'int8' ? 3 : 0;
      const out = runOp(
        {
          op: 'DEQUANTIZE',
          inputs: [{ name: 'x', dtype, shape: [2, 3, 4], quant: { scale: [0.0123], zeroPoint: [zp] } }],
          outputs: [{ name: 'y', dtype: 'float32', shape: [2, 3, 4] }],
        },
        [x],
      )[0]!;
      expect(Array.from(out.data as Float32Array)).toEqual(
        toNumbers(x).map((v) => f32(f32(0.0123) * (v - zp))),
      );
      const scales = [0.5, 0.25, 0.125, 3];
      const zps = [0, 1, -1, 2].map((z) => z + zp);
      const pout = runOp(
        {
          op: 'DEQUANTIZE',
          inputs: [{ name: 'x', dtype, shape: [2, 3, 4], quant: { scale: scales, zeroPoint: zps, axis: 2 } }],
          outputs: [{ name: 'y', dtype: 'float32', shape: [2, 3, 4] }],
        },
        [x],
      )[0]!;
      expect(Array.from(pout.data as Float32Array)).toEqual(
        toNumbers(x).map((v, i) => f32(scales[i % 4]! * (v - zps[i % 4]!))),
      );
    });
  }

  it('float16 -> float32 (float16-quantized weights)', () => {
    const bits = [0x3c00, 0xc000, 0x7bff, 0x0001, 0x8000, 0x7c00, 0x3555];
    const want = [1, -2, 65504, 2 ** -24, -0, Infinity, f32(0.333251953125)];
    const out = runOp(
      {
        op: 'DEQUANTIZE',
        inputs: [{ name: 'w', dtype: 'float16', shape: [7], data: Uint16Array.from(bits) }],
        outputs: [{ name: 'y', dtype: 'float32', shape: [7] }],
      },
      [],
    )[0]!;
    expect(Array.from(out.data as Float32Array)).toEqual(want);
  });
});

/** C++ static_cast between numeric types, as the CAST kernel documents it. */
function castOracle(v: number | bigint, from: DType, to: DType): number | bigint {
  const isFloat = from === 'float32' || from === 'float16' || from === 'float64';
  let n: number | bigint = v;
  if (to === 'bool') return Number(v) !== 0 ? 1 : 0;
  if (to === 'float32') return f32(Number(v));
  if (to === 'int64') return typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
  if (isFloat) n = Math.trunc(Number(v));
  const bits: Record<string, number> = { int8: 8, uint8: 8, int16: 16, uint16: 16, int32: 32, uint32: 32 };
  const b = BigInt(bits[to]!);
  const big = typeof n === 'bigint' ? n : BigInt(n);
  return Number(to.startsWith('u') ? BigInt.asUintN(Number(b), big) : BigInt.asIntN(Number(b), big));
}

describe('CAST', () => {
  const TYPES: DType[] = ['float32', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'bool'];
  for (const from of TYPES) {
    it(`${from} -> every type`, () => {
      let x = randomData(from === 'uint16' ? 'uint16' : from, 64, 9);
      if (from === 'float32') x = Float32Array.from(x as Float32Array, (v) => v * 1000); // in range of int16 and up
      for (const to of TYPES) {
        const out = runOp(
          {
            op: 'CAST',
            inputs: [{ name: 'x', dtype: from, shape: [8, 8] }],
            outputs: [{ name: 'y', dtype: to, shape: [8, 8] }],
          },
          [x],
        )[0]!;
        const want = Array.from(x as ArrayLike<number | bigint>, (v) => castOracle(v, from, to));
        const safe = from !== 'float32' || !['int8', 'uint8', 'uint16', 'uint32'].includes(to); // float -> narrow int is UB out of range
        if (safe)
          expect(Array.from(out.data as ArrayLike<number | bigint>), `${from} -> ${to}`).toEqual(want);
        expect(out.shape).toEqual([8, 8]);
      }
    });
  }

  it('documented edge cases: NaN, saturation, uint32 <-> int32, float16', () => {
    const vals = (o: { data: TypedArray }) => Array.from(o.data as ArrayLike<number | bigint>);
    const run = (from: DType, to: DType, v: TypedArray) =>
      runOp(
        {
          op: 'CAST',
          inputs: [{ name: 'x', dtype: from, shape: [v.length] }],
          outputs: [{ name: 'y', dtype: to, shape: [v.length] }],
        },
        [v],
      )[0]!;
    expect(vals(run('float32', 'int32', Float32Array.of(NaN, 3e9, -3e9, -2.7, 2.7)))).toEqual([
      0, 2147483647, -2147483648, -2, 2,
    ]);
    expect(vals(run('float32', 'bool', Float32Array.of(NaN, 0, -0, 1e-30)))).toEqual([1, 0, 0, 1]);
    expect(vals(run('uint32', 'int32', Uint32Array.of(4294967295, 2147483648, 5)))).toEqual([
      -1, -2147483648, 5,
    ]);
    expect(vals(run('int32', 'uint32', Int32Array.of(-1, -2147483648)))).toEqual([4294967295, 2147483648]);
    expect(vals(run('float32', 'float16', Float32Array.of(1, 65520, 1 / 3)))).toEqual([
      0x3c00, 0x7c00, 0x3555,
    ]);
    expect(vals(run('float16', 'float32', Uint16Array.of(0x3c00, 0xfbff)))).toEqual([1, -65504]);
    expect(vals(run('int64', 'int32', BigInt64Array.of(2n ** 32n + 7n, -1n)))).toEqual([7, -1]);
    expect(vals(run('float32', 'int64', Float32Array.of(-1.5, 1e20)))).toEqual([-1n, 2n ** 63n - 1n]);
    expect(makeArray('bool', 1)).toBeInstanceOf(Uint8Array);
    expect(arrayOf('int64', [1])).toBeInstanceOf(BigInt64Array);
  });
});

describe.skipIf(!HAVE_FIXTURES)('TFLM goldens', () => {
  const csv = (rel: string) =>
    readFileSync(fixturePath(rel), 'utf8')
      .trim()
      .split(',')
      .map((v) => Number(v));
  const run = (model: string, input: TypedArray) => {
    const it = new Interpreter(readFixture(model));
    it.allocateTensors();
    it.input(0).set(input);
    it.invoke();
    return it.output(0);
  };

  it('seanet quantize0 (int32 -> int16 requantize) matches the golden exactly', () => {
    const out = run(
      'models/ops/seanet/quantize0.tflite',
      Int32Array.from(csv('models/ops/seanet/quantize0_input0_int32.csv')),
    );
    expect(Array.from(out.data as Int16Array)).toEqual(csv('models/ops/seanet/quantize0_golden_int16.csv'));
  });

  it('seanet pad0 (int16 PAD) matches the golden exactly', () => {
    const out = run(
      'models/ops/seanet/pad0.tflite',
      Int16Array.from(csv('models/ops/seanet/pad0_input0_int16.csv')),
    );
    expect(out.shape).toEqual([1, 2, 166, 2]);
    expect(Array.from(out.data as Int16Array)).toEqual(csv('models/ops/seanet/pad0_golden_int16.csv'));
  });
});
