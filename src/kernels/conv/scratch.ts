/**
 * Typed views over scratch / persistent byte buffers (the runtime hands kernels `Uint8Array`s
 * of its 64-byte-aligned arena) and chunk sizing for im2col-style buffers.
 */

/** Target size in elements of one chunk of an im2col / accumulator buffer. */
export const CHUNK_ELEMENTS = 32768;

/**
 * Returns how many rows of `rowLength` elements one chunk holds: about CHUNK_ELEMENTS elements,
 * at least 8 rows (for GEMM tiling) and at most `total`. Never throws.
 */
export function chunkRows(total: number, rowLength: number): number {
  const rows = Math.floor(CHUNK_ELEMENTS / Math.max(1, rowLength));
  return Math.max(1, Math.min(total, Math.max(8, rows)));
}

/** Returns a Float32Array over the bytes. Never throws for a 4-aligned buffer. */
export function scratchF32(bytes: Uint8Array): Float32Array {
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
}

/** Returns a Float64Array over the bytes. Never throws for an 8-aligned buffer. */
export function scratchF64(bytes: Uint8Array): Float64Array {
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 3);
}

/** Returns an Int16Array over the bytes. Never throws for a 2-aligned buffer. */
export function scratchI16(bytes: Uint8Array): Int16Array {
  return new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 1);
}

/** Returns an Int32Array over the bytes. Never throws for a 4-aligned buffer. */
export function scratchI32(bytes: Uint8Array): Int32Array {
  return new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength >> 2);
}

/** Returns an Int8Array over the bytes. Never throws. */
export function scratchI8(bytes: Uint8Array): Int8Array {
  return new Int8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
