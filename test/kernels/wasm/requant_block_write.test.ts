/**
 * writeRequantBlock and planRequant (src/kernels/wasm/requant_block.ts) against their earlier
 * versions (BigInt64Array writes; closures and arrays of numbers), kept here as oracles: the same
 * bytes and plans for random columns and every mode (the plans planRequant chooses, and forced
 * modes 0, 1, 2 and 4 with constant columns).
 */
import { describe, expect, it } from 'vitest';
import type { Requant } from '../../../src/kernels/conv/requantize.js';
import type { ColumnSums } from '../../../src/kernels/wasm/packing.js';
import {
  type RequantColumns,
  type RequantPlan,
  inputRange,
  planRequant,
  requantColumns,
  requantBlockBytes,
  writeRequantBlock,
} from '../../../src/kernels/wasm/requant_block.js';
import { roundUp8 } from '../../../src/kernels/wasm/packing.js';
import { multiplyByQuantizedMultiplier } from '../../../src/kernels/internal/multiply_by_quantized_multiplier.js';
import { mulberry32 as rng } from '../../support/rng.js';

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

/** planRequant before its one-pass rewrite (closures, arrays of numbers), kept as the oracle. */
function planRequantReference(cols: RequantColumns): RequantPlan {
  const n = cols.multipliers.length;
  const constant = new Float64Array(n).fill(NaN);
  const live: number[] = [];
  let fast = true;
  for (let j = 0; j < n; j++) {
    const m = cols.multipliers[j]!;
    const shift = cols.shifts[j]!;
    const e = Math.max(-shift, 0);
    const left = Math.max(shift, 0);
    const r = (v: number) => {
      const y = multiplyByQuantizedMultiplier(v, m, shift) + cols.outputZeroPoint;
      return Math.min(Math.max(y, cols.qmin), cols.qmax) - cols.outputZeroPoint;
    };
    if (cols.zeroWeights[j]) {
      constant[j] = r(cols.bias[j]!);
      continue;
    }
    const b = cols.bound[j]!;
    // |q| <= floor((b * m + 2^30) / 2^31) (q is monotone in x); below 2^(e-1) the output is zp.
    if (m === 0 || (e > 0 && left === 0 && Math.floor((b * m + 2 ** 30) / 2 ** 31) < 2 ** (e - 1))) {
      constant[j] = 0;
      continue;
    }
    if (left > 6 || b * 2 ** left >= 2 ** 30 || e > 22) fast = false;
    live.push(j);
  }
  const factor = new Int32Array(n).fill(1);
  if (!fast) return { mode: 2, shift: 0, factor, constant: constant.fill(NaN) };
  const es = live.map((j) => Math.max(-cols.shifts[j]!, 0));
  const e0 = es[0] ?? 1;
  const uniform = e0 >= 1 && e0 <= 21 && es.every((e) => e === e0);
  for (const j of live) factor[j] = 2 ** (1 + Math.max(cols.shifts[j]!, 0));
  const d = uniform ? e0 : Math.max(1, ...es);
  return {
    mode: uniform ? 0 : clampFreeReference(cols, live, d) ? 4 : 1,
    shift: d,
    factor,
    constant,
  };
}
function clampFreeReference(cols: RequantColumns, live: readonly number[], d: number): boolean {
  const limit = 2 ** 31 - 2 ** (d - 1) - 255 * 2 ** d - 1;
  return live.every((j) => {
    const shift = cols.shifts[j]!;
    const e = Math.max(-shift, 0);
    const q =
      Math.floor((cols.bound[j]! * 2 ** Math.max(shift, 0) * cols.multipliers[j]! + 2 ** 30) / 2 ** 31) + 1;
    return q <= 2 ** (e + 8) || q * 2 ** (d - e) < limit;
  });
}

/** requantColumns before its loop moved to the kernel module, kept as the oracle. */
function requantColumnsReference(
  rq: Requant,
  bias: Float64Array | null,
  sums: ColumnSums,
  signedInput: boolean,
  signedOutput: boolean,
  foldInputZeroPoint: boolean,
): RequantColumns {
  const n = rq.multipliers.length;
  const start = new Int32Array(n);
  const b = new Int32Array(n);
  const bound = new Float64Array(n);
  const zeroWeights = new Uint8Array(n);
  const xr = inputRange(signedInput, rq.inputZeroPoint);
  for (let j = 0; j < n; j++) {
    const bj = bias ? bias[j]! : 0;
    b[j] = bj | 0;
    start[j] = foldInputZeroPoint ? (bj - Math.imul(rq.inputZeroPoint, sums.sum[j]!)) | 0 : bj | 0;
    bound[j] = xr * sums.abs[j]! + Math.abs(bj);
    zeroWeights[j] = sums.abs[j] === 0 ? 1 : 0;
  }
  return {
    start,
    bias: b,
    multipliers: rq.multipliers,
    shifts: rq.shifts,
    bound,
    zeroWeights,
    outputZeroPoint: rq.outputZeroPoint,
    qmin: rq.qmin,
    qmax: rq.qmax,
    signed: signedOutput,
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
  it('matches the BigInt writer on the plans planRequant chooses (and planRequant its oracle)', () => {
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
      expect(plan).toEqual(planRequantReference(cols));
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

  it('planRequant matches its oracle on all-constant layers, tiny multipliers and large bounds', () => {
    const next = rng(41);
    for (let t = 0; t < 200; t++) {
      const n = 1 + (next() % 24);
      const cols = randomColumns(next, n, -31, 8);
      for (let j = 0; j < n; j++) {
        const r = next() % 6;
        if (r === 0) cols.zeroWeights[j] = 1;
        else if (r === 1) cols.multipliers[j] = 0;
        else if (r === 2) cols.bound[j] = next() % 4;
        else if (r === 3) cols.bound[j] = 2 ** 20 + (next() % 2 ** 25);
      }
      if (t % 10 === 0) cols.zeroWeights.fill(1);
      expect(planRequant(cols)).toEqual(planRequantReference(cols));
    }
  });

  it('requantColumns matches its oracle (bias or none, folded input zero point or not)', () => {
    const next = rng(59);
    for (let t = 0; t < 120; t++) {
      const n = 1 + (next() % 50);
      const signedIn = next() % 2 === 0;
      const rq = {
        multipliers: Int32Array.from({ length: n }, () => 2 ** 30 + (next() % 2 ** 30)),
        shifts: Int32Array.from({ length: n }, () => -(next() % 20)),
        inputZeroPoint: signedIn ? (next() % 256) - 128 : next() % 256,
        outputZeroPoint: 3,
        qmin: -128,
        qmax: 127,
      } as unknown as Requant;
      const sums: ColumnSums = {
        sum: Int32Array.from({ length: n }, () => next() | 0),
        abs: Float64Array.from({ length: n }, () => (next() % 4 === 0 ? 0 : next() % 2 ** 28)),
      };
      const bias =
        t % 3 === 0 ? null : Float64Array.from({ length: n }, () => (next() | 0) * (t % 3 === 1 ? 1 : 1000));
      const fold = t % 2 === 0;
      expect(requantColumns(rq, bias, sums, signedIn, true, fold)).toEqual(
        requantColumnsReference(rq, bias, sums, signedIn, true, fold),
      );
    }
  });
});
