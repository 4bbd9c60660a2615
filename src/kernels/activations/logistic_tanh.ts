/**
 * LOGISTIC (sigmoid) and TANH (TFLite `kernels/activations.cc`: SigmoidPrepare/TanhPrepare and
 * their Eval with `kReference`; `reference/logistic.h`, `tanh.h`, `integer_ops/logistic.h`,
 * `integer_ops/tanh.h`).
 *
 * - float32: LOGISTIC is 1 / (1 + exp(-x)) in float32 with x clamped to [-100, 100]; TANH is
 *   tanh(x). Computed in double and rounded per C++ float operation: within 1 float32 ulp of
 *   TFLite's (the only difference can come from exp/tanh rounding; relative error < 2.4e-7).
 * - uint8 / int8: a 256-entry table of the float function, requantized (TFLite's `LUTPopulate`),
 *   which is what TFLite's interpreter runs for these types in both its reference and its default
 *   kernels. (The gemmlowp fixed-point `reference_integer_ops::Logistic/Tanh` is TFLite Micro's
 *   path; XNNPACK builds its own table, with ties rounded to even.) LOGISTIC requires an output
 *   scale of 1/256 as TFLite does.
 * - int16 (zero points 0, output scale 2^-15): TFLite's table-interpolation kernels
 *   (`sigmoid_table_uint16`). Power-of-two input scales (2^-12 for LOGISTIC, 2^-12 or 2^-11 for
 *   TANH) use multiplier 3 << shift; other scales get multiplier scale * 3 * 4096 doubled until it
 *   exceeds 32767/2.
 */
import { type Kernel, type KernelNode, input, output, unsupported } from '../kernel.js';
import { lutPopulateInt8 } from '../internal/lut.js';
import { applyTable8 } from '../elementwise/table8.js';
import { logisticInt16Reference, tanhInt16Reference } from '../internal/sigmoid_table.js';
import { checkedLog2 } from '../internal/quantize_multiplier.js';
import { sameShapeOutput, quantizedPair } from './activation_tensors.js';

type Fn = 'LOGISTIC' | 'TANH';

interface ActivationData {
  kind: 'float32' | 'lut8' | 'int16';
  /** 256-entry table (uint8 view of its bytes, indexed by the input byte). */
  lut: Uint8Array | null;
  inputMultiplier: number;
  inputLeftShift: number;
}

/** The float32 functions TFLite tabulates for 8-bit inputs (float arithmetic as in C++). */
const f = Math.fround;
const sigmoidF32 = (v: number): number => f(1 / f(1 + f(Math.exp(-v))));
const tanhF32 = (v: number): number => f(Math.tanh(v));

function prepareActivation(node: KernelNode, fn: Fn): ActivationData {
  const { x, y } = sameShapeOutput(node, ['float32', 'uint8', 'int8', 'int16']);
  const none: ActivationData = { kind: 'float32', lut: null, inputMultiplier: 0, inputLeftShift: 0 };
  if (x.dtype === 'float32') return none;
  const { qi, qo } = quantizedPair(node, x, y);

  if (x.dtype === 'uint8' || x.dtype === 'int8') {
    if (fn === 'LOGISTIC' && qo.scale !== 1 / 256) {
      throw unsupported(
        node,
        `${x.dtype} LOGISTIC needs an output scale of 1/256, the model has ${qo.scale}`,
      );
    }
    const lut = lutPopulateInt8(
      qi.scale,
      qi.zeroPoint,
      qo.scale,
      qo.zeroPoint,
      fn === 'LOGISTIC' ? sigmoidF32 : tanhF32,
      x.dtype,
    );
    return { ...none, kind: 'lut8', lut: new Uint8Array(lut.buffer, lut.byteOffset, 256) };
  }

  // int16: symmetric, power-of-two output scale 2^-15.
  if (qi.zeroPoint !== 0 || qo.zeroPoint !== 0) throw unsupported(node, `int16 ${fn} needs zero points of 0`);
  const out = checkedLog2(qo.scale);
  if (!out.isPowerOfTwo || out.log2 !== -15 || (fn === 'LOGISTIC' && qo.scale !== 1 / 32768)) {
    throw unsupported(node, `int16 ${fn} needs an output scale of 2^-15, the model has ${qo.scale}`);
  }
  const inp = checkedLog2(qi.scale);
  let inputLeftShift = 15 - 3 + inp.log2;
  const pot = inp.isPowerOfTwo && (inputLeftShift === 0 || (fn === 'TANH' && inputLeftShift === 1));
  let inputMultiplier = 0;
  if (!pot) {
    // Rescale the input to 1/(3*4096) per unit (the table spans +-10.7 as +-2^17), keeping as
    // many bits as fit in 15.
    let multiplier = qi.scale * 4096.0 * 3.0;
    inputLeftShift = 0;
    while (multiplier <= 32767.0 / 2.0 && inputLeftShift <= 30) {
      inputLeftShift++;
      multiplier *= 2.0;
    }
    inputMultiplier = Math.trunc(multiplier);
  }
  return { kind: 'int16', lut: null, inputMultiplier, inputLeftShift };
}

function evalActivation(node: KernelNode, d: ActivationData, fn: Fn): void {
  const xt = input(node, 0);
  const yt = output(node, 0);
  if (d.kind === 'float32') {
    const x = xt.data as Float32Array;
    const y = yt.data as Float32Array;
    if (fn === 'LOGISTIC') {
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        const c = v !== v ? v : v < -100 ? -100 : v > 100 ? 100 : v;
        y[i] = 1 / f(1 + f(Math.exp(-c)));
      }
    } else {
      for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]!);
    }
    return;
  }
  if (d.kind === 'lut8') {
    applyTable8(xt.data, yt.data, d.lut!);
    return;
  }
  const x = xt.data as Int16Array;
  const y = yt.data as Int16Array;
  const { inputMultiplier, inputLeftShift } = d;
  if (fn === 'LOGISTIC') {
    for (let i = 0; i < x.length; i++) y[i] = logisticInt16Reference(x[i]!, inputMultiplier, inputLeftShift);
  } else {
    for (let i = 0; i < x.length; i++) y[i] = tanhInt16Reference(x[i]!, inputMultiplier, inputLeftShift);
  }
}

/** LOGISTIC: y = 1 / (1 + exp(-x)). */
export const logisticKernel: Kernel<ActivationData> = {
  op: 'LOGISTIC',
  prepare: (node) => prepareActivation(node, 'LOGISTIC'),
  eval: (node, d) => evalActivation(node, d, 'LOGISTIC'),
};

/** TANH: y = tanh(x). */
export const tanhKernel: Kernel<ActivationData> = {
  op: 'TANH',
  prepare: (node) => prepareActivation(node, 'TANH'),
  eval: (node, d) => evalActivation(node, d, 'TANH'),
};
