/** Convolutions and matrix products: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV, FULLY_CONNECTED, BATCH_MATMUL. */
import type { Kernel } from '../kernel.js';
import { batchMatMulKernel } from './batch_matmul.js';
import { conv2dKernel } from './conv_2d.js';
import { depthwiseConv2dKernel } from './depthwise_conv_2d.js';
import { fullyConnectedKernel } from './fully_connected.js';
import { transposeConvKernel } from './transpose_conv.js';

/** The kernels of this family, for registration. */
export const convKernels: Kernel[] = [
  conv2dKernel,
  depthwiseConv2dKernel,
  fullyConnectedKernel,
  transposeConvKernel,
  batchMatMulKernel,
];
