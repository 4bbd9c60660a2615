/**
 * DEPTHWISE_CONV_2D against the oracles: float32 vs a naive float64 depthwise convolution; uint8
 * (filter zero point), int8 per-channel / per-tensor and int16 x int8 vs TFLite's integer
 * formula (exact). Edge shapes: 1x1 spatial, odd sizes, SAME / VALID, stride 2, dilation 2 and 4
 * (deeplabv3), depth multiplier > 1 (person_detect's 1 -> 8), no bias, every fused activation.
 */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/ir/dtype.js';
import {
  type ConvSpec,
  depthwiseSums,
  floatAct,
  maxRelError,
  quantAct,
  randomFloats,
  randomInts,
  requant,
  rng,
} from './oracle.js';
import { runOp } from './run_op.js';

interface Case extends ConvSpec {
  name: string;
  multiplier: number;
  act: number;
  bias: boolean;
}

const g = { sh: 1, sw: 1, dh: 1, dw: 1, act: 0, bias: true } as const;
const FLOAT_CASES: Case[] = [
  { ...g, name: '1x1 spatial 3x3 SAME', inShape: [1, 1, 1, 4], fh: 3, fw: 3, padding: 'SAME', multiplier: 1 },
  {
    ...g,
    name: 'odd 7x5 SAME, RELU6',
    inShape: [1, 7, 5, 6],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    multiplier: 1,
    act: 3,
  },
  {
    ...g,
    name: 'stride 2 VALID, batch 2, RELU',
    inShape: [2, 9, 8, 5],
    fh: 3,
    fw: 3,
    padding: 'VALID',
    sh: 2,
    sw: 2,
    multiplier: 1,
    act: 1,
  },
  {
    ...g,
    name: 'depth multiplier 8 from 1 channel, stride 2 SAME (person_detect form)',
    inShape: [1, 9, 9, 1],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    sh: 2,
    sw: 2,
    multiplier: 8,
  },
  {
    ...g,
    name: 'depth multiplier 3, RELU_N1_TO_1, no bias',
    inShape: [1, 6, 7, 4],
    fh: 2,
    fw: 3,
    padding: 'SAME',
    multiplier: 3,
    act: 2,
    bias: false,
  },
  {
    ...g,
    name: 'dilation 2 SAME (deeplabv3 v2)',
    inShape: [1, 11, 10, 5],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    dh: 2,
    dw: 2,
    multiplier: 1,
    act: 3,
  },
  {
    ...g,
    name: 'dilation 4 SAME on a 9x9 image',
    inShape: [1, 9, 9, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    dh: 4,
    dw: 4,
    multiplier: 1,
  },
  {
    ...g,
    name: 'dilation 2 VALID, 5x1 filter',
    inShape: [1, 12, 4, 2],
    fh: 5,
    fw: 1,
    padding: 'VALID',
    dh: 2,
    multiplier: 2,
  },
  {
    ...g,
    name: 'filter larger than the image, SAME',
    inShape: [1, 2, 2, 3],
    fh: 5,
    fw: 5,
    padding: 'SAME',
    multiplier: 1,
  },
];

function floatCase(c: Case): void {
  const next = rng(c.inShape.reduce((a, b) => a * b, c.multiplier + 11));
  const [, H, W, C] = c.inShape;
  const outC = C * c.multiplier;
  const x = randomFloats(
    next,
    c.inShape.reduce((a, b) => a * b, 1),
  );
  const wt = randomFloats(next, c.fh * c.fw * outC);
  const bias = randomFloats(next, outC);
  const { shape, sums } = depthwiseSums(
    c,
    c.multiplier,
    (b, y, xx, ch) => x[((b * H + y) * W + xx) * C + ch]!,
    (fy, fx, oc) => wt[(fy * c.fw + fx) * outC + oc]!,
  );
  const expected = sums.map((s, i) => floatAct(c.act, s + (c.bias ? bias[i % outC]! : 0)));
  const [out] = runOp(
    {
      op: 'DEPTHWISE_CONV_2D',
      version: 2,
      inputs: [
        { name: 'x', dtype: 'float32', shape: c.inShape },
        { name: 'w', dtype: 'float32', shape: [1, c.fh, c.fw, outC], data: wt },
        c.bias ? { name: 'b', dtype: 'float32', shape: [outC], data: bias } : null,
      ],
      outputs: [{ name: 'y', dtype: 'float32', shape }],
      options: {
        padding: c.padding === 'SAME' ? 0 : 1,
        strideH: c.sh,
        strideW: c.sw,
        depthMultiplier: c.multiplier,
        dilationHFactor: c.dh,
        dilationWFactor: c.dw,
        fusedActivationFunction: c.act,
      },
    },
    [x],
  );
  expect(out!.shape).toEqual(shape);
  expect(maxRelError(out!.data as Float32Array, expected)).toBeLessThan(1e-5);
}

interface QCase extends Case {
  dtype: 'uint8' | 'int8' | 'int16';
  inZp: number;
  outZp: number;
  filterZp: number;
  perChannel: boolean;
  biasType: 'int32' | 'int64';
}

const q = { ...g, inZp: 0, outZp: 0, filterZp: 0, perChannel: true, biasType: 'int32' } as const;
const QUANT_CASES: QCase[] = [
  {
    ...q,
    name: 'uint8 legacy 3x3 SAME, filter zp 120, RELU6',
    dtype: 'uint8',
    inShape: [1, 6, 7, 5],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    multiplier: 1,
    act: 3,
    inZp: 128,
    outZp: 3,
    filterZp: 120,
    perChannel: false,
  },
  {
    ...q,
    name: 'uint8 legacy stride 2 VALID, multiplier 2',
    dtype: 'uint8',
    inShape: [2, 7, 7, 3],
    fh: 3,
    fw: 3,
    padding: 'VALID',
    sh: 2,
    sw: 2,
    multiplier: 2,
    inZp: 100,
    outZp: 128,
    filterZp: 140,
    perChannel: false,
  },
  {
    ...q,
    name: 'int8 per-channel multiplier 8 stride 2 (person_detect form), RELU6',
    dtype: 'int8',
    inShape: [1, 8, 8, 1],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    sh: 2,
    sw: 2,
    multiplier: 8,
    act: 3,
    inZp: -128,
    outZp: -128,
  },
  {
    ...q,
    name: 'int8 per-channel dilation 2, RELU',
    dtype: 'int8',
    inShape: [1, 9, 9, 4],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    dh: 2,
    dw: 2,
    multiplier: 1,
    act: 1,
    inZp: 4,
    outZp: -7,
  },
  {
    ...q,
    name: 'int8 per-tensor, 1x1 spatial, no bias, RELU_N1_TO_1',
    dtype: 'int8',
    inShape: [1, 1, 1, 6],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    multiplier: 1,
    act: 2,
    inZp: -2,
    outZp: 0,
    perChannel: false,
    bias: false,
  },
  {
    ...q,
    name: 'int16x8 int64 bias, stride 2',
    dtype: 'int16',
    inShape: [1, 7, 6, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    sh: 2,
    sw: 2,
    multiplier: 2,
    biasType: 'int64',
  },
  {
    ...q,
    name: 'int16x8 no bias, dilation 2 VALID',
    dtype: 'int16',
    inShape: [1, 8, 8, 2],
    fh: 2,
    fw: 2,
    padding: 'VALID',
    dh: 2,
    dw: 2,
    multiplier: 1,
    act: 1,
    bias: false,
  },
];

const RANGE = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767] } as const;
const ARRAY = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array } as const;

