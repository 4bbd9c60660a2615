/**
 * FULLY_CONNECTED: float32 vs a float64 matrix product; uint8 / int8 (per-tensor with a weight
 * zero point, per-channel) / int16 x int8 vs TFLite's integer formula (exact); the hybrid form
 * (int8 weights, float activations; symmetric and asymmetric input quantization, per-tensor and
 * per-channel weight scales) vs TFLite's float32 formula written out. keep_num_dims, rank-3
 * inputs, batch > 1, no bias, every fused activation; the SHUFFLED weights format is rejected.
 */
import { describe, expect, it } from 'vitest';
import {
  asymmetricQuantize,
  floatAct,
  maxRelError,
  quantAct,
  randomFloats,
  randomInts,
  requant,
  rng,
  symmetricQuantize,
} from './oracle.js';
import { runOp } from './run_op.js';

interface FCase {
  name: string;
  inShape: number[];
  units: number;
  keepNumDims: boolean;
  bias: boolean;
  act: number;
  /** Weight depth when it is not the input's last dim (the input is flattened). */
  depth?: number;
}

const FLOAT_CASES: FCase[] = [
  {
    name: '[1, 1] -> 1 unit (hello_world form)',
    inShape: [1, 1],
    units: 1,
    keepNumDims: false,
    bias: true,
    act: 1,
  },
  {
    name: 'batch 5, depth 17, 9 units, RELU6',
    inShape: [5, 17],
    units: 9,
    keepNumDims: false,
    bias: true,
    act: 3,
  },
  {
    name: 'rank 3 flattened, no bias',
    inShape: [2, 3, 8],
    units: 6,
    keepNumDims: false,
    bias: false,
    act: 0,
  },
  {
    name: 'rank 3 keep_num_dims, RELU_N1_TO_1',
    inShape: [2, 3, 8],
    units: 5,
    keepNumDims: true,
    bias: true,
    act: 2,
  },
  {
    name: 'rank 4 flattened into depth 12',
    depth: 12,
    inShape: [1, 2, 3, 4],
    units: 4,
    keepNumDims: false,
    bias: true,
    act: 0,
  },
  { name: 'depth 300, 40 units', inShape: [3, 300], units: 40, keepNumDims: false, bias: true, act: 0 },
];

function fcOptions(c: FCase, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { fusedActivationFunction: c.act, keepNumDims: c.keepNumDims, ...extra };
}

function outShape(c: FCase, depth: number): number[] {
  const batch = c.inShape.reduce((a, b) => a * b, 1) / depth;
  return c.keepNumDims ? [...c.inShape.slice(0, -1), c.units] : [batch, c.units];
}

/** Returns per (row, unit) the exact dot product of row b of x with weight row n. */
function dots(
  x: ArrayLike<number>,
  w: ArrayLike<number>,
  batch: number,
  depth: number,
  units: number,
): number[] {
  const out: number[] = [];
  for (let b = 0; b < batch; b++)
    for (let n = 0; n < units; n++) {
      let s = 0;
      for (let k = 0; k < depth; k++) s += x[b * depth + k]! * w[n * depth + k]!;
      out.push(s);
    }
  return out;
}

describe('FULLY_CONNECTED float32', () => {
  for (const c of FLOAT_CASES) {
    it(c.name, () => {
      const next = rng(c.units * 31 + c.inShape.length);
      const flatDepth = c.depth ?? c.inShape[c.inShape.length - 1]!;
      const total = c.inShape.reduce((a, b) => a * b, 1);
      const batch = total / flatDepth;
      const x = randomFloats(next, total);
      const w = randomFloats(next, c.units * flatDepth);
      const bias = randomFloats(next, c.units);
      const expected = dots(x, w, batch, flatDepth, c.units).map((s, i) =>
        floatAct(c.act, s + (c.bias ? bias[i % c.units]! : 0)),
      );
      const shape = outShape(c, flatDepth);
      const [out] = runOp(
        {
          op: 'FULLY_CONNECTED',
          inputs: [
            { name: 'x', dtype: 'float32', shape: c.inShape },
            { name: 'w', dtype: 'float32', shape: [c.units, flatDepth], data: w },
            c.bias ? { name: 'b', dtype: 'float32', shape: [c.units], data: bias } : null,
          ],
          outputs: [{ name: 'y', dtype: 'float32', shape }],
          options: fcOptions(c),
        },
        [x],
      );
      expect(out!.shape).toEqual(shape);
      expect(maxRelError(out!.data as Float32Array, expected)).toBeLessThan(1e-5);
    });
  }
});

interface QCase extends FCase {
  dtype: 'uint8' | 'int8' | 'int16';
  inZp: number;
  outZp: number;
  weightZp: number;
  perChannel: boolean;
  biasType: 'int32' | 'int64';
}

