/**
 * A quantized model keeps what the float model carried: TFLite Metadata (labels, normalization),
 * the associated files with their bytes, and records how it was quantized in both descriptions.
 * A uint8-io model made from a model with normalization metadata takes raw pixels, so the image
 * classifier feeds it unchanged and agrees with the float model.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/format/load_model.js';
import { getLabels, getModelMetadata, getNormalization } from '../../src/format/model_metadata.js';
import { dtypeFromCode } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/model.js';
import { decodeImageFile } from '../../src/node/decode_image.js';
import { imageCalibration } from '../../src/quantize/calibration/calibration_source.js';
import { quantizeModelBytes } from '../../src/quantize/quantize_model.js';
import { ImageClassifier } from '../../src/vision/image_classifier.js';
import { FIXTURES, HAVE_FIXTURES, readFixture } from '../support/fixtures.js';

const MODEL = 'models/classification/mobilenet_v1_0.25_224_1_metadata_1.tflite';
const photo = (f: string) => join(FIXTURES, 'imagenet_samples', f);
const CALIBRATION = ['n01530575_brambling.JPEG', 'n01601694_water_ouzel.JPEG', 'n02085936_Maltese_dog.JPEG'];
const TEST = [
  'n01440764_tench.JPEG',
  'n01491361_tiger_shark.JPEG',
  'n01534433_junco.JPEG',
  'n01616318_vulture.JPEG',
];

type Quantized = Awaited<ReturnType<typeof quantizeModelBytes>>;

describe.skipIf(!HAVE_FIXTURES)('metadata survives quantization', () => {
  let floatBytes: Uint8Array;
  let float: Model;
  let int8: Quantized;
  let dynamic: Quantized;
  let f16: Quantized;
  beforeAll(async () => {
    floatBytes = readFixture(MODEL);
    float = loadModel(floatBytes);
    const images = CALIBRATION.map((f) => ({ name: f, load: () => decodeImageFile(photo(f)) }));
    int8 = await quantizeModelBytes(float, {
      mode: 'int8',
      io: 'uint8',
      calibration: imageCalibration(images),
    });
    dynamic = await quantizeModelBytes(float, { mode: 'dynamic' });
    f16 = await quantizeModelBytes(float, { mode: 'float16' });
  });

  it('keeps labels, normalization and the associated files byte for byte', () => {
    for (const q of [int8, dynamic, f16]) {
      const m = loadModel(q.bytes);
      expect(m.associatedFiles!.map((f) => f.name)).toEqual(float.associatedFiles!.map((f) => f.name));
      m.associatedFiles!.forEach((f, i) =>
        expect(Buffer.compare(f.data, float.associatedFiles![i]!.data)).toBe(0),
      );
      expect(getLabels(m)).toEqual(getLabels(float));
      expect(getLabels(m)).toHaveLength(1001);
      expect(getNormalization(m)).toEqual(getNormalization(float));
    }
  });

  it('records how it was quantized in the model description and the metadata description', () => {
    const m = loadModel(int8.bytes);
    const before = getModelMetadata(float)!.description!;
    const after = getModelMetadata(m)!.description!;
    expect(after.startsWith(before)).toBe(true);
    expect(after).toMatch(
      /Quantized by tflite-ts: full-integer int8, per-channel weights, minmax calibration on 3 samples \(3 images from the given list\), io uint8\.$/,
    );
    expect(m.description).toContain(int8.report.summary);
    expect(getModelMetadata(loadModel(dynamic.bytes))!.description).toMatch(
      /dynamic range \(per-channel int8 weights/,
    );
    expect(getModelMetadata(loadModel(f16.bytes))!.description).toMatch(/float16 weights/);
  });

  it('uint8 io takes raw pixels (scale 1/127.5, zero point 128) and classifies like the float model', async () => {
    const m = loadModel(int8.bytes);
    const sg = m.subgraphs[0]!;
    const input = sg.tensors[sg.inputs[0]!]!;
    expect(dtypeFromCode(input.type)).toBe('uint8');
    expect(input.quantization!.scale).toEqual([Math.fround(1 / 127.5)]);
    expect(input.quantization!.zeroPoint).toEqual([128]);
    const a = await ImageClassifier.create(floatBytes, { maxResults: 1 });
    const b = await ImageClassifier.create(int8.bytes, { maxResults: 1 });
    expect(b.specs.dtype).toBe('uint8');
    let agree = 0;
    for (const f of TEST) {
      const img = await decodeImageFile(photo(f));
      if (a.classify(img).categories[0]!.index === b.classify(img).categories[0]!.index) agree++;
    }
    expect(agree).toBeGreaterThanOrEqual(3);
  });
});
