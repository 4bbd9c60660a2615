/**
 * Weight packing in the kernel module (assembly/pack.ts) instead of JavaScript. The plans pack
 * once per process at allocateTensors(), so the JavaScript loops of packing.ts ran mostly in V8's
 * interpreter: ~20 ns per weight, 100+ ms of a quantized model's cold start. Here a layer's
 * weights are copied (memcpy) into a memory of the packer's own, packed by compiled code and the
 * result copied into the interpreter's memory: the same bytes as packing.ts (the test oracle).
 *
 * The packer is one module instance over an unshared memory, made on first use and grown to the
 * largest layer seen; a memory grown past KEEP_BYTES is dropped after the call.
 */
import { TfliteError } from '../../errors.js';
import { WASM_RESERVED_BYTES, MAX_MEMORY_PAGES, kernelImports, kernelModule } from './module.js';
import {
  type ColumnSums,
  f32DepthwisePackedFloats,
  f32GemmPackedBytes,
  q8DepthwisePackedBytes,
  q8GemmPackedBytes,
} from './packing.js';

/** Exports of assembly/pack.ts. */
interface PackExports {
  pack_sums8(
    w: number,
    signed: number,
    rows: number,
    count: number,
    rs: number,
    es: number,
    wzp: number,
    sum: number,
    abs: number,
  ): void;
  pack_q8_gemm(
    w: number,
    signed: number,
    n: number,
    k: number,
    wzp: number,
    factor: number,
    dst: number,
  ): void;
  pack_q8_dw(
    w: number,
    signed: number,
    taps: number,
    c: number,
    wzp: number,
    factor: number,
    dst: number,
  ): void;
  pack_f32_gemm(w: number, bias: number, n: number, k: number, dst: number): void;
  pack_f32_dw(w: number, bias: number, taps: number, c: number, dst: number): void;
  pack_plan_requant(
    n: number,
    mult: number,
    shifts: number,
    bound: number,
    zeroWeights: number,
    factor: number,
    constant: number,
  ): number;
  pack_requant_columns(
    n: number,
    bias: number,
    sum: number,
    abs: number,
    xr: number,
    zpIn: number,
    fold: number,
    start: number,
    b: number,
    bound: number,
    zeroWeights: number,
  ): void;
  pack_requant_block(
    dst: number,
    n: number,
    mode: number,
    s: number,
    zp: number,
    start: number,
    mult: number,
    shifts: number,
    factor: number,
    constant: number,
  ): void;
}

/** Memory kept between calls at most (bytes); a larger one is released after its call. */
const KEEP_BYTES = 8 << 20;

let packer: { memory: WebAssembly.Memory; exports: PackExports } | undefined;

/** Returns the packer with at least `bytes` of memory past the module's reserved bytes. */
function packerFor(bytes: number): { memory: WebAssembly.Memory; exports: PackExports } {
  const need = Math.ceil((WASM_RESERVED_BYTES + bytes) / 65536);
  if (need > MAX_MEMORY_PAGES) {
    throw new TfliteError(
      'WASM',
      `a layer's weights need ${bytes} bytes to pack, more than a wasm memory holds; use the reference kernels`,
    );
  }
  if (!packer) {
    const memory = new WebAssembly.Memory({ initial: need, maximum: MAX_MEMORY_PAGES });
    const instance = new WebAssembly.Instance(kernelModule(false), kernelImports(memory));
    packer = { memory, exports: instance.exports as unknown as PackExports };
  }
  const have = packer.memory.buffer.byteLength >> 16;
  if (have < need) packer.memory.grow(need - have);
  return packer;
}

/**
 * Bytes past WASM_RESERVED_BYTES held by a staged layer (stageQ8) until its pack(): the plans
 * plan the requantization between the two, and those calls allocate after it.
 */
let staged = 0;

/** Address from which a call that is not staging may use the packer's memory. */
function freeBase(): number {
  return WASM_RESERVED_BYTES + staged;
}

/** Releases the packer's memory when it grew past KEEP_BYTES (unless a layer is staged). */
function release(): void {
  if (staged === 0 && packer && packer.memory.buffer.byteLength > KEEP_BYTES) packer = undefined;
}

/** Rounds n up to a multiple of 16 (the packer's allocations). */
function up16(n: number): number {
  return (n + 15) & ~15;
}

/** Weights of an 8-bit layer copied into the packer, with their per-column sums. */
export interface StagedQ8 {
  /** Per column (row of w[n][k], or channel of depthwise w[taps][C]): sum and |sum| of w - wzp. */
  readonly sums: ColumnSums;
  /**
   * Packs (w - wzp) * factor[j] (factor null: 1) into dst, as packQ8Gemm / packDepthwiseQ8 of
   * packing.ts; valid until the next call of this file. Never throws.
   */
  pack(factor: Int32Array | null, dst: Int16Array): void;
}

