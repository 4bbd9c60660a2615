/**
 * GATHER (along an axis, with batch dims) and GATHER_ND. Both copy one contiguous block per
 * index; indices are checked against the gathered dim, and an out-of-range index is an
 * InputError, as TFLite's kernels return an error for it.
 */
import { InputError } from '../../errors.js';
import type { TypedArray } from '../../ir/dtype.js';
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  expectDtype,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { normalizeAxis } from '../internal/shape.js';
import { copyWords } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

const INDEX_TYPES = ['int32', 'int64', 'int16'] as const;

/** Returns index i of an int16/int32/int64 typed array as a number. */
function indexAt(a: TypedArray, i: number): number {
  return Number(a[i]!);
}

function badIndex(node: KernelNode, value: number, size: number, where: string): InputError {
  return new InputError(
    `node ${node.index} (${node.op}): index ${value} at ${where} is out of range [0, ${size}); check the indices input`,
  );
}

/**
 * Returns the params, indices and output of GATHER / GATHER_ND and the words per element.
 * Throws UnsupportedOpError for non-integer indices, params that cannot be moved, or an output
 * dtype other than the params'.
 */
function gatherOperands(node: KernelNode): {
  params: KernelTensor;
  indices: KernelTensor;
  y: KernelTensor;
  w: number;
} {
  const params = input(node, 0);
  const indices = input(node, 1);
  const y = output(node, 0);
  expectDtype(node, indices, INDEX_TYPES, 'indices');
  const w = expectMovable(node, params, 'params');
  if (y.dtype !== params.dtype)
    throw unsupported(node, `output dtype ${y.dtype} differs from params ${params.dtype}`);
  return { params, indices, y, w };
}

interface GatherData {
  readonly w: number;
  readonly batch: number;
  readonly outer: number;
  readonly axisSize: number;
  readonly inner: number;
  readonly coords: number;
}

/** GATHER: params[..., indices[...], ...] along `axis`, the first `batch_dims` dims shared with indices. */
export const gatherKernel: Kernel<GatherData> = {
  op: 'GATHER',
  prepare(node) {
    const { params, indices, y, w } = gatherOperands(node);
    const opts = optionsOf(node, 'GatherOptions');
    const where = `node ${node.index} (GATHER)`;
    const axis = normalizeAxis(opts.axis, params.shape.length, where);
    let batchDims = opts.batchDims;
    if (batchDims < 0) batchDims += indices.shape.length;
    if (batchDims < 0 || batchDims > axis || batchDims > indices.shape.length) {
      throw shapeError(
        node,
        `batch_dims ${opts.batchDims} must be in [0, axis ${axis}] and within the indices rank`,
      );
    }
    for (let k = 0; k < batchDims; k++) {
      if (params.shape[k] !== indices.shape[k]) {
        throw shapeError(
          node,
          `params [${params.shape}] and indices [${indices.shape}] differ in batch dim ${k}`,
        );
      }
    }
    y.shape = [
      ...params.shape.slice(0, axis),
      ...indices.shape.slice(batchDims),
      ...params.shape.slice(axis + 1),
    ];
    const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);
    return {
      w,
      batch: prod(params.shape.slice(0, batchDims)),
      outer: prod(params.shape.slice(batchDims, axis)),
      axisSize: params.shape[axis]!,
      inner: prod(params.shape.slice(axis + 1)) * w,
      coords: prod(indices.shape.slice(batchDims)),
    };
  },
  eval(node, d) {
    const src = wordView(input(node, 0));
    const idx = input(node, 1).data;
    const dst = wordView(output(node, 0));
    const { batch, outer, axisSize, inner, coords } = d;
    for (let b = 0; b < batch; b++) {
      for (let o = 0; o < outer; o++) {
        const srcBase = (b * outer + o) * axisSize;
        const dstBase = (b * outer + o) * coords;
        for (let c = 0; c < coords; c++) {
          const i = indexAt(idx, b * coords + c);
          if (!(i >= 0 && i < axisSize)) throw badIndex(node, i, axisSize, `position ${b * coords + c}`);
          copyWords(src, (srcBase + i) * inner, dst, (dstBase + c) * inner, inner);
        }
      }
    }
  },
};

interface GatherNdData {
  /** Index depth (last dim of indices). */
  readonly depth: number;
  readonly count: number;
  /** Block size in words. */
  readonly block: number;
  /** Params dims and element strides over the first `depth` dims. */
  readonly dims: Int32Array;
  readonly strides: Float64Array;
}

/** GATHER_ND: output[i...] = params[indices[i..., :], ...]. */
export const gatherNdKernel: Kernel<GatherNdData> = {
  op: 'GATHER_ND',
  prepare(node) {
    const { params, indices, y, w } = gatherOperands(node);
    if (indices.shape.length < 1) throw shapeError(node, 'indices must have rank >= 1');
    const depth = indices.shape[indices.shape.length - 1]!;
    if (depth > params.shape.length) {
      throw shapeError(node, `index depth ${depth} exceeds the params rank ${params.shape.length}`);
    }
    const rest = params.shape.slice(depth);
    y.shape = [...indices.shape.slice(0, -1), ...rest];
    const blockElems = rest.reduce((p, d) => p * d, 1);
    const strides = new Float64Array(depth);
    let acc = blockElems;
    for (let k = depth - 1; k >= 0; k--) {
      strides[k] = acc;
      acc *= params.shape[k]!;
    }
    return {
      depth,
      count: indices.shape.slice(0, -1).reduce((p, d) => p * d, 1),
      block: blockElems * w,
      dims: Int32Array.from(params.shape.slice(0, depth)),
      strides: strides.map((s) => s * w),
    };
  },
  eval(node, d) {
    const src = wordView(input(node, 0));
    const idx = input(node, 1).data;
    const dst = wordView(output(node, 0));
    const { depth, count, block, dims, strides } = d;
    for (let c = 0; c < count; c++) {
      let off = 0;
      for (let k = 0; k < depth; k++) {
        const i = indexAt(idx, c * depth + k);
        if (!(i >= 0 && i < dims[k]!)) throw badIndex(node, i, dims[k]!, `position ${c * depth + k}`);
        off += i * strides[k]!;
      }
      copyWords(src, off, dst, c * block, block);
    }
  },
};
