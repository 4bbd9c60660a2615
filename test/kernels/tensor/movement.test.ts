/**
 * Data-movement kernels against naive index-mapping oracles written here (each output element's
 * source index computed from the op's definition), at edge shapes (rank 0..6, size-0 and size-1
 * dims, negative axes) and for every movable dtype (float32, int8, uint8, int16, int32, int64,
 * bool). Constant and non-constant (dynamic-shape) index inputs are both covered.
 */
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import {
  MOVE_DTYPES,
  type OpCase,
  arrayOf,
  count,
  forEachIndex,
  i32,
  randomData,
  runOp,
  spec,
  strides,
  toNumbers,
} from './op_harness.js';

/** Expected output from a source-index map: out[idx] = input[src(idx)], NaN where src is -1 (padding). */
function mapOracle(
  outShape: readonly number[],
  input: readonly number[],
  src: (idx: number[]) => number,
): number[] {
  const out: number[] = [];
  forEachIndex(outShape, (idx) => {
    const s = src(idx);
    out.push(s < 0 ? NaN : input[s]!);
  });
  return out;
}

const flat = (shape: readonly number[], idx: readonly number[]) => {
  const st = strides(shape);
  return idx.reduce((a, v, k) => a + v * st[k]!, 0);
};

interface Case {
  name: string;
  /**
   * Builds the op for a dtype. Data inputs are named x, x0, x1, ...: they take consecutive chunks
   * of the random array `x` (constant ones have their chunk baked in).
   */
  op: (dtype: DType, x: TypedArray) => OpCase;
  /** Shape of the random array (the data inputs' chunks laid end to end). */
  inShape: number[];
  /** Values of non-constant index inputs, by tensor name (e.g. a dynamic axis). */
  extraFeeds?: Record<string, TypedArray>;
  expected: (x: number[]) => { shape: number[]; values: number[] }[];
}

function unary(
  op: string,
  inShape: number[],
  others: TensorSpec[],
  outShape: number[],
  options?: Record<string, unknown>,
) {
  return (dtype: DType): OpCase => ({
    op,
    inputs: [spec('x', dtype, inShape), ...others],
    outputs: [spec('y', dtype, outShape)],
    ...(options ? { options } : {}),
  });
}

// ---------------------------------------------------------------- TRANSPOSE
function transposeCase(shape: number[], perm: number[], dynamicPerm = false): Case {
  const outShape = perm.map((p) => shape[p]!);
  const permT: TensorSpec = dynamicPerm
    ? { name: 'perm', dtype: 'int32', shape: [perm.length] }
    : i32('perm', perm);
  return {
    name: `TRANSPOSE [${shape}] perm [${perm}]${dynamicPerm ? ' (dynamic perm)' : ''}`,
    op: unary('TRANSPOSE', shape, [permT], outShape),
    inShape: shape,
    ...(dynamicPerm ? { extraFeeds: { perm: Int32Array.from(perm) } } : {}),
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) => {
          const inIdx = new Array<number>(shape.length);
          perm.forEach((p, k) => (inIdx[p] = idx[k]!));
          return flat(shape, inIdx);
        }),
      },
    ],
  };
}

// ---------------------------------------------------------------- CONCATENATION
function concatCase(shapes: number[][], axis: number): Case {
  const rank = shapes[0]!.length;
  const a = axis < 0 ? axis + rank : axis;
  const outShape = [...shapes[0]!];
  outShape[a] = shapes.reduce((s, sh) => s + sh[a]!, 0);
  // All inputs are fed from one random array, split in order.
  const sizes = shapes.map(count);
  return {
    name: `CONCATENATION ${shapes.map((s) => `[${s}]`).join(' ')} axis ${axis}`,
    op: (dtype, x) => {
      let off = 0;
      const inputs = shapes.map((s, i) => {
        const part = x.slice(off, off + sizes[i]!);
        off += sizes[i]!;
        return spec(`x${i}`, dtype, s, i === 1 ? part : undefined);
      });
      return { op: 'CONCATENATION', inputs, outputs: [spec('y', dtype, outShape)], options: { axis } };
    },
    inShape: [sizes.reduce((p, q) => p + q, 0)],
    expected: (x) => {
      const starts: number[] = [];
      sizes.reduce((p, q) => (starts.push(p), p + q), 0);
      return [
        {
          shape: outShape,
          values: mapOracle(outShape, x, (idx) => {
            let j = idx[a]!;
            let i = 0;
            while (j >= shapes[i]![a]!) j -= shapes[i++]![a]!;
            const local = [...idx];
            local[a] = j;
            return starts[i]! + flat(shapes[i]!, local);
          }),
        },
      ];
    },
  };
}

