/**
 * SLICE and STRIDED_SLICE. Both reduce to a per-dim (start, step, count) over the input and a
 * single strided copy into the contiguous output.
 *
 * STRIDED_SLICE follows TFLite's kernel (kernels/strided_slice.cc, strided_slice_logic.h):
 * ellipsis and new-axis bits are first expanded into an "effective" input shape with explicit
 * begin/end masks, then per effective dim
 *
 *   start = begin (+size if < 0), clamped to [0, size] (step > 0) or [-1, size-1] (step < 0);
 *           begin_mask: 0 (step > 0) or size-1 (step < 0)
 *   stop  = end (+start when `offset`) (+size if < 0), clamped the same way (to [0, size] or
 *           [-1, size-1]); end_mask: size (step > 0) or -1 (step < 0)
 *   count = max(0, ceil((stop - start) / step))
 *
 * and shrink-axis dims take the single element at `start` and are dropped from the output.
 * With `offset`, the output dim is ceil(end / step) as TFLite computes it. Where TFLite would
 * leave output elements unwritten (a shrink index past the end, an offset slice running past the
 * input, a negative step on a shrink axis) we throw or take the TF meaning instead; see
 * resolveStridedSlice.
 */
import { ShapeError } from '../../errors.js';
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  input,
  optionsOf,
  output,
  shapeError,
} from '../kernel.js';
import { expectIndexDtype, readIndexValues } from './index_values.js';
import { type CopyPlan, contiguousStrides, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, expectSameDtypeOutputs, wordView } from './word_view.js';

/** A resolved slice: the box to copy (over `inShape`, possibly with inserted size-1 dims) and the output shape. */
export interface SliceBox {
  /** The input shape the box refers to (the input's, with new axes inserted). */
  readonly inShape: number[];
  readonly starts: number[];
  readonly steps: number[];
  readonly counts: number[];
  readonly outShape: number[];
}

/** The StridedSliceOptions fields that shape a slice. */
export interface StridedSliceMasks {
  beginMask: number;
  endMask: number;
  ellipsisMask: number;
  newAxisMask: number;
  shrinkAxisMask: number;
  offset: boolean;
}

const clampInt = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

/**
 * Resolves STRIDED_SLICE's begin/end/strides and masks against an input shape (the algorithm
 * of TFLite's BuildStridedSliceParams, StridedSliceStartForAxis and StridedSliceEndForAxis).
 * Throws ShapeError for a zero stride, mismatched spec lengths, or a slice TFLite would leave
 * partly unwritten.
 */
