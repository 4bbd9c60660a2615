/**
 * LOGICAL_AND, LOGICAL_OR (with broadcasting) and LOGICAL_NOT on bool tensors (TFLite
 * `kernels/logical.cc`, `elementwise.cc`). Bools are bytes; any non-zero byte reads as true and
 * outputs are 0 or 1. Exact.
 */
import { type Kernel, type KernelNode, expectDtype, input, output } from '../kernel.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { prepareBroadcast } from './common.js';

const andRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Uint8Array;
  const B = b as Uint8Array;
  const Y = y as Uint8Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia] !== 0 && B[ib] !== 0 ? 1 : 0;
};

const orRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Uint8Array;
  const B = b as Uint8Array;
  const Y = y as Uint8Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = A[ia] !== 0 || B[ib] !== 0 ? 1 : 0;
};

function prepareLogical(node: KernelNode, row: BinaryRow): BinaryData {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  expectDtype(node, a, ['bool'], 'input 0');
  expectDtype(node, b, ['bool'], 'input 1');
  y.dtype = 'bool';
  return { plan: prepareBroadcast(node, [a, b], y), row };
}

/** LOGICAL_AND: y = a && b. */
export const logicalAndKernel: Kernel<BinaryData> = {
  op: 'LOGICAL_AND',
  prepare: (node) => prepareLogical(node, andRow),
  eval: evalBinary,
};

/** LOGICAL_OR: y = a || b. */
export const logicalOrKernel: Kernel<BinaryData> = {
  op: 'LOGICAL_OR',
  prepare: (node) => prepareLogical(node, orRow),
  eval: evalBinary,
};

/** LOGICAL_NOT: y = !x. */
export const logicalNotKernel: Kernel<null> = {
  op: 'LOGICAL_NOT',
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, x, ['bool'], 'input');
    y.dtype = 'bool';
    y.shape = [...x.shape];
    return null;
  },
  eval(node) {
    const x = input(node, 0).data as Uint8Array;
    const y = output(node, 0).data as Uint8Array;
    for (let i = 0; i < x.length; i++) y[i] = x[i] === 0 ? 1 : 0;
  },
};
