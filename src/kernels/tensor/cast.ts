/**
 * CAST between numeric and bool dtypes, as `static_cast` does element by element in TFLite's
 * cast.cc:
 *   - to bool: x != 0 (NaN is true); from bool: 0 or 1;
 *   - integer -> narrower integer (int32 <-> uint32, int32 -> int8, ...): modulo 2^bits;
 *   - float -> integer: truncation toward zero. Out-of-range values are undefined in C++; we
 *     saturate to int32 (as ARM and WebAssembly's saturating conversion do) and then wrap to a
 *     narrower type, and saturate to the uint32 / int64 range for those; NaN gives 0;
 *   - -> float32: rounded to nearest (int64 sources go through a double first, which can differ
 *     from a direct rounding by one ulp above 2^53);
 *   - float16 both ways, exactly (see internal/float16.ts).
 */
import type { DType, TypedArray } from '../../ir/dtype.js';
import { type Kernel, expectDtype, input, output, shapeError } from '../kernel.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from '../internal/float16.js';
import { castToInt32Saturating } from '../internal/rounding.js';

const CASTABLE: readonly DType[] = [
  'float32',
  'float64',
  'float16',
  'int8',
  'uint8',
  'int16',
  'uint16',
  'int32',
  'uint32',
  'int64',
  'bool',
];

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Returns `static_cast<int64_t>(x)` for a double x, saturating (NaN -> 0). */
function toInt64(x: number): bigint {
  if (!(x === x)) return 0n;
  if (x >= 2 ** 63) return INT64_MAX;
  if (x <= -(2 ** 63)) return INT64_MIN;
  return BigInt(Math.trunc(x));
}

const isFloat = (d: DType) => d === 'float32' || d === 'float64' || d === 'float16';

/** Casts number-valued sources (everything but int64). */
function castFromNumbers(src: TypedArray, srcType: DType, dst: TypedArray, dstType: DType, n: number): void {
  const s = src as Float32Array;
  const half = srcType === 'float16';
  const fromFloat = isFloat(srcType);
  switch (dstType) {
    case 'float16': {
      const d = dst as Uint16Array;
      for (let i = 0; i < n; i++) d[i] = float32ToFloat16Bits(half ? float16BitsToFloat32(s[i]!) : s[i]!);
      return;
    }
    case 'bool': {
      const d = dst as Uint8Array;
      for (let i = 0; i < n; i++) d[i] = (half ? float16BitsToFloat32(s[i]!) : s[i]!) !== 0 ? 1 : 0;
      return;
    }
    case 'int64': {
      const d = dst as BigInt64Array;
      for (let i = 0; i < n; i++) d[i] = toInt64(half ? float16BitsToFloat32(s[i]!) : s[i]!);
      return;
    }
    case 'float32':
    case 'float64': {
      const d = dst as Float32Array;
      for (let i = 0; i < n; i++) d[i] = half ? float16BitsToFloat32(s[i]!) : s[i]!;
      return;
    }
    case 'uint32': {
      const d = dst as Uint32Array;
      if (!fromFloat) {
        for (let i = 0; i < n; i++) d[i] = s[i]!; // modulo 2^32 (int32 -> uint32 reinterprets)
        return;
      }
      for (let i = 0; i < n; i++) {
        const v = Math.trunc(half ? float16BitsToFloat32(s[i]!) : s[i]!);
        d[i] = v > 4294967295 ? 4294967295 : v > 0 ? v : 0;
      }
      return;
    }
    default: {
      // int8, uint8, int16, uint16, int32: the typed array store wraps modulo 2^bits.
      const d = dst as Int32Array;
      if (!fromFloat) {
        for (let i = 0; i < n; i++) d[i] = s[i]!;
        return;
      }
      for (let i = 0; i < n; i++) d[i] = castToInt32Saturating(half ? float16BitsToFloat32(s[i]!) : s[i]!);
    }
  }
}

/** Casts int64 sources. */
function castFromInt64(src: BigInt64Array, dst: TypedArray, dstType: DType, n: number): void {
  switch (dstType) {
    case 'int64':
      (dst as BigInt64Array).set(src.subarray(0, n));
      return;
    case 'bool': {
      const d = dst as Uint8Array;
      for (let i = 0; i < n; i++) d[i] = src[i] !== 0n ? 1 : 0;
      return;
    }
    case 'float16': {
      const d = dst as Uint16Array;
      for (let i = 0; i < n; i++) d[i] = float32ToFloat16Bits(Number(src[i]!));
      return;
    }
    case 'float32':
    case 'float64': {
      const d = dst as Float64Array;
      for (let i = 0; i < n; i++) d[i] = Number(src[i]!);
      return;
    }
    default: {
      // Integers: low 32 bits, then the typed array store wraps to the width.
      const d = dst as Int32Array;
      for (let i = 0; i < n; i++) d[i] = Number(BigInt.asIntN(32, src[i]!));
    }
  }
}

/** CAST: one input, one output of the same shape. */
export const castKernel: Kernel<null> = {
  op: 'CAST',
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, x, CASTABLE, 'input');
    expectDtype(node, y, CASTABLE, 'output');
    if (node.outputs.length !== 1) throw shapeError(node, 'CAST has one output');
    y.shape = [...x.shape];
    return null;
  },
  eval(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    const n = x.shape.reduce((a, d) => a * d, 1);
    if (x.dtype === 'int64') castFromInt64(x.data as BigInt64Array, y.data, y.dtype, n);
    else castFromNumbers(x.data, x.dtype, y.data, y.dtype, n);
  },
};
