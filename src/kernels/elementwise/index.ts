/** Elementwise ops: binary arithmetic, comparisons, logical ops, SELECT_V2 and unary math. */
import type { Kernel } from '../kernel.js';
import { addKernel, subKernel } from './add_sub.js';
import { comparisonKernels } from './comparisons.js';
import { divKernel } from './div.js';
import { floorDivKernel, floorModKernel } from './floor_div_mod.js';
import { logicalAndKernel, logicalNotKernel, logicalOrKernel } from './logical.js';
import { maximumKernel, minimumKernel } from './maximum_minimum.js';
import { mulKernel } from './mul.js';
import { powKernel } from './pow.js';
import { selectV2Kernel } from './select_v2.js';
import { squaredDifferenceKernel } from './squared_difference.js';
import { unaryMathKernels } from './unary_math.js';

/** The kernels of this family, for registration. */
export const elementwiseKernels: Kernel[] = [
  addKernel,
  subKernel,
  mulKernel,
  divKernel,
  floorDivKernel,
  floorModKernel,
  maximumKernel,
  minimumKernel,
  powKernel,
  squaredDifferenceKernel,
  ...comparisonKernels,
  logicalAndKernel,
  logicalOrKernel,
  logicalNotKernel,
  selectV2Kernel,
  ...unaryMathKernels,
] as Kernel[];
