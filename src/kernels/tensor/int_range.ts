/** The value ranges of the integer dtypes quantized kernels clamp to. */
import type { DType } from '../../ir/dtype.js';

/** Returns [min, max] of int8, uint8 or int16, and the int32 range for any other dtype. Never throws. */
export function intRange(dtype: DType): [number, number] {
  switch (dtype) {
    case 'int8':
      return [-128, 127];
    case 'uint8':
      return [0, 255];
    case 'int16':
      return [-32768, 32767];
    default:
      return [-2147483648, 2147483647];
  }
}
