/**
 * The requantization block of a quantized wasm kernel (GEMM, convolution, depthwise), written
 * once at allocateTensors(): which of the exact modes of assembly/requantize.ts the layer can use
 * (the file comment there derives them), the factor each column's weights and bias are packed
 * with, and the per-column arrays the kernel reads.
 *
 * The fast modes need |sum (x - zp_in)(w - zp_w) + bias| * 2^left < 2^30 for every input. The
 * weights and bias are constants, so the bound is exact per column: max|x - zp_in| * sum|w - zp_w|
 * + |bias| (real models stay below 2^29). Columns whose weights are all zero output one constant
 * for every input (the reference requantizes their bias); columns whose bound makes the rounding
 * divide always give 0 output the zero point. Both are folded into the constant C of the kernel
 * and never constrain the shifts (visual_wake_words has such channels with shifts near -30).
 */
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import type { Requant } from '../conv/requantize.js';
import { packRequantColumns, planRequantColumns, requantColumnArrays, stageQ8 } from './packer.js';
import { type ColumnSums, roundUp8 } from './packing.js';

/** Word indices of the block header and per-column array indices (assembly/requantize.ts). */
const RQ = { MODE: 0, SHIFT: 1, QMIN: 2, QMAX: 3, CLAMP: 4, SIGNED: 5, ZP: 6 } as const;
const RQA = { BIAS: 0, MULT: 1, C: 2, HI: 3, LO: 4, P2: 5, SHIFT: 6, K: 7 } as const;
const HEADER_BYTES = 32;

/** What the block needs to know about a layer's columns (output channels). */
export interface RequantColumns {
  /** Accumulator start per column, int32 (the bias; minus zp_in * sum(w - zp_w) where the kernel multiplies raw inputs). */
  start: Int32Array;
  /** Reference bias per column (0 without a bias): the accumulator of an all-zero-weight column. */
  bias: Int32Array;
  multipliers: Int32Array;
  shifts: Int32Array;
  /** Per column: max over inputs of |sum (x - zp_in)(w - zp_w) + bias|. */
  bound: Float64Array;
  /** Per column: 1 when every weight equals the filter zero point. */
  zeroWeights: Uint8Array;
  outputZeroPoint: number;
  qmin: number;
  qmax: number;
  /** int8 output (else uint8). */
  signed: boolean;
}

/** The chosen mode and the factor each column's weights and accumulator start are packed with. */
export interface RequantPlan {
  /**
   * 0 uniform shift, 1 per-channel shifts, 2 scalar, 4 per-channel shifts whose clamp of q can
   * never bind (see assembly/requantize.ts).
   */
  mode: 0 | 1 | 2 | 4;
  /** e (mode 0) or D (modes 1 and 4). */
  shift: number;
  /** Per column: 2^(1 + left) in modes 0 / 1 / 4 (1 for constant columns), 1 in mode 2. */
  factor: Int32Array;
  /** Per column: the constant output minus the zero point, or NaN for a live column. */
  constant: Float64Array;
}

/** Returns the bytes of the block for n columns. */
export function requantBlockBytes(n: number): number {
  return HEADER_BYTES + roundUp8(n) * 36;
}

/** Returns the largest |x - zp| of an 8-bit input type. */
export function inputRange(signed: boolean, zp: number): number {
  return signed ? Math.max(zp + 128, 127 - zp) : Math.max(zp, 255 - zp);
}

/**
 * Chooses the mode for a layer (see the file comment); never throws. The column loop runs in the
 * kernel module (packer.ts planRequantColumns, assembly/pack.ts pack_plan_requant; it ran once
 * per layer, mostly interpreted); the constants of all-zero-weight columns, which requantize
 * their bias as the reference does, are computed here.
 */
export function planRequant(cols: RequantColumns): RequantPlan {
  const { multipliers, shifts, zeroWeights, bias, qmin, qmax } = cols;
  const zp = cols.outputZeroPoint;
  const n = multipliers.length;
  const constant = new Float64Array(n).fill(NaN);
  for (let j = zeroWeights.indexOf(1); j >= 0 && j < n; j = zeroWeights.indexOf(1, j + 1)) {
    const y = multiplyByQuantizedMultiplier(bias[j]!, multipliers[j]!, shifts[j]!) + zp;
    constant[j] = (y < qmin ? qmin : y > qmax ? qmax : y) - zp;
  }
  const factor = new Int32Array(n);
  const { mode, shift } = planRequantColumns(multipliers, shifts, cols.bound, zeroWeights, factor, constant);
  return { mode: mode as RequantPlan['mode'], shift, factor, constant };
}

/**
 * Writes the block (header and per-column arrays) for `plan` into dst; never throws. The
 * per-column loop runs in the kernel module (packer.ts, assembly/pack.ts): in JavaScript it ran
 * once per layer, mostly interpreted, ~0.5 us per column.
 */
