/**
 * SPLIT (equal parts) and SPLIT_V (given sizes, one may be -1) along an axis. Each output is a
 * block copy: with outer = prod(shape[:axis]) and inner = prod(shape[axis+1:]), output i takes
 * rows [start_i, start_i + size_i) of every outer slab.
 */
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  input,
  optionsOf,
  output,
  shapeError,
} from '../kernel.js';
import { normalizeAxis } from '../internal/shape.js';
import { readIndexValues, readScalarIndex } from './index_values.js';
import { type CopyPlan, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, expectSameDtypeOutputs, wordView } from './word_view.js';

interface SplitData {
  /** Null when the axis or sizes are only known in eval. */
  plans: CopyPlan[] | null;
}

/** Returns the output shapes and copy plans for splitting `x` into `sizes` along `axis`. */
function planSplit(
  node: KernelNode,
  x: KernelTensor,
  axis: number,
  sizes: readonly number[],
): { shapes: number[][]; plans: CopyPlan[] } {
  const w = expectMovable(node, x, 'input');
  const rank = x.shape.length;
  let outer = 1;
  for (let k = 0; k < axis; k++) outer *= x.shape[k]!;
  let inner = 1;
  for (let k = axis + 1; k < rank; k++) inner *= x.shape[k]!;
  const dim = x.shape[axis]!;
  let start = 0;
  const shapes: number[][] = [];
  const plans = sizes.map((size) => {
    const shape = [...x.shape];
    shape[axis] = size;
    shapes.push(shape);
    const plan = planCopy([outer, size * inner], [dim * inner, 1], [size * inner, 1], start * inner, 0, w);
    start += size;
    return plan;
  });
  return { shapes, plans };
}

/** Sets the output shapes of a plan computed in prepare and returns its copy plans. */
function applyShapes(node: KernelNode, p: { shapes: number[][]; plans: CopyPlan[] }): CopyPlan[] {
  p.shapes.forEach((shape, i) => (output(node, i).shape = shape));
  return p.plans;
}

/** Resizes dynamic outputs to a plan computed in eval and returns its copy plans. */
function resizeShapes(
  node: KernelNode,
  p: { shapes: number[][]; plans: CopyPlan[] },
  resize: (t: KernelTensor, shape: number[]) => void,
): CopyPlan[] {
  p.shapes.forEach((shape, i) => resize(output(node, i), shape));
  return p.plans;
}

/** Resolves SPLIT's equal sizes. */
function splitSizes(node: KernelNode, x: KernelTensor, axis: number): number[] {
  const n = node.outputs.length;
  const opts = optionsOf(node, 'SplitOptions');
  if (opts.numSplits !== 0 && opts.numSplits !== n) {
    throw shapeError(node, `num_splits is ${opts.numSplits} but the op has ${n} outputs`);
  }
  const dim = x.shape[axis]!;
  if (n === 0 || dim % n !== 0)
    throw shapeError(node, `axis ${axis} of size ${dim} cannot be split in ${n} equal parts`);
  return new Array<number>(n).fill(dim / n);
}

/** Resolves SPLIT_V's sizes (one -1 takes the rest). */
function splitVSizes(node: KernelNode, x: KernelTensor, axis: number, given: readonly number[]): number[] {
  const n = node.outputs.length;
  if (given.length !== n) throw shapeError(node, `size_splits has ${given.length} entries for ${n} outputs`);
  const dim = x.shape[axis]!;
  const sizes = [...given];
  const unknown = sizes.indexOf(-1);
  if (sizes.indexOf(-1, unknown + 1) >= 0) throw shapeError(node, 'size_splits has more than one -1');
  const known = sizes.reduce((a, s, i) => (i === unknown ? a : a + s), 0);
  if (unknown >= 0) sizes[unknown] = dim - known;
  if (sizes.some((s) => s < 0) || sizes.reduce((a, s) => a + s, 0) !== dim) {
    throw shapeError(node, `size_splits [${given}] do not add up to ${dim} (axis ${axis} of [${x.shape}])`);
  }
  return sizes;
}

function runSplit(node: KernelNode, plans: CopyPlan[]): void {
  const x = node.op === 'SPLIT' ? input(node, 1) : input(node, 0);
  const src = wordView(x);
  for (let i = 0; i < plans.length; i++) runCopy(plans[i]!, src, wordView(output(node, i)));
}

/** SPLIT: inputs (axis, input); `num_splits` equal outputs. */
export const splitKernel: Kernel<SplitData> = {
  op: 'SPLIT',
  prepare(node, ctx) {
    const axisT = input(node, 0);
    const x = input(node, 1);
    expectMovable(node, x, 'input');
    expectSameDtypeOutputs(node, x);
    if (!axisT.isConst) {
      for (const y of node.outputs) ctx.markDynamic(y);
      return { plans: null };
    }
    const axis = normalizeAxis(
      readScalarIndex(node, axisT, 'axis'),
      x.shape.length,
      `node ${node.index} (SPLIT)`,
    );
    return { plans: applyShapes(node, planSplit(node, x, axis, splitSizes(node, x, axis))) };
  },
  eval(node, data, ctx) {
    let plans = data.plans;
    if (!plans) {
      const x = input(node, 1);
      const axis = normalizeAxis(
        readScalarIndex(node, input(node, 0), 'axis'),
        x.shape.length,
        `node ${node.index} (SPLIT)`,
      );
      plans = resizeShapes(node, planSplit(node, x, axis, splitSizes(node, x, axis)), (t, s) =>
        ctx.resizeOutput(t, s),
      );
    }
    runSplit(node, plans);
  },
};

/** SPLIT_V: inputs (input, size_splits, axis). */
export const splitVKernel: Kernel<SplitData> = {
  op: 'SPLIT_V',
  prepare(node, ctx) {
    const x = input(node, 0);
    const sizesT = input(node, 1);
    const axisT = input(node, 2);
    expectMovable(node, x, 'input');
    expectSameDtypeOutputs(node, x);
    if (!axisT.isConst || !sizesT.isConst) {
      for (const y of node.outputs) ctx.markDynamic(y);
      return { plans: null };
    }
    const axis = normalizeAxis(
      readScalarIndex(node, axisT, 'axis'),
      x.shape.length,
      `node ${node.index} (SPLIT_V)`,
    );
    const sizes = splitVSizes(node, x, axis, readIndexValues(node, sizesT, 'size_splits'));
    return { plans: applyShapes(node, planSplit(node, x, axis, sizes)) };
  },
  eval(node, data, ctx) {
    let plans = data.plans;
    if (!plans) {
      const x = input(node, 0);
      const axis = normalizeAxis(
        readScalarIndex(node, input(node, 2), 'axis'),
        x.shape.length,
        `node ${node.index} (SPLIT_V)`,
      );
      const sizes = splitVSizes(node, x, axis, readIndexValues(node, input(node, 1), 'size_splits'));
      plans = resizeShapes(node, planSplit(node, x, axis, sizes), (t, s) => ctx.resizeOutput(t, s));
    }
    runSplit(node, plans);
  },
};
