/**
 * MUL of uint8 / int8 tensors in WebAssembly SIMD (q8_mul_simd_8): same shapes, one operand
 * repeating a row of C values (squeeze-and-excitation scales) or a single value. Constants are
 * derived as the reference kernel (src/kernels/elementwise/mul.ts prepareMul) derives them;
 * bit-exact with it. Rows are split across threads.
 */
import { tensorQuant } from '../elementwise/common.js';
import { mulKernel } from '../elementwise/mul.js';
import { calculateActivationRangeQuantized } from '../internal/activation_range.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { numElements, sameShape } from '../internal/shape.js';
import {
  type EvalContext,
  type InitContext,
  type KernelNode,
  type KernelTensor,
  type PrepareContext,
  type WasmEnv,
  input,
  optionsOf,
  output,
} from '../kernel.js';
import { type NodeJob, chunksFor, jobMemory, runJob } from './job.js';
import { M, PARAMS_BYTES } from './layout.js';
import type { KernelInstance } from './module.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type MulRef = ReturnType<typeof mulKernel.prepare>;

interface MulWasm {
  readonly job: NodeJob;
}

/** How the second operand `b` maps onto the output: 'same', 'row' (repeats C values), 'scalar'. */
function broadcastKind(
  full: KernelTensor,
  b: KernelTensor,
  y: KernelTensor,
): 'same' | 'row' | 'scalar' | null {
  if (!sameShape(full.shape, y.shape)) return null;
  if (sameShape(b.shape, y.shape)) return 'same';
  const n = numElements(b.shape);
  if (n === 1) return 'scalar';
  const c = y.shape[y.shape.length - 1];
  const bLast = b.shape[b.shape.length - 1];
  if (n === c && bLast === c && b.shape.length <= y.shape.length) return 'row';
  return null;
}

/** Returns [full operand, broadcast operand, kind], trying both orders (MUL commutes), or null. */
function operands(node: KernelNode): [KernelTensor, KernelTensor, 'same' | 'row' | 'scalar'] | null {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  const k1 = broadcastKind(a, b, y);
  if (k1) return [a, b, k1];
  const k2 = broadcastKind(b, a, y);
  return k2 ? [b, a, k2] : null;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const mulPlan: WasmPlan<MulRef, MulWasm> = {
  name: () => 'q8_mul_simd_8',

  accepts(node) {
    const a = input(node, 0);
    const b = input(node, 1);
    const y = output(node, 0);
    return (
      (a.dtype === 'int8' || a.dtype === 'uint8') &&
      b.dtype === a.dtype &&
      y.dtype === a.dtype &&
      !a.isConst &&
      !b.isConst &&
      a.quant !== null &&
      b.quant !== null &&
      y.quant !== null &&
      y.shape.length > 0 &&
      operands(node) !== null
    );
  },

  prepare(node: KernelNode, _ref: MulRef, ctx: PrepareContext, env: WasmEnv, inst: KernelInstance): MulWasm {
    return {
      job: {
        env,
        inst,
        job: inst.jobs.q8Mul,
        persistent: ctx.requestPersistent(PARAMS_BYTES),
        params: 0,
        scratch: -1,
        scratchWord: -1,
        scratchAddress: -1,
        chunks: chunksFor(env, 4 * numElements(output(node, 0).shape)),
      },
    };
  },

  init(node: KernelNode, d: MulWasm, ctx: InitContext): void {
    const { i32 } = jobMemory(d.job, ctx);
    const memory = d.job.env.memory;
    const y = output(node, 0);
    const [full, other, kind] = operands(node)!;
    const qa = tensorQuant(full);
    const qb = tensorQuant(other);
    const qo = tensorQuant(y);
    // As prepareMul: one multiplier for input_scale1 * input_scale2 / output_scale (float32 steps).
    const f = Math.fround;
    const { multiplier, shift } = quantizeMultiplier(f(f(qa.scale * qb.scale) / qo.scale));
    const range = calculateActivationRangeQuantized(
      optionsOf(node, 'MulOptions').fusedActivationFunction,
      y.dtype as 'int8' | 'uint8',
      qo.scale,
      qo.zeroPoint,
    );
    const c = y.shape[y.shape.length - 1]!;
    i32.fill(0);
    i32[M.ROWS] = numElements(y.shape) / c;
    i32[M.C] = c;
    i32[M.A] = addressOf(full, memory);
    i32[M.B] = addressOf(other, memory);
    i32[M.Y] = addressOf(y, memory);
    i32[M.B_ROW_STRIDE] = kind === 'same' ? c : 0;
    i32[M.B_SCALAR] = kind === 'scalar' ? 1 : 0;
    i32[M.OFF_A] = -qa.zeroPoint;
    i32[M.OFF_B] = -qb.zeroPoint;
    i32[M.ZP_OUT] = qo.zeroPoint;
    i32[M.MULT] = multiplier;
    i32[M.LEFT] = shift > 0 ? shift : 0;
    i32[M.RIGHT] = shift > 0 ? 0 : -shift;
    i32[M.LO] = range.min;
    i32[M.HI] = range.max;
    i32[M.SIGNED] = y.dtype === 'int8' ? 1 : 0;
  },

  eval(_node: KernelNode, d: MulWasm, ctx: EvalContext): void {
    runJob(d.job, ctx);
  },
};
