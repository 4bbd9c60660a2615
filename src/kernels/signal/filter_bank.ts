/**
 * SignalFilterBank: mel filter bank energies. Each channel accumulates, over its run of FFT bins,
 * weight * energy; the same bins also feed the previous channel with (1 - weight), kept as a
 * separate "unweight" table. Inputs: 0 energies [bins] uint32, 1 weights, 2 unweights (int16,
 * Q12), 3 channel frequency starts, 4 channel weight starts, 5 channel widths (int16,
 * num_channels + 1 entries); output [num_channels] uint64 (TFLM computes num_channels + 1 sums
 * and drops the first, which only collects channel 0's unweighted part).
 */
import { signalOptions } from './signal_options.js';
import { type Kernel, expectDtype, input, output, shapeError } from '../kernel.js';

export const signalFilterBankKernel: Kernel<{ numChannels: number }> = {
  op: 'SignalFilterBank',
  prepare(node) {
    const numChannels = signalOptions(node).int('num_channels');
    expectDtype(node, input(node, 0), ['uint32'], 'input');
    for (let i = 1; i <= 5; i++) expectDtype(node, input(node, i), ['int16'], `filter bank table ${i}`);
    for (const i of [3, 4, 5]) {
      if ((input(node, i).shape[0] ?? 0) < numChannels + 1) {
        throw shapeError(node, `table ${i} needs num_channels + 1 = ${numChannels + 1} entries`);
      }
    }
    const y = output(node, 0);
    expectDtype(node, y, ['uint64'], 'output');
    y.shape = [numChannels];
    return { numChannels };
  },
  eval(node, d) {
    const energy = input(node, 0).data as Uint32Array;
    const weights = input(node, 1).data as Int16Array;
    const unweights = input(node, 2).data as Int16Array;
    const freqStarts = input(node, 3).data as Int16Array;
    const weightStarts = input(node, 4).data as Int16Array;
    const widths = input(node, 5).data as Int16Array;
    const y = output(node, 0).data as BigUint64Array;
    // Sums stay below 2^53 (weights < 2^15, energies < 2^32, a few dozen bins): exact doubles.
    let weighted = 0;
    let unweighted = 0;
    for (let c = 0; c <= d.numChannels; c++) {
      const f0 = freqStarts[c]!;
      const w0 = weightStarts[c]!;
      for (let j = 0; j < widths[c]!; j++) {
        const e = energy[f0 + j]!;
        weighted += weights[w0 + j]! * e;
        unweighted += unweights[w0 + j]! * e;
      }
      if (c > 0) y[c - 1] = BigInt(weighted);
      weighted = unweighted;
      unweighted = 0;
    }
  },
};
