/**
 * writeRequantBlock (src/kernels/wasm/requant_block.ts) writes the same bytes as its earlier
 * BigInt64Array version (kept here as the oracle) for random columns and every mode: the plans
 * planRequant chooses and forced modes 0, 1, 2 and 4 with constant columns.
 */
import { describe, expect, it } from 'vitest';
import {
  type RequantColumns,
  type RequantPlan,
  planRequant,
  requantBlockBytes,
  writeRequantBlock,
} from '../../../src/kernels/wasm/requant_block.js';
import { roundUp8 } from '../../../src/kernels/wasm/packing.js';

const RQ = { MODE: 0, SHIFT: 1, QMIN: 2, QMAX: 3, CLAMP: 4, SIGNED: 5, ZP: 6 } as const;
const RQA = { BIAS: 0, MULT: 1, C: 2, HI: 3, LO: 4, P2: 5, SHIFT: 6, K: 7 } as const;
const HEADER_BYTES = 32;

/** The writer before int64 words were written as int32 pairs (BigInt per column), kept as the oracle. */
function writeRequantBlockReference(dst: Uint8Array, cols: RequantColumns, plan: RequantPlan): void {
  const n = cols.multipliers.length;
  const np = roundUp8(n);
  const i32 = new Int32Array(dst.buffer, dst.byteOffset, (HEADER_BYTES >> 2) + np * 9);
  const i64 = new BigInt64Array(dst.buffer, dst.byteOffset + HEADER_BYTES + np * 4 * RQA.K, np);
  i32.fill(0);
  i64.fill(0n);
  const signed = cols.signed;
  i32[RQ.MODE] = plan.mode;
  i32[RQ.SHIFT] = plan.shift;
  i32[RQ.QMIN] = cols.qmin;
  i32[RQ.QMAX] = cols.qmax;
  i32[RQ.CLAMP] = cols.qmin > (signed ? -128 : 0) || cols.qmax < (signed ? 127 : 255) ? 1 : 0;
  i32[RQ.SIGNED] = signed ? 1 : 0;
  i32[RQ.ZP] = cols.outputZeroPoint;
  const at = (which: number, j: number) => (HEADER_BYTES >> 2) + which * np + j;
  const s = plan.shift;
  const zp = cols.outputZeroPoint;
  for (let j = 0; j < n; j++) {
    const shift = cols.shifts[j]!;
    i32[at(RQA.SHIFT, j)] = shift;
    if (plan.mode === 2) {
      i32[at(RQA.BIAS, j)] = cols.start[j]!;
      i32[at(RQA.MULT, j)] = cols.multipliers[j]!;
      continue;
    }
    const c = plan.constant[j]!;
    const e = Math.max(-shift, 0);
    // Constant columns: multiplier 0, the value in C (see assembly/requantize.ts).
    const value = Number.isNaN(c) ? zp : zp + c;
    const C = 2 ** (s - 1) + value * 2 ** s;
    i32[at(RQA.C, j)] = C;
    if (Number.isNaN(c)) {
      i32[at(RQA.BIAS, j)] = Math.imul(cols.start[j]!, plan.factor[j]!);
      i32[at(RQA.MULT, j)] = cols.multipliers[j]!;
      i32[at(RQA.HI, j)] = 2 ** (e + 8);
      i32[at(RQA.LO, j)] = -(2 ** (e + 8));
      i32[at(RQA.P2, j)] = plan.mode === 1 || plan.mode === 4 ? 2 ** (s - e) : 1;
    } else {
      i32[at(RQA.HI, j)] = 2 ** 8;
      i32[at(RQA.LO, j)] = -(2 ** 8);
      i32[at(RQA.P2, j)] = 1;
    }
    i64[j] = plan.mode === 0 ? 0x80000000n + (BigInt(C) << 32n) : 0x80000000n;
  }
}

/** A deterministic generator (xorshift32) of uint32 values. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

function randomColumns(next: () => number, n: number, shiftLo: number, shiftHi: number): RequantColumns {
  const signed = next() % 2 === 0;
  const zp = signed ? (next() % 256) - 128 : next() % 256;
  return {
    start: Int32Array.from({ length: n }, () => next() | 0),
    bias: Int32Array.from({ length: n }, () => (next() % 200000) - 100000),
    multipliers: Int32Array.from({ length: n }, () => 2 ** 30 + (next() % 2 ** 30)),
    shifts: Int32Array.from({ length: n }, () => shiftLo + (next() % (shiftHi - shiftLo + 1))),
    bound: Float64Array.from({ length: n }, () => next() % 2 ** 24),
    zeroWeights: Uint8Array.from({ length: n }, () => (next() % 10 === 0 ? 1 : 0)),
    outputZeroPoint: zp,
    qmin: signed ? -128 + (next() % 3) : next() % 3,
    qmax: signed ? 127 : 255 - (next() % 3),
    signed,
  };
}

function same(cols: RequantColumns, plan: RequantPlan): void {
  const bytes = requantBlockBytes(cols.multipliers.length);
  const want = new Uint8Array(bytes + 16).fill(0xa5);
  const got = new Uint8Array(bytes + 16).fill(0xa5);
  // At an offset, as in a node's persistent memory (8-aligned).
  writeRequantBlockReference(want.subarray(8, 8 + bytes), cols, plan);
  writeRequantBlock(got.subarray(8, 8 + bytes), cols, plan);
  expect(got).toEqual(want);
}

describe('writeRequantBlock', () => {
  it('matches the BigInt writer on the plans planRequant chooses', () => {
    const next = rng(11);
    const modes = new Set<number>();
    for (let t = 0; t < 300; t++) {
      const n = 1 + (next() % 40);
      const wide = next() % 3;
      const cols =
        wide === 0
          ? randomColumns(next, n, -12, -12) // uniform shift: mode 0
          : wide === 1
            ? randomColumns(next, n, -20, 2) // per-channel: modes 1 / 4
            : randomColumns(next, n, -30, 10); // mode 2
      const plan = planRequant(cols);
      modes.add(plan.mode);
      same(cols, plan);
    }
    expect([...modes].sort()).toEqual([0, 1, 2, 4]);
  });

  it('matches the BigInt writer on forced modes with constant columns', () => {
    const next = rng(23);
    for (const mode of [0, 1, 2, 4] as const) {
      for (let t = 0; t < 20; t++) {
        const n = 1 + (next() % 20);
        const cols = randomColumns(next, n, -21, 6);
        const plan: RequantPlan = {
          mode,
          shift: 1 + (next() % 21),
          factor: Int32Array.from({ length: n }, () => 2 ** (1 + (next() % 7))),
          constant: Float64Array.from({ length: n }, () => (next() % 3 === 0 ? (next() % 511) - 255 : NaN)),
        };
        same(cols, plan);
      }
    }
  });
});