const QUANT_CASES: QCase[] = [
  {
    name: 'uint8 legacy, weight zp 128',
    dtype: 'uint8',
    inShape: [2, 20],
    units: 7,
    keepNumDims: false,
    bias: true,
    act: 0,
    inZp: 120,
    outZp: 128,
    weightZp: 128,
    perChannel: false,
    biasType: 'int32',
  },
  {
    name: 'uint8 legacy RELU6, no bias',
    dtype: 'uint8',
    inShape: [3, 9],
    units: 5,
    keepNumDims: false,
    bias: false,
    act: 3,
    inZp: 30,
    outZp: 10,
    weightZp: 100,
    perChannel: false,
    biasType: 'int32',
  },
  {
    name: 'int8 per-tensor (hello_world form), RELU',
    dtype: 'int8',
    inShape: [1, 16],
    units: 16,
    keepNumDims: false,
    bias: true,
    act: 1,
    inZp: -128,
    outZp: -128,
    weightZp: 0,
    perChannel: false,
    biasType: 'int32',
  },
  {
    name: 'int8 per-tensor with a weight zero point 3',
    dtype: 'int8',
    inShape: [4, 10],
    units: 6,
    keepNumDims: false,
    bias: true,
    act: 0,
    inZp: 5,
    outZp: -3,
    weightZp: 3,
    perChannel: false,
    biasType: 'int32',
  },
  {
    name: 'int8 per-channel, keep_num_dims rank 3, RELU_N1_TO_1',
    dtype: 'int8',
    inShape: [2, 2, 12],
    units: 5,
    keepNumDims: true,
    bias: true,
    act: 2,
    inZp: 0,
    outZp: 2,
    weightZp: 0,
    perChannel: true,
    biasType: 'int32',
  },
  {
    name: 'int16x8 int64 bias',
    dtype: 'int16',
    inShape: [3, 24],
    units: 8,
    keepNumDims: false,
    bias: true,
    act: 0,
    inZp: 0,
    outZp: 0,
    weightZp: 0,
    perChannel: false,
    biasType: 'int64',
  },
  {
    name: 'int16x8 int32 bias, RELU',
    dtype: 'int16',
    inShape: [2, 24],
    units: 8,
    keepNumDims: false,
    bias: true,
    act: 1,
    inZp: 0,
    outZp: 0,
    weightZp: 0,
    perChannel: true,
    biasType: 'int32',
  },
];

const RANGE = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767] } as const;
const ARRAY = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array } as const;

describe('FULLY_CONNECTED quantized (TFLite integer formula)', () => {
  for (const c of QUANT_CASES) {
    it(c.name, () => {
      const next = rng(c.units * 7 + c.inShape[0]!);
      const depth = c.inShape[c.inShape.length - 1]!;
      const total = c.inShape.reduce((a, b) => a * b, 1);
      const batch = total / depth;
      const [qlo, qhi] = RANGE[c.dtype];
      const x = new ARRAY[c.dtype](randomInts(next, total, qlo, qhi));
      const wDtype = c.dtype === 'uint8' ? 'uint8' : 'int8';
      const w =
        wDtype === 'uint8'
          ? new Uint8Array(randomInts(next, c.units * depth, 0, 255))
          : new Int8Array(randomInts(next, c.units * depth, -127, 127));
      const fScales = Array.from({ length: c.perChannel ? c.units : 1 }, (_, i) =>
        Math.fround(0.002 + 0.0005 * i),
      );
      const biasVals = randomInts(
        next,
        c.units,
        c.dtype === 'int16' ? -2e6 : -20000,
        c.dtype === 'int16' ? 2e6 : 20000,
      );
      const xs = Array.from(x, (v) => v - c.inZp);
      const ws = Array.from(w, (v) => v - c.weightZp);
      const accs = dots(xs, ws, batch, depth, c.units).map(
        (s, i) => s + (c.bias ? biasVals[i % c.units]! : 0),
      );
      const maxAcc = Math.max(1, ...accs.map(Math.abs));
      const target = c.act === 3 ? 8 : c.act === 2 ? 1.5 : 4;
      const inScale = Math.fround(target / (maxAcc * fScales[0]!));
      const outScale = Math.fround((1.1 * target) / ((qhi - qlo) / 2));
      const [lo, hi] = quantAct(c.act, qlo, qhi, outScale, c.outZp);
      const wide = c.dtype === 'int16' && c.biasType === 'int64';
      const expected = accs.map((acc, i) =>
        requant(acc, inScale, fScales[c.perChannel ? i % c.units : 0]!, outScale, c.outZp, lo, hi, wide),
      );
      const shape = outShape(c, depth);
      const [out] = runOp(
        {
          op: 'FULLY_CONNECTED',
          version: 4,
          inputs: [
            { name: 'x', dtype: c.dtype, shape: c.inShape, quant: { scale: [inScale], zeroPoint: [c.inZp] } },
            {
              name: 'w',
              dtype: wDtype,
              shape: [c.units, depth],
              data: w,
              quant: { scale: fScales, zeroPoint: fScales.map(() => c.weightZp) },
            },
            c.bias
              ? {
                  name: 'b',
                  dtype: c.biasType,
                  shape: [c.units],
                  data:
                    c.biasType === 'int64'
                      ? BigInt64Array.from(biasVals.map(BigInt))
                      : Int32Array.from(biasVals),
                }
              : null,
          ],
          outputs: [{ name: 'y', dtype: c.dtype, shape, quant: { scale: [outScale], zeroPoint: [c.outZp] } }],
          options: fcOptions(c),
        },
        [x],
      );
      expect(out!.shape).toEqual(shape);
      expect(new Set(expected).size).toBeGreaterThan(Math.min(4, expected.length - 1));
      expect(Array.from(out!.data as Int8Array)).toEqual(expected);
    });
  }
});

