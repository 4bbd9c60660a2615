/**
 * CONV_2D quantized paths against TFLite's integer formula written out in oracle.ts (exact
 * sums, BigInt MultiplyByQuantizedMultiplier): uint8 legacy per-tensor with a filter zero point,
 * int8 per-channel and per-tensor (also with quantized_dimension 3 on a one-scale filter, as
 * person_detect stores it), int16 x int8 with int64, int32 and no bias; padding, stride,
 * dilation, every quantizable fused activation. Expected bytes must match exactly.
 */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/ir/dtype.js';
import {
  type ConvSpec,
  convSums,
  mbqm32,
  quantAct,
  quantizeMultiplier,
  randomInts,
  requant,
  rng,
} from './oracle.js';
import { runOp } from './run_op.js';

interface QCase extends ConvSpec {
  name: string;
  dtype: 'uint8' | 'int8' | 'int16';
  outC: number;
  act: number;
  inZp: number;
  outZp: number;
  filterZp: number;
  /** 'channel' = one scale per output channel (axis 0); 'tensor' = one scale. */
  filterQuant: 'channel' | 'tensor';
  /** quantized_dimension stored for a one-scale filter. */
  filterAxis?: number;
  bias: 'int32' | 'int64' | 'none';
}

const g = { sh: 1, sw: 1, dh: 1, dw: 1 } as const;
const CASES: QCase[] = [
  {
    ...g,
    name: 'uint8 legacy 3x3 SAME, filter zp 131, RELU6',
    dtype: 'uint8',
    inShape: [1, 6, 5, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    outC: 4,
    act: 3,
    inZp: 128,
    outZp: 100,
    filterZp: 131,
    filterQuant: 'tensor',
    bias: 'int32',
  },
  {
    ...g,
    name: 'uint8 legacy 1x1 direct, no activation',
    dtype: 'uint8',
    inShape: [2, 3, 3, 8],
    fh: 1,
    fw: 1,
    padding: 'SAME',
    outC: 5,
    act: 0,
    inZp: 7,
    outZp: 120,
    filterZp: 90,
    filterQuant: 'tensor',
    bias: 'int32',
  },
  {
    ...g,
    name: 'uint8 legacy VALID stride 2, RELU',
    dtype: 'uint8',
    inShape: [1, 9, 7, 4],
    fh: 3,
    fw: 3,
    padding: 'VALID',
    sh: 2,
    sw: 2,
    outC: 6,
    act: 1,
    inZp: 200,
    outZp: 30,
    filterZp: 255,
    filterQuant: 'tensor',
    bias: 'int32',
  },
  {
    ...g,
    name: 'int8 per-channel 3x3 SAME stride 2, RELU',
    dtype: 'int8',
    inShape: [1, 7, 7, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    sh: 2,
    sw: 2,
    outC: 8,
    act: 1,
    inZp: -5,
    outZp: -128,
    filterZp: 0,
    filterQuant: 'channel',
    bias: 'int32',
  },
  {
    ...g,
    name: 'int8 per-channel dilation 2, RELU_N1_TO_1',
    dtype: 'int8',
    inShape: [1, 9, 10, 2],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    dh: 2,
    dw: 2,
    outC: 5,
    act: 2,
    inZp: 3,
    outZp: 1,
    filterZp: 0,
    filterQuant: 'channel',
    bias: 'int32',
  },
  {
    ...g,
    name: 'int8 per-tensor, axis 3 stored (person_detect form), no bias',
    dtype: 'int8',
    inShape: [1, 5, 4, 6],
    fh: 2,
    fw: 2,
    padding: 'VALID',
    outC: 3,
    act: 3,
    inZp: -128,
    outZp: -10,
    filterZp: 0,
    filterQuant: 'tensor',
    filterAxis: 3,
    bias: 'none',
  },
  {
    ...g,
    name: 'int8 per-channel 1x1 direct, batch 2, 1x1 spatial',
    dtype: 'int8',
    inShape: [2, 1, 1, 33],
    fh: 1,
    fw: 1,
    padding: 'VALID',
    outC: 7,
    act: 0,
    inZp: 12,
    outZp: 0,
    filterZp: 0,
    filterQuant: 'channel',
    bias: 'int32',
  },
  {
    ...g,
    name: 'int8 per-channel, several chunks',
    dtype: 'int8',
    inShape: [1, 30, 30, 16],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    outC: 9,
    act: 0,
    inZp: -1,
    outZp: 2,
    filterZp: 0,
    filterQuant: 'channel',
    bias: 'int32',
  },
  {
    ...g,
    name: 'int16x8 int64 bias, VALID 3x1 (seanet form)',
    dtype: 'int16',
    inShape: [1, 8, 10, 2],
    fh: 3,
    fw: 1,
    padding: 'VALID',
    outC: 8,
    act: 0,
    inZp: 0,
    outZp: 0,
    filterZp: 0,
    filterQuant: 'channel',
    bias: 'int64',
  },
  {
    ...g,
    name: 'int16x8 int64 bias, SAME stride 2, RELU6',
    dtype: 'int16',
    inShape: [1, 7, 6, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    sh: 2,
    sw: 2,
    outC: 4,
    act: 3,
    inZp: 0,
    outZp: 0,
    filterZp: 0,
    filterQuant: 'channel',
    bias: 'int64',
  },
  {
    ...g,
    name: 'int16x8 no bias (int64 accumulator), dilation 2',
    dtype: 'int16',
    inShape: [1, 7, 7, 2],
    fh: 2,
    fw: 2,
    padding: 'SAME',
    dh: 2,
    dw: 2,
    outC: 3,
    act: 1,
    inZp: 0,
    outZp: 0,
    filterZp: 0,
    filterQuant: 'tensor',
    bias: 'none',
  },
  {
    ...g,
    name: 'int16x8 int32 bias (int32 accumulator and multiplier)',
    dtype: 'int16',
    inShape: [1, 4, 4, 2],
    fh: 2,
    fw: 2,
    padding: 'VALID',
    outC: 3,
    act: 0,
    inZp: 0,
    outZp: 0,
    filterZp: 0,
    filterQuant: 'channel',
    bias: 'int32',
  },
];

const RANGE: Record<QCase['dtype'], [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
};
const ARRAY = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array } as const;

describe('CONV_2D quantized (TFLite integer formula)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const next = rng(c.inShape.reduce((a, b) => a * b, 7 + c.outC));
      const [, H, W, inC] = c.inShape;
      const [qlo, qhi] = RANGE[c.dtype];
      const filterDtype: DType = c.dtype === 'uint8' ? 'uint8' : 'int8';
      const [flo, fhi] = filterDtype === 'uint8' ? [0, 255] : [-127, 127];
      const x = new ARRAY[c.dtype](
        randomInts(
          next,
          c.inShape.reduce((a, b) => a * b, 1),
          qlo,
          qhi,
        ),
      );
      const wCount = c.outC * c.fh * c.fw * inC;
      const wt =
        filterDtype === 'uint8'
          ? new Uint8Array(randomInts(next, wCount, flo, fhi))
          : new Int8Array(randomInts(next, wCount, flo, fhi));
      const fScales = Array.from({ length: c.filterQuant === 'channel' ? c.outC : 1 }, (_, i) =>
        Math.fround(0.004 + 0.001 * i),
      );
      const typical = Math.sqrt(c.fh * c.fw * inC) * (c.dtype === 'int16' ? 18000 : 70) * 70;
      const biasVals = randomInts(next, c.outC, -Math.round(typical), Math.round(typical));
      const { shape, sums } = convSums(
        c,
        c.outC,
        (b, y, xx, ch) => x[((b * H + y) * W + xx) * inC + ch]! - c.inZp,
        (oc, fy, fx, ic) => wt[((oc * c.fh + fy) * c.fw + fx) * inC + ic]! - c.filterZp,
      );
      const accs = sums.map((s, i) => s + (c.bias === 'none' ? 0 : biasVals[i % c.outC]!));
      // Scales that spread the outputs over the range: the largest real output is `target`
      // (beyond the RELU6 / RELU_N1_TO_1 bounds, so the clamps are exercised too).
      const maxAcc = Math.max(1, ...accs.map(Math.abs));
      const target = c.act === 3 ? 8 : c.act === 2 ? 1.5 : 4;
      const inScale = Math.fround(target / (maxAcc * fScales[0]!));
      const outScale = Math.fround((1.1 * target) / ((qhi - qlo) / 2));
      const [lo, hi] = quantAct(c.act, qlo, qhi, outScale, c.outZp);
      const wide = c.dtype === 'int16' && c.bias !== 'int32';
      const expected = accs.map((acc, i) => {
        const oc = i % c.outC;
        return requant(
          acc,
          inScale,
          fScales[fScales.length === 1 ? 0 : oc]!,
          outScale,
          c.outZp,
          lo,
          hi,
          wide,
        );
      });
      const biasData =
        c.bias === 'int64' ? BigInt64Array.from(biasVals.map(BigInt)) : Int32Array.from(biasVals);
      const [out] = runOp(
        {
          op: 'CONV_2D',
          version: 3,
          inputs: [
            { name: 'x', dtype: c.dtype, shape: c.inShape, quant: { scale: [inScale], zeroPoint: [c.inZp] } },
            {
              name: 'w',
              dtype: filterDtype,
              shape: [c.outC, c.fh, c.fw, inC],
              data: wt,
              quant: { scale: fScales, zeroPoint: fScales.map(() => c.filterZp), axis: c.filterAxis ?? 0 },
            },
            c.bias === 'none'
              ? null
              : {
                  name: 'b',
                  dtype: c.bias,
                  shape: [c.outC],
                  data: biasData,
                  quant: { scale: fScales.map((s) => s * inScale), zeroPoint: fScales.map(() => 0) },
                },
          ],
          outputs: [{ name: 'y', dtype: c.dtype, shape, quant: { scale: [outScale], zeroPoint: [c.outZp] } }],
          options: {
            padding: c.padding === 'SAME' ? 0 : 1,
            strideH: c.sh,
            strideW: c.sw,
            dilationHFactor: c.dh,
            dilationWFactor: c.dw,
            fusedActivationFunction: c.act,
          },
        },
        [x],
      );
      expect(out!.shape).toEqual(shape);
      const got = Array.from(out!.data as Int8Array);
      // Sanity: the case exercises the range (not all clamped to one value).
      expect(new Set(expected).size).toBeGreaterThan(Math.min(4, expected.length - 1));
      expect(got).toEqual(expected);
    });
  }
});

