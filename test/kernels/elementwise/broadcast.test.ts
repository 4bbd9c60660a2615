/**
 * The broadcast planner and walkers: coalescing (same shapes and scalars become one row; merged
 * dims where every input is contiguous) and, for random shape pairs of ranks 0 to 6, every output
 * element reads the input elements NumPy broadcasting says it should.
 */
import { describe, expect, it } from 'vitest';
import { planBroadcast, walkBinary, walkTernary } from '../../../src/kernels/elementwise/broadcast.js';
import { broadcast, rng, sizeOf, sourceIndex } from './oracle.js';

const COALESCE_CASES: { name: string; shapes: number[][]; dims: number[]; strides: number[][] }[] = [
  {
    name: 'same shape',
    shapes: [
      [2, 3, 4],
      [2, 3, 4],
    ],
    dims: [24],
    strides: [[1], [1]],
  },
  { name: 'scalar and tensor', shapes: [[], [2, 3]], dims: [6], strides: [[0], [1]] },
  { name: 'tensor and [1]', shapes: [[5, 7], [1]], dims: [35], strides: [[1], [0]] },
  { name: 'both scalars', shapes: [[], []], dims: [1], strides: [[0], [0]] },
  {
    name: 'channel vector',
    shapes: [[2, 3, 4], [4]],
    dims: [6, 4],
    strides: [
      [4, 1],
      [0, 1],
    ],
  },
  {
    name: 'row vector and column',
    shapes: [
      [3, 1],
      [1, 4],
    ],
    dims: [3, 4],
    strides: [
      [1, 0],
      [0, 1],
    ],
  },
  {
    name: 'size-1 dims dropped',
    shapes: [
      [1, 5, 1, 6],
      [1, 1, 1, 6],
    ],
    dims: [5, 6],
    strides: [
      [6, 1],
      [0, 1],
    ],
  },
  {
    name: 'outer broadcast merged',
    shapes: [
      [2, 3, 4, 5],
      [4, 5],
    ],
    dims: [6, 20],
    strides: [
      [20, 1],
      [0, 1],
    ],
  },
];

describe('planBroadcast', () => {
  it.each(COALESCE_CASES)('$name', ({ shapes, dims, strides }) => {
    const out = broadcast(...shapes);
    const p = planBroadcast(out, shapes);
    expect(p.dims).toEqual(dims);
    expect(p.strides).toEqual(strides);
    expect(p.size).toBe(sizeOf(out));
  });
  it('a zero-size output walks nothing', () => {
    const p = planBroadcast([2, 0, 3], [[2, 0, 3], [3]]);
    let calls = 0;
    walkBinary(p, new Float32Array(0), new Float32Array(3), new Float32Array(0), () => calls++);
    expect(calls).toBe(0);
  });
});

/** Random broadcastable shapes: a base shape with dims replaced by 1 or dropped on the left. */
function randomPair(r: () => number): [number[], number[]] {
  const rank = Math.floor(r() * 7);
  const base = Array.from({ length: rank }, () => 1 + Math.floor(r() * 4));
  const derive = () => {
    const keep = Math.floor(r() * (rank + 1));
    return base.slice(rank - keep).map((d) => (r() < 0.35 ? 1 : d));
  };
  return [derive(), derive()];
}

describe('walkBinary / walkTernary against index arithmetic', () => {
  it('300 random shape pairs of ranks 0-6', () => {
    const r = rng(42);
    for (let t = 0; t < 300; t++) {
      const [sa, sb] = randomPair(r);
      const out = broadcast(sa, sb);
      const a = Float64Array.from({ length: sizeOf(sa) }, (_, i) => i + 1);
      const b = Float64Array.from({ length: sizeOf(sb) }, (_, i) => -(i + 1));
      const y = new Float64Array(sizeOf(out));
      const got = new Float64Array(sizeOf(out) * 2);
      walkBinary(planBroadcast(out, [sa, sb]), a, b, y, (A, ia, s1, B, ib, s2, Y, iy, n) => {
        for (let i = 0; i < n; i++, ia += s1, ib += s2) {
          got[2 * (iy + i)] = (A as Float64Array)[ia]!;
          got[2 * (iy + i) + 1] = (B as Float64Array)[ib]!;
          (Y as Float64Array)[iy + i] = 1;
        }
      });
      for (let k = 0; k < sizeOf(out); k++) {
        expect([got[2 * k], got[2 * k + 1]], `${JSON.stringify([sa, sb])} element ${k}`).toEqual([
          a[sourceIndex(out, sa, k)],
          b[sourceIndex(out, sb, k)],
        ]);
      }
      expect(y.every((v) => v === 1)).toBe(true);
    }
  });

  it('100 random triples (SELECT_V2 walker)', () => {
    const r = rng(7);
    for (let t = 0; t < 100; t++) {
      const [sa, sb] = randomPair(r);
      const sc = r() < 0.5 ? sa : sb.slice(1);
      const out = broadcast(sc, sa, sb);
      const c = Float64Array.from({ length: sizeOf(sc) }, (_, i) => 1000 + i);
      const a = Float64Array.from({ length: sizeOf(sa) }, (_, i) => i);
      const b = Float64Array.from({ length: sizeOf(sb) }, (_, i) => -i);
      const y = new Float64Array(sizeOf(out) * 3);
      walkTernary(
        planBroadcast(out, [sc, sa, sb]),
        c,
        a,
        b,
        y,
        (C, ic, s0, A, ia, s1, B, ib, s2, Y, iy, n) => {
          for (let i = 0; i < n; i++, ic += s0, ia += s1, ib += s2) {
            (Y as Float64Array)[3 * (iy + i)] = (C as Float64Array)[ic]!;
            (Y as Float64Array)[3 * (iy + i) + 1] = (A as Float64Array)[ia]!;
            (Y as Float64Array)[3 * (iy + i) + 2] = (B as Float64Array)[ib]!;
          }
        },
      );
      for (let k = 0; k < sizeOf(out); k++) {
        expect([y[3 * k], y[3 * k + 1], y[3 * k + 2]]).toEqual([
          c[sourceIndex(out, sc, k)],
          a[sourceIndex(out, sa, k)],
          b[sourceIndex(out, sb, k)],
        ]);
      }
    }
  });
});
