/**
 * PACK (stack N equal-shaped tensors along a new axis) and UNPACK (its inverse). Both move
 * contiguous blocks: with outer = prod(shape[:axis]) and inner = prod(shape[axis:]) of the
 * unstacked shape, element (o, i, j) of the stacked tensor is element (o, j) of tensor i.
 */
import { type Kernel, input, optionsOf, output, shapeError, unsupported } from '../kernel.js';
import { normalizeAxis } from '../internal/shape.js';
import { type CopyPlan, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

/** PACK: output shape is the input shape with `values_count` inserted at `axis`. */
export const packKernel: Kernel<CopyPlan[]> = {
  op: 'PACK',
  prepare(node) {
    const opts = optionsOf(node, 'PackOptions');
    const n = node.inputs.length;
    if (opts.valuesCount !== 0 && opts.valuesCount !== n) {
      throw shapeError(node, `values_count is ${opts.valuesCount} but the op has ${n} inputs`);
    }
    const x0 = input(node, 0);
    const y = output(node, 0);
    const w = expectMovable(node, y, 'output');
    const rank = x0.shape.length;
    const axis = normalizeAxis(opts.axis, rank + 1, `node ${node.index} (PACK)`);
    for (let i = 0; i < n; i++) {
      const x = input(node, i);
      if (x.dtype !== y.dtype)
        throw unsupported(node, `input ${i} has dtype ${x.dtype}, the output ${y.dtype}`);
      if (x.shape.length !== rank || x.shape.some((d, k) => d !== x0.shape[k])) {
        throw shapeError(node, `input ${i} has shape [${x.shape}], expected [${x0.shape}]`);
      }
    }
    const shape = [...x0.shape];
    shape.splice(axis, 0, n);
    y.shape = shape;
    let outer = 1;
    for (let k = 0; k < axis; k++) outer *= x0.shape[k]!;
    let inner = 1;
    for (let k = axis; k < rank; k++) inner *= x0.shape[k]!;
    return Array.from({ length: n }, (_, i) =>
      planCopy([outer, inner], [inner, 1], [n * inner, 1], 0, i * inner, w),
    );
  },
  eval(node, plans) {
    const dst = wordView(output(node, 0));
    for (let i = 0; i < plans.length; i++) runCopy(plans[i]!, wordView(input(node, i)), dst);
  },
};

/** UNPACK: splits `axis` into `num` outputs of the input shape without that axis. */
export const unpackKernel: Kernel<CopyPlan[]> = {
  op: 'UNPACK',
  prepare(node) {
    const opts = optionsOf(node, 'UnpackOptions');
    const x = input(node, 0);
    const rank = x.shape.length;
    const axis = normalizeAxis(opts.axis, rank, `node ${node.index} (UNPACK)`);
    const n = x.shape[axis]!;
    if ((opts.num !== 0 && opts.num !== n) || node.outputs.length !== n) {
      throw shapeError(
        node,
        `axis ${axis} of [${x.shape}] has ${n} entries but num is ${opts.num} and there are ${node.outputs.length} outputs`,
      );
    }
    const w = expectMovable(node, x, 'input');
    const shape = x.shape.filter((_, k) => k !== axis);
    let outer = 1;
    for (let k = 0; k < axis; k++) outer *= x.shape[k]!;
    let inner = 1;
    for (let k = axis + 1; k < rank; k++) inner *= x.shape[k]!;
    return node.outputs.map((y, i) => {
      if (y.dtype !== x.dtype)
        throw unsupported(node, `output ${i} has dtype ${y.dtype}, the input ${x.dtype}`);
      y.shape = [...shape];
      return planCopy([outer, inner], [n * inner, 1], [inner, 1], i * inner, 0, w);
    });
  },
  eval(node, plans) {
    const src = wordView(input(node, 0));
    for (let i = 0; i < plans.length; i++) runCopy(plans[i]!, src, wordView(output(node, i)));
  },
};
