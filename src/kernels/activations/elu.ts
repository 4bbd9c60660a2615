/**
 * ELU: y = x < 0 ? exp(x) - 1 : x (TFLite `kernels/activations.cc` EluPrepare/EluEval).
 *
 * - float32: expm1 in double rounded to float32 (within 1 float32 ulp of C's expm1f).
 * - int8: a 256-entry table of the float function, requantized (TFLite's `LUTPopulate`).
 */
import { type Kernel, type KernelNode, input, output } from '../kernel.js';
import { lutPopulateInt8 } from '../internal/lut.js';
import { applyTable8 } from '../elementwise/table8.js';
import { sameShapeOutput, quantizedPair } from './activation_tensors.js';

interface EluData {
  /** Table indexed by the input byte (int8), or null for float32. */
  lut: Uint8Array | null;
}

const eluF32 = (v: number): number => (v < 0 ? Math.fround(Math.expm1(v)) : v);

function prepareElu(node: KernelNode): EluData {
  const { x, y } = sameShapeOutput(node, ['float32', 'int8']);
  if (x.dtype === 'float32') return { lut: null };
  const { qi, qo } = quantizedPair(node, x, y);
  const lut = lutPopulateInt8(qi.scale, qi.zeroPoint, qo.scale, qo.zeroPoint, eluF32, 'int8');
  return { lut: new Uint8Array(lut.buffer, lut.byteOffset, 256) };
}

/** ELU: y = x < 0 ? expm1(x) : x. */
export const eluKernel: Kernel<EluData> = {
  op: 'ELU',
  prepare: prepareElu,
  eval(node, d) {
    if (d.lut) {
      applyTable8(input(node, 0).data, output(node, 0).data, d.lut);
      return;
    }
    const x = input(node, 0).data as Float32Array;
    const y = output(node, 0).data as Float32Array;
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      y[i] = v < 0 ? Math.expm1(v) : v;
    }
  },
};
