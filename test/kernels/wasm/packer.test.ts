/**
 * The kernel module's weight packing (src/kernels/wasm/packer.ts, assembly/pack.ts) against the
 * JavaScript reference of packing.ts on random weights: sums and every packed byte equal, for
 * int8 / uint8 weights with zero points, factors or none, column counts and depths that are not
 * multiples of 8, odd tap counts, float weights with and without a bias.
 */
import { describe, expect, it } from 'vitest';
import {
  packF32,
  packRequantColumns,
  planRequantColumns,
  stageQ8,
} from '../../../src/kernels/wasm/packer.js';
import {
  depthwiseChannelSums,
  f32DepthwisePackedFloats,
  f32GemmPackedBytes,
  gemmColumnSums,
  packDepthwiseF32,
  packDepthwiseQ8,
  packF32Gemm,
  packQ8Gemm,
  q8DepthwisePackedBytes,
  q8GemmPackedBytes,
} from '../../../src/kernels/wasm/packing.js';
import { mulberry32 as rng } from '../../support/rng.js';

function weights8(signed: boolean, length: number, next: () => number): Int8Array | Uint8Array {
  const w = signed ? new Int8Array(length) : new Uint8Array(length);
  for (let i = 0; i < length; i++) w[i] = next() & 0xff;
  return w;
}

function factors(n: number, next: () => number): Int32Array {
  // The factors planRequant chooses: 2^(1 + left), left in 0..6, or 1.
  return Int32Array.from({ length: n }, () => (next() % 8 === 0 ? 1 : 2 ** (1 + (next() % 7))));
}

/** Fills with a pattern that the packing must overwrite (padding included). */
function dirty16(length: number): Int16Array {
  return new Int16Array(length).fill(0x5a5a);
}

const shapes: [number, number][] = [
  [1, 1],
  [3, 5],
  [8, 8],
  [17, 27],
  [34, 96],
  [64, 9],
  [1001, 40],
];

describe('stageQ8 (GEMM operand)', () => {
  for (const signed of [true, false]) {
    for (const [n, k] of shapes) {
      it(`${signed ? 'int8' : 'uint8'} ${n} x ${k}`, () => {
        const next = rng(n * 131 + k + (signed ? 7 : 0));
        const w = weights8(signed, n * k, next);
        const wzp = signed ? (next() % 7) - 3 : next() % 256;
        const staged = stageQ8(w, n, k, wzp, false);
        const ref = gemmColumnSums(w, n, k, wzp);
        expect(staged.sums.sum).toEqual(ref.sum);
        expect(staged.sums.abs).toEqual(ref.abs);
        const f = factors(n, next);
        const want = dirty16(q8GemmPackedBytes(n, k) >> 1);
        packQ8Gemm(w, n, k, wzp, f, want);
        const got = dirty16(want.length);
        staged.pack(f, got);
        expect(got).toEqual(want);
        // Factor 1 (hybrid layers).
        const want1 = dirty16(want.length);
        packQ8Gemm(w, n, k, wzp, new Int32Array(n).fill(1), want1);
        const got1 = dirty16(want.length);
        stageQ8(w, n, k, wzp, false).pack(null, got1);
        expect(got1).toEqual(want1);
      });
    }
  }
});

describe('stageQ8 (depthwise)', () => {
  for (const signed of [true, false]) {
    for (const [taps, c] of [
      [9, 8],
      [9, 13],
      [25, 96],
      [4, 1],
      [1, 30],
      [49, 144],
    ] as const) {
      it(`${signed ? 'int8' : 'uint8'} ${taps} taps x ${c}`, () => {
        const next = rng(taps * 977 + c + (signed ? 3 : 0));
        // Weights as a view at an odd offset of a larger buffer (constants are views into the model).
        const raw = weights8(signed, taps * c + 3, next);
        const w = signed ? new Int8Array(raw.buffer, 3, taps * c) : new Uint8Array(raw.buffer, 3, taps * c);
        const wzp = signed ? 0 : next() % 256;
        const staged = stageQ8(w, taps, c, wzp, true);
        const ref = depthwiseChannelSums(w, taps, c, wzp);
        expect(staged.sums.sum).toEqual(ref.sum);
        expect(staged.sums.abs).toEqual(ref.abs);
        const f = factors(c, next);
        const want = dirty16(q8DepthwisePackedBytes(taps, c) >> 1);
        packDepthwiseQ8(w, taps, c, wzp, f, want);
        const got = dirty16(want.length);
        staged.pack(f, got);
        expect(got).toEqual(want);
      });
    }
  }
});