// ---------------------------------------------------------------- PACK / UNPACK
function packCase(shape: number[], n: number, axis: number): Case {
  const size = count(shape);
  const a = axis < 0 ? axis + shape.length + 1 : axis;
  const outShape = [...shape];
  outShape.splice(a, 0, n);
  return {
    name: `PACK ${n} x [${shape}] axis ${axis}`,
    op: (dtype, x) => ({
      op: 'PACK',
      inputs: Array.from({ length: n }, (_, i) =>
        spec(`x${i}`, dtype, shape, i === 0 ? undefined : x.slice(i * size, (i + 1) * size)),
      ),
      outputs: [spec('y', dtype, outShape)],
      options: { valuesCount: n, axis },
    }),
    inShape: [n * size],
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) => {
          const i = idx[a]!;
          const local = idx.filter((_, k) => k !== a);
          return i * size + flat(shape, local);
        }),
      },
    ],
  };
}

function unpackCase(shape: number[], axis: number): Case {
  const a = axis < 0 ? axis + shape.length : axis;
  const n = shape[a]!;
  const outShape = shape.filter((_, k) => k !== a);
  return {
    name: `UNPACK [${shape}] axis ${axis}`,
    op: (dtype) => ({
      op: 'UNPACK',
      inputs: [spec('x', dtype, shape)],
      outputs: Array.from({ length: n }, (_, i) => spec(`y${i}`, dtype, outShape)),
      options: { num: n, axis },
    }),
    inShape: shape,
    expected: (x) =>
      Array.from({ length: n }, (_, i) => ({
        shape: outShape,
        values: mapOracle(outShape, x, (idx) => {
          const full = [...idx];
          full.splice(a, 0, i);
          return flat(shape, full);
        }),
      })),
  };
}

// ---------------------------------------------------------------- SPLIT / SPLIT_V
function splitCase(shape: number[], axis: number, sizes: number[], v: boolean, dynamicAxis = false): Case {
  const a = axis < 0 ? axis + shape.length : axis;
  const resolved = [...sizes];
  const u = resolved.indexOf(-1);
  if (u >= 0) resolved[u] = shape[a]! - resolved.reduce((p, q, i) => (i === u ? p : p + q), 0);
  const axisT: TensorSpec = dynamicAxis
    ? { name: 'axis', dtype: 'int32', shape: [] }
    : i32('axis', [axis], []);
  return {
    name: `${v ? 'SPLIT_V' : 'SPLIT'} [${shape}] axis ${axis} sizes [${sizes}]${dynamicAxis ? ' (dynamic axis)' : ''}`,
    op: (dtype) => ({
      op: v ? 'SPLIT_V' : 'SPLIT',
      inputs: v ? [spec('x', dtype, shape), i32('sizes', sizes), axisT] : [axisT, spec('x', dtype, shape)],
      outputs: resolved.map((s, i) => {
        const o = [...shape];
        o[a] = s;
        return spec(`y${i}`, dtype, o);
      }),
      options: { numSplits: sizes.length },
    }),
    inShape: shape,
    ...(dynamicAxis ? { extraFeeds: { axis: Int32Array.of(axis) } } : {}),
    expected: (x) => {
      let start = 0;
      return resolved.map((s) => {
        const o = [...shape];
        o[a] = s;
        const st = start;
        start += s;
        return {
          shape: o,
          values: mapOracle(o, x, (idx) => {
            const full = [...idx];
            full[a] = full[a]! + st;
            return flat(shape, full);
          }),
        };
      });
    },
  };
}

