/**
 * ImageClassifier behaviour on a tiny model whose scores are its input pixels (RESHAPE only), so
 * every number is predictable: crop, layout, int8/float inputs, labels (metadata-free, file,
 * 1000/1001 offset), softmax detection, top-k, threshold, allow / deny lists. Then the parts read
 * from fixture models: input specs (MediaPipe's image_tensor_specs golden case), labels and
 * display names from metadata, logits detection.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import { loadModel } from '../../src/format/load_model.js';
import { getModelMetadata, setModelMetadata } from '../../src/format/model_metadata.js';
import { writeModel } from '../../src/format/model_writer.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { outputNeedsSoftmax, softmax, topCategories } from '../../src/vision/classification_scores.js';
import { ImageClassifier } from '../../src/vision/image_classifier.js';
import { buildImageTensorSpecs } from '../../src/vision/image_tensor_specs.js';
import { luma } from '../../src/vision/image_to_tensor.js';
import { labelMapFor } from '../../src/vision/label_map.js';
import type { RgbaImage } from '../../src/vision/rgba_image.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { tinyClassifierModel } from './helpers/classifier.js';

/** An RGBA image from [r, g, b] pixels, row-major. */
function image(width: number, height: number, rgb: number[][]): RgbaImage {
  return { width, height, data: Uint8Array.from(rgb.flatMap(([r, g, b]) => [r!, g!, b!, 255])) };
}

// 2x2 photo: its 12 channel values become the 12 "class scores" (value / 256).
const photo = image(2, 2, [
  [10, 200, 30],
  [40, 50, 60],
  [70, 80, 250],
  [100, 110, 120],
]);

