/**
 * TRANSPOSE_CONV against a naive scatter oracle (TFLite's reference loop, padding computed from the
 * output size): float32 (float64 oracle, relative 1e-5) and uint8 / int8 per-channel / int16 x int8
 * (TFLite's integer formula, exact). SAME / VALID, stride 1 and 2, odd output sizes, no bias, fused
 * activations (TRANSPOSE_CONV v4), a non-constant output shape (dynamic output).
 */
import { describe, expect, it } from 'vitest';
import { floatAct, maxRelError, quantAct, randomFloats, randomInts, requant, rng } from './oracle.js';
import { buildModel, runModel, runOp } from './run_op.js';

interface Case {
  name: string;
  dtype: 'float32' | 'uint8' | 'int8' | 'int16';
  inShape: [number, number, number, number];
  outHW: [number, number];
  outC: number;
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  padding: 'SAME' | 'VALID';
  act: number;
  bias: boolean;
  inZp?: number;
  outZp?: number;
  filterZp?: number;
  perChannel?: boolean;
}

const CASES: Case[] = [
  {
    name: 'float 3x3 SAME stride 2 (upsampling x2)',
    dtype: 'float32',
    inShape: [1, 4, 3, 5],
    outHW: [8, 6],
    outC: 4,
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 0,
    bias: true,
  },
  {
    name: 'float 3x3 SAME stride 2, odd output 7x5, RELU',
    dtype: 'float32',
    inShape: [2, 4, 3, 3],
    outHW: [7, 5],
    outC: 2,
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 1,
    bias: true,
  },
  {
    name: 'float 2x2 VALID stride 2, no bias',
    dtype: 'float32',
    inShape: [1, 3, 3, 4],
    outHW: [6, 6],
    outC: 3,
    fh: 2,
    fw: 2,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 0,
    bias: false,
  },
  {
    name: 'float 3x2 VALID stride 1, RELU6',
    dtype: 'float32',
    inShape: [1, 5, 4, 2],
    outHW: [7, 5],
    outC: 6,
    fh: 3,
    fw: 2,
    sh: 1,
    sw: 1,
    padding: 'VALID',
    act: 3,
    bias: true,
  },
  {
    name: 'float 1x1 spatial input, 4x4 VALID stride 2',
    dtype: 'float32',
    inShape: [1, 1, 1, 3],
    outHW: [4, 4],
    outC: 2,
    fh: 4,
    fw: 4,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 2,
    bias: true,
  },
  {
    name: 'uint8 3x3 SAME stride 2, filter zp 128',
    dtype: 'uint8',
    inShape: [1, 3, 4, 3],
    outHW: [6, 8],
    outC: 3,
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 0,
    bias: true,
    inZp: 120,
    outZp: 110,
    filterZp: 128,
    perChannel: false,
  },
  {
    name: 'int8 per-channel 3x3 SAME stride 2, RELU',
    dtype: 'int8',
    inShape: [1, 4, 4, 4],
    outHW: [8, 8],
    outC: 5,
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 1,
    bias: true,
    inZp: -3,
    outZp: -20,
    perChannel: true,
  },
  {
    name: 'int8 per-tensor 2x2 VALID stride 2, no bias',
    dtype: 'int8',
    inShape: [2, 3, 2, 3],
    outHW: [6, 4],
    outC: 2,
    fh: 2,
    fw: 2,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 0,
    bias: false,
    inZp: 7,
    outZp: 0,
    perChannel: false,
  },
  {
    name: 'int16x8 int64 bias 3x3 SAME stride 2',
    dtype: 'int16',
    inShape: [1, 3, 3, 2],
    outHW: [6, 6],
    outC: 3,
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 0,
    bias: true,
    perChannel: true,
  },
];

