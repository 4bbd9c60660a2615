/**
 * PRELU: y = x >= 0 ? x : alpha * x, alpha broadcast to the input's shape (TFLite
 * `kernels/activations.cc` PreluPrepare/Eval, `reference/prelu.h`). The broadcast of input and
 * alpha must be the input's shape.
 *
 * - float32: `input >= 0 ? input : input * alpha` in float32: exact with TFLite.
 * - uint8 / int8: x - zp_x >= 0 is requantized with s_x / s_y; otherwise the product
 *   (x - zp_x) * (alpha - zp_alpha) is requantized with s_x * s_alpha / s_y; plus zp_y, clamped.
 *   Bit-exact with TFLite.
 */
import {
  type Kernel,
  type KernelNode,
  expectDtype,
  input,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { sameShape } from '../internal/shape.js';
import { type BinaryData, type BinaryRow, evalBinary } from '../elementwise/broadcast.js';
import { isQuantized, prepareBroadcast, tensorQuant } from '../elementwise/common.js';

const floatRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const X = a as Float32Array;
  const A = b as Float32Array;
  const Y = y as Float32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) {
    const v = X[ia]!;
    Y[iy + i] = v >= 0 ? v : v * A[ib]!;
  }
};

function prepareprelu(node: KernelNode): BinaryData {
  const x = input(node, 0);
  const alpha = input(node, 1);
  const y = output(node, 0);
  expectDtype(node, x, ['float32', 'uint8', 'int8'], 'input');
  if (alpha.dtype !== x.dtype) throw unsupported(node, `alpha is ${alpha.dtype} but the input is ${x.dtype}`);
  y.dtype = x.dtype;
  const plan = prepareBroadcast(node, [x, alpha], y);
  if (!sameShape(y.shape, x.shape)) {
    throw shapeError(
      node,
      `alpha [${alpha.shape}] must broadcast to the input's shape [${x.shape}], not [${y.shape}]`,
    );
  }
  if (x.dtype === 'float32') return { plan, row: floatRow };
  if (!isQuantized(x) || !isQuantized(alpha) || !isQuantized(y)) {
    throw unsupported(node, `${x.dtype} PRELU needs quantized input, alpha and output`);
  }
  const qx = tensorQuant(x);
  const qa = tensorQuant(alpha);
  const qy = tensorQuant(y);
  const f = Math.fround;
  const m1 = quantizeMultiplier(f(qx.scale / qy.scale));
  const m2 = quantizeMultiplier(f(f(qx.scale * qa.scale) / qy.scale));
  const [lo, hi] = x.dtype === 'uint8' ? [0, 255] : [-128, 127];
  const xOff = -qx.zeroPoint;
  const aOff = -qa.zeroPoint;
  const yOff = qy.zeroPoint;
  const row: BinaryRow = (a, ia, sa, b, ib, sb, yy, iy, n) => {
    const X = a as Int16Array; // Int8Array / Uint8Array at run time
    const A = b as Int16Array;
    const Y = yy as Int16Array;
    for (let i = 0; i < n; i++, ia += sa, ib += sb) {
      const v = X[ia]! + xOff;
      const out =
        (v >= 0
          ? multiplyByQuantizedMultiplier(v, m1.multiplier, m1.shift)
          : multiplyByQuantizedMultiplier(v * (A[ib]! + aOff), m2.multiplier, m2.shift)) + yOff;
      Y[iy + i] = out < lo ? lo : out > hi ? hi : out;
    }
  };
  return { plan, row };
}

/** PRELU: y = x >= 0 ? x : alpha * x. */
export const preluKernel: Kernel<BinaryData> = {
  op: 'PRELU',
  prepare: prepareprelu,
  eval: evalBinary,
};