export function resolveStridedSlice(
  shape: readonly number[],
  begin: readonly number[],
  end: readonly number[],
  strides: readonly number[],
  m: StridedSliceMasks,
  where = 'STRIDED_SLICE',
): SliceBox {
  const fail = (msg: string) => new ShapeError(`${where}: ${msg}`);
  const n = begin.length;
  if (end.length !== n || strides.length !== n) {
    throw fail(`begin, end and strides must have the same length (${n}, ${end.length}, ${strides.length})`);
  }
  const bit = (mask: number, i: number) => (mask & (1 << i)) !== 0;
  const rank = shape.length;
  // New axes (not also ellipsis) add dims to the effective input.
  let numAddAxis = 0;
  for (let i = 0; i < n; i++) if (!bit(m.ellipsisMask, i) && bit(m.newAxisMask, i)) numAddAxis++;
  const effDims = rank + numAddAxis;
  // Expand the ellipsis over as many dims as the spec leaves unspecified.
  let ellipsisMask = 0;
  let newAxisMask = 0;
  let ellipsisStart = effDims;
  let expanded = 0;
  for (let i = 0; i < effDims;) {
    if (bit(m.ellipsisMask, i)) {
      ellipsisStart = i;
      const stop = Math.max(i + 1, Math.min(i + 1 + numAddAxis + rank - n, effDims));
      expanded = stop - ellipsisStart - 1;
      for (; i < stop; i++) ellipsisMask |= 1 << i;
      continue;
    }
    if (bit(m.newAxisMask, i - expanded)) newAxisMask |= 1 << i;
    i++;
  }
  // Per effective dim: size, begin/end/stride, begin/end mask, shrink, and end as given.
  interface Dim {
    size: number;
    begin: number;
    end: number;
    step: number;
    beginMask: boolean;
    endMask: boolean;
    shrink: boolean;
    endSpec: number;
  }
  const full = (size: number): Dim => ({
    size,
    begin: 0,
    end: 0,
    step: 1,
    beginMask: true,
    endMask: true,
    shrink: false,
    endSpec: 0,
  });
  const spec: Dim[] = [];
  let addedEllipsis = 0;
  let addedAxes = 0;
  for (let i = 0; i < effDims; i++) {
    if (bit(ellipsisMask, i)) {
      addedEllipsis = Math.max(0, i - ellipsisStart);
      spec.push(full(shape[i - addedAxes]!));
    } else if (bit(newAxisMask, i)) {
      spec.push({ ...full(1), end: 1, beginMask: false, endMask: false, endSpec: 1 });
      addedAxes++;
    } else if (i >= n + expanded) {
      spec.push(full(shape[i - addedAxes]!));
    } else {
      const o = i - addedEllipsis;
      spec.push({
        size: shape[i - addedAxes]!,
        begin: begin[o]!,
        end: end[o]!,
        step: strides[o]!,
        beginMask: bit(m.beginMask, o),
        endMask: bit(m.endMask, o),
        shrink: bit(m.shrinkAxisMask, o),
        // TFLite's output-size rule under `offset` reads end[] at the effective index.
        endSpec: end[i] ?? 0,
      });
    }
  }
  const inShape = spec.map((d) => d.size);
  const starts: number[] = [];
  const steps: number[] = [];
  const counts: number[] = [];
  const outShape: number[] = [];
  spec.forEach((dim, i) => {
    const { size, step } = dim;
    if (step === 0) throw fail(`stride ${i} is zero`);
    let start = dim.begin;
    if (start < 0) start += size;
    start = step > 0 ? clampInt(start, 0, size) : clampInt(start, -1, size - 1);
    if (dim.beginMask) start = step > 0 ? 0 : size - 1;
    if (dim.shrink) {
      // The single element at `start` (TFLite's loop would write nothing for step < 0, or for a
      // start clamped to the end: we take the element, or throw when there is none).
      if (start < 0 || start >= size)
        throw fail(`shrink index ${dim.begin} is out of range for dim ${i} of size ${size}`);
      starts.push(start);
      steps.push(1);
      counts.push(1);
      return;
    }
    let stop = dim.end;
    if (m.offset) stop += start;
    if (stop < 0) stop += size;
    stop = step > 0 ? clampInt(stop, 0, size) : clampInt(stop, -1, size - 1);
    if (dim.endMask) stop = step > 0 ? size : -1;
    const count = Math.max(0, Math.ceil((stop - start) / step));
    if (m.offset) {
      const declared = Math.max(0, Math.ceil(dim.endSpec / step));
      if (declared !== count) {
        throw fail(
          `offset slice of dim ${i} (size ${size}) from ${start} by ${dim.endSpec} runs past the input`,
        );
      }
    }
    starts.push(count > 0 ? start : 0);
    steps.push(step);
    counts.push(count);
    outShape.push(count);
  });
  return { inShape, starts, steps, counts, outShape };
}

/** Returns a plan copying a resolved box of the input into the contiguous output. */
function planBox(box: SliceBox, wordsPerElement: number): CopyPlan {
  const inStrides = contiguousStrides(box.inShape);
  let offset = 0;
  const src = box.counts.map((_, i) => {
    offset += box.starts[i]! * inStrides[i]!;
    return box.steps[i]! * inStrides[i]!;
  });
  return planCopy(box.counts, src, contiguousStrides(box.counts), offset, 0, wordsPerElement);
}

interface SliceData {
  /** Null when begin/size are only known in eval. */
  plan: CopyPlan | null;
}

