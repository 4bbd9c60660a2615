/**
 * STRIDED_SLICE against an independent oracle (NumPy/Python slicing semantics: the spec list is
 * turned into integer indices, new axes and Python slices, each resolved with slice.indices), over
 * every mask and negative strides; `offset` against hand-computed cases; the TFLM seanet
 * strided_slice0 int16 golden (exact).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveStridedSlice } from '../../../src/kernels/tensor/slice.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../../support/fixtures.js';
import {
  MOVE_DTYPES,
  count,
  forEachIndex,
  i32,
  randomData,
  rng,
  runOp,
  spec,
  strides,
  toNumbers,
} from './op_harness.js';

interface Spec {
  begin: number[];
  end: number[];
  strides: number[];
  beginMask?: number;
  endMask?: number;
  ellipsisMask?: number;
  newAxisMask?: number;
  shrinkAxisMask?: number;
}

/** Python's slice(start, stop, step).indices(length): [start, stop, step] after defaults and clamping. */
function pyIndices(
  start: number | null,
  stop: number | null,
  step: number,
  length: number,
): [number, number] {
  const fix = (v: number | null, dflt: number, lo: number, hi: number) => {
    if (v === null) return dflt;
    let r = v < 0 ? v + length : v;
    if (r < lo) r = lo;
    if (r > hi) r = hi;
    return r;
  };
  if (step > 0) return [fix(start, 0, 0, length), fix(stop, length, 0, length)];
  return [fix(start, length - 1, -1, length - 1), fix(stop, -1, -1, length - 1)];
}

type Index =
  { kind: 'int'; i: number } | { kind: 'new' } | { kind: 'slice'; start: number; step: number; n: number };

/** Slices `x` (shape `shape`) with NumPy semantics; returns the output shape and values. */
function numpySlice(shape: number[], x: number[], s: Spec): { shape: number[]; values: number[] } {
  const bit = (m: number | undefined, i: number) => ((m ?? 0) & (1 << i)) !== 0;
  const n = s.begin.length;
  const specs: ('ellipsis' | 'new' | { shrink: boolean; i: number })[] = [];
  for (let i = 0; i < n; i++) {
    if (bit(s.ellipsisMask, i)) specs.push('ellipsis');
    else if (bit(s.newAxisMask, i)) specs.push('new');
    else specs.push({ shrink: bit(s.shrinkAxisMask, i), i });
  }
  const consuming = specs.filter((p) => typeof p === 'object').length;
  const ops: Index[] = [];
  let dim = 0;
  const fullSlice = (): Index => ({ kind: 'slice', start: 0, step: 1, n: shape[dim++]! });
  for (const p of specs) {
    if (p === 'ellipsis') {
      const k = shape.length - consuming;
      for (let j = 0; j < k; j++) ops.push(fullSlice());
    } else if (p === 'new') {
      ops.push({ kind: 'new' });
    } else {
      const len = shape[dim++]!;
      const i = p.i;
      if (p.shrink) {
        const b = s.begin[i]! < 0 ? s.begin[i]! + len : s.begin[i]!;
        ops.push({ kind: 'int', i: b });
        continue;
      }
      const step = s.strides[i]!;
      const [start, stop] = pyIndices(
        bit(s.beginMask, i) ? null : s.begin[i]!,
        bit(s.endMask, i) ? null : s.end[i]!,
        step,
        len,
      );
      ops.push({ kind: 'slice', start, step, n: Math.max(0, Math.ceil((stop - start) / step)) });
    }
  }
  while (dim < shape.length) ops.push(fullSlice());
  const outShape = ops.flatMap((o) => (o.kind === 'int' ? [] : o.kind === 'new' ? [1] : [o.n]));
  const st = strides(shape);
  const values: number[] = [];
  forEachIndex(outShape, (idx) => {
    let k = 0;
    let d = 0;
    let off = 0;
    for (const o of ops) {
      if (o.kind === 'new') {
        k++;
        continue;
      }
      const v = o.kind === 'int' ? o.i : o.start + idx[k++]! * o.step;
      off += v * st[d++]!;
    }
    values.push(x[off]!);
  });
  return { shape: outShape, values };
}