/** Returns the output sums of a transposed convolution by scattering every input element. */
function scatterSums(
  c: Case,
  x: (b: number, y: number, xx: number, ch: number) => number,
  w: (oc: number, fy: number, fx: number, ic: number) => number,
): number[] {
  const [B, H, W, C] = c.inShape;
  const [OH, OW] = c.outHW;
  // TFLite: ComputePaddingHeightWidth with the output size as the image size.
  const pad = (out: number, f: number, s: number) => {
    const o = c.padding === 'SAME' ? Math.ceil(out / s) : Math.ceil((out - f + 1) / s);
    return Math.max(0, Math.floor(((o - 1) * s + f - out) / 2));
  };
  const padH = pad(OH, c.fh, c.sh);
  const padW = pad(OW, c.fw, c.sw);
  const out = new Array<number>(B * OH * OW * c.outC).fill(0);
  for (let b = 0; b < B; b++)
    for (let iy = 0; iy < H; iy++)
      for (let ix = 0; ix < W; ix++)
        for (let ic = 0; ic < C; ic++)
          for (let fy = 0; fy < c.fh; fy++)
            for (let fx = 0; fx < c.fw; fx++)
              for (let oc = 0; oc < c.outC; oc++) {
                const oy = iy * c.sh - padH + fy;
                const ox = ix * c.sw - padW + fx;
                if (oy < 0 || oy >= OH || ox < 0 || ox >= OW) continue;
                out[((b * OH + oy) * OW + ox) * c.outC + oc]! += x(b, iy, ix, ic) * w(oc, fy, fx, ic);
              }
  return out;
}

const RANGE = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767] } as const;
const ARRAY = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array } as const;

function options(c: Case): Record<string, unknown> {
  return {
    padding: c.padding === 'SAME' ? 0 : 1,
    strideH: c.sh,
    strideW: c.sw,
    fusedActivationFunction: c.act,
  };
}

