/**
 * ADD, SUB, MUL (float32 and uint8 / int8) and DIV (float32) with broadcasting in WebAssembly
 * SIMD (assembly/binary.ts), bit-exact with the reference kernels (src/kernels/elementwise): the
 * quantized constants (TFLite's general rescaling) are derived as add_sub.ts and mul.ts derive
 * them, float32 results are the same IEEE operations. The reference
 * prepare's broadcast plan gives the coalesced dims and each input's strides; a constant input is
 * copied into the node's persistent memory at allocateTensors(). A constant that repeats a short
 * row along a contiguous operand (a per-channel offset of 3 values over an image) is repeated
 * there into a row of up to 256 elements, so the kernel's rows are long enough for its vectors.
 * Rows are split across threads.
 */
import type { BinaryData } from '../elementwise/broadcast.js';
import { tensorQuant } from '../elementwise/common.js';
import {
  calculateActivationRangeFloat,
  calculateActivationRangeQuantized,
} from '../internal/activation_range.js';
import {
  quantizeMultiplier,
  quantizeMultiplierGreaterThanOne,
  quantizeMultiplierSmallerThanOneExp,
} from '../internal/quantize_multiplier.js';
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
import { type NodeJob, align64, chunksFor, jobMemory, runJob } from './job.js';
import { BIN, PARAMS_BYTES } from './layout.js';
import type { KernelInstance } from './module.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

/** The iteration of the kernel: [D0, D1, D2, N] and each input's strides (elements). */
interface Walk {
  dims: [number, number, number, number];
  strides: [number[], number[]];
  /** Per input: how many times its row is repeated in persistent memory (1: as stored). */
  repeat: [number, number];
}

interface BinaryWasm {
  readonly job: NodeJob;
  readonly walk: Walk;
  /** Per input: offset of its copy in persistent memory, or -1 when it lives in the arena. */
  readonly copyOffset: [number, number];
}

const OPS: Readonly<Record<string, number>> = { ADD: 0, SUB: 1, MUL: 2, DIV: 3 };

/**
 * Returns the kernel's walk of a reference broadcast plan, or null beyond 4 coalesced dims. A
 * constant input with strides (..., 0, 1) over rows of n < 64 elements, the other input and the
 * output contiguous, is repeated k times (k the largest divisor of the row count with n * k <=
 * 256) so the rows merge k at a time.
 */
function walkOf(plan: BinaryData['plan'], constant: [boolean, boolean]): Walk | null {
  const r = plan.dims.length;
  if (r > 4) return null;
  const dims = [...plan.dims];
  const strides = plan.strides.map((s) => [...s]) as [number[], number[]];
  const repeat: [number, number] = [1, 1];
  if (r >= 2) {
    const n = dims[r - 1]!;
    const rows = dims[r - 2]!;
    for (const k of [0, 1] as const) {
      const s = strides[k]!;
      const o = strides[1 - k]!;
      if (!constant[k] || n >= 64 || s[r - 1] !== 1 || s.some((v, i) => i < r - 1 && v !== 0)) continue;
      if (o[r - 1] !== 1 || o[r - 2] !== n) continue;
      let times = 1;
      for (let t = Math.floor(256 / n); t > 1; t--) {
        if (rows % t === 0) {
          times = t;
          break;
        }
      }
      if (times === 1) continue;
      repeat[k] = times;
      dims[r - 1] = n * times;
      dims[r - 2] = rows / times;
      o[r - 2] = n * times;
      break;
    }
  }
  while (dims.length < 4) {
    dims.unshift(1);
    strides[0].unshift(0);
    strides[1].unshift(0);
  }
  return { dims: dims as Walk['dims'], strides, repeat };
}

/** True for the dtypes and quantization the kernel handles. */
function supported(node: KernelNode): boolean {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  if (b.dtype !== a.dtype || y.dtype !== a.dtype) return false;
  if (a.dtype === 'float32') return true;
  if (node.op === 'DIV') return false; // quantized DIV stays on the reference
  if (a.dtype !== 'int8' && a.dtype !== 'uint8') return false;
  const per = (t: KernelTensor) => t.quant !== null && t.quant.scale.length === 1;
  return per(a) && per(b) && per(y);
}

