/**
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on [batch, spatial (M dims), rest...] tensors, with
 * TF's batch order: output batch = block_offset_index * batch + b, block offsets enumerated
 * row-major. For each of the prod(block) offsets the moved elements form one strided box, so
 * each op is prod(block) strided copies planned in prepare. SPACE_TO_BATCH_ND pads with 0, or
 * with the output zero point for quantized tensors (as TFLite's output_offset).
 */
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  input,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { expectIndexDtype, readIndexValues } from './index_values.js';
import { type CopyPlan, contiguousStrides, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

interface BlockPlan {
  readonly shape: number[];
  readonly plans: CopyPlan[];
}

/** Reads block_shape ([M], >= 1) and the [M, 2] pads/crops; checks them against the input rank. */
function readBlock(
  node: KernelNode,
  x: KernelTensor,
  blockT: KernelTensor,
  padT: KernelTensor,
  role: string,
): { block: number[]; pads: [number, number][] } {
  const block = readIndexValues(node, blockT, 'block_shape');
  const m = block.length;
  if (x.shape.length < m + 1)
    throw shapeError(node, `input [${x.shape}] needs rank >= ${m + 1} for ${m} block dims`);
  if (block.some((b) => b < 1)) throw shapeError(node, `block_shape [${block}] must be >= 1`);
  if (padT.shape.length !== 2 || padT.shape[0] !== m || padT.shape[1] !== 2) {
    throw shapeError(node, `${role} must have shape [${m}, 2], has [${padT.shape}]`);
  }
  const v = readIndexValues(node, padT, role);
  const pads: [number, number][] = [];
  for (let k = 0; k < m; k++) {
    if (v[2 * k]! < 0 || v[2 * k + 1]! < 0) throw shapeError(node, `${role} must be >= 0, got [${v}]`);
    pads.push([v[2 * k]!, v[2 * k + 1]!]);
  }
  return { block, pads };
}

/** Calls `f` with every block offset (row-major) and its linear index. */
function forEachOffset(block: readonly number[], f: (offset: number[], index: number) => void): void {
  const total = block.reduce((a, b) => a * b, 1);
  const off = new Array<number>(block.length).fill(0);
  for (let i = 0; i < total; i++) {
    f(off, i);
    for (let k = block.length - 1; k >= 0; k--) {
      if (++off[k]! < block[k]!) break;
      off[k] = 0;
    }
  }
}

function planSpaceToBatch(
  node: KernelNode,
  x: KernelTensor,
  block: number[],
  pads: [number, number][],
): BlockPlan {
  const w = expectMovable(node, x, 'input');
  const m = block.length;
  const batch = x.shape[0]!;
  const spatial = x.shape.slice(1, 1 + m);
  const rest = x.shape.slice(1 + m);
  const outSpatial = spatial.map((d, k) => {
    const padded = d + pads[k]![0] + pads[k]![1];
    if (padded % block[k]! !== 0) {
      throw shapeError(node, `padded spatial dim ${k} (${padded}) is not a multiple of block ${block[k]}`);
    }
    return padded / block[k]!;
  });
  const total = block.reduce((a, b) => a * b, 1);
  const shape = [batch * total, ...outSpatial, ...rest];
  const restSize = rest.reduce((a, d) => a * d, 1);
  const inS = contiguousStrides(x.shape);
  const outS = contiguousStrides(shape);
  const plans: CopyPlan[] = [];
  forEachOffset(block, (off, index) => {
    const dims = [batch];
    const src = [inS[0]!];
    const dst = [outS[0]!];
    let srcOff = 0;
    let dstOff = index * batch * outS[0]!;
    for (let k = 0; k < m; k++) {
      const b = block[k]!;
      const lo = Math.max(0, Math.ceil((pads[k]![0] - off[k]!) / b));
      const hi = Math.min(outSpatial[k]! - 1, Math.floor((pads[k]![0] - off[k]! + spatial[k]! - 1) / b));
      const count = Math.max(0, hi - lo + 1);
      dims.push(count);
      src.push(b * inS[1 + k]!);
      dst.push(outS[1 + k]!);
      if (count > 0) {
        srcOff += (lo * b + off[k]! - pads[k]![0]) * inS[1 + k]!;
        dstOff += lo * outS[1 + k]!;
      }
    }
    dims.push(restSize);
    src.push(1);
    dst.push(1);
    plans.push(planCopy(dims, src, dst, srcOff, dstOff, w));
  });
  return { shape, plans };
}

function planBatchToSpace(
  node: KernelNode,
  x: KernelTensor,
  block: number[],
  crops: [number, number][],
): BlockPlan {
  const w = expectMovable(node, x, 'input');
  const m = block.length;
  const total = block.reduce((a, b) => a * b, 1);
  const inBatch = x.shape[0]!;
  if (inBatch % total !== 0)
    throw shapeError(node, `input batch ${inBatch} is not a multiple of prod(block_shape) ${total}`);
  const batch = inBatch / total;
  const spatial = x.shape.slice(1, 1 + m);
  const rest = x.shape.slice(1 + m);
  const outSpatial = spatial.map((d, k) => {
    const o = d * block[k]! - crops[k]![0] - crops[k]![1];
    if (o < 0) throw shapeError(node, `crops of spatial dim ${k} exceed its size ${d * block[k]!}`);
    return o;
  });
  const shape = [batch, ...outSpatial, ...rest];
  const restSize = rest.reduce((a, d) => a * d, 1);
  const inS = contiguousStrides(x.shape);
  const outS = contiguousStrides(shape);
  const plans: CopyPlan[] = [];
  forEachOffset(block, (off, index) => {
    const dims = [batch];
    const src = [inS[0]!];
    const dst = [outS[0]!];
    let srcOff = index * batch * inS[0]!;
    let dstOff = 0;
    for (let k = 0; k < m; k++) {
      const b = block[k]!;
      const lo = Math.max(0, Math.ceil((crops[k]![0] - off[k]!) / b));
      const hi = Math.min(spatial[k]! - 1, Math.floor((outSpatial[k]! - 1 + crops[k]![0] - off[k]!) / b));
      const count = Math.max(0, hi - lo + 1);
      dims.push(count);
      src.push(inS[1 + k]!);
      dst.push(b * outS[1 + k]!);
      if (count > 0) {
        srcOff += lo * inS[1 + k]!;
        dstOff += (lo * b + off[k]! - crops[k]![0]) * outS[1 + k]!;
      }
    }
    dims.push(restSize);
    src.push(1);
    dst.push(1);
    plans.push(planCopy(dims, src, dst, srcOff, dstOff, w));
  });
  return { shape, plans };
}

/** Returns the pad element's bytes for SPACE_TO_BATCH_ND: 0, or the quantized output's zero point. */
function padBytes(y: KernelTensor): number {
  return y.quant && (y.dtype === 'uint8' || y.dtype === 'int8' || y.dtype === 'int16')
    ? (y.quant.zeroPoint[0] ?? 0)
    : 0;
}

function makeBlockKernel(op: 'SPACE_TO_BATCH_ND' | 'BATCH_TO_SPACE_ND'): Kernel<{ plan: BlockPlan | null }> {
  const toBatch = op === 'SPACE_TO_BATCH_ND';
  const role = toBatch ? 'paddings' : 'crops';
  const build = (node: KernelNode): BlockPlan => {
    const x = input(node, 0);
    const { block, pads } = readBlock(node, x, input(node, 1), input(node, 2), role);
    return toBatch ? planSpaceToBatch(node, x, block, pads) : planBatchToSpace(node, x, block, pads);
  };
  return {
    op,
    prepare(node, ctx) {
      const x = input(node, 0);
      const y = output(node, 0);
      expectIndexDtype(node, input(node, 1), 'block_shape');
      expectIndexDtype(node, input(node, 2), role);
      expectMovable(node, x, 'input');
      if (y.dtype !== x.dtype)
        throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
      if (!input(node, 1).isConst || !input(node, 2).isConst) {
        ctx.markDynamic(y);
        return { plan: null };
      }
      const plan = build(node);
      y.shape = plan.shape;
      return { plan };
    },
    eval(node, data, ctx) {
      const y = output(node, 0);
      let plan = data.plan;
      if (!plan) {
        plan = build(node);
        ctx.resizeOutput(y, plan.shape);
      }
      const dst = wordView(y);
      if (toBatch) {
        const zp = padBytes(y);
        if (y.dtype === 'int16') new Int16Array(dst.buffer, dst.byteOffset, dst.length).fill(zp);
        else if (zp !== 0) (dst as Uint8Array).fill(zp & 0xff);
        else y.bytes.fill(0);
      }
      const src = wordView(input(node, 0));
      for (const p of plan.plans) runCopy(p, src, dst);
    },
  };
}

/** SPACE_TO_BATCH_ND: inputs (input, block_shape, paddings). */
export const spaceToBatchNdKernel = makeBlockKernel('SPACE_TO_BATCH_ND');

/** BATCH_TO_SPACE_ND: inputs (input, block_shape, crops). */
export const batchToSpaceNdKernel = makeBlockKernel('BATCH_TO_SPACE_ND');
