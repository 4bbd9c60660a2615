/** Activations and normalizations: RELU family, LOGISTIC, TANH, SOFTMAX, LOG_SOFTMAX, HARD_SWISH, LEAKY_RELU, PRELU, ELU, GELU, L2_NORMALIZATION. */
import type { Kernel } from '../kernel.js';

/** The kernels of this family, for registration. */
export const activationsKernels: Kernel[] = [];
