/** Activations and normalizations: RELU family, LOGISTIC, TANH, SOFTMAX, LOG_SOFTMAX, HARD_SWISH, LEAKY_RELU, PRELU, ELU, GELU, L2_NORMALIZATION. */
import type { Kernel } from '../kernel.js';
import { eluKernel } from './elu.js';
import { geluKernel } from './gelu.js';
import { hardSwishKernel } from './hard_swish.js';
import { l2NormalizationKernel } from './l2_normalization.js';
import { leakyReluKernel } from './leaky_relu.js';
import { logSoftmaxKernel } from './log_softmax.js';
import { logisticKernel, tanhKernel } from './logistic_tanh.js';
import { preluKernel } from './prelu.js';
import { reluKernels } from './relu.js';
import { softmaxKernel } from './softmax.js';

/** The kernels of this family, for registration. */
export const activationsKernels: Kernel[] = [
  ...reluKernels,
  logisticKernel,
  tanhKernel,
  softmaxKernel,
  logSoftmaxKernel,
  hardSwishKernel,
  leakyReluKernel,
  preluKernel,
  eluKernel,
  geluKernel,
  l2NormalizationKernel,
] as Kernel[];
