/**
 * SignalEnergy: the power of each complex int16 bin in [start_index, end_index),
 * re^2 + im^2 as uint32; bins outside the range are left 0. Input [2n] int16 interleaved;
 * output [n] uint32.
 */
import { signalOptions } from './signal_options.js';
import { type Kernel, expectDtype, input, output } from '../kernel.js';

export const signalEnergyKernel: Kernel<{ start: number; end: number }> = {
  op: 'SignalEnergy',
  prepare(node) {
    const o = signalOptions(node);
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, x, ['int16'], 'input');
    expectDtype(node, y, ['uint32'], 'output');
    const n = (x.shape[0] ?? 0) >> 1;
    y.shape = [n];
    return { start: Math.max(0, o.int('start_index')), end: Math.min(n, o.int('end_index')) };
  },
  eval(node, d) {
    const x = input(node, 0).data as Int16Array;
    const y = output(node, 0).data as Uint32Array;
    y.fill(0);
    for (let i = d.start; i < d.end; i++) {
      const re = x[2 * i]!;
      const im = x[2 * i + 1]!;
      y[i] = re * re + im * im;
    }
  },
};
