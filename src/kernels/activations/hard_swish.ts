/**
 * HARD_SWISH: y = x * relu6(x + 3) / 6 (TFLite `kernels/activations.cc` HardSwishPrepare/Eval,
 * `reference/hard_swish.h`).
 *
 * - float32: `in * min(6, max(0, in + 3)) / 6`, each operation rounded to float32 as in C++:
 *   exact with TFLite's reference kernel.
 * - uint8 / int8: TFLite's reference integer kernel, all in int16 fixed point. The input (minus
 *   its zero point) is put on a "hi-res" scale s_x/128; one path rescales it to the output scale
 *   (output multiplier, Q0.15, with a right shift), the other maps [-3, 3] to [-1, 1] (the
 *   "reluish" multiplier, saturating left shifts for large scales) and then to [0, 1]; their
 *   product uses a truncating doubling high multiply (to cancel the rounding biases, as TFLite
 *   explains), then the output shift and zero point are applied. Bit-exact with TFLite; the
 *   formula is tabulated over the 256 input values in prepare.
 */
import { type Kernel, type KernelNode, input, output, unsupported } from '../kernel.js';
import {
  roundingDivideByPOTInt16,
  saturatingRoundingDoublingHighMulInt16,
} from '../internal/fixed_point_int16.js';
import { downScaleInt32ToInt16Multiplier, quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { wrapInt16 } from '../internal/rounding.js';
import { applyTable8, tabulate8 } from '../elementwise/table8.js';
import { sameShapeOutput, quantizedPair } from './activation_tensors.js';

interface HardSwishData {
  quantized: boolean;
  inputZeroPoint: number;
  outputZeroPoint: number;
  outputMultiplier: number;
  outputExponent: number;
  reluishMultiplier: number;
  reluishExponent: number;
  lo: number;
  hi: number;
  /** The formula tabulated over the 256 input values. */
  table: Uint8Array | null;
}

/** int16 value * 2^amount saturated to int16 (TFLite's `SaturatingLeftShift`). */
function saturatingLeftShift(value: number, amount: number): number {
  const r = value * 2 ** amount;
  return r > 32767 ? 32767 : r < -32768 ? -32768 : r;
}

/** TFLite's `SaturatingDoublingHighMul` on int16: a*b / 2^15 truncated toward zero (SQDMULH). */
function saturatingDoublingHighMul(a: number, b: number): number {
  if (a === -32768 && b === -32768) return 32767;
  return Math.trunc((a * b) / 32768);
}

function prepareHardSwish(node: KernelNode): HardSwishData {
  const { x, y } = sameShapeOutput(node, ['float32', 'uint8', 'int8']);
  const none = {
    quantized: false,
    inputZeroPoint: 0,
    outputZeroPoint: 0,
    outputMultiplier: 0,
    outputExponent: 0,
    reluishMultiplier: 0,
    reluishExponent: 0,
    lo: 0,
    hi: 0,
    table: null,
  };
  if (x.dtype === 'float32') return none;
  const { qi, qo } = quantizedPair(node, x, y);
  const f = Math.fround;
  const hiresInputScale = f(f(1 / 128) * qi.scale);
  const reluishScale = f(3 / 32768);
  const out = quantizeMultiplier(f(hiresInputScale / qo.scale));
  if (out.shift > 0) {
    throw unsupported(
      node,
      `HARD_SWISH output multiplier s_in/(128*s_out) must be below 1 (exponent ${out.shift})`,
    );
  }
  const reluish = quantizeMultiplier(f(hiresInputScale / reluishScale));
  const data: HardSwishData = {
    quantized: true,
    inputZeroPoint: qi.zeroPoint,
    outputZeroPoint: qo.zeroPoint,
    outputMultiplier: downScaleInt32ToInt16Multiplier(out.multiplier),
    outputExponent: out.shift,
    reluishMultiplier: downScaleInt32ToInt16Multiplier(reluish.multiplier),
    reluishExponent: reluish.shift,
    lo: x.dtype === 'uint8' ? 0 : -128,
    hi: x.dtype === 'uint8' ? 255 : 127,
    table: null,
  };
  // 256 possible inputs: tabulate the formula once.
  data.table = tabulate8(x.dtype as 'uint8' | 'int8', (q) => hardSwishQuantized(q, data));
  return data;
}

function hardSwishFloat(x: Float32Array, y: Float32Array): void {
  const f = Math.fround;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    const t = f(v + 3);
    const relu6 = t > 0 ? (t < 6 ? t : 6) : 0; // std::min(6, std::max(0, t)); NaN -> 0
    y[i] = f(v * relu6) / 6;
  }
}

/** TFLite's reference integer HARD_SWISH on one quantized value. */
function hardSwishQuantized(q: number, d: HardSwishData): number {
  // Put the significant bits high in int16 (x * 2^7), then compute both factors.
  const hires = wrapInt16((q - d.inputZeroPoint) * 128);
  const preshiftOutput = saturatingRoundingDoublingHighMulInt16(hires, d.outputMultiplier);
  let reluish = hires;
  const e = d.reluishExponent;
  if (e > 0) reluish = saturatingLeftShift(reluish, e - 1);
  reluish = saturatingRoundingDoublingHighMulInt16(reluish, d.reluishMultiplier);
  if (e > 0) reluish = saturatingLeftShift(reluish, 1);
  if (e < 0) reluish = roundingDivideByPOTInt16(reluish, -e);
  // [-1, 1] -> [0, 1] in Q0.15.
  reluish = (reluish + 32768) >> 1;
  const preshift = saturatingDoublingHighMul(reluish, preshiftOutput);
  const v = wrapInt16(roundingDivideByPOTInt16(preshift, -d.outputExponent) + d.outputZeroPoint);
  return v < d.lo ? d.lo : v > d.hi ? d.hi : v;
}

/** HARD_SWISH: y = x * relu6(x + 3) / 6. */
export const hardSwishKernel: Kernel<HardSwishData> = {
  op: 'HARD_SWISH',
  prepare: prepareHardSwish,
  eval(node, d) {
    const x = input(node, 0).data;
    const y = output(node, 0).data;
    if (d.table) applyTable8(x, y, d.table);
    else hardSwishFloat(x as Float32Array, y as Float32Array);
  },
};
