/**
 * Element-wise 8-bit ops and conversions in WebAssembly (assembly/unary.ts):
 * - lut8 (q8_lut8): any element-wise op from an 8-bit tensor to an 8-bit tensor (HARD_SWISH,
 *   LOGISTIC, TANH, QUANTIZE between 8-bit types, ... as select.ts lists them) is a function of
 *   the input's 256 values. The table is taken from the reference kernel itself: prepare and
 *   eval it once on a 256-element tensor holding every value, with the node's quantization and
 *   options. The wasm kernel then only looks up, and its outputs are the reference's by
 *   construction. A reference that cannot run on the probe (it needs scratch memory, it throws)
 *   is simply not replaced.
 * - to_f32 (q8_to_f32_simd_8): DEQUANTIZE of a per-tensor 8-bit tensor and CAST from 8-bit to
 *   float32, float(scale * (q - zp)) (CAST: scale 1, zero point 0).
 * - from_f32 (f32_quantize_simd_8): QUANTIZE from float32 to a per-tensor 8-bit tensor.
 * Elements are split across threads.
 */
import type { DType, TypedArray } from '../../ir/dtype.js';
import { numElements } from '../internal/shape.js';
import type {
  EvalContext,
  InitContext,
  Kernel,
  KernelNode,
  KernelTensor,
  PrepareContext,
  WasmEnv,
} from '../kernel.js';
import { input, output } from '../kernel.js';
import { type NodeJob, chunksFor, jobMemory, runJob } from './job.js';
import { PARAMS_BYTES, U } from './layout.js';
import type { KernelInstance } from './module.js';
import { type WasmPlan, addressOf } from './wasm_kernel.js';

const is8 = (d: DType) => d === 'int8' || d === 'uint8';

/** A tensor like `t` with 256 elements of `data` (the probe of a table). */
function probeTensor(t: KernelTensor, data: Int8Array | Uint8Array): KernelTensor {
  return {
    index: t.index,
    name: t.name,
    dtype: t.dtype,
    shape: [256],
    quant: t.quant,
    isConst: false,
    isVariable: false,
    data: data as TypedArray,
    bytes: new Uint8Array(data.buffer),
  };
}

/**
 * Returns the output byte of `reference` for each input byte of an element-wise 8-bit op (index:
 * the input byte), by running the reference on a 256-element copy of the node; null when it
 * cannot run there. Never throws.
 */
export function probeTable8(reference: Kernel, node: KernelNode): Uint8Array | null {
  const x = node.inputs[0];
  const y = node.outputs[0];
  if (!x || !y || x.isConst || node.outputs.length !== 1 || !is8(x.dtype) || !is8(y.dtype)) return null;
  const xs = x.dtype === 'int8' ? new Int8Array(256) : new Uint8Array(256);
  for (let k = 0; k < 256; k++) xs[k] = k; // byte k (Int8Array wraps it)
  const ys = y.dtype === 'int8' ? new Int8Array(256) : new Uint8Array(256);
  const probe: KernelNode = {
    ...node,
    inputs: node.inputs.map((t, i) => (i === 0 ? probeTensor(x, xs) : t)),
    outputs: [probeTensor(y, ys)],
  };
  const buffers: Uint8Array[] = [];
  const ctx = {
    threads: 1,
    requestScratch: (bytes: number) => buffers.push(new Uint8Array(bytes)) - 1,
    requestPersistent: (bytes: number) => buffers.push(new Uint8Array(bytes)) - 1,
    markDynamic: () => {
      throw new Error('dynamic');
    },
    scratch: (h: number) => buffers[h]!,
    persistent: (h: number) => buffers[h]!,
    resizeOutput: () => {
      throw new Error('dynamic');
    },
  };
  try {
    const d = reference.prepare(probe, ctx);
    reference.init?.(probe, d, ctx);
    reference.eval(probe, d, ctx);
  } catch {
    return null;
  }
  return new Uint8Array(ys.buffer);
}

interface UnaryWasm {
  readonly job: NodeJob;
  readonly table: Uint8Array | null;
}

function unaryJob(
  node: KernelNode,
  ctx: PrepareContext,
  env: WasmEnv,
  inst: KernelInstance,
  job: number,
  table: Uint8Array | null,
): UnaryWasm {
  return {
    job: {
      env,
      inst,
      job,
      persistent: ctx.requestPersistent(PARAMS_BYTES + (table ? 256 : 0)),
      params: 0,
      scratch: -1,
      scratchWord: -1,
      scratchAddress: -1,
      chunks: chunksFor(env, 4 * numElements(output(node, 0).shape)),
    },
    table,
  };
}

