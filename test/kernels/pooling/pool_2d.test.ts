/**
 * AVERAGE_POOL_2D / MAX_POOL_2D / L2_POOL_2D against a naive oracle written from the op
 * definitions: float32 (float64 reference, relative 1e-5) and uint8 / int8 / int16 (TFLite's
 * rounded integer division written out, exact). Edge shapes: 1x1 spatial, odd sizes, SAME / VALID,
 * stride 2, windows cut by padding, global pools, every fused activation.
 */
import { describe, expect, it } from 'vitest';
import { floatAct, geometry, maxRelError, quantAct, randomFloats, randomInts, rng } from '../conv/oracle.js';
import { runOp } from '../conv/run_op.js';

type Kind = 'AVERAGE_POOL_2D' | 'MAX_POOL_2D' | 'L2_POOL_2D';

interface Case {
  name: string;
  op: Kind;
  dtype: 'float32' | 'uint8' | 'int8' | 'int16';
  inShape: [number, number, number, number];
  fh: number;
  fw: number;
  sh: number;
  sw: number;
  padding: 'SAME' | 'VALID';
  act: number;
  zp?: number;
  /** Quantization scale (defaults: 0.05, int16 0.0003); chosen so activation bounds fall inside the range. */
  scale?: number;
}

const CASES: Case[] = [
  {
    name: 'avg float 3x3 SAME stride 1 on odd 7x5',
    op: 'AVERAGE_POOL_2D',
    dtype: 'float32',
    inShape: [1, 7, 5, 3],
    fh: 3,
    fw: 3,
    sh: 1,
    sw: 1,
    padding: 'SAME',
    act: 0,
  },
  {
    name: 'avg float 2x2 VALID stride 2, batch 2, RELU6',
    op: 'AVERAGE_POOL_2D',
    dtype: 'float32',
    inShape: [2, 6, 7, 4],
    fh: 2,
    fw: 2,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 3,
  },
  {
    name: 'avg float global 33x33 (deeplabv3 form)',
    op: 'AVERAGE_POOL_2D',
    dtype: 'float32',
    inShape: [1, 33, 33, 5],
    fh: 33,
    fw: 33,
    sh: 33,
    sw: 33,
    padding: 'VALID',
    act: 0,
  },
  {
    name: 'avg float 1x1 spatial, 3x3 SAME',
    op: 'AVERAGE_POOL_2D',
    dtype: 'float32',
    inShape: [1, 1, 1, 6],
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 2,
  },
  {
    name: 'max float 3x3 SAME stride 2, RELU',
    op: 'MAX_POOL_2D',
    dtype: 'float32',
    inShape: [1, 9, 8, 3],
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 1,
  },
  {
    name: 'max float 2x3 VALID stride 1x2, RELU_N1_TO_1',
    op: 'MAX_POOL_2D',
    dtype: 'float32',
    inShape: [2, 5, 9, 2],
    fh: 2,
    fw: 3,
    sh: 1,
    sw: 2,
    padding: 'VALID',
    act: 2,
  },
  {
    name: 'l2 float 3x3 SAME stride 2',
    op: 'L2_POOL_2D',
    dtype: 'float32',
    inShape: [1, 7, 7, 4],
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 0,
  },
  {
    name: 'l2 float 2x2 VALID, RELU6',
    op: 'L2_POOL_2D',
    dtype: 'float32',
    inShape: [1, 4, 6, 3],
    fh: 2,
    fw: 2,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 3,
  },
  {
    name: 'avg uint8 7x7 VALID (mobilenet head)',
    op: 'AVERAGE_POOL_2D',
    dtype: 'uint8',
    inShape: [1, 7, 7, 8],
    fh: 7,
    fw: 7,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 0,
    zp: 0,
  },
  {
    name: 'avg uint8 3x3 SAME stride 2, RELU6, zp 128',
    op: 'AVERAGE_POOL_2D',
    dtype: 'uint8',
    inShape: [1, 7, 6, 3],
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 3,
    zp: 128,
  },
  {
    name: 'avg int8 SAME cut windows (negative sums round away)',
    op: 'AVERAGE_POOL_2D',
    dtype: 'int8',
    inShape: [1, 5, 5, 4],
    fh: 4,
    fw: 4,
    sh: 1,
    sw: 1,
    padding: 'SAME',
    act: 0,
    zp: -3,
  },
  {
    name: 'avg int8 25x5 VALID stride 25x5 (kws form), RELU',
    op: 'AVERAGE_POOL_2D',
    dtype: 'int8',
    inShape: [1, 25, 5, 6],
    fh: 25,
    fw: 5,
    sh: 25,
    sw: 5,
    padding: 'VALID',
    act: 1,
    zp: -20,
  },
  {
    name: 'avg int16 3x3 SAME',
    op: 'AVERAGE_POOL_2D',
    dtype: 'int16',
    inShape: [1, 6, 5, 2],
    fh: 3,
    fw: 3,
    sh: 1,
    sw: 1,
    padding: 'SAME',
    act: 0,
    zp: 0,
  },
  {
    name: 'max uint8 2x2 VALID stride 2',
    op: 'MAX_POOL_2D',
    dtype: 'uint8',
    inShape: [1, 6, 6, 3],
    fh: 2,
    fw: 2,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 0,
    zp: 10,
  },
  {
    name: 'max int8 3x3 VALID stride 2 (squeezenet form), RELU6',
    op: 'MAX_POOL_2D',
    dtype: 'int8',
    inShape: [1, 9, 9, 4],
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'VALID',
    act: 3,
    zp: -128,
    scale: 0.03,
  },
  {
    name: 'max int16 3x3 SAME stride 2, RELU_N1_TO_1',
    op: 'MAX_POOL_2D',
    dtype: 'int16',
    inShape: [1, 5, 7, 2],
    fh: 3,
    fw: 3,
    sh: 2,
    sw: 2,
    padding: 'SAME',
    act: 2,
    zp: 0,
    scale: 0.00005,
  },
];

