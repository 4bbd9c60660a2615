/**
 * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR against per-pixel oracles written from TFLite's
 * reference formulas (float32 arithmetic via Math.fround for float/uint8; the 10-bit fixed
 * point of ResizeBilinearInteger for int8/int16), on up- and down-sampling, 1x1, odd sizes,
 * align_corners and half_pixel_centers, constant and dynamic size inputs.
 */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/ir/dtype.js';
import { count, randomData, runOp, spec, toNumbers } from './op_harness.js';

const f = Math.fround;

/** Reference float bilinear (ResizeBilinear<T>) for one output element. */
function bilinearFloat(
  x: number[],
  [, h, w, c]: number[],
  [oh, ow]: [number, number],
  align: boolean,
  half: boolean,
  b: number,
  y: number,
  xx: number,
  ch: number,
  uint8: boolean,
): number {
  let hs = f(h! / oh);
  let ws = f(w! / ow);
  if (align && oh > 1) hs = f((h! - 1) / (oh - 1));
  if (align && ow > 1) ws = f((w! - 1) / (ow - 1));
  const src = (v: number, s: number) => (half ? f(f(f(v + 0.5) * s) - 0.5) : f(v * s));
  const iy = src(y, hs);
  const ix = src(xx, ws);
  const y0 = Math.max(Math.floor(iy), 0);
  const y1 = Math.min(Math.ceil(iy), h! - 1);
  const x0 = Math.max(Math.floor(ix), 0);
  const x1 = Math.min(Math.ceil(ix), w! - 1);
  const at = (yy: number, xv: number) => x[((b * h! + yy) * w! + xv) * c! + ch]!;
  const dy = f(iy - y0);
  const dx = f(ix - x0);
  const ndy = f(1 - dy);
  const ndx = f(1 - dx);
  let v = f(f(at(y0, x0) * ndy) * ndx);
  v = f(v + f(f(at(y1, x0) * dy) * ndx));
  v = f(v + f(f(at(y0, x1) * ndy) * dx));
  v = f(v + f(f(at(y1, x1) * dy) * dx));
  return uint8 ? Math.trunc(f(v + 0.5)) : v;
}

/** Reference integer bilinear (ResizeBilinearInteger) for one output element. */
function bilinearInteger(
  x: number[],
  [, h, w, c]: number[],
  [oh, ow]: [number, number],
  align: boolean,
  half: boolean,
  b: number,
  y: number,
  xx: number,
  ch: number,
): number {
  const div = (p: number, q: number) => Math.trunc(p / q);
  let hs = div(1024 * h! + div(oh, 2), oh);
  let ws = div(1024 * w! + div(ow, 2), ow);
  if (align && oh > 1) hs = div(1024 * (h! - 1) + div(oh - 1, 2), oh - 1);
  if (align && ow > 1) ws = div(1024 * (w! - 1) + div(ow - 1, 2), ow - 1);
  const src = (v: number, s: number) => (half ? v * s + div(s, 2) - 512 : v * s);
  const iy = src(y, hs);
  const ix = src(xx, ws);
  const y0 = Math.max(div(iy, 1024), 0);
  const y1 = Math.min(div(iy + 1023, 1024), h! - 1);
  const x0 = Math.max(div(ix, 1024), 0);
  const x1 = Math.min(div(ix + 1023, 1024), w! - 1);
  const at = (yy: number, xv: number) => BigInt(x[((b * h! + yy) * w! + xv) * c! + ch]!);
  const fy = BigInt(iy - 1024 * y0);
  const fx = BigInt(ix - 1024 * x0);
  const sum =
    at(y0, x0) * (1024n - fy) * (1024n - fx) +
    at(y1, x0) * fy * (1024n - fx) +
    at(y0, x1) * (1024n - fy) * fx +
    at(y1, x1) * fy * fx;
  const round = sum > 0n ? 1n << 19n : -(1n << 19n);
  return Number((sum + round) / (1n << 20n));
}

/** Reference nearest neighbour source index (GetNearestNeighbor). */
function nearest(i: number, inSize: number, outSize: number, align: boolean, half: boolean): number {
  const scale = align && outSize > 1 ? f((inSize - 1) / (outSize - 1)) : f(inSize / outSize);
  const s = f(f(i + (half ? 0.5 : 0)) * scale);
  let v = Math.min(align ? (s < 0 ? -Math.round(-s) : Math.round(s)) : Math.floor(s), inSize - 1);
  if (half) v = Math.max(0, v);
  return v;
}