function quantCase(c: QCase): void {
  const next = rng(c.inShape.reduce((a, b) => a * b, c.multiplier + 29));
  const [, H, W, C] = c.inShape;
  const outC = C * c.multiplier;
  const [qlo, qhi] = RANGE[c.dtype];
  const filterDtype: DType = c.dtype === 'uint8' ? 'uint8' : 'int8';
  const x = new ARRAY[c.dtype](
    randomInts(
      next,
      c.inShape.reduce((a, b) => a * b, 1),
      qlo,
      qhi,
    ),
  );
  const wCount = c.fh * c.fw * outC;
  const wt =
    filterDtype === 'uint8'
      ? new Uint8Array(randomInts(next, wCount, 0, 255))
      : new Int8Array(randomInts(next, wCount, -127, 127));
  const fScales = Array.from({ length: c.perChannel ? outC : 1 }, (_, i) => Math.fround(0.003 + 0.0007 * i));
  const biasVals = randomInts(
    next,
    outC,
    c.dtype === 'int16' ? -3e6 : -40000,
    c.dtype === 'int16' ? 3e6 : 40000,
  );
  const { shape, sums } = depthwiseSums(
    c,
    c.multiplier,
    (b, y, xx, ch) => x[((b * H + y) * W + xx) * C + ch]! - c.inZp,
    (fy, fx, oc) => wt[(fy * c.fw + fx) * outC + oc]! - c.filterZp,
  );
  const accs = sums.map((s, i) => s + (c.bias ? biasVals[i % outC]! : 0));
  const maxAcc = Math.max(1, ...accs.map(Math.abs));
  const target = c.act === 3 ? 8 : c.act === 2 ? 1.5 : 4;
  const inScale = Math.fround(target / (maxAcc * fScales[0]!));
  const outScale = Math.fround((1.1 * target) / ((qhi - qlo) / 2));
  const [lo, hi] = quantAct(c.act, qlo, qhi, outScale, c.outZp);
  const wide = c.dtype === 'int16' && c.biasType === 'int64';
  const expected = accs.map((acc, i) =>
    requant(
      acc,
      inScale,
      fScales[c.perChannel ? i % outC : 0]!,
      outScale,
      c.outZp,
      lo,
      hi,
      wide || (c.dtype === 'int16' && !c.bias),
    ),
  );
  const [out] = runOp(
    {
      op: 'DEPTHWISE_CONV_2D',
      version: 3,
      inputs: [
        { name: 'x', dtype: c.dtype, shape: c.inShape, quant: { scale: [inScale], zeroPoint: [c.inZp] } },
        {
          name: 'w',
          dtype: filterDtype,
          shape: [1, c.fh, c.fw, outC],
          data: wt,
          quant: { scale: fScales, zeroPoint: fScales.map(() => c.filterZp), axis: 3 },
        },
        c.bias
          ? {
              name: 'b',
              dtype: c.biasType,
              shape: [outC],
              data:
                c.biasType === 'int64' ? BigInt64Array.from(biasVals.map(BigInt)) : Int32Array.from(biasVals),
              quant: { scale: fScales.map((s) => s * inScale), zeroPoint: fScales.map(() => 0) },
            }
          : null,
      ],
      outputs: [{ name: 'y', dtype: c.dtype, shape, quant: { scale: [outScale], zeroPoint: [c.outZp] } }],
      options: {
        padding: c.padding === 'SAME' ? 0 : 1,
        strideH: c.sh,
        strideW: c.sw,
        depthMultiplier: c.multiplier,
        dilationHFactor: c.dh,
        dilationWFactor: c.dw,
        fusedActivationFunction: c.act,
      },
    },
    [x],
  );
  expect(out!.shape).toEqual(shape);
  expect(new Set(expected).size).toBeGreaterThan(Math.min(4, expected.length - 1));
  expect(Array.from(out!.data as Int8Array)).toEqual(expected);
}

describe('DEPTHWISE_CONV_2D float32', () => {
  for (const c of FLOAT_CASES) it(c.name, () => floatCase(c));
});

describe('DEPTHWISE_CONV_2D quantized (TFLite integer formula)', () => {
  for (const c of QUANT_CASES) it(c.name, () => quantCase(c));
});

describe('DEPTHWISE_CONV_2D validation', () => {
  it('rejects a depth_multiplier option that disagrees with the shapes', () => {
    expect(() =>
      runOp(
        {
          op: 'DEPTHWISE_CONV_2D',
          inputs: [
            { name: 'x', dtype: 'float32', shape: [1, 3, 3, 2] },
            { name: 'w', dtype: 'float32', shape: [1, 1, 1, 4], data: new Float32Array(4) },
            null,
          ],
          outputs: [{ name: 'y', dtype: 'float32', shape: [1, 3, 3, 4] }],
          options: { padding: 0, strideH: 1, strideW: 1, depthMultiplier: 3 },
        },
        [new Float32Array(18)],
      ),
    ).toThrow(/depth_multiplier 3 disagrees/);
  });
});