/**
 * Copies w and computes its sums for a GEMM operand w[n][k] (depthwise: false) or depthwise
 * weights w[taps][C] (n = taps, k = C); pack() then packs it. Throws when the layer exceeds a
 * wasm memory.
 */
export function stageQ8(
  w: Int8Array | Uint8Array,
  n: number,
  k: number,
  wzp: number,
  depthwise: boolean,
): StagedQ8 {
  const cols = depthwise ? k : n;
  const length = n * k;
  const packed = depthwise ? q8DepthwisePackedBytes(n, k) : q8GemmPackedBytes(n, k);
  const wAt = WASM_RESERVED_BYTES;
  const sumAt = wAt + up16(length);
  const absAt = sumAt + up16(cols * 4);
  const factorAt = absAt + cols * 8;
  const dstAt = factorAt + up16(cols * 4);
  const p = packerFor(dstAt + packed - WASM_RESERVED_BYTES);
  const buf = p.memory.buffer;
  staged = up16(dstAt + packed) - WASM_RESERVED_BYTES;
  new Uint8Array(buf, wAt, length).set(new Uint8Array(w.buffer, w.byteOffset, length));
  const signed = w instanceof Int8Array ? 1 : 0;
  if (depthwise) p.exports.pack_sums8(wAt, signed, k, n, 1, k, wzp, sumAt, absAt);
  else p.exports.pack_sums8(wAt, signed, n, k, k, 1, wzp, sumAt, absAt);
  const sums: ColumnSums = {
    sum: new Int32Array(buf, sumAt, cols).slice(),
    abs: new Float64Array(buf, absAt, cols).slice(),
  };
  return {
    sums,
    pack(factor, dst) {
      const mem = p.memory.buffer; // a call in between may have grown the memory
      if (factor) new Int32Array(mem, factorAt, cols).set(factor);
      const f = factor ? factorAt : 0;
      if (depthwise) p.exports.pack_q8_dw(wAt, signed, n, k, wzp, f, dstAt);
      else p.exports.pack_q8_gemm(wAt, signed, n, k, wzp, f, dstAt);
      dst.set(new Int16Array(mem, dstAt, packed >> 1));
      staged = 0;
      release();
    },
  };
}

/**
 * Packs float weights w[n][k] and bias (or zeros) into dst as packF32Gemm of packing.ts, or, with
 * `depthwise`, w[taps = n][C = k] as packDepthwiseF32. Throws when the layer exceeds a wasm memory.
 */
export function packF32(
  w: Float32Array,
  bias: Float32Array | null,
  n: number,
  k: number,
  depthwise: boolean,
  dst: Float32Array,
): void {
  const floats = depthwise ? f32DepthwisePackedFloats(n, k) : f32GemmPackedBytes(n, k) >> 2;
  const biasLength = depthwise ? k : n;
  const length = n * k;
  const wAt = freeBase();
  const biasAt = wAt + up16(length * 4);
  const dstAt = biasAt + up16(biasLength * 4);
  const p = packerFor(dstAt + floats * 4 - WASM_RESERVED_BYTES);
  const buf = p.memory.buffer;
  new Float32Array(buf, wAt, length).set(w.subarray(0, length));
  if (bias) new Float32Array(buf, biasAt, biasLength).set(bias.subarray(0, biasLength));
  const b = bias ? biasAt : 0;
  if (depthwise) p.exports.pack_f32_dw(wAt, b, n, k, dstAt);
  else p.exports.pack_f32_gemm(wAt, b, n, k, dstAt);
  dst.set(new Float32Array(buf, dstAt, floats));
  release();
}

/** Per-column inputs of a requantization block (requant_block.ts writeRequantBlock). */
export interface RequantArrays {
  start: Int32Array;
  multipliers: Int32Array;
  shifts: Int32Array;
  factor: Int32Array;
  /** NaN for a live column. */
  constant: Float64Array;
}

/**
 * Writes the per-column arrays of a requantization block (everything after its 32-byte header)
 * into dst, as writeRequantBlock's loop did in JavaScript (~0.5 us per column cold). Never throws
 * for a block's sizes.
 */