const GEOMETRIES: { shape: number[]; size: [number, number] }[] = [
  { shape: [1, 2, 2, 1], size: [3, 3] },
  { shape: [1, 3, 5, 2], size: [7, 4] },
  { shape: [2, 4, 4, 3], size: [2, 2] },
  { shape: [1, 1, 1, 4], size: [3, 5] },
  { shape: [1, 6, 6, 5], size: [12, 12] },
  { shape: [1, 5, 3, 2], size: [1, 1] },
];
const MODES: [boolean, boolean][] = [
  [false, false],
  [true, false],
  [false, true],
];

describe('RESIZE_BILINEAR', () => {
  for (const dtype of ['float32', 'uint8', 'int8', 'int16'] as DType[]) {
    for (const [align, half] of MODES) {
      it(`${dtype} align_corners=${align} half_pixel_centers=${half}`, () => {
        GEOMETRIES.forEach(({ shape, size }, gi) => {
          const x = randomData(dtype, count(shape), gi + 1, -5, 5);
          const dynamic = gi % 2 === 1;
          const outShape = [shape[0]!, size[0], size[1], shape[3]!];
          const [out] = runOp(
            {
              op: 'RESIZE_BILINEAR',
              inputs: [
                spec('x', dtype, shape),
                dynamic
                  ? { name: 'size', dtype: 'int32', shape: [2] }
                  : { name: 'size', dtype: 'int32', shape: [2], data: Int32Array.from(size) },
              ],
              outputs: [spec('y', dtype, outShape)],
              options: { alignCorners: align, halfPixelCenters: half },
            },
            dynamic ? [x, Int32Array.from(size)] : [x],
          );
          const xs = toNumbers(x);
          const want: number[] = [];
          for (let b = 0; b < outShape[0]!; b++)
            for (let y = 0; y < size[0]; y++)
              for (let xx = 0; xx < size[1]; xx++)
                for (let ch = 0; ch < shape[3]!; ch++)
                  want.push(
                    dtype === 'int8' || dtype === 'int16'
                      ? bilinearInteger(xs, shape, size, align, half, b, y, xx, ch)
                      : bilinearFloat(xs, shape, size, align, half, b, y, xx, ch, dtype === 'uint8'),
                  );
          expect(out!.shape).toEqual(outShape);
          expect(toNumbers(out!.data), `[${shape}] -> [${size}]`).toEqual(want);
        });
      });
    }
  }

  it('rejects align_corners with half_pixel_centers', () => {
    expect(() =>
      runOp(
        {
          op: 'RESIZE_BILINEAR',
          inputs: [
            spec('x', 'float32', [1, 2, 2, 1]),
            { name: 's', dtype: 'int32', shape: [2], data: Int32Array.of(4, 4) },
          ],
          outputs: [spec('y', 'float32', [1, 4, 4, 1])],
          options: { alignCorners: true, halfPixelCenters: true },
        },
        [new Float32Array(4)],
      ),
    ).toThrow(/cannot both be true/);
  });
});

describe('RESIZE_NEAREST_NEIGHBOR', () => {
  for (const dtype of ['float32', 'uint8', 'int8', 'int16', 'int32', 'int64'] as DType[]) {
    it(`${dtype}, every mode`, () => {
      for (const [align, half] of [...MODES, [true, true] as [boolean, boolean]]) {
        GEOMETRIES.forEach(({ shape, size }, gi) => {
          const x = randomData(dtype, count(shape), gi + 7);
          const outShape = [shape[0]!, size[0], size[1], shape[3]!];
          const [out] = runOp(
            {
              op: 'RESIZE_NEAREST_NEIGHBOR',
              inputs: [
                spec('x', dtype, shape),
                { name: 'size', dtype: 'int32', shape: [2], data: Int32Array.from(size) },
              ],
              outputs: [spec('y', dtype, outShape)],
              options: { alignCorners: align, halfPixelCenters: half },
            },
            [x],
          );
          const xs = toNumbers(x);
          const want: number[] = [];
          const [, h, w, c] = shape as [number, number, number, number];
          for (let b = 0; b < shape[0]!; b++)
            for (let y = 0; y < size[0]; y++)
              for (let xx = 0; xx < size[1]; xx++) {
                const sy = nearest(y, h, size[0], align, half);
                const sx = nearest(xx, w, size[1], align, half);
                for (let ch = 0; ch < c; ch++) want.push(xs[((b * h + sy) * w + sx) * c + ch]!);
              }
          expect(toNumbers(out!.data), `[${shape}] -> [${size}] align ${align} half ${half}`).toEqual(want);
        });
      }
    });
  }
});
