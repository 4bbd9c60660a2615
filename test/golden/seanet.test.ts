/**
 * golden.json's TFLM seanet integration cases: int16 single-op models (ADD, CONV_2D, LEAKY_RELU,
 * PAD, QUANTIZE, STRIDED_SLICE) whose CSV inputs are copied into the input tensors as they are;
 * every output element must be within +-1 of the CSV golden (TFLM's EXPECT_NEAR(.., 1)). The op
 * engineers test these too; this is the model-level run through the Interpreter.
 */
import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../src/ir/dtype.js';
import { HAVE_FIXTURES, goldenCase, interpreterOrSkip, readCsvNumbers } from './helpers.js';

const IDS = [
  'tflm_seanet_add0',
  'tflm_seanet_conv0',
  'tflm_seanet_leaky_relu0',
  'tflm_seanet_pad0',
  'tflm_seanet_quantize0',
  'tflm_seanet_strided_slice0',
];

const CTORS = { int16: Int16Array, int32: Int32Array, int8: Int8Array } as const;

describe.skipIf(!HAVE_FIXTURES)('golden: TFLM seanet single-op models', () => {
  it.for(IDS)('%s: every output within +-1 of the CSV golden', (id, ctx) => {
    const c = goldenCase(id);
    const it = interpreterOrSkip(ctx, c.model!);
    const files = c.inputs as string[];
    files.forEach((file, i) => {
      const dtype = /_(int\d+)\.csv$/.exec(file)![1] as keyof typeof CTORS;
      expect(it.input(i).dtype, `${file} vs input ${i}`).toBe(dtype);
      it.input(i).set(CTORS[dtype].from(readCsvNumbers(file)) as TypedArray);
    });
    it.invoke();
    const want = readCsvNumbers(c.golden_file!);
    const got = it.output(0).data as Int16Array;
    expect(got.length).toBe(want.length);
    let worst = 0;
    for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k]! - want[k]!));
    expect(worst, `${id}: max |ours - golden|`).toBeLessThanOrEqual((c.tolerance as { abs: number }).abs);
  });
});
