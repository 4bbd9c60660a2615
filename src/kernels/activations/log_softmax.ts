/**
 * LOG_SOFTMAX over the last axis (TFLite `kernels/activations.cc` LogSoftmaxPrepare/Eval with
 * `kReference`; `reference/log_softmax.h`, `reference/integer_ops/log_softmax.h`).
 *
 * - float32: y = x - max - log(sum(exp(x - max))), in float32 as TFLite's reference. Error
 *   bound: exp/log round from double (within 1 float32 ulp of expf/logf), so outputs match
 *   TFLite's within a few ulps (absolute error < 1e-6 for moderate log-sums).
 * - uint8 / int8 (output scale 16/256, zero point 255 resp. 127): the gemmlowp fixed-point
 *   reference: exp of the rescaled differences summed in Q12.19, log of the sum with
 *   `log_x_for_x_greater_than_or_equal_to_1` in Q5.26, outputs (diff - log_sum) in units of 1/16
 *   plus the zero point; differences too small to matter give the output minimum.
 */
import { type Kernel, type KernelNode, input, output, unsupported } from '../kernel.js';
import {
  expOnNegativeValues,
  logXForXGreaterThanOrEqualTo1,
  rescale,
  roundingDivideByPOT,
} from '../internal/fixed_point.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { calculateInputRadius, preprocessLogSoftmaxScalingExp } from '../internal/quantize_multiplier.js';
import { sameShapeOutput, quantizedPair, lastAxisRows } from './activation_tensors.js';

interface LogSoftmaxData {
  quantized: boolean;
  outer: number;
  depth: number;
  inputMultiplier: number;
  inputLeftShift: number;
  reverseScalingDivisor: number;
  /** Right shift (>= 0) applied with the reverse scaling divisor. */
  reverseScalingRightShift: number;
  diffMin: number;
  inMin: number;
  outMin: number;
  outMax: number;
  outZeroPoint: number;
  /**
   * For each input difference d = x - max in [-255, 0] (index -d): d rescaled to Q5.26, and
   * exp of it rescaled to the Q12.19 accumulator (the reference formula, tabulated).
   */
  q5: Int32Array | null;
  expsQ12: Int32Array | null;
}

const INT32_MIN = -2147483648;

function prepareLogSoftmax(node: KernelNode): LogSoftmaxData {
  const { x, y } = sameShapeOutput(node, ['float32', 'uint8', 'int8']);
  const { outer, depth } = lastAxisRows(node, x);
  const base: LogSoftmaxData = {
    quantized: false,
    outer,
    depth,
    inputMultiplier: 0,
    inputLeftShift: 0,
    reverseScalingDivisor: 0,
    reverseScalingRightShift: 0,
    diffMin: 0,
    inMin: 0,
    outMin: 0,
    outMax: 0,
    outZeroPoint: 0,
    q5: null,
    expsQ12: null,
  };
  if (x.dtype === 'float32') return base;
  const { qi, qo } = quantizedPair(node, x, y);
  const zp = x.dtype === 'uint8' ? 255 : 127;
  if (qo.scale !== 16 / 256 || qo.zeroPoint !== zp) {
    throw unsupported(node, `${x.dtype} LOG_SOFTMAX needs an output scale of 16/256 and zero point ${zp}`);
  }
  const scaledDiffIntegerBits = 5;
  const s = preprocessLogSoftmaxScalingExp(1.0, qi.scale, scaledDiffIntegerBits);
  const q5 = new Int32Array(256);
  const expsQ12 = new Int32Array(256);
  for (let k = 0; k < 256; k++) {
    q5[k] = multiplyByQuantizedMultiplier(-k, s.multiplier, s.shift);
    expsQ12[k] = rescale(expOnNegativeValues(q5[k]!, scaledDiffIntegerBits), 0, 12);
  }
  return {
    ...base,
    quantized: true,
    inputMultiplier: s.multiplier,
    inputLeftShift: s.shift,
    reverseScalingDivisor: s.reverseScalingDivisor,
    reverseScalingRightShift: -s.reverseScalingLeftShift,
    diffMin: -calculateInputRadius(scaledDiffIntegerBits, s.shift),
    inMin: x.dtype === 'uint8' ? 0 : -128,
    outMin: x.dtype === 'uint8' ? 0 : -128,
    outMax: x.dtype === 'uint8' ? 255 : 127,
    outZeroPoint: zp,
    q5,
    expsQ12,
  };
}

function logSoftmaxFloat(x: Float32Array, y: Float32Array, d: LogSoftmaxData): void {
  const f = Math.fround;
  const { outer, depth } = d;
  for (let r = 0, o = 0; r < outer; r++, o += depth) {
    let max = -3.4028234663852886e38;
    for (let c = 0; c < depth; c++) {
      const v = x[o + c]!;
      if (max < v) max = v;
    }
    let sum = 0;
    for (let c = 0; c < depth; c++) sum = f(sum + f(Math.exp(f(x[o + c]! - max))));
    const logSum = f(Math.log(sum));
    for (let c = 0; c < depth; c++) y[o + c] = f(x[o + c]! - max) - logSum;
  }
}

function logSoftmaxQuantized(x: Int16Array, y: Int16Array, d: LogSoftmaxData): void {
  const { outer, depth, diffMin, inMin, outMin, outMax, outZeroPoint } = d;
  const q5 = d.q5!;
  const expsQ12 = d.expsQ12!;
  const inputIntegerBits = 5;
  const outputIntegerBits = 4;
  for (let r = 0, o = 0; r < outer; r++, o += depth) {
    let max = inMin;
    for (let c = 0; c < depth; c++) if (x[o + c]! > max) max = x[o + c]!;
    let sum = 0; // Q12.19
    for (let c = 0; c < depth; c++) {
      const diff = x[o + c]! - max;
      if (diff >= diffMin) sum = (sum + expsQ12[-diff]!) | 0;
    }
    const logSum = logXForXGreaterThanOrEqualTo1(sum, 12, inputIntegerBits); // Q5.26
    // Differences whose output would fall below the representable range give the minimum.
    const shiftedLogSum = (logSum + INT32_MIN) | 0;
    const scaledBack = multiplyByQuantizedMultiplier(
      shiftedLogSum,
      d.reverseScalingDivisor,
      -d.reverseScalingRightShift,
    );
    const adjustedDiffMin = Math.max(diffMin - 1, scaledBack);
    for (let c = 0; c < depth; c++) {
      const diff = x[o + c]! - max;
      if (diff > adjustedDiffMin) {
        const v =
          roundingDivideByPOT((q5[-diff]! - logSum) | 0, 31 - inputIntegerBits - outputIntegerBits) +
          outZeroPoint;
        y[o + c] = v < outMin ? outMin : v > outMax ? outMax : v;
      } else {
        y[o + c] = outMin;
      }
    }
  }
}

/** LOG_SOFTMAX: y = log(softmax(x)) along the last axis. */
export const logSoftmaxKernel: Kernel<LogSoftmaxData> = {
  op: 'LOG_SOFTMAX',
  prepare: prepareLogSoftmax,
  eval(node, d) {
    const x = input(node, 0).data;
    const y = output(node, 0).data;
    if (d.quantized) logSoftmaxQuantized(x as Int16Array, y as Int16Array, d);
    else logSoftmaxFloat(x as Float32Array, y as Float32Array, d);
  },
};