describe('TRANSPOSE_CONV', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const next = rng(c.inShape.reduce((a, b) => a * b, c.outC * 3));
      const [B, H, W, C] = c.inShape;
      const outShape = [B, c.outHW[0], c.outHW[1], c.outC];
      const shapeSpec = {
        name: 'shape',
        dtype: 'int32' as const,
        shape: [4],
        data: Int32Array.from(outShape),
      };
      const nIn = B * H * W * C;
      const nW = c.outC * c.fh * c.fw * C;
      const xi = (b: number, y: number, xx: number, ch: number) => ((b * H + y) * W + xx) * C + ch;
      const wi = (oc: number, fy: number, fx: number, ic: number) => ((oc * c.fh + fy) * c.fw + fx) * C + ic;
      if (c.dtype === 'float32') {
        const x = randomFloats(next, nIn);
        const w = randomFloats(next, nW);
        const bias = randomFloats(next, c.outC);
        const sums = scatterSums(
          c,
          (...a) => x[xi(...a)]!,
          (...a) => w[wi(...a)]!,
        );
        const expected = sums.map((s, i) => floatAct(c.act, s + (c.bias ? bias[i % c.outC]! : 0)));
        const [out] = runOp(
          {
            op: 'TRANSPOSE_CONV',
            version: 4,
            inputs: [
              shapeSpec,
              { name: 'w', dtype: 'float32', shape: [c.outC, c.fh, c.fw, C], data: w },
              { name: 'x', dtype: 'float32', shape: c.inShape },
              c.bias ? { name: 'b', dtype: 'float32', shape: [c.outC], data: bias } : null,
            ],
            outputs: [{ name: 'y', dtype: 'float32', shape: outShape }],
            options: options(c),
          },
          [x],
        );
        expect(out!.shape).toEqual(outShape);
        expect(maxRelError(out!.data as Float32Array, expected)).toBeLessThan(1e-5);
        return;
      }
      const [qlo, qhi] = RANGE[c.dtype];
      const inZp = c.inZp ?? 0;
      const outZp = c.outZp ?? 0;
      const fZp = c.filterZp ?? 0;
      const x = new ARRAY[c.dtype](randomInts(next, nIn, qlo, qhi));
      const w =
        c.dtype === 'uint8'
          ? new Uint8Array(randomInts(next, nW, 0, 255))
          : new Int8Array(randomInts(next, nW, -127, 127));
      const fScales = Array.from({ length: c.perChannel ? c.outC : 1 }, (_, i) =>
        Math.fround(0.004 + 0.001 * i),
      );
      const biasVals = randomInts(next, c.outC, -30000, 30000);
      const sums = scatterSums(
        c,
        (...a) => x[xi(...a)]! - inZp,
        (...a) => w[wi(...a)]! - fZp,
      );
      const accs = sums.map((s, i) => s + (c.bias ? biasVals[i % c.outC]! : 0));
      const maxAcc = Math.max(1, ...accs.map(Math.abs));
      const inScale = Math.fround(4 / (maxAcc * fScales[0]!));
      const outScale = Math.fround(4.4 / ((qhi - qlo) / 2));
      const [lo, hi] = quantAct(c.act, qlo, qhi, outScale, outZp);
      const expected = accs.map((acc, i) =>
        requant(
          acc,
          inScale,
          fScales[c.perChannel ? i % c.outC : 0]!,
          outScale,
          outZp,
          lo,
          hi,
          c.dtype === 'int16',
        ),
      );
      const [out] = runOp(
        {
          op: 'TRANSPOSE_CONV',
          version: 4,
          inputs: [
            shapeSpec,
            {
              name: 'w',
              dtype: c.dtype === 'uint8' ? 'uint8' : 'int8',
              shape: [c.outC, c.fh, c.fw, C],
              data: w,
              quant: { scale: fScales, zeroPoint: fScales.map(() => fZp) },
            },
            { name: 'x', dtype: c.dtype, shape: c.inShape, quant: { scale: [inScale], zeroPoint: [inZp] } },
            c.bias
              ? {
                  name: 'b',
                  dtype: c.dtype === 'int16' ? 'int64' : 'int32',
                  shape: [c.outC],
                  data:
                    c.dtype === 'int16'
                      ? BigInt64Array.from(biasVals.map(BigInt))
                      : Int32Array.from(biasVals),
                }
              : null,
          ],
          outputs: [
            { name: 'y', dtype: c.dtype, shape: outShape, quant: { scale: [outScale], zeroPoint: [outZp] } },
          ],
          options: options(c),
        },
        [x],
      );
      expect(out!.shape).toEqual(outShape);
      expect(new Set(expected).size).toBeGreaterThan(4);
      expect(Array.from(out!.data as Int8Array)).toEqual(expected);
    });
  }

  it('float with a non-constant output shape (dynamic output sized in eval)', () => {
    const c = CASES[0]!;
    const next = rng(5);
    const x = randomFloats(next, 4 * 3 * 5);
    const w = randomFloats(next, 4 * 3 * 3 * 5);
    const model = buildModel([
      {
        op: 'TRANSPOSE_CONV',
        version: 3,
        inputs: [
          { name: 'shape', dtype: 'int32', shape: [4] },
          { name: 'w', dtype: 'float32', shape: [4, 3, 3, 5], data: w },
          { name: 'x', dtype: 'float32', shape: [1, 4, 3, 5] },
          null,
        ],
        outputs: [{ name: 'y', dtype: 'float32', shape: [1, 8, 6, 4] }],
        options: options(c),
      },
    ]);
    const [out] = runModel(model, [Int32Array.from([1, 8, 6, 4]), x]);
    const sums = scatterSums(
      c,
      (b, y, xx, ch) => x[((b * 4 + y) * 3 + xx) * 5 + ch]!,
      (oc, fy, fx, ic) => w[((oc * 3 + fy) * 3 + fx) * 5 + ic]!,
    );
    expect(out!.shape).toEqual([1, 8, 6, 4]);
    expect(maxRelError(out!.data as Float32Array, sums)).toBeLessThan(1e-5);
  });
});
