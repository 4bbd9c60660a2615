/**
 * Bad input gives a QuantizationError that says what is wrong and what to do: an already
 * quantized model, missing calibration data, samples or .npy arrays that cannot fill the input,
 * image folders without usable images, images for a non-image input, options that do not fit
 * the mode.
 */
import { describe, expect, it } from 'vitest';
import { QuantizationError } from '../../src/errors.js';
import { readModel } from '../../src/format/model_reader.js';
import { writeNpy } from '../../src/format/npy.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import {
  imageCalibration,
  npyCalibration,
  tensorCalibration,
} from '../../src/quantize/calibration/calibration_source.js';
import { quantizeModel } from '../../src/quantize/quantize_model.js';
import type { RgbaImage } from '../../src/vision/rgba_image.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';
import { convNet, samples } from './helpers/models.js';

/** Expects quantizeModel to reject with a QuantizationError whose message matches `message`. */
async function rejects(p: Promise<unknown>, message: RegExp): Promise<void> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(QuantizationError);
  expect((err as Error).message).toMatch(message);
}

const image = (w: number, h: number): RgbaImage => ({
  width: w,
  height: h,
  data: new Uint8Array(w * h * 4).fill(90),
});

describe('QuantizationError for bad input', () => {
  it.skipIf(!HAVE_FIXTURES)('an already quantized model (uint8 fixture), in every mode', async () => {
    const m = readModel(readFixture('models/classification/mobilenet_v1_0.25_224_quant.tflite'));
    for (const mode of ['int8', 'dynamic', 'float16', 'int16x8'] as const) {
      await rejects(quantizeModel(m, { mode }), /already quantized .* quantize the float model/);
    }
  });

  it('a model we quantized ourselves (int8 tensors, QUANTIZE ops)', async () => {
    const { model } = await quantizeModel(convNet(), { mode: 'dynamic' });
    await rejects(quantizeModel(model, { mode: 'float16' }), /already quantized/);
    const { model: f16 } = await quantizeModel(convNet(), { mode: 'float16' });
    await rejects(quantizeModel(f16, { mode: 'dynamic' }), /already quantized .*float16/);
  });

  it('int8 / int16x8 without calibration data', async () => {
    await rejects(quantizeModel(convNet(), { mode: 'int8' }), /needs calibration data.*--calibration DIR/);
    await rejects(quantizeModel(convNet(), { mode: 'int16x8' }), /needs calibration data/);
  });

  it('samples that cannot fill the input', async () => {
    await rejects(
      quantizeModel(convNet(), { mode: 'int8', calibration: tensorCalibration(samples(2, 100)) }),
      /100 values for input 0 \("input", float32 \[1, 8, 8, 3\], 192 values\).*cannot fill/,
    );
    await rejects(
      quantizeModel(convNet(), { mode: 'int8', calibration: tensorCalibration([]) }),
      /no calibration samples/,
    );
  });

  it('a .npy array of the wrong shape, or not a .npy file', async () => {
    const npy = writeNpy(new Float32Array(4 * 16 * 16 * 3), 'float32', [4, 16, 16, 3]);
    await rejects(
      quantizeModel(convNet(), { mode: 'int8', calibration: npyCalibration(npy, 'cal.npy') }),
      /cal\.npy: samples of shape \[16, 16, 3\] \(768 values\) cannot fill input 0 .*save an array of shape \[N, 8, 8, 3\]/,
    );
    expect(() => npyCalibration(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), 'x.npy')).toThrow(
      QuantizationError,
    );
    // The right shape works.
    const ok = writeNpy(new Float32Array(samples(3, 192).flatMap((s) => [...s])), 'float32', [3, 8, 8, 3]);
    const { report } = await quantizeModel(convNet(), {
      mode: 'int8',
      calibration: npyCalibration(ok, 'ok.npy'),
    });
    expect(report.calibration!.samples).toBe(3);
  });

  it('an image folder with no images, or with none that decodes', async () => {
    await rejects(
      quantizeModel(convNet(), { mode: 'int8', calibration: imageCalibration([], { origin: 'photos/' }) }),
      /photos\/ holds no images/,
    );
    const broken = ['a.jpg', 'b.png'].map((name) => ({
      name,
      load: () => Promise.reject(new Error(`${name}: cannot decode image: truncated`)),
    }));
    await rejects(
      quantizeModel(convNet(), {
        mode: 'int8',
        calibration: imageCalibration(broken, { origin: 'photos/' }),
      }),
      /none of the 2 images from photos\/ could be used \(a\.jpg: .*truncated\)/,
    );
    // One good image among broken ones is used; the others are reported.
    const mixed = [...broken, { name: 'c.png', load: () => Promise.resolve(image(20, 10)) }];
    const { report } = await quantizeModel(convNet(), { mode: 'int8', calibration: imageCalibration(mixed) });
    expect(report.calibration!.samples).toBe(1);
    expect(report.calibration!.skipped.map((s) => s.name)).toEqual(['a.jpg', 'b.png']);
  });

  it('images for a model whose input is not an image', async () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: 'features', dtype: 'float32', shape: [1, 10] });
    const y = b.addTensor({ name: 'y', dtype: 'float32', shape: [1, 10] });
    b.addOp({ op: 'RELU', inputs: [x], outputs: [y] });
    b.setIO([x], [y]);
    const calibration = imageCalibration([{ name: 'a.png', load: () => Promise.resolve(image(8, 8)) }]);
    await rejects(
      quantizeModel(b.build(), { mode: 'int8', calibration }),
      /images cannot fill input 0 \("features", float32 \[1, 10\], 10 values\).*--calibration-data/,
    );
  });

  it('options that do not fit the mode', async () => {
    await rejects(
      quantizeModel(convNet(), { mode: 'dynamic', io: 'uint8' }),
      /--io uint8 needs full-integer/,
    );
    await rejects(
      quantizeModel(convNet(), {
        mode: 'int16x8',
        io: 'int8',
        calibration: tensorCalibration(samples(1, 192)),
      }),
      /does not fit --mode int16x8/,
    );
    await rejects(quantizeModel(convNet(), { mode: 'int4' as 'int8' }), /unknown mode "int4"/);
  });
});
