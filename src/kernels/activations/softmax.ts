/**
 * SOFTMAX over the last axis (TFLite `kernels/activations.cc` SoftmaxPrepare/SoftmaxEval with
 * `kReference`; `reference/softmax.h`).
 *
 * - float32: y = exp((x - max) * beta) / sum, every step in float32 as TFLite's reference kernel.
 *   Error bound: exp rounds from double, so each exp term is within 1 float32 ulp of expf; the
 *   float32 sum and division then match TFLite's within a few ulps (relative error < 1e-6).
 * - uint8 / int8 input -> uint8 / int8 / int16 output: the gemmlowp fixed-point reference.
 *   (x - max) is rescaled by beta * s_x into Q5.26 (`PreprocessSoftmaxScaling`); differences
 *   below diff_min (exp < 2^-32 of the max) are skipped; exp is `exp_on_negative_values`,
 *   accumulated in Q12.19; the reciprocal of the sum comes from `GetReciprocal`; outputs are
 *   probabilities in units of 2^-8 (8-bit) or 2^-16 (int16) offset by the output type's minimum,
 *   i.e. zero point -128 (int8), 0 (uint8) or -32768 (int16). TFLite's default (optimized)
 *   kernel uses a float lookup table instead and can differ by one unit.
 * - int16 -> int16 (zero points 0, output scale 2^-15): TFLite's `SoftmaxInt16` with two
 *   513-entry tables (exp on [-10, 0] and 1/(1+x) on [0, 1]) built in double.
 */
import {
  type Kernel,
  type KernelNode,
  expectDtype,
  input,
  optionsOf,
  output,
  unsupported,
} from '../kernel.js';
import {
  expOnNegativeValues,
  rescale,
  roundingDivideByPOT,
  saturatingRoundingDoublingHighMul,
} from '../internal/fixed_point.js';
import { lutLookupInt16, lutPopulateInt16 } from '../internal/lut.js';
import {
  multiplyByQuantizedMultiplier,
  multiplyByQuantizedMultiplierGreaterThanOne,
} from '../internal/multiply_by_quantized_multiplier.js';
import {
  calculateInputRadius,
  getReciprocal,
  preprocessSoftmaxScaling,
  quantizeMultiplier,
} from '../internal/quantize_multiplier.js';
import { quantizedPair, lastAxisRows } from './activation_tensors.js';

interface SoftmaxData {
  kind: 'float32' | 'q8' | 'int16';
  /** Number of rows and row length (the last dim). */
  outer: number;
  depth: number;
  beta: number;
  inputMultiplier: number;
  inputLeftShift: number;
  /** q8: smallest (most negative) input difference that still contributes. */
  diffMin: number;
  /** q8: input type minimum (start of the row max) and output range/bits. */
  inMin: number;
  outMin: number;
  outMax: number;
  outBits: number;
  /**
   * q8: for each input difference d = x - max in [-255, 0] (index -d), exp(beta * s * d) in Q0.31
   * and the same rescaled to the Q12.19 accumulator: the reference kernel's exp_on_negative_values
   * evaluated once per possible difference instead of per element.
   */
  exps: Int32Array | null;
  expsQ12: Int32Array | null;
  /** int16: exp on [-10, 0] and 1/(1+x) on [0, 1]. */
  expLut: Int16Array | null;
  oneOverOnePlusXLut: Int16Array | null;
}

const OUT_RANGE: Record<string, [number, number, number]> = {
  uint8: [0, 255, 8],
  int8: [-128, 127, 8],
  int16: [-32768, 32767, 16],
};

