/**
 * SignalFilterBankLog: output_scale * ln(x << input_correction_bits) per channel with TFLM's
 * integer logarithm (log.ts), saturated to int16; inputs of 0 or 1 give 0.
 * Input [n] uint32; output [n] int16. Options: input_correction_bits, output_scale.
 */
import { log32 } from './log.js';
import { signalOptions } from './signal_options.js';
import { type Kernel, expectDtype, input, output } from '../kernel.js';

export const signalFilterBankLogKernel: Kernel<{ n: number; correctionBits: number; outputScale: number }> = {
  op: 'SignalFilterBankLog',
  prepare(node) {
    const o = signalOptions(node);
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, x, ['uint32'], 'input');
    expectDtype(node, y, ['int16'], 'output');
    y.shape = [...x.shape];
    return {
      n: x.shape.reduce((a, b) => a * b, 1),
      correctionBits: o.int('input_correction_bits'),
      outputScale: o.int('output_scale'),
    };
  },
  eval(node, d) {
    const x = input(node, 0).data as Uint32Array;
    const y = output(node, 0).data as Int16Array;
    for (let i = 0; i < d.n; i++) {
      const scaled = (x[i]! << d.correctionBits) >>> 0;
      y[i] = scaled > 1 ? Math.min(log32(scaled, d.outputScale), 32767) : 0;
    }
  },
};
