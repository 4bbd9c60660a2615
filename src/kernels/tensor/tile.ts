/**
 * TILE and BROADCAST_TO: copies whose source repeats. Both are one strided copy with zero
 * source strides on the repeated dims (TILE views the output as [m0, d0, m1, d1, ...]).
 */
import { type KernelNode, type KernelTensor, shapeError } from '../kernel.js';
import { broadcastStrides } from '../internal/shape.js';
import { indexPlannedCopyKernel } from './index_planned_copy.js';
import { type CopyPlan, contiguousStrides, planCopy } from './strided_copy.js';
import { expectMovable } from './word_view.js';

/** Returns TILE's output shape and plan. */
function planTile(
  node: KernelNode,
  x: KernelTensor,
  multiples: readonly number[],
): { shape: number[]; plan: CopyPlan } {
  const rank = x.shape.length;
  if (multiples.length !== rank) {
    throw shapeError(node, `multiples has ${multiples.length} entries for an input of rank ${rank}`);
  }
  if (multiples.some((m) => m < 0)) throw shapeError(node, `multiples [${multiples}] must be >= 0`);
  const shape = x.shape.map((d, i) => d * multiples[i]!);
  const inStrides = contiguousStrides(x.shape);
  const outStrides = contiguousStrides(shape);
  const dims: number[] = [];
  const src: number[] = [];
  const dst: number[] = [];
  for (let i = 0; i < rank; i++) {
    dims.push(multiples[i]!, x.shape[i]!);
    src.push(0, inStrides[i]!);
    dst.push(x.shape[i]! * outStrides[i]!, outStrides[i]!);
  }
  return { shape, plan: planCopy(dims, src, dst, 0, 0, expectMovable(node, x, 'input')) };
}

/** Returns BROADCAST_TO's plan for a target shape (which must be a broadcast of the input's). */
function planBroadcast(
  node: KernelNode,
  x: KernelTensor,
  target: readonly number[],
): { shape: number[]; plan: CopyPlan } {
  const shape = [...target];
  if (shape.length < x.shape.length) {
    throw shapeError(node, `target shape [${shape}] has a lower rank than the input [${x.shape}]`);
  }
  x.shape.forEach((d, i) => {
    const t = shape[shape.length - x.shape.length + i]!;
    if (d !== 1 && d !== t) throw shapeError(node, `input [${x.shape}] cannot be broadcast to [${shape}]`);
  });
  const plan = planCopy(
    shape,
    broadcastStrides(x.shape, shape),
    contiguousStrides(shape),
    0,
    0,
    expectMovable(node, x, 'input'),
  );
  return { shape, plan };
}

/** TILE: inputs (input, multiples). */
export const tileKernel = indexPlannedCopyKernel('TILE', planTile, 'multiples');

/** BROADCAST_TO: inputs (input, shape). */
export const broadcastToKernel = indexPlannedCopyKernel('BROADCAST_TO', planBroadcast, 'shape');