function prepareSoftmax(node: KernelNode): SoftmaxData {
  const x = input(node, 0);
  const y = output(node, 0);
  expectDtype(node, x, ['float32', 'uint8', 'int8', 'int16'], 'input');
  const { outer, depth } = lastAxisRows(node, x);
  y.shape = [...x.shape];
  const beta = optionsOf(node, 'SoftmaxOptions').beta;
  const base: SoftmaxData = {
    kind: 'float32',
    outer,
    depth,
    beta,
    inputMultiplier: 0,
    inputLeftShift: 0,
    diffMin: 0,
    inMin: 0,
    outMin: 0,
    outMax: 0,
    outBits: 0,
    exps: null,
    expsQ12: null,
    expLut: null,
    oneOverOnePlusXLut: null,
  };
  if (x.dtype === 'float32') {
    if (y.dtype !== 'float32') throw unsupported(node, `float32 input with a ${y.dtype} output`);
    return base;
  }
  const { qi, qo } = quantizedPair(node, x, y);

  if (x.dtype === 'int16') {
    if (y.dtype !== 'int16')
      throw unsupported(node, `int16 input with a ${y.dtype} output (only int16 is supported)`);
    if (qi.zeroPoint !== 0 || qo.zeroPoint !== 0 || Math.abs(qo.scale - 1 / 32768) > 0.001 / 32768) {
      throw unsupported(node, 'int16 SOFTMAX needs zero points of 0 and an output scale of 1/32768');
    }
    const range = 65535;
    // Scale the input difference so that [-65535, 0] covers [-10, 0] (exp(-10) is negligible).
    const { multiplier, shift } = quantizeMultiplier(Math.fround(qi.scale * beta) / (10.0 / 65535.0));
    return {
      ...base,
      kind: 'int16',
      inputMultiplier: multiplier,
      inputLeftShift: shift,
      expLut: lutPopulateInt16(10.0 / range, 32767, 2.0 / range, 0, Math.exp, 'float64'),
      oneOverOnePlusXLut: lutPopulateInt16(
        1.0 / range,
        -32768,
        2.0 / range,
        0,
        (v) => 1.0 / (1.0 + v),
        'float64',
      ),
    };
  }

  const allowedOut = x.dtype === 'uint8' ? ['uint8', 'int16'] : ['int8', 'int16'];
  if (!allowedOut.includes(y.dtype)) {
    throw unsupported(
      node,
      `${x.dtype} input with a ${y.dtype} output; supported outputs: ${allowedOut.join(', ')}`,
    );
  }
  if (
    x.dtype === 'int8' &&
    y.dtype === 'int8' &&
    (qo.zeroPoint !== -128 || Math.abs(qo.scale - 1 / 256) > 0.001 / 256)
  ) {
    throw unsupported(node, 'int8 SOFTMAX needs an output zero point of -128 and scale 1/256');
  }
  const scaledDiffIntegerBits = 5;
  const { multiplier, shift } = preprocessSoftmaxScaling(beta, qi.scale, scaledDiffIntegerBits);
  const [outMin, outMax, outBits] = OUT_RANGE[y.dtype]!;
  const diffMin = -calculateInputRadius(scaledDiffIntegerBits, shift);
  const exps = new Int32Array(256);
  const expsQ12 = new Int32Array(256);
  for (let k = 0; k < 256; k++) {
    const diff = -k;
    if (diff < diffMin) continue; // skipped by the kernel
    const scaled = multiplyByQuantizedMultiplierGreaterThanOne(diff, multiplier, shift);
    exps[k] = expOnNegativeValues(scaled, scaledDiffIntegerBits);
    expsQ12[k] = rescale(exps[k]!, 0, 12);
  }
  return {
    ...base,
    kind: 'q8',
    inputMultiplier: multiplier,
    inputLeftShift: shift,
    diffMin,
    inMin: x.dtype === 'uint8' ? 0 : -128,
    outMin,
    outMax,
    outBits,
    exps,
    expsQ12,
  };
}

function softmaxFloat(x: Float32Array, y: Float32Array, d: SoftmaxData): void {
  const f = Math.fround;
  const { outer, depth, beta } = d;
  for (let r = 0, o = 0; r < outer; r++, o += depth) {
    let max = -3.4028234663852886e38;
    for (let c = 0; c < depth; c++) {
      const v = x[o + c]!;
      if (max < v) max = v;
    }
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      const e = f(Math.exp(f(f(x[o + c]! - max) * beta)));
      y[o + c] = e;
      sum = f(sum + e);
    }
    for (let c = 0; c < depth; c++) y[o + c] = y[o + c]! / sum;
  }
}

