/** Data movement and conversion: CONCATENATION, PACK/UNPACK, SPLIT, SLICE, STRIDED_SLICE, GATHER(_ND), TILE, BROADCAST_TO, PAD(V2), MIRROR_PAD, TRANSPOSE, SPACE/DEPTH/BATCH rearrangements, RESIZE_*, FILL, ZEROS_LIKE, SELECT_V2, CAST, QUANTIZE, DEQUANTIZE. */
import type { Kernel } from '../kernel.js';

/** The kernels of this family, for registration. */
export const tensorKernels: Kernel[] = [];
