/**
 * applyDelta (src/kernels/wasm/delta.ts), the decoder of the relaxed-SIMD module's delta: copies
 * and literals in order, multi-byte varints, and malformed deltas rejected. The real delta is
 * decoded and validated by relaxed.test.ts (the relaxed build is picked only if it validates).
 */
import { describe, expect, it } from 'vitest';
import { applyDelta } from '../../../src/kernels/wasm/delta.js';

const base = Uint8Array.from({ length: 300 }, (_, i) => i & 255);

describe('applyDelta', () => {
  it('copies from the base and inserts literals', () => {
    // length 7; copy base[2..5); literal [9, 8]; copy base[290..292) (offset 290: t = 580 = 0xc4 0x04).
    const delta = Uint8Array.from([7, 4, 3, 5, 9, 8, 0xc4, 0x04, 2]);
    expect(Array.from(applyDelta(base, delta))).toEqual([2, 3, 4, 9, 8, 290 & 255, 291 & 255]);
  });

  it('rejects a delta that does not fill its length', () => {
    expect(() => applyDelta(base, Uint8Array.from([5, 4, 3]))).toThrow(/malformed/);
  });

  it('rejects a delta that overruns its length', () => {
    expect(() => applyDelta(base, Uint8Array.from([2, 4, 3]))).toThrow(/malformed/);
  });
});
