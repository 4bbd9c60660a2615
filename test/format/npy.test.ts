import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { readNpy, writeNpy } from '../../src/format/npy.js';

describe('.npy', () => {
  it('round-trips float32, int8 and int64 arrays with their shapes', () => {
    const f = new Float32Array([1.5, -2, 3.25, 0, 7, 8]);
    const a = readNpy(writeNpy(f, 'float32', [2, 3]));
    expect(a.dtype).toBe('float32');
    expect(a.shape).toEqual([2, 3]);
    expect(Array.from(new Float32Array(a.bytes.slice().buffer))).toEqual(Array.from(f));
    const i8 = readNpy(writeNpy(new Int8Array([-128, 127, 5]), 'int8', [3]));
    expect(i8.shape).toEqual([3]);
    expect(Array.from(new Int8Array(i8.bytes.slice().buffer))).toEqual([-128, 127, 5]);
    const i64 = readNpy(writeNpy(new BigInt64Array([1n, -2n]), 'int64', [1, 2]));
    expect(i64.dtype).toBe('int64');
  });
  it('starts data at a 64-byte boundary as numpy does', () => {
    const bytes = writeNpy(new Float32Array(3), 'float32', [3]);
    expect((bytes.byteLength - 12) % 64).toBe(0);
    expect(bytes[6]).toBe(1);
  });
  it('rejects non-npy, truncated and Fortran-order files with InputError', () => {
    expect(() => readNpy(new Uint8Array(20))).toThrow(InputError);
    const ok = writeNpy(new Float32Array(16), 'float32', [16]);
    expect(() => readNpy(ok.subarray(0, ok.byteLength - 4))).toThrow(/holds 60 data bytes/);
    // Edit the ASCII header in place (the magic byte 0x93 is not valid UTF-8 text).
    const fortran = ok.slice();
    const at = Buffer.from(fortran).indexOf("'fortran_order': False");
    fortran.set(new TextEncoder().encode("'fortran_order': True "), at);
    expect(() => readNpy(fortran)).toThrow(/Fortran/);
  });
});