describe('ImageClassifier on a pixels-as-scores model', () => {
  it('returns the top classes with index, label, display name and score', async () => {
    const labels = Array.from({ length: 12 }, (_, i) => `class${i}`);
    const c = await ImageClassifier.create(tinyClassifierModel(), { crop: 'none', labels, maxResults: 3 });
    expect(c.appliesSoftmax).toBe(false);
    expect(c.specs).toMatchObject({ width: 2, height: 2, channels: 3, layout: 'NHWC', dtype: 'uint8' });
    const r = c.classify(photo);
    expect(r.categories).toEqual([
      { index: 8, label: 'class8', displayName: 'class8', score: 250 / 256 },
      { index: 1, label: 'class1', displayName: 'class1', score: 200 / 256 },
      { index: 11, label: 'class11', displayName: 'class11', score: 120 / 256 },
    ]);
    expect(r.timings.preprocessMs).toBeGreaterThanOrEqual(0);
    expect(r.timings.inferenceMs).toBeGreaterThanOrEqual(0);
    expect(r.roi).toEqual({ x: 0, y: 0, width: 2, height: 2 });
  });

  it('applies threshold, allow and deny lists; labels fall back to #index', async () => {
    const c = await ImageClassifier.create(tinyClassifierModel(), {
      crop: 'none',
      maxResults: 0,
      scoreThreshold: 100 / 256,
    });
    expect(c.classify(photo).categories.map((x) => x.label)).toEqual(['#8', '#1', '#11', '#10', '#9']);
    const allow = await ImageClassifier.create(tinyClassifierModel(), {
      crop: 'none',
      allowList: ['#0', '#3'],
    });
    expect(allow.classify(photo).categories.map((x) => x.index)).toEqual([3, 0]);
    const deny = await ImageClassifier.create(tinyClassifierModel(), {
      crop: 'none',
      denyList: ['#8'],
      maxResults: 1,
    });
    expect(deny.classify(photo).categories.map((x) => x.index)).toEqual([1]);
  });

  it('crops: centre square of a wide photo, or an explicit rectangle', async () => {
    const wide = image(4, 2, [
      [1, 1, 1],
      [10, 200, 30],
      [40, 50, 60],
      [2, 2, 2],
      [3, 3, 3],
      [70, 80, 250],
      [100, 110, 120],
      [4, 4, 4],
    ]);
    const c = await ImageClassifier.create(tinyClassifierModel(), { maxResults: 12 });
    const r = c.classify(wide); // default crop: centre square = columns 1..2
    expect(r.roi).toEqual({ x: 1, y: 0, width: 2, height: 2 });
    expect(Array.from(c.scores()).map((s) => s * 256)).toEqual([
      10, 200, 30, 40, 50, 60, 70, 80, 250, 100, 110, 120,
    ]);
    c.classify(wide, { crop: { x: 0, y: 0, width: 2, height: 2 } });
    expect(
      Array.from(c.scores())
        .slice(0, 6)
        .map((s) => s * 256),
    ).toEqual([1, 1, 1, 10, 200, 30]);
  });

  it('NCHW inputs get planar channels', async () => {
    const c = await ImageClassifier.create(tinyClassifierModel({ layout: 'NCHW' }), { crop: 'none' });
    expect(c.specs.layout).toBe('NCHW');
    const { tensor } = c.preprocess(photo);
    expect(Array.from(tensor)).toEqual([10, 40, 70, 100, 200, 50, 80, 110, 30, 60, 250, 120]);
  });

  it('int8 inputs get pixel - 128; float inputs (x - 127.5) / 127.5 unless mean/std are given', async () => {
    const i8 = await ImageClassifier.create(tinyClassifierModel({ dtype: 'int8' }), { crop: 'none' });
    expect(Array.from(i8.preprocess(photo).tensor).slice(0, 3)).toEqual([10 - 128, 200 - 128, 30 - 128]);
    const f32 = await ImageClassifier.create(tinyClassifierModel({ dtype: 'float32' }), {
      crop: 'none',
      softmax: false,
    });
    expect(Array.from(f32.preprocess(photo).tensor).slice(0, 2)).toEqual([
      Math.fround(-117.5 / 127.5),
      Math.fround(72.5 / 127.5),
    ]);
    const custom = await ImageClassifier.create(tinyClassifierModel({ dtype: 'float32' }), {
      crop: 'none',
      mean: [0, 100, 0],
      std: 255,
    });
    expect(Array.from(custom.preprocess(photo).tensor).slice(0, 3)).toEqual([
      Math.fround(10 / 255),
      Math.fround(100 / 255),
      Math.fround(30 / 255),
    ]);
    // Explicit mean/std on a quantized input: normalize, then quantize with scale 1/256 (zp 0).
    const q = await ImageClassifier.create(tinyClassifierModel(), { crop: 'none', mean: 0, std: 2 });
    expect(Array.from(q.preprocess(photo).tensor).slice(0, 3)).toEqual(
      [255, 255, 255].map((v, i) => Math.min(v, [10, 200, 30][i]! * 128)),
    );
  });

  it('softmax: applied to logits-like outputs (auto), or as asked', async () => {
    const logits = tinyClassifierModel({ outputQuant: { scale: 0.1, zeroPoint: 0 } });
    const auto = await ImageClassifier.create(logits, { crop: 'none', maxResults: 1 });
    expect(auto.appliesSoftmax).toBe(true);
    const top = auto.classify(photo).categories[0]!;
    const expected = softmax(
      [10, 200, 30, 40, 50, 60, 70, 80, 250, 100, 110, 120].map((v) => Math.fround(0.1 * v)),
    );
    expect(top.index).toBe(8);
    expect(top.score).toBeCloseTo(expected[8]!, 6);
    const off = await ImageClassifier.create(logits, { crop: 'none', maxResults: 1, softmax: false });
    expect(off.classify(photo).categories[0]!.score).toBeCloseTo(25, 4);
  });

  it('labels: a 1000-style file on 1001 outputs is shifted, the other way round trimmed, else an error', async () => {
    const model = loadModel(tinyClassifierModel());
    const eleven = Array.from({ length: 11 }, (_, i) => `L${i}`);
    const m11 = labelMapFor(model, 12, { labels: eleven });
    expect([m11.offset, m11.label(0), m11.label(1), m11.label(11)]).toEqual([1, 'background', 'L0', 'L10']);
    const m13 = labelMapFor(model, 12, {
      labels: ['background', ...Array.from({ length: 12 }, (_, i) => `L${i}`)],
    });
    expect([m13.offset, m13.label(0), m13.label(11)]).toEqual([-1, 'L0', 'L11']);
    expect(() => labelMapFor(model, 12, { labels: ['a', 'b'] })).toThrow(InputError);
    expect(() => labelMapFor(model, 12, { labels: ['a', 'b'] })).toThrow(
      /2 lines but the model outputs 12 classes/,
    );
  });

  it('rejects images with the wrong byte count', async () => {
    const c = await ImageClassifier.create(tinyClassifierModel(), { crop: 'none' });
    expect(() => c.classify({ width: 2, height: 2, data: new Uint8Array(12) })).toThrow(
      /needs 16 bytes, got 12/,
    );
  });
});