const CASES: [number[], Spec][] = [
  [[5], { begin: [1], end: [4], strides: [1] }],
  [[5], { begin: [-1], end: [-4], strides: [-1] }],
  [[5], { begin: [0], end: [0], strides: [-1], beginMask: 1, endMask: 1 }],
  [[5], { begin: [10], end: [-10], strides: [-2] }],
  [[5], { begin: [2], end: [2], strides: [1] }],
  [[5], { begin: [-2], end: [0], strides: [1], shrinkAxisMask: 1 }],
  [[4, 5], { begin: [1, 0], end: [3, 5], strides: [1, 2] }],
  [[4, 5], { begin: [3, 4], end: [0, 0], strides: [-1, -3], endMask: 2 }],
  [[4, 5], { begin: [1], end: [3], strides: [1] }],
  [[4, 5], { begin: [0, 2], end: [0, 3], strides: [1, 1], beginMask: 1, endMask: 1, shrinkAxisMask: 2 }],
  [[2, 3, 4], { begin: [0, 1], end: [0, 3], strides: [1, 1], ellipsisMask: 1 }],
  [[2, 3, 4], { begin: [1, 0, 0], end: [2, 0, 3], strides: [1, 1, 2], ellipsisMask: 2 }],
  [
    [2, 3, 4, 2],
    { begin: [0, 0, 1], end: [1, 0, 2], strides: [1, 1, 1], ellipsisMask: 2, shrinkAxisMask: 4 },
  ],
  [[2, 3, 4], { begin: [0, 0, 1], end: [0, 1, 3], strides: [1, 1, 1], newAxisMask: 1 }],
  [[2, 3], { begin: [0, 1, 0], end: [2, 1, 3], strides: [1, 1, 1], newAxisMask: 2 }],
  [[2, 3], { begin: [0, 0], end: [0, 0], strides: [1, 1], newAxisMask: 3 }],
  [[2, 3, 4], { begin: [0, 0, 0], end: [0, 0, 0], strides: [1, 1, 1], ellipsisMask: 1, newAxisMask: 3 }],
  [[3, 4, 5], { begin: [-1, 0, 4], end: [0, 4, 0], strides: [-1, 2, -2], beginMask: 0, endMask: 1 }],
  [
    [2, 3, 4, 5, 3],
    { begin: [1, 2, 3, 4, 2], end: [0, 0, 0, 0, 0], strides: [-1, -1, -2, -3, -1], endMask: 31 },
  ],
  [
    [2, 2, 3, 2, 2, 3],
    { begin: [1, 0, 0, 1, 0, 2], end: [2, 2, 3, 2, 2, 0], strides: [1, 1, 2, 1, 1, -1], shrinkAxisMask: 9 },
  ],
  [[1, 8, 166, 2], { begin: [0, 1, 0, 0], end: [1, 7, 166, 2], strides: [1, 1, 1, 1] }],
];

