/**
 * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR on NHWC tensors, as TFLite's reference kernels
 * (reference/resize_bilinear.h, resize_nearest_neighbor.h). Source coordinates and weights depend
 * only on the output row/column, so prepare tabulates them once per axis.
 *
 * Bilinear, float32 and uint8 (ResizeBilinear<T>), all in float32 arithmetic:
 *   scale = in / out, or (in - 1) / (out - 1) with align_corners
 *   src   = (i + 0.5) * scale - 0.5 with half_pixel_centers, else i * scale
 *   lo = max(floor(src), 0), hi = min(ceil(src), in - 1), f = src - lo
 *   out = v00*(1-fy)*(1-fx) + v10*fy*(1-fx) + v01*(1-fy)*fx + v11*fy*fx   (left to right)
 * uint8 adds 0.5 and truncates. Every float32 operation is reproduced with Math.fround, so the
 * float result is TFLite's reference result bit for bit (error bound: 0 against the reference,
 * about 4 ulp against exact bilinear interpolation).
 *
 * Bilinear, int8/int16 (ResizeBilinearInteger): the same in 10-bit fixed point,
 *   scale10 = (1024*in + out/2) / out, src10 = i*scale10 (+ scale10/2 - 512 with half pixels),
 *   lo = max(src10 / 1024, 0), hi = min((src10 + 1023) / 1024, in - 1)   (C division)
 *   out = (sum of v * wy * wx with 10-bit weights +- 2^19) / 2^20, rounded half away from zero.
 *
 * Nearest: src = min(floor((i + offset) * scale) (round() with align_corners), in - 1), clamped
 * at 0 with half_pixel_centers, offset 0.5 with half_pixel_centers.
 */
import {
  type Kernel,
  type KernelNode,
  expectDtype,
  expectRank,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { tfliteRound } from '../internal/rounding.js';
import { readIndexValues } from './index_values.js';
import { expectMovable, wordView } from './word_view.js';

const f32 = Math.fround;

/** Per-axis sampling table: lower/upper source index and the weight of each. */
interface AxisTable {
  readonly lo: Int32Array;
  readonly hi: Int32Array;
  /** Float weights (1 - f) and f, or 10-bit integer weights for the integer kernel. */
  readonly wLo: Float64Array;
  readonly wHi: Float64Array;
}

/** Float sampling table of one axis (ComputeInterpolationValues, float version). */
function floatAxis(inSize: number, outSize: number, align: boolean, half: boolean): AxisTable {
  let scale = f32(inSize / outSize);
  if (align && outSize > 1) scale = f32((inSize - 1) / (outSize - 1));
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const wLo = new Float64Array(outSize);
  const wHi = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = half ? f32(f32(f32(i + 0.5) * scale) - 0.5) : f32(i * scale);
    lo[i] = Math.max(Math.floor(src), 0);
    hi[i] = Math.min(Math.ceil(src), inSize - 1);
    const frac = f32(src - lo[i]!);
    wLo[i] = f32(1 - frac);
    wHi[i] = frac;
  }
  return { lo, hi, wLo, wHi };
}

/** 10-bit fixed-point sampling table of one axis (ComputeInterpolationValuesInteger). */
function integerAxis(inSize: number, outSize: number, align: boolean, half: boolean): AxisTable {
  let scale10 = Math.trunc((1024 * inSize + Math.trunc(outSize / 2)) / outSize);
  if (align && outSize > 1) {
    scale10 = Math.trunc((1024 * (inSize - 1) + Math.trunc((outSize - 1) / 2)) / (outSize - 1));
  }
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  const wLo = new Float64Array(outSize);
  const wHi = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const src = half ? i * scale10 + Math.trunc(scale10 / 2) - 512 : i * scale10;
    lo[i] = Math.max(Math.trunc(src / 1024), 0);
    hi[i] = Math.min(Math.trunc((src + 1023) / 1024), inSize - 1);
    const frac = src - 1024 * lo[i]!;
    wLo[i] = 1024 - frac;
    wHi[i] = frac;
  }
  return { lo, hi, wLo, wHi };
}

