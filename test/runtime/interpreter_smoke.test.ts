import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';

describe.skipIf(!HAVE_FIXTURES)('interpreter smoke', () => {
  it('add.bin computes 3x (two ADD ops)', () => {
    const it = new Interpreter(readFixture('models/ops/tflite_testdata/add.bin'));
    it.allocateTensors();
    const x = new Float32Array(1 * 8 * 8 * 3).map((_, i) => i * 0.5 - 10);
    it.input(0).set(x);
    it.invoke();
    const y = it.output(0).data as Float32Array;
    expect(Array.from(y)).toEqual(Array.from(x).map((v) => v * 3));
  });
  it('multi_add.bin runs by signature', () => {
    const it = new Interpreter(readFixture('models/ops/tflite_testdata/multi_add.bin'));
    const n = 8 * 8 * 3;
    const mk = (v: number) => new Float32Array(n).fill(v);
    const out = it.runSignature('serving_default', { a: mk(1), b: mk(2), c: mk(3), d: mk(4) });
    expect((out.x as Float32Array)[0]).toBe(6);
    expect((out.y as Float32Array)[5]).toBe(9);
  });
  it('resizes a dynamic input and re-plans', () => {
    const it = new Interpreter(readFixture('models/ops/tflite_testdata/add.bin'));
    it.resizeInput(0, [2, 8, 8, 3]);
    it.allocateTensors();
    it.input(0).set(new Float32Array(2 * 8 * 8 * 3).fill(1));
    it.invoke();
    expect(it.output(0).shape).toEqual([2, 8, 8, 3]);
    expect((it.output(0).data as Float32Array)[383]).toBe(3);
    const m = it.memoryStats();
    expect(m.arenaBytes).toBeLessThanOrEqual(m.lowerBoundBytes * 1.1);
  });
  it('invoke before allocate is a typed error', () => {
    const it = new Interpreter(readFixture('models/ops/tflite_testdata/add.bin'));
    expect(() => it.invoke()).toThrow(/allocateTensors/);
  });
});