export function packRequantColumns(
  dst: Uint8Array,
  mode: number,
  shift: number,
  zp: number,
  a: RequantArrays,
): void {
  const n = a.multipliers.length;
  const bytes = ((n + 7) & ~7) * 36;
  const startAt = freeBase();
  const multAt = startAt + up16(n * 4);
  const shiftsAt = multAt + up16(n * 4);
  const factorAt = shiftsAt + up16(n * 4);
  const constantAt = factorAt + up16(n * 4);
  const dstAt = constantAt + up16(n * 8);
  const p = packerFor(dstAt + 32 + bytes - WASM_RESERVED_BYTES);
  const buf = p.memory.buffer;
  new Int32Array(buf, startAt, n).set(a.start.subarray(0, n));
  new Int32Array(buf, multAt, n).set(a.multipliers);
  new Int32Array(buf, shiftsAt, n).set(a.shifts.subarray(0, n));
  new Int32Array(buf, factorAt, n).set(a.factor.subarray(0, n));
  new Float64Array(buf, constantAt, n).set(a.constant.subarray(0, n));
  p.exports.pack_requant_block(dstAt, n, mode, shift, zp, startAt, multAt, shiftsAt, factorAt, constantAt);
  dst.set(new Uint8Array(buf, dstAt + 32, bytes), 32);
  release();
}

/**
 * The column loop of requant_block.ts planRequant, in the kernel module: fills factor and
 * constant (whose zero-weight columns the caller has written; the rest are overwritten) and
 * returns the mode and shift. Never throws for a layer's sizes.
 */
export function planRequantColumns(
  multipliers: Int32Array,
  shifts: Int32Array,
  bound: Float64Array,
  zeroWeights: Uint8Array,
  factor: Int32Array,
  constant: Float64Array,
): { mode: number; shift: number } {
  const n = multipliers.length;
  const multAt = freeBase();
  const shiftsAt = multAt + up16(n * 4);
  const boundAt = shiftsAt + up16(n * 4);
  const zeroAt = boundAt + up16(n * 8);
  const factorAt = zeroAt + up16(n);
  const constantAt = factorAt + up16(n * 4);
  const p = packerFor(constantAt + n * 8 - WASM_RESERVED_BYTES);
  const buf = p.memory.buffer;
  new Int32Array(buf, multAt, n).set(multipliers);
  new Int32Array(buf, shiftsAt, n).set(shifts.subarray(0, n));
  new Float64Array(buf, boundAt, n).set(bound.subarray(0, n));
  new Uint8Array(buf, zeroAt, n).set(zeroWeights.subarray(0, n));
  new Float64Array(buf, constantAt, n).set(constant.subarray(0, n));
  const r = p.exports.pack_plan_requant(n, multAt, shiftsAt, boundAt, zeroAt, factorAt, constantAt);
  factor.set(new Int32Array(buf, factorAt, n));
  constant.set(new Float64Array(buf, constantAt, n));
  release();
  return { mode: r & 15, shift: r >> 4 };
}

/** Per-column arrays of requant_block.ts RequantColumns computed from a layer's sums and bias. */
export interface ColumnArrays {
  start: Int32Array;
  bias: Int32Array;
  bound: Float64Array;
  zeroWeights: Uint8Array;
}

/**
 * The column loop of requant_block.ts requantColumns, in the kernel module: n columns of bias
 * (or none), sums, input range xr and input zero point (folded into start when `fold`). Never
 * throws for a layer's sizes.
 */
export function requantColumnArrays(
  n: number,
  bias: Float64Array | null,
  sums: ColumnSums,
  xr: number,
  zpIn: number,
  fold: boolean,
): ColumnArrays {
  const biasAt = freeBase();
  const sumAt = biasAt + up16(n * 8);
  const absAt = sumAt + up16(n * 4);
  const startAt = absAt + up16(n * 8);
  const bAt = startAt + up16(n * 4);
  const boundAt = bAt + up16(n * 4);
  const zeroAt = boundAt + up16(n * 8);
  const p = packerFor(zeroAt + n - WASM_RESERVED_BYTES);
  const buf = p.memory.buffer;
  if (bias) new Float64Array(buf, biasAt, n).set(bias.subarray(0, n));
  new Int32Array(buf, sumAt, n).set(sums.sum.subarray(0, n));
  new Float64Array(buf, absAt, n).set(sums.abs.subarray(0, n));
  p.exports.pack_requant_columns(
    n,
    bias ? biasAt : 0,
    sumAt,
    absAt,
    xr,
    zpIn,
    fold ? 1 : 0,
    startAt,
    bAt,
    boundAt,
    zeroAt,
  );
  const out = {
    start: new Int32Array(buf, startAt, n).slice(),
    bias: new Int32Array(buf, bAt, n).slice(),
    bound: new Float64Array(buf, boundAt, n).slice(),
    zeroWeights: new Uint8Array(buf, zeroAt, n).slice(),
  };
  release();
  return out;
}
