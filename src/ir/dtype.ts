/**
 * Tensor element types: the schema's TensorType codes, their names, byte sizes and the typed
 * arrays that view them.
 */

/** TensorType codes of the TFLite schema (schema.fbs `enum TensorType : byte`). */
export const TensorType = {
  FLOAT32: 0,
  FLOAT16: 1,
  INT32: 2,
  UINT8: 3,
  INT64: 4,
  STRING: 5,
  BOOL: 6,
  INT16: 7,
  COMPLEX64: 8,
  INT8: 9,
  FLOAT64: 10,
  COMPLEX128: 11,
  UINT64: 12,
  RESOURCE: 13,
  VARIANT: 14,
  UINT32: 15,
  UINT16: 16,
  INT4: 17,
  BFLOAT16: 18,
} as const;
export type TensorTypeCode = (typeof TensorType)[keyof typeof TensorType];

/** The dtype names used by the public API. */
export type DType =
  | 'float32'
  | 'float16'
  | 'int32'
  | 'uint8'
  | 'int64'
  | 'string'
  | 'bool'
  | 'int16'
  | 'complex64'
  | 'int8'
  | 'float64'
  | 'complex128'
  | 'uint64'
  | 'resource'
  | 'variant'
  | 'uint32'
  | 'uint16'
  | 'int4'
  | 'bfloat16';

const NAMES: readonly DType[] = [
  'float32',
  'float16',
  'int32',
  'uint8',
  'int64',
  'string',
  'bool',
  'int16',
  'complex64',
  'int8',
  'float64',
  'complex128',
  'uint64',
  'resource',
  'variant',
  'uint32',
  'uint16',
  'int4',
  'bfloat16',
];

/** Bytes per element; 0 for types without a fixed size (string, resource, variant); int4 packs 2 per byte. */
const SIZES: Readonly<Record<DType, number>> = {
  float32: 4,
  float16: 2,
  int32: 4,
  uint8: 1,
  int64: 8,
  string: 0,
  bool: 1,
  int16: 2,
  complex64: 8,
  int8: 1,
  float64: 8,
  complex128: 16,
  uint64: 8,
  resource: 0,
  variant: 0,
  uint32: 4,
  uint16: 2,
  int4: 0.5,
  bfloat16: 2,
};

/** Returns the dtype name of a schema TensorType code, or undefined for an unknown code. */
export function dtypeFromCode(code: number): DType | undefined {
  return NAMES[code];
}

/** Returns the schema TensorType code of a dtype name. */
export function dtypeCode(dtype: DType): TensorTypeCode {
  return NAMES.indexOf(dtype) as TensorTypeCode;
}

/** Returns the size in bytes of one element (0.5 for int4, 0 for variable-size types). */
export function dtypeSize(dtype: DType): number {
  return SIZES[dtype];
}

/** Every typed array a tensor's data can be viewed as. */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/** Returns a typed-array view of `byteLength` bytes at `byteOffset` of `buffer` for the dtype. */
export function typedView(
  dtype: DType,
  buffer: ArrayBufferLike,
  byteOffset: number,
  byteLength: number,
): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, byteOffset, byteLength >> 2);
    case 'float64':
      return new Float64Array(buffer, byteOffset, byteLength >> 3);
    case 'int32':
      return new Int32Array(buffer, byteOffset, byteLength >> 2);
    case 'uint32':
      return new Uint32Array(buffer, byteOffset, byteLength >> 2);
    case 'int16':
      return new Int16Array(buffer, byteOffset, byteLength >> 1);
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer, byteOffset, byteLength >> 1);
    case 'int8':
      return new Int8Array(buffer, byteOffset, byteLength);
    case 'int64':
      return new BigInt64Array(buffer, byteOffset, byteLength >> 3);
    case 'uint64':
      return new BigUint64Array(buffer, byteOffset, byteLength >> 3);
    case 'complex64':
      return new Float32Array(buffer, byteOffset, byteLength >> 2);
    case 'complex128':
      return new Float64Array(buffer, byteOffset, byteLength >> 3);
    default:
      return new Uint8Array(buffer, byteOffset, byteLength);
  }
}

/** Alignment in bytes a typed view of this dtype needs. */
export function dtypeAlignment(dtype: DType): number {
  const s = SIZES[dtype];
  return s >= 1 ? (s === 16 ? 8 : s) : 1;
}
