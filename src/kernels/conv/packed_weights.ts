/**
 * The integer GEMM's B operand: the 8-bit filter of a quantized or hybrid convolution-family node
 * as int16 (w - filter zero point). A constant filter is packed once, in init, into a persistent
 * buffer; a filter computed at run time is packed into scratch on every eval.
 */
import {
  type EvalContext,
  type InitContext,
  type KernelNode,
  type KernelTensor,
  type PrepareContext,
  input,
} from '../kernel.js';
import { scratchI16 } from './scratch.js';

/** Where a node keeps its packed weights (fields of its per-node data). */
export interface PackedWeights {
  weightsHandle: number;
  /** True when the filter is constant and the handle is a persistent buffer. */
  weightsPersistent: boolean;
  /** Subtracted from every weight (0 where TFLite ignores the filter's zero point). */
  filterZeroPoint: number;
}

/**
 * Requests the buffer of `count` packed weights for `filter`: persistent when it is constant,
 * scratch otherwise. Returns the handle and which kind it is. Never throws.
 */
export function requestPackedWeights(
  ctx: PrepareContext,
  filter: KernelTensor,
  count: number,
): Pick<PackedWeights, 'weightsHandle' | 'weightsPersistent'> {
  const bytes = count * 2;
  return filter.isConst
    ? { weightsHandle: ctx.requestPersistent(bytes), weightsPersistent: true }
    : { weightsHandle: ctx.requestScratch(bytes), weightsPersistent: false };
}

/** Writes (w - zeroPoint) for every weight into `dst` (the integer GEMM's B operand). Never throws. */
function packWeightsInt16(weights: Int8Array | Uint8Array, zeroPoint: number, dst: Int16Array): void {
  for (let i = 0; i < weights.length; i++) dst[i] = weights[i]! - zeroPoint;
}

/** Packs a constant filter (input 1) into its persistent buffer; does nothing otherwise. Never throws. */
export function initPackedWeights(node: KernelNode, d: PackedWeights, ctx: InitContext): void {
  if (!d.weightsPersistent) return;
  const filter = input(node, 1).data as Int8Array | Uint8Array;
  packWeightsInt16(filter, d.filterZeroPoint, scratchI16(ctx.persistent(d.weightsHandle)));
}

/** Returns the packed weights, packing the filter (input 1) now when it is not constant. Never throws. */
export function packedWeights(node: KernelNode, d: PackedWeights, ctx: EvalContext): Int16Array {
  if (d.weightsPersistent) return scratchI16(ctx.persistent(d.weightsHandle));
  const packed = scratchI16(ctx.scratch(d.weightsHandle));
  packWeightsInt16(input(node, 1).data as Int8Array | Uint8Array, d.filterZeroPoint, packed);
  return packed;
}