/** Writes the quantized constants of the op into the parameter block (as the reference derives them). */
function writeQuantized(node: KernelNode, i32: Int32Array): void {
  const a = input(node, 0);
  const b = input(node, 1);
  const y = output(node, 0);
  const q1 = tensorQuant(a);
  const q2 = tensorQuant(b);
  const qo = tensorQuant(y);
  const dtype = y.dtype as 'int8' | 'uint8';
  let out: { multiplier: number; shift: number };
  let act: number;
  if (node.op === 'MUL') {
    // prepareMul: one multiplier for s1 * s2 / so, computed in float32 steps.
    const f = Math.fround;
    out = quantizeMultiplier(f(f(q1.scale * q2.scale) / qo.scale));
    act = optionsOf(node, 'MulOptions').fusedActivationFunction;
    i32[BIN.OFF1] = -q1.zeroPoint;
    i32[BIN.OFF2] = -q2.zeroPoint;
  } else {
    // prepareAddSub: both inputs onto 2 * max(s1, s2) with 20 bits of headroom.
    const twiceMax = 2 * Math.max(q1.scale, q2.scale);
    const realOut = twiceMax / Math.fround((1 << 20) * qo.scale);
    out =
      node.op === 'SUB' && realOut > 1
        ? quantizeMultiplierGreaterThanOne(realOut)
        : quantizeMultiplierSmallerThanOneExp(realOut);
    const in1 = quantizeMultiplierSmallerThanOneExp(q1.scale / twiceMax);
    const in2 = quantizeMultiplierSmallerThanOneExp(q2.scale / twiceMax);
    act = (node.op === 'SUB' ? optionsOf(node, 'SubOptions') : optionsOf(node, 'AddOptions'))
      .fusedActivationFunction;
    i32[BIN.OFF1] = -q1.zeroPoint;
    i32[BIN.M1] = in1.multiplier;
    i32[BIN.E1] = -in1.shift;
    i32[BIN.OFF2] = -q2.zeroPoint;
    i32[BIN.M2] = in2.multiplier;
    i32[BIN.E2] = -in2.shift;
  }
  const range = calculateActivationRangeQuantized(act, dtype, qo.scale, qo.zeroPoint);
  i32[BIN.DTYPE] = dtype === 'uint8' ? 1 : 2;
  i32[BIN.MO] = out.multiplier;
  i32[BIN.LEFT] = Math.max(out.shift, 0);
  i32[BIN.EO] = Math.max(-out.shift, 0);
  i32[BIN.ZP] = qo.zeroPoint;
  i32[BIN.LO] = range.min;
  i32[BIN.HI] = range.max;
}

/** The wasm implementation (what it accepts is capability; select.ts decides where it runs). */
export const binaryPlan: WasmPlan<BinaryData, BinaryWasm> = {
  name: (node) => `${input(node, 0).dtype === 'float32' ? 'f32' : 'q8'}_${node.op.toLowerCase()}_simd_bcast`,

  accepts(node, ref) {
    const a = input(node, 0);
    const b = input(node, 1);
    if (!(node.op in OPS) || (a.isConst && b.isConst) || !supported(node)) return false;
    return walkOf(ref.plan, [a.isConst, b.isConst]) !== null;
  },

  prepare(
    node: KernelNode,
    ref: BinaryData,
    ctx: PrepareContext,
    env: WasmEnv,
    inst: KernelInstance,
  ): BinaryWasm {
    const a = input(node, 0);
    const b = input(node, 1);
    const walk = walkOf(ref.plan, [a.isConst, b.isConst])!;
    const copyOffset: [number, number] = [-1, -1];
    let end = PARAMS_BYTES;
    [a, b].forEach((t, k) => {
      if (!t.isConst) return;
      copyOffset[k] = end;
      end += align64(t.bytes.byteLength * walk.repeat[k]!);
    });
    return {
      job: {
        env,
        inst,
        job: inst.jobs.binary,
        persistent: ctx.requestPersistent(end),
        params: 0,
        scratch: -1,
        scratchWord: -1,
        scratchAddress: -1,
        chunks: chunksFor(env, 4 * ref.plan.size),
      },
      walk,
      copyOffset,
    };
  },

  init(node: KernelNode, d: BinaryWasm, ctx: InitContext): void {
    const { bytes, i32, f32 } = jobMemory(d.job, ctx);
    const memory = d.job.env.memory;
    const y = output(node, 0);
    const { dims, strides } = d.walk;
    i32.fill(0);
    i32[BIN.OP] = OPS[node.op]!;
    i32[BIN.ROWS] = dims[0] * dims[1] * dims[2];
    i32[BIN.D1] = dims[1];
    i32[BIN.D2] = dims[2];
    i32[BIN.N] = dims[3];
    [input(node, 0), input(node, 1)].forEach((t, k) => {
      const at = k === 0 ? [BIN.A, BIN.A0, BIN.A1, BIN.A2, BIN.SA] : [BIN.B, BIN.B0, BIN.B1, BIN.B2, BIN.SB];
      const off = d.copyOffset[k]!;
      if (off >= 0) {
        // The constant, its row repeated walk.repeat times.
        const src = t.bytes;
        for (let r = 0; r < d.walk.repeat[k]!; r++) bytes.set(src, off + r * src.byteLength);
        i32[at[0]!] = bytes.byteOffset + off;
      } else {
        i32[at[0]!] = addressOf(t, memory);
      }
      const s = strides[k]!;
      i32[at[1]!] = s[0]!;
      i32[at[2]!] = s[1]!;
      i32[at[3]!] = s[2]!;
      i32[at[4]!] = s[3]!;
    });
    i32[BIN.Y] = addressOf(y, memory);
    if (y.dtype === 'float32') {
      const opts =
        node.op === 'ADD'
          ? optionsOf(node, 'AddOptions')
          : node.op === 'SUB'
            ? optionsOf(node, 'SubOptions')
            : node.op === 'MUL'
              ? optionsOf(node, 'MulOptions')
              : optionsOf(node, 'DivOptions');
      const r = calculateActivationRangeFloat(opts.fusedActivationFunction);
      i32[BIN.DTYPE] = 0;
      f32[BIN.LO] = r.min;
      f32[BIN.HI] = r.max;
      return;
    }
    writeQuantized(node, i32);
  },

  eval(_node: KernelNode, d: BinaryWasm, ctx: EvalContext): void {
    runJob(d.job, ctx);
  },
};
