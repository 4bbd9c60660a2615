/**
 * CONV_2D float32 against a naive float64 convolution (oracle.ts), at edge shapes: 1x1 spatial,
 * odd sizes, SAME / VALID, stride 2, dilation 2, the direct 1x1 path, chunked im2col, no bias,
 * every fused activation (TANH is ignored by TFLite's float conv, so here too).
 */
import { describe, expect, it } from 'vitest';
import { type ConvSpec, convSums, floatAct, maxRelError, randomFloats, rng } from './oracle.js';
import { runOp } from './run_op.js';

interface Case extends ConvSpec {
  name: string;
  outC: number;
  bias: boolean;
  act: number;
}

const base = { sh: 1, sw: 1, dh: 1, dw: 1, bias: true, act: 0 } as const;
const CASES: Case[] = [
  {
    ...base,
    name: '1x1 spatial, 1x1 filter (direct GEMM)',
    inShape: [1, 1, 1, 3],
    fh: 1,
    fw: 1,
    padding: 'SAME',
    outC: 2,
  },
  { ...base, name: '1x1 spatial, 3x3 SAME', inShape: [1, 1, 1, 2], fh: 3, fw: 3, padding: 'SAME', outC: 5 },
  {
    ...base,
    name: 'odd 7x5, 3x3 SAME, RELU',
    inShape: [1, 7, 5, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    outC: 6,
    act: 1,
  },
  {
    ...base,
    name: 'VALID stride 2, 3x2 filter, batch 2',
    inShape: [2, 9, 8, 4],
    fh: 3,
    fw: 2,
    padding: 'VALID',
    sh: 2,
    sw: 2,
    outC: 7,
  },
  {
    ...base,
    name: 'SAME stride 2 on even size, RELU6',
    inShape: [1, 8, 6, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    sh: 2,
    sw: 2,
    outC: 4,
    act: 3,
  },
  {
    ...base,
    name: 'dilation 2 SAME, RELU_N1_TO_1',
    inShape: [1, 10, 9, 3],
    fh: 3,
    fw: 3,
    padding: 'SAME',
    dh: 2,
    dw: 2,
    outC: 5,
    act: 2,
  },
  {
    ...base,
    name: 'dilation 2x1 VALID, stride 1x2',
    inShape: [1, 9, 11, 2],
    fh: 2,
    fw: 3,
    padding: 'VALID',
    dh: 2,
    sw: 2,
    outC: 3,
  },
  {
    ...base,
    name: '1x1 filter stride 2 (im2col path), no bias',
    inShape: [1, 5, 5, 8],
    fh: 1,
    fw: 1,
    padding: 'VALID',
    sh: 2,
    sw: 2,
    outC: 9,
    bias: false,
  },
  {
    ...base,
    name: 'direct 1x1, batch 3, no bias, TANH ignored',
    inShape: [3, 4, 3, 17],
    fh: 1,
    fw: 1,
    padding: 'SAME',
    outC: 13,
    bias: false,
    act: 4,
  },
  { ...base, name: 'several im2col chunks', inShape: [1, 40, 40, 8], fh: 3, fw: 3, padding: 'SAME', outC: 6 },
  {
    ...base,
    name: 'deep K = 5*5*16, 1x1 output',
    inShape: [1, 5, 5, 16],
    fh: 5,
    fw: 5,
    padding: 'VALID',
    outC: 11,
  },
  {
    ...base,
    name: 'filter larger than input, SAME',
    inShape: [1, 2, 3, 2],
    fh: 5,
    fw: 5,
    padding: 'SAME',
    outC: 3,
  },
];

describe('CONV_2D float32', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const next = rng(c.inShape.reduce((a, b) => a * b, c.outC));
      const [, , , inC] = c.inShape;
      const x = randomFloats(
        next,
        c.inShape.reduce((a, b) => a * b, 1),
      );
      const wt = randomFloats(next, c.outC * c.fh * c.fw * inC);
      const bias = randomFloats(next, c.outC);
      const { shape, sums } = convSums(
        c,
        c.outC,
        (b, y, xx, ch) => x[((b * c.inShape[1] + y) * c.inShape[2] + xx) * inC + ch]!,
        (oc, fy, fx, ic) => wt[((oc * c.fh + fy) * c.fw + fx) * inC + ic]!,
      );
      const expected = sums.map((s, i) => floatAct(c.act, s + (c.bias ? bias[i % c.outC]! : 0)));
      const [out] = runOp(
        {
          op: 'CONV_2D',
          inputs: [
            { name: 'x', dtype: 'float32', shape: c.inShape },
            { name: 'w', dtype: 'float32', shape: [c.outC, c.fh, c.fw, inC], data: wt },
            c.bias ? { name: 'b', dtype: 'float32', shape: [c.outC], data: bias } : null,
          ],
          outputs: [{ name: 'y', dtype: 'float32', shape: shape }],
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
      expect(maxRelError(out!.data as Float32Array, expected)).toBeLessThan(1e-5);
    });
  }
});