/** Resolves SLICE's begin/size (size -1 = to the end) into a box. Throws ShapeError when out of range. */
function resolveSlice(node: KernelNode, x: KernelTensor, begin: number[], size: number[]): SliceBox {
  const rank = x.shape.length;
  if (begin.length !== rank || size.length !== rank) {
    throw shapeError(
      node,
      `begin and size must have ${rank} entries (input [${x.shape}]), have ${begin.length} and ${size.length}`,
    );
  }
  const counts = size.map((s, i) => (s === -1 ? x.shape[i]! - begin[i]! : s));
  counts.forEach((c, i) => {
    if (begin[i]! < 0 || c < 0 || begin[i]! + c > x.shape[i]!) {
      throw shapeError(
        node,
        `slice [${begin[i]}, +${size[i]}) is out of range for dim ${i} of size ${x.shape[i]}`,
      );
    }
  });
  return { inShape: [...x.shape], starts: begin, steps: counts.map(() => 1), counts, outShape: counts };
}

/** SLICE: inputs (input, begin, size). */
export const sliceKernel: Kernel<SliceData> = {
  op: 'SLICE',
  prepare(node, ctx) {
    const x = input(node, 0);
    const beginT = input(node, 1);
    const sizeT = input(node, 2);
    expectIndexDtype(node, beginT, 'begin');
    expectIndexDtype(node, sizeT, 'size');
    const w = expectMovable(node, x, 'input');
    expectSameDtypeOutputs(node, x);
    if (!beginT.isConst || !sizeT.isConst) {
      ctx.markDynamic(output(node, 0));
      return { plan: null };
    }
    const box = resolveSlice(
      node,
      x,
      readIndexValues(node, beginT, 'begin'),
      readIndexValues(node, sizeT, 'size'),
    );
    output(node, 0).shape = box.outShape;
    return { plan: planBox(box, w) };
  },
  eval(node, data, ctx) {
    const x = input(node, 0);
    let plan = data.plan;
    if (!plan) {
      const box = resolveSlice(
        node,
        x,
        readIndexValues(node, input(node, 1), 'begin'),
        readIndexValues(node, input(node, 2), 'size'),
      );
      ctx.resizeOutput(output(node, 0), box.outShape);
      plan = planBox(box, expectMovable(node, x, 'input'));
    }
    runCopy(plan, wordView(x), wordView(output(node, 0)));
  },
};

/** Resolves a STRIDED_SLICE node's box from its (current) index inputs. */
function stridedBox(node: KernelNode): SliceBox {
  const x = input(node, 0);
  return resolveStridedSlice(
    x.shape,
    readIndexValues(node, input(node, 1), 'begin'),
    readIndexValues(node, input(node, 2), 'end'),
    readIndexValues(node, input(node, 3), 'strides'),
    optionsOf(node, 'StridedSliceOptions'),
    `node ${node.index} (STRIDED_SLICE)`,
  );
}

/** STRIDED_SLICE: inputs (input, begin, end, strides) with the five masks and `offset`. */
export const stridedSliceKernel: Kernel<SliceData> = {
  op: 'STRIDED_SLICE',
  prepare(node, ctx) {
    const x = input(node, 0);
    for (const [i, role] of [
      [1, 'begin'],
      [2, 'end'],
      [3, 'strides'],
    ] as const) {
      expectIndexDtype(node, input(node, i), role);
    }
    const w = expectMovable(node, x, 'input');
    expectSameDtypeOutputs(node, x);
    if (![1, 2, 3].every((i) => input(node, i).isConst)) {
      ctx.markDynamic(output(node, 0));
      return { plan: null };
    }
    const box = stridedBox(node);
    output(node, 0).shape = box.outShape;
    return { plan: planBox(box, w) };
  },
  eval(node, data, ctx) {
    const x = input(node, 0);
    let plan = data.plan;
    if (!plan) {
      const box = stridedBox(node);
      ctx.resizeOutput(output(node, 0), box.outShape);
      plan = planBox(box, expectMovable(node, x, 'input'));
    }
    runCopy(plan, wordView(x), wordView(output(node, 0)));
  },
};