const RANGE = { uint8: [0, 255], int8: [-128, 127], int16: [-32768, 32767] } as const;
const ARRAY = { uint8: Uint8Array, int8: Int8Array, int16: Int16Array } as const;

/** Returns the windows' in-image values per output element (NHWC order). */
function windows(c: Case, x: ArrayLike<number>): { shape: number[]; vals: number[][] } {
  const [B, H, W, C] = c.inShape;
  const g = geometry(c.padding, H, W, c.fh, c.fw, c.sh, c.sw);
  const vals: number[][] = [];
  for (let b = 0; b < B; b++)
    for (let oy = 0; oy < g.outH; oy++)
      for (let ox = 0; ox < g.outW; ox++)
        for (let ch = 0; ch < C; ch++) {
          const v: number[] = [];
          for (let fy = 0; fy < c.fh; fy++)
            for (let fx = 0; fx < c.fw; fx++) {
              const y = oy * c.sh - g.padH + fy;
              const xx = ox * c.sw - g.padW + fx;
              if (y >= 0 && y < H && xx >= 0 && xx < W) v.push(x[((b * H + y) * W + xx) * C + ch]!);
            }
          vals.push(v);
        }
  return { shape: [B, g.outH, g.outW, C], vals };
}

/** TFLite's integer average: round half away from zero using truncating division. */
function intAverage(v: number[]): number {
  const sum = v.reduce((a, b) => a + b, 0);
  const n = v.length;
  const half = Math.trunc(n / 2);
  return Math.trunc(sum > 0 ? (sum + half) / n : (sum - half) / n) | 0; // | 0: no -0
}