/** Writes the common words; returns the parameter block view. */
function writeCommon(
  node: KernelNode,
  d: UnaryWasm,
  ctx: InitContext,
): { i32: Int32Array; f32: Float32Array } {
  const { bytes, i32, f32 } = jobMemory(d.job, ctx);
  const memory = d.job.env.memory;
  i32.fill(0);
  i32[U.N] = numElements(output(node, 0).shape);
  i32[U.X] = addressOf(input(node, 0), memory);
  i32[U.Y] = addressOf(output(node, 0), memory);
  if (d.table) {
    bytes.set(d.table, PARAMS_BYTES);
    i32[U.TABLE] = bytes.byteOffset + PARAMS_BYTES;
  }
  return { i32, f32 };
}

const tables = new WeakMap<KernelNode, Uint8Array>();

/** The table plan for an element-wise 8-bit op whose reference kernel is `reference`. */
export function lut8Plan<R>(reference: Kernel<R>): WasmPlan<R, UnaryWasm> {
  return {
    name: (node) => `q8_lut8_${node.op.toLowerCase()}`,
    accepts(node) {
      const t = probeTable8(reference as Kernel, node);
      if (t) tables.set(node, t);
      return t !== null;
    },
    prepare(node, _ref, ctx, env, inst) {
      return unaryJob(node, ctx, env, inst, inst.jobs.lut8, tables.get(node)!);
    },
    init(node, d, ctx) {
      writeCommon(node, d, ctx);
    },
    eval(_node: KernelNode, d: UnaryWasm, ctx: EvalContext) {
      runJob(d.job, ctx);
    },
  };
}

/** Per-tensor (scale, zero point) of a tensor, null unless it has exactly one scale. */
function perTensor(t: KernelTensor): { scale: number; zeroPoint: number } | null {
  const q = t.quant;
  if (!q || q.scale.length !== 1) return null;
  return { scale: Math.fround(q.scale[0]!), zeroPoint: q.zeroPoint[0] ?? 0 };
}

/** DEQUANTIZE (per-tensor 8-bit -> float32) and CAST (8-bit -> float32). */
export const toFloatPlan: WasmPlan<unknown, UnaryWasm> = {
  name: () => 'q8_to_f32_simd_8',
  accepts(node) {
    const x = input(node, 0);
    if (x.isConst || !is8(x.dtype) || output(node, 0).dtype !== 'float32') return false;
    return node.op === 'CAST' || perTensor(x) !== null;
  },
  prepare(node, _ref, ctx, env, inst) {
    return unaryJob(node, ctx, env, inst, inst.jobs.toF32, null);
  },
  init(node, d, ctx) {
    const { i32, f32 } = writeCommon(node, d, ctx);
    const x = input(node, 0);
    const q = node.op === 'CAST' ? { scale: 1, zeroPoint: 0 } : perTensor(x)!;
    f32[U.SCALE] = q.scale;
    i32[U.ZP] = q.zeroPoint;
    i32[U.SIGNED] = x.dtype === 'int8' ? 1 : 0;
  },
  eval(_node, d, ctx) {
    runJob(d.job, ctx);
  },
};

/** QUANTIZE: float32 -> per-tensor 8-bit in SIMD; 8-bit -> 8-bit through the reference's table. */
export function quantizePlan<R>(reference: Kernel<R>): WasmPlan<R, UnaryWasm> {
  const lut = lut8Plan(reference);
  const fromFloat = (node: KernelNode) =>
    !input(node, 0).isConst &&
    input(node, 0).dtype === 'float32' &&
    is8(output(node, 0).dtype) &&
    perTensor(output(node, 0)) !== null;
  return {
    name: (node, ref) => (fromFloat(node) ? 'f32_quantize_simd_8' : lut.name(node, ref)),
    accepts(node, ref, env) {
      return fromFloat(node) || lut.accepts(node, ref, env);
    },
    prepare(node, ref, ctx, env, inst) {
      if (!fromFloat(node)) return lut.prepare(node, ref, ctx, env, inst);
      return unaryJob(node, ctx, env, inst, inst.jobs.fromF32, null);
    },
    init(node, d, ctx) {
      const { i32, f32 } = writeCommon(node, d, ctx);
      if (d.table) return;
      const y = output(node, 0);
      const q = perTensor(y)!;
      f32[U.SCALE] = q.scale;
      i32[U.ZP] = q.zeroPoint;
      i32[U.SIGNED] = y.dtype === 'int8' ? 1 : 0;
      i32[U.QMIN] = y.dtype === 'int8' ? -128 : 0;
      i32[U.QMAX] = y.dtype === 'int8' ? 127 : 255;
    },
    eval(_node, d, ctx) {
      runJob(d.job, ctx);
    },
  };
}
