/**
 * Upstream expectations for the activation kernels: TFLite Micro's SEANet int16 LEAKY_RELU (CSV
 * input and golden; upstream allows |diff| <= 1, we require exact).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../../support/fixtures.js';

interface GoldenCase {
  id: string;
  model: string;
  inputs: string[];
  golden_file: string;
}

function csv(rel: string): number[] {
  return readFileSync(fixturePath(rel), 'utf8').trim().split(',').map(Number);
}

describe.skipIf(!HAVE_FIXTURES)('golden.json: activations', () => {
  it('tflm_seanet_leaky_relu0: int16 LEAKY_RELU (alpha 0.3) matches the TFLM golden exactly', () => {
    const g = JSON.parse(readFileSync(fixturePath('golden.json'), 'utf8')) as { cases: GoldenCase[] };
    const c = g.cases.find((x) => x.id === 'tflm_seanet_leaky_relu0')!;
    const it = new Interpreter(readFixture(c.model));
    it.allocateTensors();
    it.input(0).set(new Int16Array(csv(c.inputs[0]!)));
    it.invoke();
    const got = Array.from(it.output(0).data as Int16Array);
    const want = csv(c.golden_file);
    expect(got.length).toBe(want.length);
    const diffs = got.filter((v, i) => v !== want[i]).length;
    expect(diffs).toBe(0);
  });
});
