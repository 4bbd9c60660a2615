/**
 * SignalFilterBankSquareRoot: the integer square root of each uint64 channel energy (TFLM's
 * Sqrt64, bits.ts), shifted right by the FFT auto-scale bits to undo that scaling.
 * Inputs: 0 [n] uint64, 1 scale bits int32 scalar; output [n] uint32.
 */
import { sqrt64 } from './bits.js';
import { type Kernel, expectDtype, input, output } from '../kernel.js';

export const signalFilterBankSquareRootKernel: Kernel<{ n: number }> = {
  op: 'SignalFilterBankSquareRoot',
  prepare(node) {
    const x = input(node, 0);
    expectDtype(node, x, ['uint64'], 'input');
    expectDtype(node, input(node, 1), ['int32'], 'scale bits');
    const y = output(node, 0);
    expectDtype(node, y, ['uint32'], 'output');
    y.shape = [...x.shape];
    return { n: x.shape.reduce((a, b) => a * b, 1) };
  },
  eval(node, d) {
    const x = input(node, 0).data as BigUint64Array;
    const shift = (input(node, 1).data as Int32Array)[0]!;
    const y = output(node, 0).data as Uint32Array;
    for (let i = 0; i < d.n; i++) y[i] = sqrt64(x[i]!) >>> shift;
  },
};