interface HCase {
  name: string;
  batch: number;
  depth: number;
  units: number;
  asymmetric: boolean;
  perChannel: boolean;
  act: number;
  zeroRow?: boolean;
}

const HYBRID_CASES: HCase[] = [
  {
    name: 'symmetric, per-tensor weights',
    batch: 2,
    depth: 19,
    units: 6,
    asymmetric: false,
    perChannel: false,
    act: 0,
  },
  {
    name: 'asymmetric inputs, per-tensor weights, RELU',
    batch: 3,
    depth: 10,
    units: 5,
    asymmetric: true,
    perChannel: false,
    act: 1,
  },
  {
    name: 'symmetric, per-channel weight scales, RELU6',
    batch: 1,
    depth: 33,
    units: 7,
    asymmetric: false,
    perChannel: true,
    act: 3,
  },
  {
    name: 'asymmetric, per-channel, an all-zero row',
    batch: 2,
    depth: 8,
    units: 4,
    asymmetric: true,
    perChannel: true,
    act: 0,
    zeroRow: true,
  },
];

describe('FULLY_CONNECTED hybrid (TFLite float32 formula)', () => {
  for (const c of HYBRID_CASES) {
    it(c.name, () => {
      const f = Math.fround;
      const next = rng(c.depth * 13 + c.units);
      const x = randomFloats(next, c.batch * c.depth, -3, 2);
      if (c.zeroRow) x.fill(0, 0, c.depth);
      const w = new Int8Array(randomInts(next, c.units * c.depth, -127, 127));
      const bias = randomFloats(next, c.units);
      const fScales = Array.from({ length: c.perChannel ? c.units : 1 }, (_, i) => f(0.01 + 0.002 * i));
      const expected: number[] = [];
      for (let b = 0; b < c.batch; b++) {
        const row = x.subarray(b * c.depth, (b + 1) * c.depth);
        const qr = c.asymmetric ? asymmetricQuantize(row) : { ...symmetricQuantize(row), offset: 0 };
        for (let n = 0; n < c.units; n++) {
          let dot = 0;
          for (let k = 0; k < c.depth; k++) dot += (qr.q[k]! - qr.offset) * w[n * c.depth + k]!;
          const scale = f(qr.scale * fScales[c.perChannel ? n : 0]!);
          expected.push(floatAct(c.act, f(bias[n]! + f(f(dot) * scale))));
        }
      }
      const [out] = runOp(
        {
          op: 'FULLY_CONNECTED',
          version: 9,
          inputs: [
            { name: 'x', dtype: 'float32', shape: [c.batch, c.depth] },
            {
              name: 'w',
              dtype: 'int8',
              shape: [c.units, c.depth],
              data: w,
              quant: { scale: fScales, zeroPoint: fScales.map(() => 0) },
            },
            { name: 'b', dtype: 'float32', shape: [c.units], data: bias },
          ],
          outputs: [{ name: 'y', dtype: 'float32', shape: [c.batch, c.units] }],
          options: { fusedActivationFunction: c.act, asymmetricQuantizeInputs: c.asymmetric },
        },
        [x],
      );
      // The same float32 operations in the same order: equal bit for bit.
      expect(Array.from(out!.data as Float32Array)).toEqual(expected.map(f));
    });
  }
});

describe('FULLY_CONNECTED validation', () => {
  it('rejects the SHUFFLED4x16INT8 weights format', () => {
    expect(() =>
      runOp(
        {
          op: 'FULLY_CONNECTED',
          inputs: [
            { name: 'x', dtype: 'float32', shape: [1, 4] },
            { name: 'w', dtype: 'float32', shape: [2, 4], data: new Float32Array(8) },
            null,
          ],
          outputs: [{ name: 'y', dtype: 'float32', shape: [1, 2] }],
          options: { weightsFormat: 1 },
        },
        [new Float32Array(4)],
      ),
    ).toThrow(/weights format 1/);
  });
  it('rejects an input that does not flatten into rows of the weight depth', () => {
    expect(() =>
      runOp(
        {
          op: 'FULLY_CONNECTED',
          inputs: [
            { name: 'x', dtype: 'float32', shape: [1, 5] },
            { name: 'w', dtype: 'float32', shape: [2, 4], data: new Float32Array(8) },
            null,
          ],
          outputs: [{ name: 'y', dtype: 'float32', shape: [1, 2] }],
        },
        [new Float32Array(5)],
      ),
    ).toThrow(/cannot be flattened/);
  });
});
