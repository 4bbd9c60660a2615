/**
 * RELU, RELU6, RELU_N1_TO_1 and RELU_0_TO_1 (TFLite `kernels/activations.cc`: ReluPrepare,
 * ReluEval / Relu6Eval / Relu1Eval / Relu0to1Eval; `reference_ops::ReluX`).
 *
 * float32: the clamp itself (RELU keeps NaN, RELU6 maps NaN to 0 as TFLite's
 * `min(max(0, x), 6)`). Quantized (uint8 and int8 for all four; int16 for RELU and RELU6, zero
 * points 0): y = clamp(zp_y + MultiplyByQuantizedMultiplier(x - zp_x, s_x / s_y), lo, hi) with
 * lo/hi the activation bounds quantized on the output scale (`zp_y + roundf(bound / s_y)`,
 * intersected with the dtype range), as TFLite's `QuantizedReluX`; for 8-bit types the formula is
 * tabulated over the 256 input values in prepare. Exact.
 */
import type { DType } from '../../ir/dtype.js';
import { type Kernel, type KernelNode, input, output, unsupported } from '../kernel.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { roundHalfAwayFromZero } from '../internal/rounding.js';
import { applyTable8, tabulate8 } from '../elementwise/table8.js';
import { sameShapeOutput, quantizedPair } from './activation_tensors.js';

/** Per-node data: the clamp bounds and, for quantized tensors, the requantization. */
interface ReluData {
  /** Float bounds (float32) or quantized bounds (integer dtypes). */
  lo: number;
  hi: number;
  quantized: boolean;
  inZeroPoint: number;
  outZeroPoint: number;
  multiplier: number;
  shift: number;
  /** 8-bit: the formula tabulated over the 256 input values. */
  table: Uint8Array | null;
}

const DTYPE_RANGE: Record<string, [number, number]> = {
  uint8: [0, 255],
  int8: [-128, 127],
  int16: [-32768, 32767],
};

interface ReluSpec {
  op: string;
  /** Real bounds of the activation. */
  min: number;
  max: number;
  dtypes: readonly DType[];
}

function prepareRelu(node: KernelNode, spec: ReluSpec): ReluData {
  const { x, y } = sameShapeOutput(node, spec.dtypes);
  if (x.dtype === 'float32') {
    return {
      lo: spec.min,
      hi: spec.max,
      quantized: false,
      inZeroPoint: 0,
      outZeroPoint: 0,
      multiplier: 0,
      shift: 0,
      table: null,
    };
  }
  const { qi, qo } = quantizedPair(node, x, y);
  if (x.dtype === 'int16' && (qi.zeroPoint !== 0 || qo.zeroPoint !== 0)) {
    throw unsupported(node, `int16 ${spec.op} needs zero points of 0`);
  }
  const { multiplier, shift } = quantizeMultiplier(Math.fround(qi.scale / qo.scale));
  const [tmin, tmax] = DTYPE_RANGE[x.dtype]!;
  const f = Math.fround;
  const lo = Math.max(tmin, qo.zeroPoint + roundHalfAwayFromZero(f(spec.min / qo.scale)));
  const hi =
    spec.max === Infinity
      ? tmax
      : Math.min(tmax, qo.zeroPoint + roundHalfAwayFromZero(f(spec.max / qo.scale)));
  const data: ReluData = {
    lo,
    hi,
    quantized: true,
    inZeroPoint: qi.zeroPoint,
    outZeroPoint: qo.zeroPoint,
    multiplier,
    shift,
    table: null,
  };
  if (x.dtype !== 'int16') data.table = tabulate8(x.dtype as 'int8' | 'uint8', (q) => reluQuantized(q, data));
  return data;
}

/** TFLite's ReluX on one quantized value. */
function reluQuantized(q: number, d: ReluData): number {
  const v = d.outZeroPoint + multiplyByQuantizedMultiplier(q - d.inZeroPoint, d.multiplier, d.shift);
  return v < d.lo ? d.lo : v > d.hi ? d.hi : v;
}

function evalRelu(node: KernelNode, d: ReluData, nanToZero: boolean): void {
  const { lo, hi } = d;
  if (!d.quantized) {
    const x = input(node, 0).data as Float32Array;
    const y = output(node, 0).data as Float32Array;
    if (nanToZero) {
      // std::min(std::max(0.f, v), 6.f): NaN and -0 become 0.
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        y[i] = v > lo ? (v < hi ? v : hi) : lo;
      }
    } else {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        y[i] = v < lo ? lo : v > hi ? hi : v;
      }
    }
    return;
  }
  if (d.table) {
    applyTable8(input(node, 0).data, output(node, 0).data, d.table);
    return;
  }
  const x = input(node, 0).data as Int16Array;
  const y = output(node, 0).data as Int16Array;
  for (let i = 0; i < x.length; i++) y[i] = reluQuantized(x[i]!, d);
}

function reluKernel(spec: ReluSpec): Kernel<ReluData> {
  const nanToZero = spec.op === 'RELU6';
  return {
    op: spec.op,
    prepare: (node) => prepareRelu(node, spec),
    eval: (node, d) => evalRelu(node, d, nanToZero),
  };
}

/** The RELU-family kernels. */
export const reluKernels: Kernel[] = [
  reluKernel({ op: 'RELU', min: 0, max: Infinity, dtypes: ['float32', 'uint8', 'int8', 'int16'] }),
  reluKernel({ op: 'RELU6', min: 0, max: 6, dtypes: ['float32', 'uint8', 'int8', 'int16'] }),
  reluKernel({ op: 'RELU_N1_TO_1', min: -1, max: 1, dtypes: ['float32', 'uint8', 'int8'] }),
  reluKernel({ op: 'RELU_0_TO_1', min: 0, max: 1, dtypes: ['float32', 'uint8', 'int8'] }),
] as Kernel[];