/** Nearest-neighbour source index of each output coordinate of one axis (GetNearestNeighbor). */
function nearestAxis(inSize: number, outSize: number, align: boolean, half: boolean): Int32Array {
  const scale = align && outSize > 1 ? f32((inSize - 1) / (outSize - 1)) : f32(inSize / outSize);
  const offset = half ? 0.5 : 0;
  const m = new Int32Array(outSize);
  for (let i = 0; i < outSize; i++) {
    const s = f32(f32(i + offset) * scale);
    let v = Math.min(align ? tfliteRound(s) : Math.floor(s), inSize - 1);
    if (half) v = Math.max(0, v);
    m[i] = v;
  }
  return m;
}

interface ResizeGeometry {
  readonly shape: number[];
  readonly align: boolean;
  readonly half: boolean;
}

/** Reads the size input and options; returns the output shape. Throws ShapeError on a bad size. */
function geometry(node: KernelNode, align: boolean, half: boolean): ResizeGeometry {
  const x = input(node, 0);
  const size = readIndexValues(node, input(node, 1), 'size');
  if (size.length !== 2 || size[0]! <= 0 || size[1]! <= 0) {
    throw shapeError(node, `size must hold two positive values [height, width], has [${size}]`);
  }
  return { shape: [x.shape[0]!, size[0]!, size[1]!, x.shape[3]!], align, half };
}

interface BilinearData {
  tables: { y: AxisTable; x: AxisTable; shape: number[] } | null;
  readonly align: boolean;
  readonly half: boolean;
}

function bilinearTables(
  node: KernelNode,
  g: ResizeGeometry,
): { y: AxisTable; x: AxisTable; shape: number[] } {
  const x = input(node, 0);
  const axis = x.dtype === 'int8' || x.dtype === 'int16' ? integerAxis : floatAxis;
  return {
    y: axis(x.shape[1]!, g.shape[1]!, g.align, g.half),
    x: axis(x.shape[2]!, g.shape[2]!, g.align, g.half),
    shape: g.shape,
  };
}

/** RESIZE_BILINEAR: inputs (input [N,H,W,C], size [2]); float32, uint8, int8, int16. */
export const resizeBilinearKernel: Kernel<BilinearData> = {
  op: 'RESIZE_BILINEAR',
  prepare(node, ctx) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectRank(node, x, 4, 'input');
    expectDtype(node, x, ['float32', 'uint8', 'int8', 'int16'], 'input');
    if (y.dtype !== x.dtype)
      throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
    const o = optionsOf(node, 'ResizeBilinearOptions');
    if (o.alignCorners && o.halfPixelCenters) {
      throw shapeError(node, 'align_corners and half_pixel_centers cannot both be true');
    }
    const data: BilinearData = { tables: null, align: o.alignCorners, half: o.halfPixelCenters };
    if (!input(node, 1).isConst) {
      ctx.markDynamic(y);
      return data;
    }
    data.tables = bilinearTables(node, geometry(node, data.align, data.half));
    y.shape = data.tables.shape;
    return data;
  },
  eval(node, data, ctx) {
    const xt = input(node, 0);
    const yt = output(node, 0);
    let t = data.tables;
    if (!t) {
      t = bilinearTables(node, geometry(node, data.align, data.half));
      ctx.resizeOutput(yt, t.shape);
    }
    const [batches, inH, inW, depth] = xt.shape as [number, number, number, number];
    const outH = t.shape[1]!;
    const outW = t.shape[2]!;
    const src = xt.data as Float32Array | Uint8Array | Int8Array | Int16Array;
    const dst = yt.data as Float32Array | Uint8Array | Int8Array | Int16Array;
    const rowStride = inW * depth;
    const integer = xt.dtype === 'int8' || xt.dtype === 'int16';
    const uint8 = xt.dtype === 'uint8';
    let d = 0;
    for (let b = 0; b < batches; b++) {
      const base = b * inH * rowStride;
      for (let oy = 0; oy < outH; oy++) {
        const r0 = base + t.y.lo[oy]! * rowStride;
        const r1 = base + t.y.hi[oy]! * rowStride;
        const wy0 = t.y.wLo[oy]!;
        const wy1 = t.y.wHi[oy]!;
        for (let ox = 0; ox < outW; ox++) {
          const c0 = t.x.lo[ox]! * depth;
          const c1 = t.x.hi[ox]! * depth;
          const wx0 = t.x.wLo[ox]!;
          const wx1 = t.x.wHi[ox]!;
          const p00 = r0 + c0;
          const p10 = r1 + c0;
          const p01 = r0 + c1;
          const p11 = r1 + c1;
          if (integer) {
            // Exact in doubles: |sum| < 2^15 * 2^20 * 4.
            const w00 = wy0 * wx0;
            const w10 = wy1 * wx0;
            const w01 = wy0 * wx1;
            const w11 = wy1 * wx1;
            for (let c = 0; c < depth; c++) {
              const acc =
                src[p00 + c]! * w00 + src[p10 + c]! * w10 + src[p01 + c]! * w01 + src[p11 + c]! * w11;
              // (acc +- 2^19) / 2^20 truncated = acc / 2^20 rounded half away from zero. Without
              // a sign branch (random signs mispredict): floor(t + 0.5), negative ties moved down.
              const t = acc * 9.5367431640625e-7 + 0.5; // acc / 2^20 + 0.5, exact
              let q = Math.floor(t);
              if (q === t && acc < 0) q -= 1;
              dst[d++] = q;
            }
          } else {
            for (let c = 0; c < depth; c++) {
              const v = f32(
                f32(
                  f32(f32(f32(src[p00 + c]! * wy0) * wx0) + f32(f32(src[p10 + c]! * wy1) * wx0)) +
                    f32(f32(src[p01 + c]! * wy0) * wx1),
                ) + f32(f32(src[p11 + c]! * wy1) * wx1),
              );
              if (uint8) {
                const q = Math.trunc(f32(v + 0.5));
                dst[d++] = q < 0 ? 0 : q > 255 ? 255 : q;
              } else {
                dst[d++] = v;
              }
            }
          }
        }
      }
    }
  },
};

