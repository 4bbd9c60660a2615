/** Pooling: AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D. */
import type { Kernel } from '../kernel.js';
import { averagePool2dKernel, l2Pool2dKernel, maxPool2dKernel } from './pool_2d.js';

/** The kernels of this family, for registration. */
export const poolingKernels: Kernel[] = [averagePool2dKernel, maxPool2dKernel, l2Pool2dKernel];
