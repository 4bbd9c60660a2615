/**
 * SignalWindow (TFLite Micro signal library): multiplies each frame of int16 samples by an int16
 * window and shifts right, out = clamp_int16((x * w) >> shift) (arithmetic shift, i.e. floor).
 * Inputs: 0 samples [..., n] int16, 1 window [n] int16. Option: shift.
 */
import { signalOptions } from './signal_options.js';
import { type Kernel, expectDtype, input, output, shapeError } from '../kernel.js';

interface WindowData {
  shift: number;
  size: number;
  windowSize: number;
}

export const signalWindowKernel: Kernel<WindowData> = {
  op: 'SignalWindow',
  prepare(node) {
    const x = input(node, 0);
    const w = input(node, 1);
    const y = output(node, 0);
    for (const [t, role] of [
      [x, 'input'],
      [w, 'window'],
      [y, 'output'],
    ] as const) {
      expectDtype(node, t, ['int16'], role);
    }
    if (w.shape.length !== 1) throw shapeError(node, `the window must be 1-D, is [${w.shape}]`);
    const size = x.shape.reduce((a, b) => a * b, 1);
    const windowSize = w.shape[0]!;
    if (windowSize === 0 || size % windowSize !== 0) {
      throw shapeError(node, `input [${x.shape}] is not a whole number of ${windowSize}-sample frames`);
    }
    y.shape = [...x.shape];
    return { shift: signalOptions(node).int('shift'), size, windowSize };
  },
  eval(node, d) {
    const x = input(node, 0).data as Int16Array;
    const w = input(node, 1).data as Int16Array;
    const y = output(node, 0).data as Int16Array;
    const { shift, windowSize } = d;
    for (let i = 0; i < d.size; i++) {
      const v = (x[i]! * w[i % windowSize]!) >> shift;
      y[i] = v < -32768 ? -32768 : v > 32767 ? 32767 : v;
    }
  },
};
