import { describe, expect, it } from 'vitest';
import {
  compareTensors,
  coordinates,
  expectTensorsMatch,
  formatComparison,
} from '../support/peer_compare.js';

/** The float32 right after `x` (one unit in the last place up, for positive x). */
function nextUp(x: number): number {
  const f = new Float32Array([x]);
  const bits = new Int32Array(f.buffer);
  bits[0]! += 1;
  return f[0]!;
}

describe('compareTensors: float32', () => {
  it('accepts identical tensors with zero error', () => {
    const a = new Float32Array([0, -1.5, 3.25, 1e-30]);
    const c = compareTensors(a, a.slice(), { dtype: 'float32' });
    expect(c).toMatchObject({
      ok: true,
      count: 4,
      mismatches: 0,
      firstMismatchIndex: -1,
      maxAbs: 0,
      maxRel: 0,
      maxUlp: 0,
    });
  });

  it('applies |a-b| <= atol + rtol*max(|a|,|b|) and reports the first and worst element', () => {
    const ours = new Float32Array([1, 2, 100, 4]);
    const theirs = new Float32Array([1, 2.001, 100.0005, 3]);
    const c = compareTensors(ours, theirs, { dtype: 'float32', rtol: 1e-5, atol: 0 });
    // element 1: rel 5e-4 (fails); element 2: rel 5e-6 (passes); element 3: abs 1 (fails)
    expect(c.ok).toBe(false);
    expect(c.mismatches).toBe(2);
    expect(c.firstMismatchIndex).toBe(1);
    expect(c.firstMismatch).toEqual({ index: 1, ours: 2, theirs: Math.fround(2.001) });
    expect(c.maxAbs).toBe(1);
    expect(c.worst?.index).toBe(3);
    expect(c.maxRel).toBeCloseTo(0.25, 6);
    expect(compareTensors(ours, theirs, { dtype: 'float32', rtol: 0.3 }).ok).toBe(true);
  });

  it('uses atol near zero', () => {
    const ours = new Float32Array([0, 1e-7]);
    const theirs = new Float32Array([5e-7, 0]);
    expect(compareTensors(ours, theirs, { dtype: 'float32', rtol: 0, atol: 1e-6 }).ok).toBe(true);
    expect(compareTensors(ours, theirs, { dtype: 'float32', rtol: 0, atol: 2e-7 }).mismatches).toBe(1);
  });

  it('counts ULPs on the ordered float line', () => {
    const ours = new Float32Array([1, 0, -2]);
    const theirs = new Float32Array([nextUp(1), -0, -2]);
    const strict = compareTensors(ours, theirs, { dtype: 'float32', rtol: 0, atol: 0 });
    expect(strict).toMatchObject({ ok: false, mismatches: 1, firstMismatchIndex: 0, maxUlp: 1 });
    expect(compareTensors(ours, theirs, { dtype: 'float32', rtol: 0, atol: 0, maxUlpDiff: 1 }).ok).toBe(true);
    // 1 and -1 are 2 * 0x3f800000 units apart, not close
    const far = compareTensors(new Float32Array([1]), new Float32Array([-1]), {
      dtype: 'float32',
      rtol: 0,
      maxUlpDiff: 4,
    });
    expect(far.maxUlp).toBe(2 * 0x3f800000);
    expect(far.ok).toBe(false);
  });

  it('matches NaN only with NaN and infinity only with itself', () => {
    const nan = compareTensors(new Float32Array([NaN, NaN]), new Float32Array([NaN, 0]), {
      dtype: 'float32',
    });
    expect(nan).toMatchObject({ ok: false, mismatches: 1, firstMismatchIndex: 1 });
    const inf = compareTensors(
      new Float32Array([Infinity, -Infinity, 1]),
      new Float32Array([Infinity, -Infinity, Infinity]),
      {
        dtype: 'float32',
        rtol: 1,
      },
    );
    expect(inf).toMatchObject({ ok: false, mismatches: 1, firstMismatchIndex: 2, maxAbs: Infinity });
  });
});

