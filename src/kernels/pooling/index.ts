/** Pooling: AVERAGE_POOL_2D, MAX_POOL_2D, L2_POOL_2D. */
import type { Kernel } from '../kernel.js';

/** The kernels of this family, for registration. */
export const poolingKernels: Kernel[] = [];
