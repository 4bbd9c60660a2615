/**
 * SignalPCAN: per-channel automatic gain control (TFLM's ApplyPcanAutoGainControlFixed). The
 * gain for each channel comes from its noise estimate through a piecewise-quadratic lookup
 * (WideDynamicFunction, 3 int16 coefficients per octave of the estimate), the SNR is
 * (x * gain) >> snr_shift with 12 fractional bits, and the output is the "shrink" curve
 * x^2 / 4 below 2, x - 1 above, with 6 fractional bits. Inputs: 0 [n] uint32 signal,
 * 1 [n] uint32 noise estimate, 2 gain table int16; output [n] uint32.
 */
import { mostSignificantBit32 } from './bits.js';
import { signalOptions } from './signal_options.js';
import { type Kernel, expectDtype, input, output, shapeError } from '../kernel.js';

const SNR_BITS = 12;
const OUTPUT_BITS = 6;

/** WideDynamicFunction(x, lut) as int16. */
function wideDynamicFunction(x: number, lut: Int16Array): number {
  if (x <= 2) return lut[x]!;
  const interval = mostSignificantBit32(x);
  const base = 4 * interval - 6;
  const frac = (interval < 11 ? (x << (11 - interval)) >>> 0 : x >>> (interval - 11)) & 0x3ff;
  let result = (lut[base + 2]! * frac) >> 5;
  result = (result + ((lut[base + 1]! << 5) | 0)) | 0;
  result = Math.imul(result, frac);
  result = (result + (1 << 14)) >> 15;
  result += lut[base]!;
  return (result << 16) >> 16;
}

/** PcanShrink with 12 SNR bits and 6 output bits (uint32). */
function shrink(x: number): number {
  if (x < 2 << SNR_BITS) return (Math.imul(x, x) >>> 0) >>> (2 + 2 * SNR_BITS - OUTPUT_BITS);
  return ((x >>> (SNR_BITS - OUTPUT_BITS)) - (1 << OUTPUT_BITS)) >>> 0;
}

export const signalPcanKernel: Kernel<{ n: number; snrShift: number }> = {
  op: 'SignalPCAN',
  prepare(node) {
    const x = input(node, 0);
    const noise = input(node, 1);
    const lut = input(node, 2);
    const y = output(node, 0);
    expectDtype(node, x, ['uint32'], 'input');
    expectDtype(node, noise, ['uint32'], 'noise estimate');
    expectDtype(node, lut, ['int16'], 'gain table');
    expectDtype(node, y, ['uint32'], 'output');
    const n = x.shape.reduce((a, b) => a * b, 1);
    if (noise.shape.reduce((a, b) => a * b, 1) !== n)
      throw shapeError(node, 'noise estimate and input sizes differ');
    y.shape = [...x.shape];
    return { n, snrShift: signalOptions(node).int('snr_shift') };
  },
  eval(node, d) {
    const x = input(node, 0).data as Uint32Array;
    const noise = input(node, 1).data as Uint32Array;
    const lut = input(node, 2).data as Int16Array;
    const y = output(node, 0).data as Uint32Array;
    const div = 2 ** d.snrShift;
    for (let i = 0; i < d.n; i++) {
      // The int16 gain converted to uint32 (a negative gain would wrap, as in C).
      const gain = wideDynamicFunction(noise[i]!, lut) >>> 0;
      // uint64 product, shifted, stored as uint32.
      const snr = Number(((BigInt(x[i]!) * BigInt(gain)) / BigInt(div)) % 4294967296n);
      y[i] = shrink(snr);
    }
  },
};
