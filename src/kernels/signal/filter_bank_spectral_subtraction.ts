/**
 * SignalFilterBankSpectralSubtraction: noise reduction. A per-channel noise estimate (kept across
 * invokes, reset when the interpreter allocates) follows the signal with a one-pole low-pass
 * filter (even and odd channels have their own smoothing coefficients), and is subtracted from
 * the signal, keeping at least min_signal_remaining of it:
 *
 *   s = x << smoothing_bits
 *   noise = (s * smoothing + noise * (1 - smoothing)) >> spectral_subtraction_bits
 *   out = max((s - min(noise, s)) >> smoothing_bits, (x * min_signal_remaining) >> ssb)
 *
 * with uint32 values and uint64 products, as TFLM's FilterbankSpectralSubtraction. With
 * `clamping` the estimate itself is pulled down to the signal. Input [n] uint32; outputs
 * 0 [n] uint32 (the signal), 1 [n] uint32 (a copy of the noise estimate).
 */
import { signalOptions } from './signal_options.js';
import { type Kernel, expectDtype, input, output } from '../kernel.js';

interface SpectralSubtractionData {
  n: number;
  smoothing: number;
  oneMinusSmoothing: number;
  alternateSmoothing: number;
  alternateOneMinusSmoothing: number;
  minSignalRemaining: number;
  smoothingBits: number;
  spectralSubtractionBits: number;
  clamping: boolean;
  /** Persistent buffer holding the noise estimate (uint32 per channel). */
  state: number;
}

const TWO32 = 4294967296;

export const signalFilterBankSpectralSubtractionKernel: Kernel<SpectralSubtractionData> = {
  op: 'SignalFilterBankSpectralSubtraction',
  stateful: true,
  prepare(node, ctx) {
    const o = signalOptions(node);
    const x = input(node, 0);
    const y = output(node, 0);
    const noise = output(node, 1);
    expectDtype(node, x, ['uint32'], 'input');
    expectDtype(node, y, ['uint32'], 'output');
    expectDtype(node, noise, ['uint32'], 'noise estimate output');
    const n = o.int('num_channels');
    y.shape = [n];
    noise.shape = [n];
    return {
      n,
      smoothing: o.int('smoothing'),
      oneMinusSmoothing: o.int('one_minus_smoothing'),
      alternateSmoothing: o.int('alternate_smoothing'),
      alternateOneMinusSmoothing: o.int('alternate_one_minus_smoothing'),
      minSignalRemaining: o.int('min_signal_remaining'),
      smoothingBits: o.int('smoothing_bits'),
      spectralSubtractionBits: o.int('spectral_subtraction_bits'),
      clamping: o.bool('clamping'),
      state: ctx.requestPersistent(n * 4),
    };
  },
  init(_node, d, ctx) {
    ctx.persistent(d.state).fill(0);
  },
  // The noise estimate starts over on resetVariables(), as TFLM resets it on interpreter Reset().
  reset(_node, d, ctx) {
    ctx.persistent(d.state).fill(0);
  },
  eval(node, d, ctx) {
    const x = input(node, 0).data as Uint32Array;
    const y = output(node, 0).data as Uint32Array;
    const noiseOut = output(node, 1).data as Uint32Array;
    const p = ctx.persistent(d.state);
    const noise = new Uint32Array(p.buffer, p.byteOffset, d.n);
    const sb = 2 ** d.smoothingBits;
    const ssb = 2 ** d.spectralSubtractionBits;
    for (let i = 0; i < d.n; i++) {
      const even = (i & 1) === 0;
      const smoothing = even ? d.smoothing : d.alternateSmoothing;
      const oneMinus = even ? d.oneMinusSmoothing : d.alternateOneMinusSmoothing;
      const s = (x[i]! * sb) % TWO32; // uint32 shift
      // uint64 products below 2^53: exact in doubles; the shifted result is stored as uint32.
      noise[i] = Math.floor((s * smoothing + noise[i]! * oneMinus) / ssb) % TWO32;
      let estimate = noise[i]!;
      if (estimate > s) {
        estimate = s;
        if (d.clamping) noise[i] = estimate;
      }
      const floor = Math.floor((x[i]! * d.minSignalRemaining) / ssb) % TWO32;
      const subtracted = Math.floor((s - estimate) / sb);
      y[i] = subtracted > floor ? subtracted : floor;
    }
    noiseOut.set(noise);
  },
};