// ---------------------------------------------------------------- SLICE
function sliceCase(shape: number[], begin: number[], size: number[], dynamic = false): Case {
  const outShape = size.map((s, i) => (s === -1 ? shape[i]! - begin[i]! : s));
  const b: TensorSpec = dynamic
    ? { name: 'begin', dtype: 'int32', shape: [begin.length] }
    : i32('begin', begin);
  return {
    name: `SLICE [${shape}] begin [${begin}] size [${size}]${dynamic ? ' (dynamic begin)' : ''}`,
    op: unary(
      'SLICE',
      shape,
      [b, { name: 'size', dtype: 'int64', shape: [size.length], data: BigInt64Array.from(size.map(BigInt)) }],
      outShape,
    ),
    inShape: shape,
    ...(dynamic ? { extraFeeds: { begin: Int32Array.from(begin) } } : {}),
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) =>
          flat(
            shape,
            idx.map((v, k) => v + begin[k]!),
          ),
        ),
      },
    ],
  };
}

// ---------------------------------------------------------------- TILE / BROADCAST_TO
function tileCase(shape: number[], multiples: number[]): Case {
  const outShape = shape.map((d, i) => d * multiples[i]!);
  return {
    name: `TILE [${shape}] x [${multiples}]`,
    op: unary('TILE', shape, [i32('multiples', multiples)], outShape),
    inShape: shape,
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) =>
          flat(
            shape,
            idx.map((v, k) => v % shape[k]!),
          ),
        ),
      },
    ],
  };
}

function broadcastCase(shape: number[], target: number[]): Case {
  return {
    name: `BROADCAST_TO [${shape}] -> [${target}]`,
    op: unary('BROADCAST_TO', shape, [i32('shape', target)], target),
    inShape: shape,
    expected: (x) => [
      {
        shape: target,
        values: mapOracle(target, x, (idx) => {
          const local = idx.slice(target.length - shape.length).map((v, k) => (shape[k] === 1 ? 0 : v));
          return flat(shape, local);
        }),
      },
    ],
  };
}

// ---------------------------------------------------------------- GATHER / GATHER_ND
function gatherCase(
  shape: number[],
  axis: number,
  indices: number[],
  indShape: number[],
  batchDims = 0,
  wide = false,
): Case {
  const a = axis < 0 ? axis + shape.length : axis;
  const outShape = [...shape.slice(0, a), ...indShape.slice(batchDims), ...shape.slice(a + 1)];
  const idxT: TensorSpec = wide
    ? { name: 'idx', dtype: 'int64', shape: indShape, data: BigInt64Array.from(indices.map(BigInt)) }
    : i32('idx', indices, indShape);
  return {
    name: `GATHER [${shape}] axis ${axis} batch_dims ${batchDims} indices [${indShape}]${wide ? ' int64' : ''}`,
    op: unary('GATHER', shape, [idxT], outShape, { axis, batchDims }),
    inShape: shape,
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) => {
          const batch = idx.slice(0, batchDims);
          const outer = idx.slice(batchDims, a);
          const coords = idx.slice(a, a + indShape.length - batchDims);
          const inner = idx.slice(a + indShape.length - batchDims);
          const i = indices[flat(indShape, [...batch, ...coords])]!;
          return flat(shape, [...batch, ...outer, i, ...inner]);
        }),
      },
    ],
  };
}

function gatherNdCase(shape: number[], indices: number[], indShape: number[]): Case {
  const depth = indShape[indShape.length - 1]!;
  const outShape = [...indShape.slice(0, -1), ...shape.slice(depth)];
  return {
    name: `GATHER_ND [${shape}] indices [${indShape}]`,
    op: unary('GATHER_ND', shape, [i32('idx', indices, indShape)], outShape),
    inShape: shape,
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) => {
          const lead = idx.slice(0, indShape.length - 1);
          const base = flat(indShape.slice(0, -1), lead) * depth;
          const coords = indices.slice(base, base + depth);
          return flat(shape, [...coords, ...idx.slice(indShape.length - 1)]);
        }),
      },
    ],
  };
}

