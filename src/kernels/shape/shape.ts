/**
 * SHAPE and RANK: outputs that depend only on the input's shape. Both are `shapeOnly`, so the
 * runtime evaluates them at prepare time and shape-computation chains fold into constants.
 */
import { type Kernel, expectDtype, input, output } from '../kernel.js';

/** SHAPE: a 1-D int32 (or int64, per the output tensor / ShapeOptions.outType) tensor of the input's dims. */
export const shapeKernel: Kernel<null> = {
  op: 'SHAPE',
  shapeOnly: true,
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, y, ['int32', 'int64'], 'output');
    y.shape = [x.shape.length];
    return null;
  },
  eval(node) {
    const dims = input(node, 0).shape;
    const out = output(node, 0).data;
    if (out instanceof BigInt64Array) dims.forEach((d, i) => (out[i] = BigInt(d)));
    else (out as Int32Array).set(dims);
  },
};

/** RANK: a scalar int32 holding the number of input dims. */
export const rankKernel: Kernel<null> = {
  op: 'RANK',
  shapeOnly: true,
  prepare(node) {
    const y = output(node, 0);
    expectDtype(node, y, ['int32', 'int64'], 'output');
    y.shape = [];
    return null;
  },
  eval(node) {
    const rank = input(node, 0).shape.length;
    const out = output(node, 0).data;
    if (out instanceof BigInt64Array) out[0] = BigInt(rank);
    else (out as Int32Array)[0] = rank;
  },
};
