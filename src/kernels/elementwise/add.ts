/**
 * ADD, float32 path (the quantized paths and the other binary ops join this family later).
 * y = activation(a + b) with NumPy broadcasting.
 */
import { Activation } from '../../ir/builtin_options.js';
import { type Kernel, expectDtype, input, optionsOf, output, unsupported } from '../kernel.js';
import { broadcastShapes, broadcastStrides, numElements, sameShape } from '../internal/shape.js';

/** Float clamp bounds of a fused activation (TFLite CalculateActivationRange). */
function floatActivationRange(act: number): [number, number] {
  switch (act) {
    case Activation.NONE:
      return [-Infinity, Infinity];
    case Activation.RELU:
      return [0, Infinity];
    case Activation.RELU_N1_TO_1:
      return [-1, 1];
    case Activation.RELU6:
      return [0, 6];
    default:
      return [NaN, NaN];
  }
}

interface AddData {
  lo: number;
  hi: number;
  same: boolean;
  shape: number[];
  aStrides: number[];
  bStrides: number[];
}

export const addKernel: Kernel<AddData> = {
  op: 'ADD',
  prepare(node) {
    const a = input(node, 0);
    const b = input(node, 1);
    const y = output(node, 0);
    for (const [t, role] of [
      [a, 'input 0'],
      [b, 'input 1'],
      [y, 'output'],
    ] as const) {
      expectDtype(node, t, ['float32'], role);
    }
    const [lo, hi] = floatActivationRange(optionsOf(node, 'AddOptions').fusedActivationFunction);
    if (Number.isNaN(lo)) throw unsupported(node, 'unsupported fused activation');
    const shape = broadcastShapes(a.shape, b.shape, `node ${node.index} (ADD)`);
    y.shape = shape;
    return {
      lo,
      hi,
      same: sameShape(a.shape, b.shape),
      shape,
      aStrides: broadcastStrides(a.shape, shape),
      bStrides: broadcastStrides(b.shape, shape),
    };
  },
  eval(node, d) {
    const a = input(node, 0).data as Float32Array;
    const b = input(node, 1).data as Float32Array;
    const y = output(node, 0).data as Float32Array;
    const { lo, hi } = d;
    if (d.same) {
      for (let i = 0; i < y.length; i++) {
        const v = a[i]! + b[i]!;
        y[i] = v < lo ? lo : v > hi ? hi : v;
      }
      return;
    }
    // General broadcast: walk the output in row-major order with an odometer over dims.
    const rank = d.shape.length;
    const n = numElements(d.shape);
    const idx = new Array<number>(rank).fill(0);
    let ia = 0;
    let ib = 0;
    for (let i = 0; i < n; i++) {
      const v = a[ia]! + b[ib]!;
      y[i] = v < lo ? lo : v > hi ? hi : v;
      for (let k = rank - 1; k >= 0; k--) {
        ia += d.aStrides[k]!;
        ib += d.bStrides[k]!;
        if (++idx[k]! < d.shape[k]!) break;
        ia -= d.aStrides[k]! * d.shape[k]!;
        ib -= d.bStrides[k]! * d.shape[k]!;
        idx[k] = 0;
      }
    }
  },
};