interface NearestData {
  maps: { y: Int32Array; x: Int32Array; shape: number[] } | null;
  readonly align: boolean;
  readonly half: boolean;
}

function nearestMaps(node: KernelNode, g: ResizeGeometry): { y: Int32Array; x: Int32Array; shape: number[] } {
  const x = input(node, 0);
  return {
    y: nearestAxis(x.shape[1]!, g.shape[1]!, g.align, g.half),
    x: nearestAxis(x.shape[2]!, g.shape[2]!, g.align, g.half),
    shape: g.shape,
  };
}

/** RESIZE_NEAREST_NEIGHBOR: inputs (input [N,H,W,C], size [2]); any movable dtype. */
export const resizeNearestNeighborKernel: Kernel<NearestData> = {
  op: 'RESIZE_NEAREST_NEIGHBOR',
  prepare(node, ctx) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectRank(node, x, 4, 'input');
    expectMovable(node, x, 'input');
    if (y.dtype !== x.dtype)
      throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
    const o = optionsOf(node, 'ResizeNearestNeighborOptions');
    const data: NearestData = { maps: null, align: o.alignCorners, half: o.halfPixelCenters };
    if (!input(node, 1).isConst) {
      ctx.markDynamic(y);
      return data;
    }
    data.maps = nearestMaps(node, geometry(node, data.align, data.half));
    y.shape = data.maps.shape;
    return data;
  },
  eval(node, data, ctx) {
    const xt = input(node, 0);
    const yt = output(node, 0);
    let m = data.maps;
    if (!m) {
      m = nearestMaps(node, geometry(node, data.align, data.half));
      ctx.resizeOutput(yt, m.shape);
    }
    const w = expectMovable(node, xt, 'input');
    const [batches, inH, inW, depth] = xt.shape as [number, number, number, number];
    const src = wordView(xt);
    const dst = wordView(yt);
    const block = depth * w;
    const rowStride = inW * block;
    let d = 0;
    for (let b = 0; b < batches; b++) {
      const base = b * inH * rowStride;
      for (let oy = 0; oy < m.y.length; oy++) {
        const row = base + m.y[oy]! * rowStride;
        for (let ox = 0; ox < m.x.length; ox++) {
          const s = row + m.x[ox]! * block;
          for (let j = 0; j < block; j++) dst[d++] = src[s + j]!;
        }
      }
    }
  },
};
