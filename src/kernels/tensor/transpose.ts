/**
 * TRANSPOSE (any rank; TFLite allows up to 6). One strided copy: output dim k reads input dim
 * perm[k]. Planning merges dims that stay adjacent, so e.g. NHWC<->NCHW with batch 1 is a 2-D
 * transpose run in cache-friendly tiles (see strided_copy.ts).
 */
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  input,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { expectIndexDtype, readIndexValues } from './index_values.js';
import { type CopyPlan, contiguousStrides, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

/** Returns the output shape and plan of transposing `x` by `perm` (negative entries count from the end). */
function planTranspose(
  node: KernelNode,
  x: KernelTensor,
  permIn: readonly number[],
): { shape: number[]; plan: CopyPlan } {
  const rank = x.shape.length;
  if (permIn.length !== rank)
    throw shapeError(node, `perm has ${permIn.length} entries for an input of rank ${rank}`);
  const perm = permIn.map((p) => (p < 0 ? p + rank : p));
  const seen = new Set(perm);
  if (seen.size !== rank || perm.some((p) => p < 0 || p >= rank)) {
    throw shapeError(node, `perm [${permIn}] is not a permutation of 0..${rank - 1}`);
  }
  const inStrides = contiguousStrides(x.shape);
  const shape = perm.map((p) => x.shape[p]!);
  const plan = planCopy(
    shape,
    perm.map((p) => inStrides[p]!),
    contiguousStrides(shape),
    0,
    0,
    expectMovable(node, x, 'input'),
  );
  return { shape, plan };
}

/** TRANSPOSE: inputs (input, perm). */
export const transposeKernel: Kernel<{ plan: CopyPlan | null }> = {
  op: 'TRANSPOSE',
  prepare(node, ctx) {
    const x = input(node, 0);
    const p = input(node, 1);
    const y = output(node, 0);
    expectIndexDtype(node, p, 'perm');
    expectMovable(node, x, 'input');
    if (y.dtype !== x.dtype)
      throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
    if (!p.isConst) {
      ctx.markDynamic(y);
      return { plan: null };
    }
    const r = planTranspose(node, x, readIndexValues(node, p, 'perm'));
    y.shape = r.shape;
    return { plan: r.plan };
  },
  eval(node, data, ctx) {
    const x = input(node, 0);
    let plan = data.plan;
    if (!plan) {
      const r = planTranspose(node, x, readIndexValues(node, input(node, 1), 'perm'));
      ctx.resizeOutput(output(node, 0), r.shape);
      plan = r.plan;
    }
    runCopy(plan, wordView(x), wordView(output(node, 0)));
  },
};