describe('2-D pools', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const next = rng(c.inShape.reduce((a, b) => a * b, c.fh * 7 + c.act));
      const n = c.inShape.reduce((a, b) => a * b, 1);
      const options = {
        padding: c.padding === 'SAME' ? 0 : 1,
        strideH: c.sh,
        strideW: c.sw,
        filterHeight: c.fh,
        filterWidth: c.fw,
        fusedActivationFunction: c.act,
      };
      if (c.dtype === 'float32') {
        const x = randomFloats(next, n, -4, 8);
        const { shape, vals } = windows(c, x);
        const expected = vals.map((v) => {
          const r =
            c.op === 'MAX_POOL_2D'
              ? Math.max(...v)
              : c.op === 'AVERAGE_POOL_2D'
                ? v.reduce((a, b) => a + b, 0) / v.length
                : Math.sqrt(v.reduce((a, b) => a + b * b, 0) / v.length);
          return floatAct(c.act, r);
        });
        const [out] = runOp(
          {
            op: c.op,
            inputs: [{ name: 'x', dtype: 'float32', shape: c.inShape }],
            outputs: [{ name: 'y', dtype: 'float32', shape }],
            options,
          },
          [x],
        );
        expect(out!.shape).toEqual(shape);
        expect(maxRelError(out!.data as Float32Array, expected)).toBeLessThan(1e-5);
        return;
      }
      const [qlo, qhi] = RANGE[c.dtype];
      const x = new ARRAY[c.dtype](randomInts(next, n, qlo, qhi));
      const scale = c.scale ?? (c.dtype === 'int16' ? 0.0003 : 0.05);
      const zp = c.zp ?? 0;
      const [lo, hi] = quantAct(c.act, qlo, qhi, scale, zp);
      const { shape, vals } = windows(c, x);
      const expected = vals.map((v) => {
        const r = c.op === 'MAX_POOL_2D' ? Math.max(...v) : intAverage(v);
        return Math.min(hi, Math.max(lo, r));
      });
      const quant = { scale: [scale], zeroPoint: [zp] };
      const [out] = runOp(
        {
          op: c.op,
          version: 2,
          inputs: [{ name: 'x', dtype: c.dtype, shape: c.inShape, quant }],
          outputs: [{ name: 'y', dtype: c.dtype, shape, quant }],
          options,
        },
        [x],
      );
      expect(out!.shape).toEqual(shape);
      expect(new Set(expected).size).toBeGreaterThan(Math.min(3, expected.length - 1));
      const got = Array.from(out!.data as Int8Array);
      expect(got).toEqual(expected);
    });
  }

  it('rejects quantized pooling whose output scale differs from the input', () => {
    expect(() =>
      runOp(
        {
          op: 'AVERAGE_POOL_2D',
          inputs: [
            { name: 'x', dtype: 'int8', shape: [1, 2, 2, 1], quant: { scale: [0.1], zeroPoint: [0] } },
          ],
          outputs: [
            { name: 'y', dtype: 'int8', shape: [1, 1, 1, 1], quant: { scale: [0.2], zeroPoint: [0] } },
          ],
          options: { padding: 1, strideH: 2, strideW: 2, filterHeight: 2, filterWidth: 2 },
        },
        [new Int8Array(4)],
      ),
    ).toThrow(/must be equal/);
  });

  it('rejects L2_POOL_2D on int8 (TFLite has float only)', () => {
    expect(() =>
      runOp(
        {
          op: 'L2_POOL_2D',
          inputs: [
            { name: 'x', dtype: 'int8', shape: [1, 2, 2, 1], quant: { scale: [0.1], zeroPoint: [0] } },
          ],
          outputs: [
            { name: 'y', dtype: 'int8', shape: [1, 1, 1, 1], quant: { scale: [0.1], zeroPoint: [0] } },
          ],
          options: { padding: 1, strideH: 2, strideW: 2, filterHeight: 2, filterWidth: 2 },
        },
        [new Int8Array(4)],
      ),
    ).toThrow(/int8/);
  });
});
