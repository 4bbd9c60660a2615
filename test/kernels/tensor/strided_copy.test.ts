/**
 * The strided-copy primitive against a naive per-element loop: random boxes with positive,
 * negative and zero strides, 1- and 2-word elements, including the tiled 2-D transpose path and
 * rows above and below the `set` threshold.
 */
import { describe, expect, it } from 'vitest';
import { planCopy, runCopy } from '../../../src/kernels/tensor/strided_copy.js';
import { forEachIndex, rng } from './op_harness.js';

function naive(
  dims: number[],
  src: number[],
  dst: number[],
  so: number,
  dO: number,
  w: number,
  from: Int32Array,
  to: Int32Array,
): void {
  forEachIndex(dims, (idx) => {
    let s = so;
    let d = dO;
    idx.forEach((v, k) => {
      s += v * src[k]!;
      d += v * dst[k]!;
    });
    for (let t = 0; t < w; t++) to[d * w + t] = from[s * w + t]!;
  });
}

describe('strided copy', () => {
  it('matches a naive copy on 300 random boxes', () => {
    const r = rng(42);
    const pick = (n: number) => Math.floor(r() * n);
    for (let trial = 0; trial < 300; trial++) {
      const rank = pick(5);
      const dims = Array.from({ length: rank }, (_, k) =>
        pick(8) === 0 ? 1 : 1 + pick(trial % 7 === 0 && k >= rank - 2 ? 70 : 6),
      );
      const w = pick(3) === 0 ? 2 : 1;
      // Source: a random permutation of a contiguous layout, some dims reversed or repeated.
      const perm = dims.map((_, i) => i).sort(() => r() - 0.5);
      const srcStrides = new Array<number>(rank);
      let acc = 1;
      for (let k = rank - 1; k >= 0; k--) {
        const p = perm[k]!;
        srcStrides[p] = acc;
        acc *= dims[p]!;
      }
      let srcOffset = 0;
      srcStrides.forEach((s, k) => {
        const mode = pick(6);
        if (mode === 0) {
          srcStrides[k] = -s;
          srcOffset += s * (dims[k]! - 1);
        } else if (mode === 1) srcStrides[k] = 0;
      });
      const dstStrides = new Array<number>(rank);
      let dacc = 1;
      for (let k = rank - 1; k >= 0; k--) {
        dstStrides[k] = dacc;
        dacc *= dims[k]!;
      }
      const from = Int32Array.from({ length: acc * w + 3 }, (_, i) => i * 7 + 1);
      const want = new Int32Array(dacc * w + 5).fill(-1);
      const got = new Int32Array(dacc * w + 5).fill(-1);
      naive(dims, srcStrides, dstStrides, srcOffset, 2, w, from, want);
      runCopy(planCopy(dims, srcStrides, dstStrides, srcOffset, 2, w), from, got);
      const bad = want.findIndex((v, i) => got[i] !== v);
      expect(bad, `trial ${trial}: dims [${dims}] src [${srcStrides}] w ${w}`).toBe(-1);
    }
  });

  it('byte transposes (4-byte word paths on either aligned side, and unaligned) match a naive copy', () => {
    const r = rng(5);
    for (let trial = 0; trial < 120; trial++) {
      // An NHWC <-> NCHW style transpose of [batch, a, b] -> [batch, b, a] with byte elements.
      const batch = 1 + Math.floor(r() * 3);
      const a = 1 + Math.floor(r() * 40);
      const b = 1 + Math.floor(r() * 40);
      const offset = Math.floor(r() * 3) === 0 ? 1 : 0;
      const src = Uint8Array.from({ length: batch * a * b + 8 }, (_, i) => (i * 37 + 11) & 0xff);
      const from = src.subarray(offset);
      const dims = [batch, b, a];
      const srcStrides = [a * b, 1, b];
      const dstStrides = [a * b, a, 1];
      const want = new Uint8Array(batch * a * b + 4);
      const got = new Uint8Array(batch * a * b + 4);
      forEachIndex(dims, (idx) => {
        want[idx[0]! * dstStrides[0]! + idx[1]! * dstStrides[1]! + idx[2]!] =
          from[idx[0]! * srcStrides[0]! + idx[1]! + idx[2]! * srcStrides[2]!]!;
      });
      runCopy(planCopy(dims, srcStrides, dstStrides, 0, 0), from, got);
      const bad = want.findIndex((v, i) => got[i] !== v);
      expect(bad, `trial ${trial}: [${batch}, ${a}, ${b}] offset ${offset}`).toBe(-1);
    }
  });

  it('merges contiguous dims and copies nothing for an empty box', () => {
    const p = planCopy([2, 3, 4], [12, 4, 1], [12, 4, 1], 0, 0);
    expect(Array.from(p.dims)).toEqual([24]);
    const t = planCopy([5, 7], [1, 5], [7, 1], 0, 0); // a 2-D transpose stays 2-D
    expect(Array.from(t.dims)).toEqual([5, 7]);
    const e = planCopy([3, 0, 2], [1, 1, 1], [1, 1, 1], 0, 0);
    expect(e.count).toBe(0);
    const dst = new Int32Array(4).fill(9);
    runCopy(e, new Int32Array(4), dst);
    expect(Array.from(dst)).toEqual([9, 9, 9, 9]);
  });
});