describe('packF32', () => {
  for (const [n, k] of shapes) {
    for (const withBias of [true, false]) {
      it(`GEMM ${n} x ${k}${withBias ? ' + bias' : ''}`, () => {
        const next = rng(n * 31 + k);
        const w = Float32Array.from({ length: n * k }, () => (next() / 2 ** 31 - 1) * 3);
        const bias = withBias ? Float32Array.from({ length: n }, () => next() / 2 ** 20) : null;
        const want = new Float32Array(f32GemmPackedBytes(n, k) >> 2).fill(7);
        packF32Gemm(w, bias, n, k, want);
        const got = new Float32Array(want.length).fill(7);
        packF32(w, bias, n, k, false, got);
        expect(got).toEqual(want);
      });
      it(`depthwise ${n} taps x ${k}${withBias ? ' + bias' : ''}`, () => {
        const next = rng(n * 37 + k);
        const w = Float32Array.from({ length: n * k }, () => (next() / 2 ** 31 - 1) * 3);
        const bias = withBias ? Float32Array.from({ length: k }, () => next() / 2 ** 20) : null;
        const want = new Float32Array(f32DepthwisePackedFloats(n, k)).fill(7);
        packDepthwiseF32(w, bias, n, k, want);
        const got = new Float32Array(want.length).fill(7);
        packF32(w, bias, n, k, true, got);
        expect(got).toEqual(want);
      });
    }
  }

  it('packs a layer larger than the memory kept between calls (the packer grows, then is released)', () => {
    const n = 600;
    const k = 6000; // 3.6 MB of int8 weights, 7.2 MB packed: past the 8 MB kept
    const next = rng(5);
    const w = weights8(true, n * k, next);
    const want = new Int16Array(q8GemmPackedBytes(n, k) >> 1);
    const f = factors(n, next);
    packQ8Gemm(w, n, k, -1, f, want);
    const got = new Int16Array(want.length);
    stageQ8(w, n, k, -1, false).pack(f, got);
    // Byte comparison (toEqual walks 3.6 M elements for seconds); the first difference, if any.
    const a = new Uint8Array(got.buffer);
    const b = new Uint8Array(want.buffer);
    expect(Buffer.from(a).equals(Buffer.from(b)) ? -1 : a.findIndex((v, i) => v !== b[i])).toBe(-1);
    // And a small one after it.
    const small = weights8(false, 40, next);
    const want2 = dirty16(q8GemmPackedBytes(5, 8) >> 1);
    packQ8Gemm(small, 5, 8, 128, new Int32Array(5).fill(1), want2);
    const got2 = dirty16(want2.length);
    stageQ8(small, 5, 8, 128, false).pack(null, got2);
    expect(got2).toEqual(want2);
  });

  it('keeps a staged layer intact across the requantization calls made before its pack (growing the memory)', () => {
    const next = rng(77);
    const n = 37;
    const k = 50;
    const w = weights8(true, n * k, next);
    const f = factors(n, next);
    const want = dirty16(q8GemmPackedBytes(n, k) >> 1);
    packQ8Gemm(w, n, k, 2, f, want);
    const staged = stageQ8(w, n, k, 2, false);
    // A layer of 400 K columns (~10 MB of inputs) planned and written in between.
    const m = 400_000;
    const shifts = new Int32Array(m).fill(-9);
    const constant = new Float64Array(m).fill(NaN);
    const plan = planRequantColumns(
      new Int32Array(m).fill(2 ** 30),
      shifts,
      new Float64Array(m).fill(1000),
      new Uint8Array(m),
      new Int32Array(m),
      constant,
    );
    expect(plan).toEqual({ mode: 0, shift: 9 });
    const block = new Uint8Array(32 + m * 36);
    packRequantColumns(block, 0, 9, 0, {
      start: new Int32Array(m),
      multipliers: new Int32Array(m),
      shifts,
      factor: new Int32Array(m).fill(2),
      constant,
    });
    const got = dirty16(want.length);
    staged.pack(f, got);
    expect(got).toEqual(want);
  });
});
