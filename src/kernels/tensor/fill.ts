/**
 * FILL (a tensor of a given shape holding one value) and ZEROS_LIKE (zeros shaped like the input).
 */
import { dtypeSize } from '../../ir/dtype.js';
import { type Kernel, type KernelNode, input, output, shapeError, unsupported } from '../kernel.js';
import { fillElements } from './element_fill.js';
import { expectIndexDtype, readIndexValues } from './index_values.js';
import { expectMovable } from './word_view.js';

function fillShape(node: KernelNode): number[] {
  const dimsT = input(node, 0);
  if (dimsT.shape.length !== 1) throw shapeError(node, `dims must be 1-D, has shape [${dimsT.shape}]`);
  const dims = readIndexValues(node, dimsT, 'dims');
  if (dims.some((d) => d < 0)) throw shapeError(node, `dims [${dims}] must be >= 0`);
  return dims;
}

/** FILL: inputs (dims, value); the output has the value's dtype. */
export const fillKernel: Kernel<{ dynamic: boolean }> = {
  op: 'FILL',
  prepare(node, ctx) {
    const dimsT = input(node, 0);
    const value = input(node, 1);
    const y = output(node, 0);
    expectIndexDtype(node, dimsT, 'dims');
    expectMovable(node, value, 'value');
    if (value.dtype !== y.dtype)
      throw unsupported(node, `value dtype ${value.dtype} differs from the output ${y.dtype}`);
    if (value.shape.reduce((a, d) => a * d, 1) !== 1) throw shapeError(node, 'value must be a scalar');
    if (!dimsT.isConst) {
      ctx.markDynamic(y);
      return { dynamic: true };
    }
    y.shape = fillShape(node);
    return { dynamic: false };
  },
  eval(node, data, ctx) {
    const y = output(node, 0);
    if (data.dynamic) ctx.resizeOutput(y, fillShape(node));
    const v = input(node, 1);
    fillElements(y, v.bytes.slice(0, dtypeSize(v.dtype)));
  },
};

/** ZEROS_LIKE: zeros with the input's shape and dtype. */
export const zerosLikeKernel: Kernel<null> = {
  op: 'ZEROS_LIKE',
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectMovable(node, x, 'input');
    if (y.dtype !== x.dtype)
      throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
    y.shape = [...x.shape];
    return null;
  },
  eval(node) {
    output(node, 0).bytes.fill(0);
  },
};
