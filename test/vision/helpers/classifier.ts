/**
 * Test helpers for classifier tests: build an ImageClassifier for a fixture model, skipping the
 * test (with one line saying which op is missing) while a kernel the model needs is still
 * unwritten; and a tiny uint8 "classifier" (image -> RESHAPE -> scores) that runs with the
 * runtime's basic kernels, so API and CLI behaviour is tested without the big kernels.
 */
import { readFileSync } from 'node:fs';
import { UnsupportedOpError } from '../../../src/errors.js';
import { writeModel } from '../../../src/format/model_writer.js';
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import { ImageClassifier, type ImageClassifierOptions } from '../../../src/vision/image_classifier.js';
import { fixturePath } from '../../support/fixtures.js';

/** Something with vitest's ctx.skip(). */
interface Skippable {
  skip(note?: string): void;
}

/**
 * Returns a classifier for the fixture model, or skips the test (ctx.skip) when the runtime has
 * no kernel yet for one of its ops. Other errors propagate.
 */
export async function fixtureClassifier(
  ctx: Skippable,
  model: string,
  options: ImageClassifierOptions = {},
): Promise<ImageClassifier> {
  try {
    return await ImageClassifier.create(new Uint8Array(readFileSync(fixturePath(model))), options);
  } catch (err) {
    if (err instanceof UnsupportedOpError) {
      console.warn(`skipped: ${model} needs op ${err.op}, which has no kernel yet`);
      ctx.skip(`kernel ${err.op} missing`);
    }
    throw err;
  }
}

/**
 * Returns the bytes of a model whose "scores" are its input pixels: an input [1, h, w, 3] (or
 * NCHW [1, 3, h, w]) of `dtype` (uint8: scale 1/256, zero point 0; int8: zero point -128),
 * reshaped to [1, h*w*3]. The output keeps the input's quantization unless `outputQuant` is
 * given: scale 1/256 is the probability encoding (no softmax applied), any other scale makes the
 * output look like logits.
 */
export function tinyClassifierModel(
  options: {
    height?: number;
    width?: number;
    layout?: 'NHWC' | 'NCHW';
    dtype?: 'uint8' | 'int8' | 'float32';
    outputQuant?: { scale: number; zeroPoint: number };
  } = {},
): Uint8Array {
  const h = options.height ?? 2;
  const w = options.width ?? 2;
  const dtype = options.dtype ?? 'uint8';
  const n = h * w * 3;
  const b = new ModelBuilder();
  const quant = (q: { scale: number; zeroPoint: number } | undefined) =>
    q ? { scale: [q.scale], zeroPoint: [q.zeroPoint] } : undefined;
  const inQ = dtype === 'float32' ? undefined : { scale: 1 / 256, zeroPoint: dtype === 'int8' ? -128 : 0 };
  const outQ = dtype === 'float32' ? undefined : (options.outputQuant ?? inQ);
  const input = b.addTensor({
    name: 'image',
    dtype,
    shape: options.layout === 'NCHW' ? [1, 3, h, w] : [1, h, w, 3],
    quant: quant(inQ),
  });
  const shape = b.addTensor({ name: 'shape', dtype: 'int32', shape: [2], data: Int32Array.from([1, n]) });
  const output = b.addTensor({ name: 'scores', dtype, shape: [1, n], quant: quant(outQ) });
  b.addOp({ op: 'RESHAPE', inputs: [input, shape], outputs: [output], options: { newShape: [1, n] } });
  b.setIO([input], [output]);
  return writeModel(b.build());
}
