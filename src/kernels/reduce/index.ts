/** Reductions: MEAN, SUM, REDUCE_MAX/MIN/PROD/ANY/ALL, ARG_MAX/MIN, CUMSUM. */
import type { Kernel } from '../kernel.js';
import { argMaxKernel, argMinKernel } from './arg_min_max.js';
import { cumsumKernel } from './cumsum.js';
import {
  meanKernel,
  reduceAllKernel,
  reduceAnyKernel,
  reduceMaxKernel,
  reduceMinKernel,
  reduceProdKernel,
  sumKernel,
} from './reduce.js';

/** The kernels of this family, for registration. */
export const reduceKernels: Kernel[] = [
  meanKernel,
  sumKernel,
  reduceProdKernel,
  reduceMaxKernel,
  reduceMinKernel,
  reduceAnyKernel,
  reduceAllKernel,
  argMaxKernel,
  argMinKernel,
  cumsumKernel,
];
