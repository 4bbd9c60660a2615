/**
 * SignalRfft (int16): the real FFT of each frame, zero-padded to fft_length, by KISS FFT in Q15
 * fixed point (kiss_fft_int16.ts). Input [..., n] int16 with n <= fft_length; output
 * [..., 2 * (fft_length / 2 + 1)] int16, interleaved (re, im). Options: fft_length, T (the
 * element type; only int16 = 7 is supported here).
 */
import { type KissFftrPlan, kissFftr, kissFftrPlan } from './kiss_fft_int16.js';
import { signalOptions } from './signal_options.js';
import { type Kernel, expectDtype, input, output, shapeError, unsupported } from '../kernel.js';

interface RfftData {
  fftLength: number;
  inputLength: number;
  frames: number;
  plan: KissFftrPlan;
  work: number;
}

const TENSOR_TYPE_INT16 = 7;

export const signalRfftKernel: Kernel<RfftData> = {
  op: 'SignalRfft',
  prepare(node, ctx) {
    const o = signalOptions(node);
    const x = input(node, 0);
    const y = output(node, 0);
    if (o.int('T') !== TENSOR_TYPE_INT16 || x.dtype !== 'int16') {
      throw unsupported(node, `only the int16 real FFT is supported (T = ${o.int('T')}, input ${x.dtype})`);
    }
    expectDtype(node, y, ['int16'], 'output');
    const fftLength = o.int('fft_length');
    const inputLength = x.shape[x.shape.length - 1] ?? 0;
    if (inputLength > fftLength)
      throw shapeError(node, `frames of ${inputLength} exceed fft_length ${fftLength}`);
    let plan: KissFftrPlan;
    try {
      plan = kissFftrPlan(fftLength);
    } catch (e) {
      throw unsupported(node, (e as Error).message);
    }
    y.shape = [...x.shape.slice(0, -1), 2 * (fftLength / 2 + 1)];
    const frames = x.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    return { fftLength, inputLength, frames, plan, work: ctx.requestScratch(fftLength * 2) };
  },
  eval(node, d, ctx) {
    const x = input(node, 0).data as Int16Array;
    const y = output(node, 0).data as Int16Array;
    const s = ctx.scratch(d.work);
    const work = new Int16Array(s.buffer, s.byteOffset, d.fftLength);
    const outLen = 2 * (d.fftLength / 2 + 1);
    for (let f = 0; f < d.frames; f++) {
      work.set(x.subarray(f * d.inputLength, (f + 1) * d.inputLength));
      work.fill(0, d.inputLength);
      kissFftr(d.plan, work, y, f * outLen);
    }
  },
};