// ---------------------------------------------------------------- PAD / MIRROR_PAD
function padCase(
  shape: number[],
  pads: [number, number][],
  op: 'PAD' | 'PADV2' | 'MIRROR_PAD',
  mode = 0,
): Case {
  const outShape = shape.map((d, k) => d + pads[k]![0] + pads[k]![1]);
  const padT = i32('pads', pads.flat(), [shape.length, 2]);
  return {
    name: `${op}${op === 'MIRROR_PAD' ? (mode ? ' SYMMETRIC' : ' REFLECT') : ''} [${shape}] pads ${JSON.stringify(pads)}`,
    op: (dtype) => {
      const c = arrayOf(dtype, [dtype === 'bool' ? 1 : dtype === 'uint8' ? 200 : 7]);
      const others: TensorSpec[] = [padT];
      if (op === 'PADV2') others.push(spec('c', dtype, [], c));
      return {
        op,
        inputs: [spec('x', dtype, shape), ...others],
        outputs: [spec('y', dtype, outShape)],
        ...(op === 'MIRROR_PAD' ? { options: { mode } } : {}),
      };
    },
    inShape: shape,
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) => {
          const local = idx.map((v, k) => {
            let i = v - pads[k]![0];
            const size = shape[k]!;
            if (op !== 'MIRROR_PAD') return i >= 0 && i < size ? i : -1;
            if (i < 0) i = mode ? -i - 1 : -i;
            else if (i >= size) i = mode ? 2 * size - 1 - i : 2 * size - 2 - i;
            return i;
          });
          return local.some((v) => v < 0) ? -1 : flat(shape, local);
        }),
      },
    ],
  };
}

/** PAD's expected fill: the quantized zero point (uint8 always, int8/int16 when quantized), PADV2's constant, else 0. */
function padFill(op: string, dtype: DType): number {
  if (op === 'PADV2') return dtype === 'bool' ? 1 : dtype === 'uint8' ? 200 : 7;
  return dtype === 'int8' ? 3 : dtype === 'uint8' ? 128 : 0;
}

// ---------------------------------------------------------------- SPACE/DEPTH, SPACE/BATCH
function depthCase(op: 'SPACE_TO_DEPTH' | 'DEPTH_TO_SPACE', shape: number[], b: number): Case {
  const [n, h, w, c] = shape as [number, number, number, number];
  const outShape = op === 'SPACE_TO_DEPTH' ? [n, h / b, w / b, c * b * b] : [n, h * b, w * b, c / (b * b)];
  return {
    name: `${op} [${shape}] block ${b}`,
    op: unary(op, shape, [], outShape, { blockSize: b }),
    inShape: shape,
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, ([nn, y, xx, ch]) => {
          if (op === 'SPACE_TO_DEPTH') {
            const dy = Math.floor(ch! / (b * c));
            const dx = Math.floor(ch! / c) % b;
            return flat(shape, [nn!, y! * b + dy, xx! * b + dx, ch! % c]);
          }
          const oc = c / (b * b);
          return flat(shape, [
            nn!,
            Math.floor(y! / b),
            Math.floor(xx! / b),
            ((y! % b) * b + (xx! % b)) * oc + ch!,
          ]);
        }),
      },
    ],
  };
}

function spaceBatchCase(
  op: 'SPACE_TO_BATCH_ND' | 'BATCH_TO_SPACE_ND',
  shape: number[],
  block: number[],
  pads: [number, number][],
): Case {
  const m = block.length;
  const total = block.reduce((p, q) => p * q, 1);
  const toBatch = op === 'SPACE_TO_BATCH_ND';
  const spatial = shape.slice(1, 1 + m);
  const outSpatial = spatial.map((d, k) =>
    toBatch ? (d + pads[k]![0] + pads[k]![1]) / block[k]! : d * block[k]! - pads[k]![0] - pads[k]![1],
  );
  const outShape = [toBatch ? shape[0]! * total : shape[0]! / total, ...outSpatial, ...shape.slice(1 + m)];
  return {
    name: `${op} [${shape}] block [${block}] ${toBatch ? 'pads' : 'crops'} ${JSON.stringify(pads)}`,
    op: unary(op, shape, [i32('block', block), i32('pads', pads.flat(), [m, 2])], outShape),
    inShape: shape,
    expected: (x) => [
      {
        shape: outShape,
        values: mapOracle(outShape, x, (idx) => {
          const batch = toBatch ? shape[0]! : outShape[0]!;
          if (toBatch) {
            const bi = idx[0]! % batch;
            let rest = Math.floor(idx[0]! / batch);
            const off = new Array<number>(m);
            for (let k = m - 1; k >= 0; k--) {
              off[k] = rest % block[k]!;
              rest = Math.floor(rest / block[k]!);
            }
            const sp = off.map((o, k) => idx[1 + k]! * block[k]! + o - pads[k]![0]);
            if (sp.some((v, k) => v < 0 || v >= spatial[k]!)) return -1;
            return flat(shape, [bi, ...sp, ...idx.slice(1 + m)]);
          }
          const sp = idx.slice(1, 1 + m).map((v, k) => v + pads[k]![0]);
          const offIndex = sp.reduce((acc, v, k) => acc * block[k]! + (v % block[k]!), 0);
          const inSp = sp.map((v, k) => Math.floor(v / block[k]!));
          return flat(shape, [offIndex * batch + idx[0]!, ...inSp, ...idx.slice(1 + m)]);
        }),
      },
    ],
  };
}

