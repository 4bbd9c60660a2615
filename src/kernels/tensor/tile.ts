/**
 * TILE and BROADCAST_TO: copies whose source repeats. Both are one strided copy with zero
 * source strides on the repeated dims (TILE views the output as [m0, d0, m1, d1, ...]).
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
import { broadcastStrides } from '../internal/shape.js';
import { expectIndexDtype, readIndexValues } from './index_values.js';
import { type CopyPlan, contiguousStrides, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

interface RepeatData {
  /** Null when the multiples / target shape are only known in eval. */
  plan: CopyPlan | null;
}

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

function makeRepeatKernel(
  op: 'TILE' | 'BROADCAST_TO',
  planFor: (
    node: KernelNode,
    x: KernelTensor,
    values: readonly number[],
  ) => { shape: number[]; plan: CopyPlan },
  role: string,
): Kernel<RepeatData> {
  return {
    op,
    prepare(node, ctx) {
      const x = input(node, 0);
      const v = input(node, 1);
      const y = output(node, 0);
      expectIndexDtype(node, v, role);
      expectMovable(node, x, 'input');
      if (y.dtype !== x.dtype)
        throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
      if (!v.isConst) {
        ctx.markDynamic(y);
        return { plan: null };
      }
      const p = planFor(node, x, readIndexValues(node, v, role));
      y.shape = p.shape;
      return { plan: p.plan };
    },
    eval(node, data, ctx) {
      const x = input(node, 0);
      let plan = data.plan;
      if (!plan) {
        const p = planFor(node, x, readIndexValues(node, input(node, 1), role));
        ctx.resizeOutput(output(node, 0), p.shape);
        plan = p.plan;
      }
      runCopy(plan, wordView(x), wordView(output(node, 0)));
    },
  };
}

/** TILE: inputs (input, multiples). */
export const tileKernel = makeRepeatKernel('TILE', planTile, 'multiples');

/** BROADCAST_TO: inputs (input, shape). */
export const broadcastToKernel = makeRepeatKernel('BROADCAST_TO', planBroadcast, 'shape');
