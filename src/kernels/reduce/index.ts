/** Reductions: MEAN, SUM, REDUCE_MAX/MIN/PROD, ARG_MAX/MIN, CUMSUM. */
import type { Kernel } from '../kernel.js';

/** The kernels of this family, for registration. */
export const reduceKernels: Kernel[] = [];
