/**
 * TFLite Micro's Signal library custom ops (the audio front end of micro_speech): window, FFT
 * auto-scale, real FFT, energy, mel filter bank, square root, spectral subtraction, PCAN gain
 * control and log, bit-exact with TFLM's reference C implementations.
 */
import type { Kernel } from '../kernel.js';
import { signalEnergyKernel } from './energy.js';
import { signalFftAutoScaleKernel } from './fft_auto_scale.js';
import { signalFilterBankKernel } from './filter_bank.js';
import { signalFilterBankLogKernel } from './filter_bank_log.js';
import { signalFilterBankSpectralSubtractionKernel } from './filter_bank_spectral_subtraction.js';
import { signalFilterBankSquareRootKernel } from './filter_bank_square_root.js';
import { signalPcanKernel } from './pcan.js';
import { signalRfftKernel } from './rfft.js';
import { signalWindowKernel } from './window.js';

/** The kernels of this family, for registration. */
export const signalKernels: Kernel[] = [
  signalWindowKernel,
  signalFftAutoScaleKernel,
  signalRfftKernel,
  signalEnergyKernel,
  signalFilterBankKernel,
  signalFilterBankSquareRootKernel,
  signalFilterBankSpectralSubtractionKernel,
  signalPcanKernel,
  signalFilterBankLogKernel,
];
