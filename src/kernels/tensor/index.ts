/**
 * Data movement and conversion: CONCATENATION, PACK/UNPACK, SPLIT/SPLIT_V, SLICE, STRIDED_SLICE,
 * GATHER/GATHER_ND, TILE, BROADCAST_TO, PAD/PADV2, MIRROR_PAD, TRANSPOSE, SPACE_TO_DEPTH,
 * DEPTH_TO_SPACE, SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, RESIZE_BILINEAR,
 * RESIZE_NEAREST_NEIGHBOR, FILL, ZEROS_LIKE, CAST, QUANTIZE, DEQUANTIZE.
 */
import type { Kernel } from '../kernel.js';
import { castKernel } from './cast.js';
import { concatenationKernel } from './concatenation.js';
import { depthToSpaceKernel, spaceToDepthKernel } from './depth_space.js';
import { dequantizeKernel } from './dequantize.js';
import { fillKernel, zerosLikeKernel } from './fill.js';
import { gatherKernel, gatherNdKernel } from './gather.js';
import { packKernel, unpackKernel } from './pack.js';
import { mirrorPadKernel, padKernel, padV2Kernel } from './pad.js';
import { quantizeKernel } from './quantize.js';
import { resizeBilinearKernel, resizeNearestNeighborKernel } from './resize.js';
import { sliceKernel, stridedSliceKernel } from './slice.js';
import { batchToSpaceNdKernel, spaceToBatchNdKernel } from './space_batch.js';
import { splitKernel, splitVKernel } from './split.js';
import { broadcastToKernel, tileKernel } from './tile.js';
import { transposeKernel } from './transpose.js';

/** The kernels of this family, for registration. */
export const tensorKernels: Kernel[] = [
  concatenationKernel,
  packKernel,
  unpackKernel,
  splitKernel,
  splitVKernel,
  sliceKernel,
  stridedSliceKernel,
  gatherKernel,
  gatherNdKernel,
  tileKernel,
  broadcastToKernel,
  padKernel,
  padV2Kernel,
  mirrorPadKernel,
  transposeKernel,
  spaceToDepthKernel,
  depthToSpaceKernel,
  spaceToBatchNdKernel,
  batchToSpaceNdKernel,
  resizeBilinearKernel,
  resizeNearestNeighborKernel,
  fillKernel,
  zerosLikeKernel,
  castKernel,
  quantizeKernel,
  dequantizeKernel,
];
