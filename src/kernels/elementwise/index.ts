/** Elementwise ops: binary arithmetic, comparisons, logical ops and unary math. */
import type { Kernel } from '../kernel.js';
import { addKernel } from './add.js';

/** The kernels of this family, for registration. */
export const elementwiseKernels: Kernel[] = [addKernel];
