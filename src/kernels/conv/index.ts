/** Convolutions and matrix products: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED, BATCH_MATMUL. */
import type { Kernel } from '../kernel.js';

/** The kernels of this family, for registration. */
export const convKernels: Kernel[] = [];