describe('labels and display names from metadata', () => {
  it('uses the first TENSOR_AXIS_LABELS file for labels and the locale file for display names', async () => {
    const model = loadModel(tinyClassifierModel());
    const text = (prefix: string) =>
      new TextEncoder().encode(Array.from({ length: 12 }, (_, i) => `${prefix}${i}`).join('\n') + '\n');
    setModelMetadata(
      model,
      {
        name: 'tiny',
        subgraphMetadata: [
          {
            inputTensorMetadata: [
              {
                name: 'image',
                content: { contentProperties: { type: 'ImageProperties', colorSpace: 'RGB' } },
              },
            ],
            outputTensorMetadata: [
              {
                name: 'scores',
                associatedFiles: [
                  { name: 'labels.txt', type: 'TENSOR_AXIS_LABELS' },
                  { name: 'labels_fr.txt', type: 'TENSOR_AXIS_LABELS', locale: 'fr' },
                ],
              },
            ],
          },
        ],
      },
      [
        { name: 'labels.txt', data: text('thing') },
        { name: 'labels_fr.txt', data: text('chose') },
      ],
    );
    const bytes = writeModel(model);
    const fr = await ImageClassifier.create(bytes, { crop: 'none', maxResults: 1, displayNamesLocale: 'fr' });
    expect(fr.classify(photo).categories[0]).toMatchObject({
      index: 8,
      label: 'thing8',
      displayName: 'chose8',
    });
    const en = await ImageClassifier.create(bytes, { crop: 'none', maxResults: 1 });
    expect(en.classify(photo).categories[0]).toMatchObject({ label: 'thing8', displayName: 'thing8' });
    // Allow lists match display names too.
    const allow = await ImageClassifier.create(bytes, {
      crop: 'none',
      displayNamesLocale: 'fr',
      allowList: ['chose0'],
    });
    expect(allow.classify(photo).categories.map((c) => c.index)).toEqual([0]);
  });
});

describe('scores helpers', () => {
  it('softmax sums to one and keeps order; top-k ties go to the lower index', () => {
    const p = softmax([1, 2, 3, 3]);
    expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    const names = { label: (i: number) => `c${i}`, displayName: () => undefined };
    expect(topCategories(p, names, { maxResults: 2 }).map((c) => c.index)).toEqual([2, 3]);
  });
  it('grayscale models get BT.601 luma', () => {
    expect(luma(255, 0, 0)).toBe(76);
    expect(luma(0, 255, 0)).toBe(150);
    expect(luma(0, 0, 255)).toBe(29);
    expect(luma(255, 255, 255)).toBe(255);
  });
});

