/** Detection post-processing: the custom op TFLite_Detection_PostProcess. */
import type { Kernel } from '../kernel.js';
import { detectionPostprocessKernel } from './detection_postprocess.js';

/** The kernels of this family, for registration. */
export const detectionKernels: Kernel[] = [detectionPostprocessKernel];