describe('compareTensors: integers', () => {
  it('reads int8 bytes as signed and allows +-maxUlpDiff units', () => {
    const ours = new Uint8Array([0x7f, 0x80, 0x05]); // 127, -128, 5
    const theirs = new Uint8Array([0x7e, 0x80, 0x07]); // 126, -128, 7
    const exact = compareTensors(ours, theirs, { dtype: 'int8' });
    expect(exact).toMatchObject({
      ok: false,
      mismatches: 2,
      firstMismatchIndex: 0,
      maxAbs: 2,
      diffHistogram: { 1: 1, 2: 1 },
    });
    expect(compareTensors(ours, theirs, { dtype: 'int8', maxUlpDiff: 1 }).mismatches).toBe(1);
    expect(compareTensors(ours, theirs, { dtype: 'int8', maxUlpDiff: 2 }).ok).toBe(true);
    // -128 vs 127 is 255 units, not 1 (the wrap-around of the bytes 0x80 / 0x7f)
    expect(compareTensors(new Uint8Array([0x80]), new Uint8Array([0x7f]), { dtype: 'int8' }).maxAbs).toBe(
      255,
    );
  });

  it('reads uint8, int16 and int32 with their own ranges', () => {
    expect(compareTensors(new Uint8Array([255]), new Uint8Array([0]), { dtype: 'uint8' }).maxAbs).toBe(255);
    const i16 = compareTensors(new Int16Array([-32768, 5]), new Int16Array([32767, 5]), { dtype: 'int16' });
    expect(i16).toMatchObject({ ok: false, maxAbs: 65535, firstMismatchIndex: 0 });
    const i32 = compareTensors(new Int32Array([2147483647, -7]), new Int32Array([-2147483648, -7]), {
      dtype: 'int32',
    });
    expect(i32.maxAbs).toBe(4294967295);
  });

  it('accepts raw bytes at an unaligned offset', () => {
    const raw = new Uint8Array(9);
    new DataView(raw.buffer).setInt32(1, -5, true);
    new DataView(raw.buffer).setInt32(5, 9, true);
    const c = compareTensors(raw.subarray(1), new Int32Array([-5, 10]), { dtype: 'int32', maxUlpDiff: 1 });
    expect(c).toMatchObject({ ok: true, count: 2, maxAbs: 1 });
  });

  it('throws when the element counts differ', () => {
    expect(() =>
      compareTensors(new Int8Array(3), new Int8Array(4), { dtype: 'int8', name: 'logits' }),
    ).toThrow(/logits.*3 int8 elements, theirs 4/);
    expect(() => compareTensors(new Uint8Array(5), new Uint8Array(5), { dtype: 'float32' })).toThrow(
      /whole number/,
    );
  });
});

describe('failure messages', () => {
  it('name the tensor, the counts, coordinates and both values', () => {
    const c = compareTensors(new Int8Array([1, 2, 3, 4, 5, 6]), new Int8Array([1, 2, 3, 5, 5, 9]), {
      dtype: 'int8',
      maxUlpDiff: 0,
      name: 'Identity',
      shape: [1, 2, 3],
    });
    const msg = formatComparison(c);
    expect(msg).toContain("'Identity' int8[1,2,3]: 2 of 6 elements differ beyond +-0");
    expect(msg).toContain('first [0,1,0] (index 3): ours 4, theirs 5');
    expect(msg).toContain('worst [0,1,2] (index 5): ours 6, theirs 9');
    expect(msg).toContain('|diff| counts {"1":1,"3":1}');
    expect(() => expectTensorsMatch(new Int8Array([1]), new Int8Array([2]), { dtype: 'int8' })).toThrow(
      /1 of 1 elements differ/,
    );
    expect(
      formatComparison(
        expectTensorsMatch(new Float32Array([1]), new Float32Array([1]), { dtype: 'float32' }),
      ),
    ).toContain('all 1 elements within rtol 0.00001');
  });

  it('turn flat indices into coordinates', () => {
    expect(coordinates(0, [2, 3])).toBe('[0,0]');
    expect(coordinates(5, [2, 3])).toBe('[1,2]');
    expect(coordinates(7, [])).toBe('');
  });
});