describe.skipIf(!HAVE_FIXTURES)('fixture models', () => {
  const model = (name: string) =>
    loadModel(new Uint8Array(readFileSync(fixturePath(`models/classification/${name}.tflite`))));
  const specsOf = (name: string, requireNormalizationForFloat = true) => {
    const m = model(name);
    return buildImageTensorSpecs(m, new Interpreter(m).inputs[0]!, { requireNormalizationForFloat });
  };

  it('mediapipe_metadata_image_tensor_specs (golden): float with metadata, float without, uint8 partial', () => {
    const golden = JSON.parse(readFileSync(fixturePath('golden.json'), 'utf8')) as {
      cases: {
        id: string;
        models: Record<string, string>;
        expected: Record<string, Record<string, unknown>>;
      }[];
    };
    const c = golden.cases.find((x) => x.id === 'mediapipe_metadata_image_tensor_specs')!;
    const load = (key: string) => loadModel(new Uint8Array(readFileSync(fixturePath(c.models[key]!))));
    const specs = (key: string) => {
      const m = load(key);
      return buildImageTensorSpecs(m, new Interpreter(m).inputs[0]!, { requireNormalizationForFloat: true });
    };
    for (const key of ['float_with_metadata', 'uint8_partial_metadata']) {
      const e = c.expected[key]!;
      const s = specs(key);
      expect(s.width).toBe(e.image_width);
      expect(s.height).toBe(e.image_height);
      expect(s.colorSpace).toBe(e.color_space);
      expect(s.dtype.toUpperCase()).toBe(e.tensor_type);
      const norm = e.normalization as { mean: number[]; std: number[] } | null;
      expect(s.normalization ?? null).toEqual(norm ? { mean: norm.mean, std: norm.std } : null);
    }
    const meta = getModelMetadata(load('uint8_partial_metadata'))!;
    const mj = c.expected.uint8_partial_metadata!.model_metadata_json as Record<string, string>;
    expect([meta.name, meta.version, meta.author, meta.minParserVersion]).toEqual([
      mj.name,
      mj.version,
      mj.author,
      mj.min_parser_version,
    ]);
    expect(() => specs('float_without_metadata')).toThrow(/NormalizationOptions/);
  });

  it('squeezenet is NCHW uint8; mobilenet_v2 quant outputs logits, the others probabilities', () => {
    expect(specsOf('squeezenet_v1_1_quant')).toMatchObject({
      layout: 'NCHW',
      width: 224,
      height: 224,
      channels: 3,
      dtype: 'uint8',
    });
    expect(specsOf('tf2_mobilenet_v2_1.0_224_ptq')).toMatchObject({
      layout: 'NHWC',
      quantization: { zeroPoint: 127 },
    });
    expect(outputNeedsSoftmax(model('mobilenet_v2_1.0_224_quant'))).toBe(true);
    expect(outputNeedsSoftmax(model('squeezenet_v1_1_quant'))).toBe(true);
    for (const name of [
      'mobilenet_v1_0.25_224_quant',
      'tf2_mobilenet_v2_1.0_224_ptq',
      'v3-small_224_1.0_uint8',
      'mobilenet_v1_0.25_224_1_default_1',
    ]) {
      expect(outputNeedsSoftmax(model(name)), name).toBe(false);
    }
  });

  it('labels come from the metadata (1001 lines, background first) and align with the output', () => {
    const tfls = labelMapFor(model('mobilenet_v1_0.25_224_quant'), 1001);
    expect([tfls.source, tfls.offset, tfls.label(0), tfls.label(934)]).toEqual([
      'metadata:labels.txt',
      0,
      'background',
      'cheeseburger',
    ]);
    const coral = labelMapFor(model('tf2_mobilenet_v2_1.0_224_ptq'), 1001);
    expect([coral.label(283), coral.label(286)]).toEqual(['tiger cat', 'Egyptian cat']);
    expect(labelMapFor(model('mobilenet_v2_1.0_224_quant'), 1001).source).toBe('none');
  });
});
