/**
 * ADD of two uint8 / int8 tensors of one shape in WebAssembly SIMD (q8_add_simd_8): TFLite's
 * general rescaling with the constants derived exactly as the reference kernel
 * (src/kernels/elementwise/add_sub.ts prepareAddSub) derives them, bit-exact with it. Elements
 * are split across threads.
 */
import { addKernel } from '../elementwise/add_sub.js';
import { tensorQuant } from '../elementwise/common.js';
import { calculateActivationRangeQuantized } from '../internal/activation_range.js';
import { quantizeMultiplierSmallerThanOneExp } from '../internal/quantize_multiplier.js';
import { numElements, sameShape } from '../internal/shape.js';
import {
  type EvalContext,
  type InitContext,
  type KernelNode,
  type PrepareContext,
  type WasmEnv,
  input,
  optionsOf,
  output,
} from '../kernel.js';
import { type NodeJob, chunksFor, jobMemory, runJob } from './job.js';
import { A, PARAMS_BYTES } from './layout.js';
import type { KernelInstance } from './module.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

export type AddRef = ReturnType<typeof addKernel.prepare>;

interface AddWasm {
  readonly job: NodeJob;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const addPlan: WasmPlan<AddRef, AddWasm> = {
  name: () => 'q8_add_simd_8',

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
      sameShape(a.shape, b.shape)
    );
  },

  prepare(node: KernelNode, _ref: AddRef, ctx: PrepareContext, env: WasmEnv, inst: KernelInstance): AddWasm {
    return {
      job: {
        env,
        inst,
        job: inst.jobs.q8Add,
        persistent: ctx.requestPersistent(PARAMS_BYTES),
        params: 0,
        scratch: -1,
        scratchWord: -1,
        scratchAddress: -1,
        chunks: chunksFor(env, 4 * numElements(output(node, 0).shape)),
      },
    };
  },

  init(node: KernelNode, d: AddWasm, ctx: InitContext): void {
    const { i32 } = jobMemory(d.job, ctx);
    const memory = d.job.env.memory;
    const a = input(node, 0);
    const b = input(node, 1);
    const y = output(node, 0);
    const q1 = tensorQuant(a);
    const q2 = tensorQuant(b);
    const qo = tensorQuant(y);
    // As prepareAddSub: both inputs onto 2 * max(s1, s2) with 20 bits of headroom.
    const leftShift = 20;
    const twiceMax = 2 * Math.max(q1.scale, q2.scale);
    const out = quantizeMultiplierSmallerThanOneExp(twiceMax / Math.fround((1 << leftShift) * qo.scale));
    const in1 = quantizeMultiplierSmallerThanOneExp(q1.scale / twiceMax);
    const in2 = quantizeMultiplierSmallerThanOneExp(q2.scale / twiceMax);
    const range = calculateActivationRangeQuantized(
      optionsOf(node, 'AddOptions').fusedActivationFunction,
      a.dtype as 'int8' | 'uint8',
      qo.scale,
      qo.zeroPoint,
    );
    i32.fill(0);
    i32[A.N] = numElements(y.shape);
    i32[A.A] = addressOf(a, memory);
    i32[A.B] = addressOf(b, memory);
    i32[A.Y] = addressOf(y, memory);
    i32[A.OFF1] = -q1.zeroPoint;
    i32[A.M1] = in1.multiplier;
    i32[A.E1] = -in1.shift;
    i32[A.OFF2] = -q2.zeroPoint;
    i32[A.M2] = in2.multiplier;
    i32[A.E2] = -in2.shift;
    i32[A.ZP_OUT] = qo.zeroPoint;
    i32[A.MO] = out.multiplier;
    i32[A.EO] = -out.shift;
    i32[A.LO] = range.min;
    i32[A.HI] = range.max;
    i32[A.LEFT] = leftShift;
    i32[A.SIGNED] = a.dtype === 'int8' ? 1 : 0;
  },

  eval(_node: KernelNode, d: AddWasm, ctx: EvalContext): void {
    runJob(d.job, ctx);
  },
};
