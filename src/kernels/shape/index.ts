/** Shape ops: RESHAPE, SQUEEZE, EXPAND_DIMS, SHAPE, RANK. */
import type { Kernel } from '../kernel.js';
import { expandDimsKernel, reshapeKernel, squeezeKernel } from './reshape.js';
import { rankKernel, shapeKernel } from './shape.js';

/** The kernels of this family, for registration. */
export const shapeKernels: Kernel[] = [
  reshapeKernel,
  squeezeKernel,
  expandDimsKernel,
  shapeKernel,
  rankKernel,
];
