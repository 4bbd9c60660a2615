/** Filling a tensor with one repeated element, given as that element's little-endian bytes. */
import type { KernelTensor } from '../kernel.js';

/** Fills every element of `t` with the element whose bytes are `value` (1, 2, 4 or 8 of them). Never throws. */
export function fillElements(t: KernelTensor, value: Uint8Array): void {
  const b = t.bytes;
  if (value.every((x) => x === 0)) {
    b.fill(0);
    return;
  }
  switch (value.length) {
    case 1:
      b.fill(value[0]!);
      return;
    case 2:
      new Uint16Array(b.buffer, b.byteOffset, b.byteLength >> 1).fill(value[0]! | (value[1]! << 8));
      return;
    case 4:
      new Int32Array(b.buffer, b.byteOffset, b.byteLength >> 2).fill(
        value[0]! | (value[1]! << 8) | (value[2]! << 16) | (value[3]! << 24),
      );
      return;
    default: {
      const v = new BigInt64Array(value.slice().buffer)[0]!;
      new BigInt64Array(b.buffer, b.byteOffset, b.byteLength >> 3).fill(v);
    }
  }
}
