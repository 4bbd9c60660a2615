/**
 * POW with broadcasting (TFLite `kernels/pow.cc`, `reference_ops::Pow`): y = pow(a, b) for
 * float32 and int32. int32 follows `std::pow(int, int)`: the power in double converted to int32
 * (saturating where C++ is undefined); negative int32 exponents are an error at eval, as in
 * TFLite.
 *
 * Float error bound: Math.pow in double rounded to float32, within 1 float32 ulp of C's powf
 * (relative error < 1.2e-7) on finite results.
 */
import { InputError } from '../../errors.js';
import { type Kernel, type KernelNode, input } from '../kernel.js';
import { castToInt32Saturating } from '../internal/rounding.js';
import { type BinaryData, type BinaryRow, evalBinary } from './broadcast.js';
import { prepareSameDtypeBinary } from './common.js';

interface PowData extends BinaryData {
  int: boolean;
}

const floatRow: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Float32Array;
  const B = b as Float32Array;
  const Y = y as Float32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = Math.pow(A[ia]!, B[ib]!);
};

const int32Row: BinaryRow = (a, ia, sa, b, ib, sb, y, iy, n) => {
  const A = a as Int32Array;
  const B = b as Int32Array;
  const Y = y as Int32Array;
  for (let i = 0; i < n; i++, ia += sa, ib += sb) Y[iy + i] = castToInt32Saturating(Math.pow(A[ia]!, B[ib]!));
};

function preparePow(node: KernelNode): PowData {
  const { plan, dtype } = prepareSameDtypeBinary(node, ['float32', 'int32']);
  return { plan, row: dtype === 'int32' ? int32Row : floatRow, int: dtype === 'int32' };
}

/** POW: y = a ** b. */
export const powKernel: Kernel<PowData> = {
  op: 'POW',
  prepare: preparePow,
  eval(node, d) {
    if (d.int) {
      const e = input(node, 1).data as Int32Array;
      for (let i = 0; i < e.length; i++) {
        if (e[i]! < 0) {
          throw new InputError(
            `node ${node.index} (POW): int32 exponent ${e[i]} at element ${i} is negative; ` +
              'integer POW supports only non-negative exponents (use float32)',
          );
        }
      }
    }
    evalBinary(node, d);
  },
};
