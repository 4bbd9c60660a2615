/**
 * NumPy `.npy` files (format versions 1.0-3.0): read into a typed array with its shape, and
 * write. Only C-order arrays of plain numeric dtypes (little-endian or single-byte) are
 * supported; anything else is an InputError saying what was found.
 */
import { InputError } from '../errors.js';
import type { DType, TypedArray } from '../ir/dtype.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

const DESCR: Record<string, DType> = {
  '<f4': 'float32',
  '<f8': 'float64',
  '|i1': 'int8',
  '|u1': 'uint8',
  '|b1': 'bool',
  '<i2': 'int16',
  '<u2': 'uint16',
  '<i4': 'int32',
  '<u4': 'uint32',
  '<i8': 'int64',
  '<f2': 'float16',
};

/** A parsed .npy array. */
export interface NpyArray {
  dtype: DType;
  shape: number[];
  /** Raw little-endian bytes of the data (a view). */
  bytes: Uint8Array;
}

/** Parses .npy bytes. Throws InputError for a malformed or unsupported file. */
export function readNpy(bytes: Uint8Array, name = 'array.npy'): NpyArray {
  if (bytes.byteLength < 10 || MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new InputError(`${name}: not a .npy file (missing the \\x93NUMPY magic)`);
  }
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  if (start + headerLen > bytes.byteLength) throw new InputError(`${name}: truncated .npy header`);
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !fortran || shapeText === undefined)
    throw new InputError(`${name}: unreadable .npy header ${header}`);
  const dtype = DESCR[descr];
  if (!dtype)
    throw new InputError(`${name}: unsupported .npy dtype ${descr} (use little-endian numeric arrays)`);
  if (fortran === 'True')
    throw new InputError(`${name}: Fortran-order arrays are not supported (save with C order)`);
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const elem = { float64: 8, int64: 8, float32: 4, int32: 4, uint32: 4, int16: 2, uint16: 2, float16: 2 }[
    dtype as string
  ];
  const n = shape.reduce((p, d) => p * d, 1);
  const size = n * (elem ?? 1);
  const dataStart = start + headerLen;
  if (dataStart + size > bytes.byteLength) {
    throw new InputError(
      `${name}: holds ${bytes.byteLength - dataStart} data bytes, shape [${shape}] needs ${size}`,
    );
  }
  return { dtype, shape, bytes: bytes.subarray(dataStart, dataStart + size) };
}

/** Serializes a typed array as a version 1.0 .npy file. */
export function writeNpy(data: TypedArray, dtype: DType, shape: readonly number[]): Uint8Array {
  const descr = Object.entries(DESCR).find(([, d]) => d === dtype)?.[0];
  if (!descr) throw new InputError(`cannot write dtype ${dtype} to .npy`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  // Pad with spaces so that the data starts at a multiple of 64 bytes, ending with a newline.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  return out;
}
