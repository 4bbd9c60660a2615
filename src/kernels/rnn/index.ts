/** Recurrent ops with state: SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM. */
import type { Kernel } from '../kernel.js';
import { svdfKernel } from './svdf.js';
import { unidirectionalSequenceLstmKernel } from './unidirectional_sequence_lstm.js';

/** The kernels of this family, for registration. */
export const rnnKernels: Kernel[] = [svdfKernel, unidirectionalSequenceLstmKernel];