function softmaxQ8(x: Int16Array, y: Int16Array, d: SoftmaxData): void {
  const { outer, depth, diffMin, inMin, outMin, outMax, outBits } = d;
  const exps = d.exps!;
  const expsQ12 = d.expsQ12!;
  for (let r = 0, o = 0; r < outer; r++, o += depth) {
    let max = inMin;
    for (let c = 0; c < depth; c++) if (x[o + c]! > max) max = x[o + c]!;
    // Sum of exp(beta * s * (x - max)) in Q12.19 (room for 2^12 terms of at most 1).
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      const diff = x[o + c]! - max;
      if (diff >= diffMin) sum = (sum + expsQ12[-diff]!) | 0;
    }
    const { reciprocal, numBitsOverUnit } = getReciprocal(sum, 12);
    const exponent = numBitsOverUnit + 31 - outBits;
    for (let c = 0; c < depth; c++) {
      const diff = x[o + c]! - max;
      if (diff >= diffMin) {
        const v =
          roundingDivideByPOT(saturatingRoundingDoublingHighMul(reciprocal, exps[-diff]!), exponent) + outMin;
        y[o + c] = v < outMin ? outMin : v > outMax ? outMax : v;
      } else {
        y[o + c] = outMin;
      }
    }
  }
}

function softmaxInt16(x: Int16Array, y: Int16Array, d: SoftmaxData): void {
  const { outer, depth, inputMultiplier, inputLeftShift } = d;
  const expLut = d.expLut!;
  const recipLut = d.oneOverOnePlusXLut!;
  for (let r = 0, o = 0; r < outer; r++, o += depth) {
    let max = -32768;
    for (let c = 0; c < depth; c++) if (x[o + c]! > max) max = x[o + c]!;
    // exp(x - max) in Q0.15, cached in the output row, and their sum (Q16.15).
    let sum = 0;
    for (let c = 0; c < depth; c++) {
      const scaled = multiplyByQuantizedMultiplier(x[o + c]! - max, inputMultiplier, inputLeftShift);
      const sym = scaled + 32767; // recentre [-65535, 0] to [-32768, 32767]
      const e = lutLookupInt16(sym < -32768 ? -32768 : sym > 32767 ? 32767 : sym, expLut);
      y[o + c] = e;
      sum += e;
    }
    // 1/sum: normalize sum to [1, 2) in Q1.15, look up 1/(1 + (sum - 1)) recentred to int16.
    const headroomPlusOne = Math.clz32(sum);
    const shiftedSum = Math.floor((sum * 2 ** (headroomPlusOne - 1) + (1 << 13)) / 16384);
    const sym = shiftedSum - ((1 << 15) + (1 << 16));
    const reciprocal = lutLookupInt16(sym < -32768 ? -32768 : sym > 32767 ? 32767 : sym, recipLut);
    const rightShift = 31 - headroomPlusOne;
    const round = 2 ** (rightShift - 1);
    for (let c = 0; c < depth; c++) {
      const v = Math.floor((y[o + c]! * reciprocal + round) / 2 ** rightShift);
      y[o + c] = v < 0 ? 0 : v > 32767 ? 32767 : v;
    }
  }
}

/** SOFTMAX: y = exp(beta * x) / sum(exp(beta * x)) along the last axis. */
export const softmaxKernel: Kernel<SoftmaxData> = {
  op: 'SOFTMAX',
  prepare: prepareSoftmax,
  eval(node, d) {
    const x = input(node, 0).data;
    const y = output(node, 0).data;
    if (d.kind === 'float32') softmaxFloat(x as Float32Array, y as Float32Array, d);
    else if (d.kind === 'q8') softmaxQ8(x as Int16Array, y as Int16Array, d);
    else softmaxInt16(x as Int16Array, y as Int16Array, d);
  },
};
