/**
 * SignalFftAutoScale: shifts an int16 frame left by the largest amount that keeps its peak
 * within int16 (so the fixed-point FFT keeps its precision), and outputs that shift, which the
 * filter bank's square root later removes. scale_bits = 16 - msb(max|x|) - 1, at least 0; with
 * the reference build's msb(0) = 32 an all-zero frame gets 0.
 * Input [n] int16; outputs 0 [n] int16, 1 scale_bits int32 scalar.
 */
import { mostSignificantBit32 } from './bits.js';
import { type Kernel, expectDtype, input, output } from '../kernel.js';

export const signalFftAutoScaleKernel: Kernel<{ size: number }> = {
  op: 'SignalFftAutoScale',
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    const bits = output(node, 1);
    expectDtype(node, x, ['int16'], 'input');
    expectDtype(node, y, ['int16'], 'output');
    expectDtype(node, bits, ['int32'], 'scale bits output');
    y.shape = [...x.shape];
    bits.shape = [];
    return { size: x.shape.reduce((a, b) => a * b, 1) };
  },
  eval(node, d) {
    const x = input(node, 0).data as Int16Array;
    const y = output(node, 0).data as Int16Array;
    // MaxAbs16: |-32768| wraps back to -32768 in int16, whose uint32 bit pattern has msb 32.
    let max = 0;
    for (let i = 0; i < d.size; i++) {
      const v = x[i]!;
      if (v > max) max = v;
      else if (-v > max) max = (-v << 16) >> 16;
    }
    let scaleBits = 16 - mostSignificantBit32(max) - 1;
    if (scaleBits <= 0) scaleBits = 0;
    const m = 1 << scaleBits;
    for (let i = 0; i < d.size; i++) y[i] = x[i]! * m;
    (output(node, 1).data as Int32Array)[0] = scaleBits;
  },
};