const CASES: Case[] = [
  transposeCase([], []),
  transposeCase([7], [0]),
  transposeCase([3, 5], [1, 0]),
  transposeCase([1, 3, 9, 5], [0, 2, 3, 1]),
  transposeCase([1, 9, 5, 3], [0, 3, 1, 2]),
  transposeCase([2, 3, 4, 5, 3], [4, 2, 0, 3, 1]),
  transposeCase([2, 1, 3, 2, 2, 3], [5, 4, 3, 2, 1, 0]),
  transposeCase([40, 37], [1, 0]),
  transposeCase([2, 0, 3], [2, 0, 1]),
  transposeCase([2, 3, 4], [1, 2, 0], true),
  concatCase([[4], [3], [1]], 0),
  concatCase(
    [
      [2, 3],
      [2, 1],
    ],
    -1,
  ),
  concatCase(
    [
      [2, 3, 2],
      [1, 3, 2],
    ],
    0,
  ),
  concatCase(
    [
      [1, 2, 3, 4],
      [1, 2, 5, 4],
      [1, 2, 0, 4],
    ],
    2,
  ),
  packCase([], 3, 0),
  packCase([2, 3], 2, 0),
  packCase([2, 3], 4, -1),
  packCase([2, 3, 4], 2, 2),
  unpackCase([3], 0),
  unpackCase([2, 3, 4], 1),
  unpackCase([2, 3, 4], -1),
  splitCase([6], 0, [2, 2, 2], false),
  splitCase([2, 6, 3], 1, [3, 3], false),
  splitCase([2, 6, 3], -1, [1, 1, 1], false, true),
  splitCase([2, 7, 3], 1, [2, -1, 4], true),
  splitCase([5, 4], 0, [0, 5], true),
  sliceCase([6], [1], [4]),
  sliceCase([3, 4, 5], [1, 0, 2], [2, -1, 3]),
  sliceCase([3, 4, 5], [0, 2, 0], [3, 0, 5]),
  sliceCase([2, 3, 4, 5, 6, 2], [1, 1, 1, 1, 1, 0], [1, 2, 2, 3, 4, -1]),
  sliceCase([4, 5], [2, 1], [2, 3], true),
  tileCase([], []),
  tileCase([3], [4]),
  tileCase([2, 3], [3, 1]),
  tileCase([2, 1, 3], [1, 5, 2]),
  tileCase([2, 3], [0, 2]),
  broadcastCase([], [2, 3]),
  broadcastCase([3], [2, 3]),
  broadcastCase([2, 1, 3], [4, 2, 5, 3]),
  broadcastCase([1, 1], [1, 1]),
  gatherCase([5], 0, [4, 0, 2], [3]),
  gatherCase([4, 3], 0, [3], []),
  gatherCase([4, 3, 2], 1, [2, 0, 1, 1], [2, 2]),
  gatherCase([4, 3, 2], -1, [1, 0, 1], [3], 0, true),
  gatherCase([2, 3, 4], 1, [2, 0, 1, 1], [2, 2], 1),
  gatherCase([2, 3, 4], 2, [3, 0, 1, 2, 2, 2], [2, 3], 1),
  gatherNdCase([3, 4], [2, 1, 0, 3], [2, 2]),
  gatherNdCase([3, 4, 2], [2, 0, 1], [3, 1]),
  gatherNdCase([2, 3, 4], [1, 2, 3, 0, 0, 0], [2, 3]),
  gatherNdCase([1, 4, 4, 3], [0, 1, 2, 0, 3, 3], [2, 3]),
  padCase([3], [[1, 2]], 'PAD'),
  padCase(
    [2, 3],
    [
      [0, 1],
      [2, 0],
    ],
    'PAD',
  ),
  padCase(
    [1, 3, 3, 2],
    [
      [0, 0],
      [1, 1],
      [1, 2],
      [0, 0],
    ],
    'PAD',
  ),
  padCase(
    [2, 2, 1, 2, 2],
    [
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
      [1, 0],
    ],
    'PADV2',
  ),
  padCase(
    [2, 3],
    [
      [0, 0],
      [0, 0],
    ],
    'PADV2',
  ),
  padCase([4], [[3, 3]], 'MIRROR_PAD', 0),
  padCase([4], [[4, 4]], 'MIRROR_PAD', 1),
  padCase(
    [2, 3, 4],
    [
      [1, 1],
      [2, 2],
      [0, 3],
    ],
    'MIRROR_PAD',
    0,
  ),
  padCase(
    [2, 3, 4],
    [
      [2, 0],
      [3, 1],
      [1, 4],
    ],
    'MIRROR_PAD',
    1,
  ),
  depthCase('SPACE_TO_DEPTH', [2, 4, 6, 3], 2),
  depthCase('SPACE_TO_DEPTH', [1, 3, 3, 1], 3),
  depthCase('DEPTH_TO_SPACE', [2, 2, 3, 8], 2),
  depthCase('DEPTH_TO_SPACE', [1, 1, 1, 9], 3),
  spaceBatchCase(
    'SPACE_TO_BATCH_ND',
    [1, 4, 4, 2],
    [2, 2],
    [
      [0, 0],
      [0, 0],
    ],
  ),
  spaceBatchCase(
    'SPACE_TO_BATCH_ND',
    [2, 3, 5, 3],
    [2, 3],
    [
      [1, 0],
      [2, 2],
    ],
  ),
  spaceBatchCase('SPACE_TO_BATCH_ND', [2, 5, 2], [3], [[1, 3]]),
  spaceBatchCase(
    'BATCH_TO_SPACE_ND',
    [4, 2, 2, 3],
    [2, 2],
    [
      [0, 0],
      [0, 0],
    ],
  ),
  spaceBatchCase(
    'BATCH_TO_SPACE_ND',
    [12, 2, 3, 3],
    [2, 3],
    [
      [1, 0],
      [2, 2],
    ],
  ),
  spaceBatchCase('BATCH_TO_SPACE_ND', [6, 3, 2], [3], [[1, 3]]),
];