describe('STRIDED_SLICE vs NumPy slicing', () => {
  CASES.forEach(([shape, s], ci) => {
    it(`[${shape}] ${JSON.stringify(s)}`, () => {
      MOVE_DTYPES.forEach((dtype, di) => {
        const x = randomData(dtype, count(shape), ci * 10 + di);
        const want = numpySlice(shape, toNumbers(x), s);
        const n = s.begin.length;
        const [out] = runOp(
          {
            op: 'STRIDED_SLICE',
            inputs: [spec('x', dtype, shape), i32('b', s.begin), i32('e', s.end), i32('s', s.strides)],
            outputs: [spec('y', dtype, want.shape)],
            options: {
              beginMask: s.beginMask ?? 0,
              endMask: s.endMask ?? 0,
              ellipsisMask: s.ellipsisMask ?? 0,
              newAxisMask: s.newAxisMask ?? 0,
              shrinkAxisMask: s.shrinkAxisMask ?? 0,
            },
          },
          [x],
        );
        expect(out!.shape, `${dtype} shape (spec length ${n})`).toEqual(want.shape);
        expect(toNumbers(out!.data), dtype).toEqual(want.values);
      });
    });
  });

  it('agrees with the oracle on 400 random specs (dynamic begin/end/strides inputs)', () => {
    const r = rng(7);
    const pick = (k: number) => Math.floor(r() * k);
    for (let t = 0; t < 400; t++) {
      const rank = 1 + pick(4);
      const shape = Array.from({ length: rank }, () => 1 + pick(5));
      const n = 1 + pick(rank);
      const s: Spec = {
        begin: Array.from({ length: n }, () => pick(13) - 6),
        end: Array.from({ length: n }, () => pick(13) - 6),
        strides: Array.from({ length: n }, () => (pick(2) ? 1 : -1) * (1 + pick(3))),
        beginMask: pick(1 << n),
        endMask: pick(1 << n),
      };
      // Shrink only valid in-range indices (both implementations reject the others).
      for (let i = 0; i < n; i++) {
        const b = s.begin[i]!;
        const len = shape[i]!;
        if (pick(4) === 0 && b >= -len && b < len && !((s.beginMask! >> i) & 1))
          s.shrinkAxisMask = (s.shrinkAxisMask ?? 0) | (1 << i);
      }
      const x = Float32Array.from({ length: count(shape) }, (_, i) => i);
      const want = numpySlice(shape, toNumbers(x), s);
      const [out] = runOp(
        {
          op: 'STRIDED_SLICE',
          inputs: [
            spec('x', 'float32', shape),
            { name: 'b', dtype: 'int32', shape: [n] },
            { name: 'e', dtype: 'int32', shape: [n] },
            { name: 's', dtype: 'int32', shape: [n] },
          ],
          outputs: [spec('y', 'float32', [])],
          options: { beginMask: s.beginMask, endMask: s.endMask, shrinkAxisMask: s.shrinkAxisMask ?? 0 },
        },
        [x, Int32Array.from(s.begin), Int32Array.from(s.end), Int32Array.from(s.strides)],
      );
      expect(out!.shape, `trial ${t}: [${shape}] ${JSON.stringify(s)}`).toEqual(want.shape);
      expect(toNumbers(out!.data), `trial ${t}`).toEqual(want.values);
    }
  });

  it('offset: end is relative to begin and sizes the output (hand-computed)', () => {
    const x = Float32Array.from({ length: 20 }, (_, i) => i); // [4, 5]
    const run = (begin: number[], end: number[], st: number[]) =>
      runOp(
        {
          op: 'STRIDED_SLICE',
          inputs: [spec('x', 'float32', [4, 5]), i32('b', begin), i32('e', end), i32('s', st)],
          outputs: [spec('y', 'float32', [])],
          options: { offset: true },
        },
        [x],
      )[0]!;
    const a = run([1, 2], [2, 3], [1, 1]);
    expect(a.shape).toEqual([2, 3]);
    expect(toNumbers(a.data)).toEqual([7, 8, 9, 12, 13, 14]);
    const b = run([0, 1], [4, 4], [2, 3]);
    expect(b.shape).toEqual([2, 2]);
    expect(toNumbers(b.data)).toEqual([1, 4, 11, 14]);
    expect(() => run([3, 0], [2, 1], [1, 1])).toThrow(/runs past the input/);
  });

  it('resolveStridedSlice: zero stride and spec length mismatch are ShapeErrors', () => {
    const m = { beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0, offset: false };
    expect(() => resolveStridedSlice([3], [0], [3], [0], m)).toThrow(/stride 0 is zero/);
    expect(() => resolveStridedSlice([3], [0], [3, 1], [1], m)).toThrow(/same length/);
  });
});

describe.skipIf(!HAVE_FIXTURES)('TFLM golden', () => {
  const csv = (rel: string) =>
    readFileSync(fixturePath(rel), 'utf8')
      .trim()
      .split(',')
      .map((v) => Number(v));

  it('seanet strided_slice0 (int16) matches the golden exactly', () => {
    const it = new Interpreter(readFixture('models/ops/seanet/strided_slice0.tflite'));
    it.allocateTensors();
    it.input(0).set(Int16Array.from(csv('models/ops/seanet/strided_slice0_input0_int16.csv')));
    it.invoke();
    const golden = csv('models/ops/seanet/strided_slice0_golden_int16.csv');
    expect(it.output(0).shape).toEqual([1, 6, 166, 2]);
    expect(Array.from(it.output(0).data as Int16Array)).toEqual(golden);
  });
});