export function writeRequantBlock(dst: Uint8Array, cols: RequantColumns, plan: RequantPlan): void {
  const n = cols.multipliers.length;
  const i32 = new Int32Array(dst.buffer, dst.byteOffset, HEADER_BYTES >> 2);
  const signed = cols.signed;
  i32[RQ.MODE] = plan.mode;
  i32[RQ.SHIFT] = plan.shift;
  i32[RQ.QMIN] = cols.qmin;
  i32[RQ.QMAX] = cols.qmax;
  i32[RQ.CLAMP] = cols.qmin > (signed ? -128 : 0) || cols.qmax < (signed ? 127 : 255) ? 1 : 0;
  i32[RQ.SIGNED] = signed ? 1 : 0;
  i32[RQ.ZP] = cols.outputZeroPoint;
  i32[7] = 0;
  packRequantColumns(
    dst.subarray(0, HEADER_BYTES + roundUp8(n) * 36),
    plan.mode,
    plan.shift,
    cols.outputZeroPoint,
    {
      start: cols.start,
      multipliers: cols.multipliers,
      shifts: cols.shifts,
      factor: plan.factor,
      constant: plan.constant,
    },
  );
}

/**
 * Returns the columns of a convolution-family layer: `sums` of its weights minus the filter zero
 * point, its bias (or null) and requantization constants. With `foldInputZeroPoint` the kernel
 * multiplies raw inputs, so the accumulator starts at bias - zp_in * sum(w - zp_w) (wrapping, as
 * int32 sums do); otherwise it multiplies x - zp_in and starts at the bias. Never throws.
 */
export function requantColumns(
  rq: Requant,
  bias: Float64Array | null,
  sums: ColumnSums,
  signedInput: boolean,
  signedOutput: boolean,
  foldInputZeroPoint: boolean,
): RequantColumns {
  // The column loop runs in the kernel module (packer.ts requantColumnArrays).
  const {
    start,
    bias: b,
    bound,
    zeroWeights,
  } = requantColumnArrays(
    rq.multipliers.length,
    bias,
    sums,
    inputRange(signedInput, rq.inputZeroPoint),
    rq.inputZeroPoint,
    foldInputZeroPoint,
  );
  return {
    start,
    bias: b,
    multipliers: rq.multipliers,
    shifts: rq.shifts,
    bound,
    zeroWeights,
    outputZeroPoint: rq.outputZeroPoint,
    qmin: rq.qmin,
    qmax: rq.qmax,
    signed: signedOutput,
  };
}

/** Float epilogue of a hybrid layer (assembly/requantize.ts mode 3). */
export interface HybridColumns {
  /** 0: y = acc * f32(scale * rs); 1: y = (acc * scale) * rs. */
  form: 0 | 1;
  /** Add bias[c] after the product (FULLY_CONNECTED always does, with 0 without a bias). */
  addBias: boolean;
  /** Float clamp of the fused activation. */
  lo: number;
  hi: number;
  /** Weight scale per column (one value repeats over every column). */
  scales: ArrayLike<number>;
  bias: Float32Array | null;
}

/** Writes the block of a hybrid layer of n columns (mode 3); the accumulators start at 0. Never throws. */
export function writeHybridBlock(dst: Uint8Array, n: number, cols: HybridColumns): void {
  const np = roundUp8(n);
  const i32 = new Int32Array(dst.buffer, dst.byteOffset, (HEADER_BYTES >> 2) + np * 9);
  const f32 = new Float32Array(dst.buffer, dst.byteOffset, (HEADER_BYTES >> 2) + np * 9);
  i32.fill(0);
  i32[RQ.MODE] = 3;
  i32[RQ.SHIFT] = cols.form;
  i32[RQ.CLAMP] = cols.addBias ? 1 : 0;
  f32[RQ.QMIN] = cols.lo;
  f32[RQ.QMAX] = cols.hi;
  const at = (which: number, j: number) => (HEADER_BYTES >> 2) + which * np + j;
  for (let j = 0; j < n; j++) {
    f32[at(RQA.MULT, j)] = cols.scales[cols.scales.length === 1 ? 0 : j]!;
    f32[at(RQA.C, j)] = cols.bias ? cols.bias[j]! : 0;
  }
}

/** Byte offset in a block of its accumulator-start array (a depthwise hybrid node rewrites it per invoke). */
export const REQUANT_START_OFFSET = HEADER_BYTES + RQA.BIAS;

/** A quantized layer's constants as the wasm plans hand them to packQuantizedLayer. */
export interface QuantizedLayer {
  rq: Requant;
  /** Weights w[n][k]; for a depthwise layer w[taps = n][channels = k]. */
  weights: Int8Array | Uint8Array;
  n: number;
  k: number;
  /** Subtracted from every weight (FULLY_CONNECTED subtracts it for int8 too; the convolutions take rq's). */
  filterZeroPoint: number;
  bias: Float64Array | null;
  signedInput: boolean;
  signedOutput: boolean;
  /** Depthwise layout; the kernel multiplies raw inputs, so the input zero point is folded into the start. */
  depthwise: boolean;
}

/**
 * Packs a quantized layer at allocateTensors(): stages its weights in the packer, derives the
 * per-column requantization and its plan, packs (w - zp_w) * factor into `packed` and writes the
 * requantization block into `block`. Returns the requantization mode chosen. Throws when the
 * layer does not fit a wasm memory (packer.ts).
 */
export function packQuantizedLayer(
  layer: QuantizedLayer,
  packed: Int16Array,
  block: Uint8Array,
): RequantPlan['mode'] {
  const { rq, depthwise } = layer;
  const staged = stageQ8(layer.weights, layer.n, layer.k, layer.filterZeroPoint, depthwise);
  const cols = requantColumns(rq, layer.bias, staged.sums, layer.signedInput, layer.signedOutput, depthwise);
  const plan = planRequant(cols);
  staged.pack(plan.factor, packed);
  writeRequantBlock(block, cols, plan);
  return plan.mode;
}
