/**
 * TRANSPOSE (any rank; TFLite allows up to 6). One strided copy: output dim k reads input dim
 * perm[k]. Planning merges dims that stay adjacent, so e.g. NHWC<->NCHW with batch 1 is a 2-D
 * transpose run in cache-friendly tiles (see strided_copy.ts).
 */
import { type KernelNode, type KernelTensor, shapeError } from '../kernel.js';
import { indexPlannedCopyKernel } from './index_planned_copy.js';
import { type CopyPlan, contiguousStrides, planCopy } from './strided_copy.js';
import { expectMovable } from './word_view.js';

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
export const transposeKernel = indexPlannedCopyKernel('TRANSPOSE', planTranspose, 'perm');