/** The expected fill of padded positions per op and dtype. */
function fillFor(name: string, dtype: DType): number {
  if (name.startsWith('PADV2')) return padFill('PADV2', dtype);
  if (name.startsWith('PAD')) return padFill('PAD', dtype);
  if (name.startsWith('SPACE_TO_BATCH')) return dtype === 'int8' ? 3 : dtype === 'uint8' ? 128 : 0;
  return 0;
}

/** Model feeds for an op: chunks of x for non-constant data inputs, extraFeeds for the others. */
function feedsFor(opCase: OpCase, x: TypedArray, extra: Record<string, TypedArray> = {}): TypedArray[] {
  let off = 0;
  const feeds: TypedArray[] = [];
  for (const s of opCase.inputs) {
    if (!s) continue;
    const n = count(s.shape);
    if (/^x\d*$/.test(s.name)) {
      if (!s.data) feeds.push(x.slice(off, off + n));
      off += n;
    } else if (!s.data) {
      feeds.push(extra[s.name]!);
    }
  }
  return feeds;
}

describe('data movement kernels vs index-mapping oracles', () => {
  for (const c of CASES) {
    it(c.name, () => {
      MOVE_DTYPES.forEach((dtype, di) => {
        const x = randomData(dtype, count(c.inShape), 100 + di);
        const opCase = c.op(dtype, x);
        const got = runOp(opCase, feedsFor(opCase, x, c.extraFeeds));
        const fill = fillFor(c.name, dtype);
        const want = c.expected(toNumbers(x));
        expect(got.length, dtype).toBe(want.length);
        got.forEach((g, i) => {
          expect(g.shape, `${dtype} output ${i} shape`).toEqual(want[i]!.shape);
          const values = want[i]!.values.map((v) => (Number.isNaN(v) ? fill : v));
          expect(toNumbers(g.data), `${dtype} output ${i}`).toEqual(values);
        });
      });
    });
  }
});

