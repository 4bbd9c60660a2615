/**
 * The run-time quantization of a hybrid (dynamic-range) node's float input, a job of its own
 * (assembly/hybrid.ts) that runs before the node's integer kernel: each row of the input (the
 * batch image of a convolution, each batch row of a fully connected layer) becomes int8 with its
 * scale and zero point. They live at the start of the node's scratch memory:
 *   [int8 rows | float32 scale per row | int32 zero point per row | the kernel's own scratch]
 * so both jobs point into one scratch buffer (NodeJob.scratchOffsets).
 */
import type { InitContext, KernelTensor, PrepareContext, WasmEnv } from '../kernel.js';
import { type NodeJob, align64, jobMemory } from './job.js';
import { H, PARAMS_BYTES } from './layout.js';
import type { KernelInstance } from './module.js';
import { addressOf } from './wasm_kernel.js';

/** Where a hybrid input's quantization lives in the node's scratch, and its job. */
export interface HybridInput {
  readonly job: NodeJob;
  readonly rows: number;
  readonly n: number;
  readonly asymmetric: boolean;
  /** Byte offsets in the scratch of the row scales and zero points; bytes of the whole region. */
  readonly scaleOffset: number;
  readonly offsetOffset: number;
  readonly bytes: number;
}

/** Returns the scratch bytes of the quantized input of `rows` rows of `n` values (before the kernel's own). */
export function hybridInputBytes(rows: number, n: number): number {
  return align64(rows * n) + 2 * align64(rows * 4);
}

/** Returns the layout of `rows` rows of `n` floats in the scratch buffer and requests the job's parameters. */
export function prepareHybridInput(
  ctx: PrepareContext,
  env: WasmEnv,
  inst: KernelInstance,
  scratch: number,
  rows: number,
  n: number,
  asymmetric: boolean,
): HybridInput {
  const scaleOffset = align64(rows * n);
  const offsetOffset = scaleOffset + align64(rows * 4);
  return {
    job: {
      env,
      inst,
      job: inst.jobs.hybridQuantize,
      persistent: ctx.requestPersistent(PARAMS_BYTES),
      params: 0,
      scratch,
      scratchWord: H.Q,
      scratchOffsets: [
        [H.SCALE, scaleOffset],
        [H.OFFSET, offsetOffset],
      ],
      scratchAddress: -1,
      chunks: 1,
    },
    rows,
    n,
    asymmetric,
    scaleOffset,
    offsetOffset,
    bytes: hybridInputBytes(rows, n),
  };
}

/**
 * Writes the job's parameter block: the float input `x`; for a depthwise node also the addresses
 * where the job writes the accumulator start -zeroPoint * sum(w) per channel and the zero-point row.
 */
export function initHybridInput(
  h: HybridInput,
  ctx: InitContext,
  x: KernelTensor,
  depthwise: { channels: number; wsum: number; start: number; zeroRow: number } | null,
): void {
  const { i32 } = jobMemory(h.job, ctx);
  i32.fill(0);
  i32[H.X] = addressOf(x, h.job.env.memory);
  i32[H.N] = h.n;
  i32[H.ROWS] = h.rows;
  i32[H.ASYM] = h.asymmetric ? 1 : 0;
  if (depthwise) {
    i32[H.C] = depthwise.channels;
    i32[H.WSUM] = depthwise.wsum;
    i32[H.START] = depthwise.start;
    i32[H.ZPROW] = depthwise.zeroRow;
  }
  h.job.scratchAddress = -1;
}