describe('CONV_2D requantization rounds twice, as TFLite reference kernels do', () => {
  it('an exact value just below k + 0.5 rounds up to k + 1 (XNNPACK and single rounding give k)', () => {
    // movenet layer 7's scales: shift -8, so the first rounding (SaturatingRoundingDoublingHighMul)
    // keeps 8 fractional bits and a value within 2^-9 of a half is pushed onto it.
    const inScale = Math.fround(0.0235294122248888);
    const wScale = Math.fround(0.030022505670785904);
    const outScale = Math.fround(0.35861149430274963);
    const real = (inScale * wScale) / outScale;
    const { m, shift } = quantizeMultiplier(real);
    expect(shift).toBe(-8);
    let acc = 1;
    // The first accumulator whose exact scaled value has a fractional part in (0.498, 0.5).
    while (!((acc * real) % 1 > 0.498 && (acc * real) % 1 < 0.5)) acc++;
    const exactRounded = Math.round(acc * real);
    const reference = mbqm32(acc, m, shift);
    expect(reference).toBe(exactRounded + 1);
    const [out] = runOp(
      {
        op: 'CONV_2D',
        version: 3,
        inputs: [
          { name: 'x', dtype: 'int8', shape: [1, 1, 1, 1], quant: { scale: [inScale], zeroPoint: [0] } },
          {
            name: 'w',
            dtype: 'int8',
            shape: [1, 1, 1, 1],
            data: new Int8Array([1]),
            quant: { scale: [wScale], zeroPoint: [0] },
          },
          { name: 'b', dtype: 'int32', shape: [1], data: new Int32Array([acc - 1]) },
        ],
        outputs: [
          { name: 'y', dtype: 'int8', shape: [1, 1, 1, 1], quant: { scale: [outScale], zeroPoint: [0] } },
        ],
        options: { padding: 1, strideH: 1, strideW: 1 },
      },
      [new Int8Array([1])],
    );
    expect((out!.data as Int8Array)[0]).toBe(reference);
  });
});