describe('the same ops with every index input fed at run time (dynamic output shapes)', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const x = randomData('float32', count(c.inShape), 7);
      const constant = c.op('float32', x);
      // Turn constant index inputs (not the x data inputs) into model inputs fed with the same values.
      const extra: Record<string, TypedArray> = { ...(c.extraFeeds ?? {}) };
      const opCase: OpCase = {
        ...constant,
        inputs: constant.inputs.map((s) => {
          if (!s || !s.data || /^x\d*$/.test(s.name)) return s;
          extra[s.name] = s.data;
          const { data: _data, ...rest } = s;
          return rest;
        }),
      };
      const got = runOp(opCase, feedsFor(opCase, x, extra));
      const want = c.expected(toNumbers(x));
      got.forEach((g, i) => {
        expect(g.shape).toEqual(want[i]!.shape);
        expect(toNumbers(g.data)).toEqual(
          want[i]!.values.map((v) => (Number.isNaN(v) ? fillFor(c.name, 'float32') : v)),
        );
      });
    });
  }
});

describe('FILL and ZEROS_LIKE', () => {
  it('fills every dtype, with constant and dynamic dims', () => {
    for (const dtype of MOVE_DTYPES) {
      const v = arrayOf(dtype, [dtype === 'bool' ? 1 : -3 & (dtype === 'uint8' ? 0xff : -1)]);
      const [c] = runOp({
        op: 'FILL',
        inputs: [i32('dims', [2, 3]), spec('v', dtype, [], v)],
        outputs: [spec('y', dtype, [2, 3])],
      });
      expect(c!.shape).toEqual([2, 3]);
      expect(toNumbers(c!.data)).toEqual(new Array(6).fill(toNumbers(v)[0]));
      const [d] = runOp(
        {
          op: 'FILL',
          inputs: [{ name: 'dims', dtype: 'int64', shape: [3] }, spec('v', dtype, [], v)],
          outputs: [spec('y', dtype, [])],
        },
        [BigInt64Array.of(1n, 0n, 4n)],
      );
      expect(d!.shape).toEqual([1, 0, 4]);
      const [z] = runOp(
        { op: 'ZEROS_LIKE', inputs: [spec('x', dtype, [2, 2])], outputs: [spec('y', dtype, [2, 2])] },
        [randomData(dtype, 4, 5)],
      );
      expect(toNumbers(z!.data)).toEqual([0, 0, 0, 0]);
    }
  });
});

describe('errors', () => {
  it('rejects out-of-range gather indices at invoke and bad shapes at allocate', () => {
    expect(() =>
      runOp(
        {
          op: 'GATHER',
          inputs: [spec('x', 'float32', [3]), { name: 'i', dtype: 'int32', shape: [1] }],
          outputs: [spec('y', 'float32', [1])],
        },
        [Float32Array.of(1, 2, 3), Int32Array.of(3)],
      ),
    ).toThrow(/index 3 .* out of range \[0, 3\)/);
    expect(() =>
      runOp(
        {
          op: 'CONCATENATION',
          inputs: [spec('a', 'float32', [2, 3]), spec('b', 'float32', [3, 3])],
          outputs: [spec('y', 'float32', [5, 3])],
          options: { axis: 1 },
        },
        [new Float32Array(6), new Float32Array(9)],
      ),
    ).toThrow(/incompatible/);
    expect(() =>
      runOp(
        {
          op: 'MIRROR_PAD',
          inputs: [spec('x', 'float32', [3]), i32('p', [3, 0], [1, 2])],
          outputs: [spec('y', 'float32', [6])],
          options: { mode: 0 },
        },
        [new Float32Array(3)],
      ),
    ).toThrow(/exceed 2/);
    expect(() =>
      runOp(
        {
          op: 'TRANSPOSE',
          inputs: [{ name: 'x', dtype: 'string', shape: [2] }, i32('p', [0])],
          outputs: [{ name: 'y', dtype: 'string', shape: [2] }],
        },
        [],
      ),
    ).toThrow(/not supported.*string/);
  });
});
