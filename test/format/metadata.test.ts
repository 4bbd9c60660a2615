import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, ModelFormatError } from '../../src/errors.js';
import { loadModel } from '../../src/format/load_model.js';
import { type ModelMetadata, readMetadata, writeMetadata } from '../../src/format/metadata.js';
import { metadataToJson, minParserVersion, shortestFloat32 } from '../../src/format/metadata_json.js';
import {
  TFLITE_METADATA,
  getLabels,
  getModelMetadata,
  getNormalization,
  metadataBufferIndex,
  parseLabelFile,
  setModelMetadata,
} from '../../src/format/model_metadata.js';
import { readModel } from '../../src/format/model_reader.js';
import { writeModel } from '../../src/format/model_writer.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../support/fixtures.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import { f32 } from './helpers/tensor_specs.js';

const enc = new TextEncoder();

const WITH_METADATA = [
  'models/classification/automl_labeler_model.tflite',
  'models/classification/mobilenet_v1_0.25_128_quant.tflite',
  'models/classification/mobilenet_v1_0.25_224_1_metadata_1.tflite',
  'models/classification/mobilenet_v1_0.25_224_quant.tflite',
  'models/classification/mobilenet_v1_0.25_224_quant_without_subgraph_metadata.tflite',
  'models/classification/tf2_mobilenet_v2_1.0_224_ptq.tflite',
  'models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite',
  'models/segmentation/deeplabv3.tflite',
  'models/text/test_model_nl_classifier_with_regex_tokenizer.tflite',
];

/** Metadata using every table, union member and enum of schema 1.5.0. */
const FULL: ModelMetadata = {
  name: 'everything',
  description: 'covers the schema',
  version: 'v7',
  author: 'tests',
  license: 'Apache-2.0',
  associatedFiles: [{ name: 'readme.txt', type: 'DESCRIPTIONS', locale: 'en', version: '2' }],
  subgraphMetadata: [
    {
      name: 'main',
      description: 'sg',
      inputTensorMetadata: [
        {
          name: 'image',
          dimensionNames: ['batch', 'height', 'width', 'channels'],
          content: {
            contentProperties: {
              type: 'ImageProperties',
              colorSpace: 'GRAYSCALE',
              defaultSize: { width: 96, height: 64 },
            },
            range: { min: 1, max: 2 },
          },
          processUnits: [{ options: { type: 'NormalizationOptions', mean: [127.5, 0.5], std: [127.5, 2] } }],
          stats: { max: [255], min: [0] },
        },
        {
          name: 'audio',
          content: { contentProperties: { type: 'AudioProperties', sampleRate: 16000, channels: 1 } },
        },
        {
          name: 'text',
          content: { contentProperties: { type: 'FeatureProperties' } },
          processUnits: [
            {
              options: {
                type: 'BertTokenizerOptions',
                vocabFile: [{ name: 'vocab.txt', type: 'VOCABULARY' }],
              },
            },
            {
              options: {
                type: 'SentencePieceTokenizerOptions',
                sentencePieceModel: [{ name: 'sp.model', type: 'UNKNOWN', description: 'spm' }],
                vocabFile: [{ name: 'vocab.txt', type: 'VOCABULARY' }],
              },
            },
            {
              options: {
                type: 'RegexTokenizerOptions',
                delimRegexPattern: '[^\\w]+',
                vocabFile: [{ name: 'vocab.txt', type: 'VOCABULARY' }],
              },
            },
            {},
          ],
        },
      ],
      outputTensorMetadata: [
        {
          name: 'boxes',
          content: {
            contentProperties: {
              type: 'BoundingBoxProperties',
              index: [1, 0, 3, 2],
              boxType: 'CENTER',
              coordinateType: 'PIXEL',
            },
            range: { min: 2, max: 2 },
          },
        },
        {
          name: 'scores',
          processUnits: [
            {
              options: {
                type: 'ScoreCalibrationOptions',
                scoreTransformation: 'INVERSE_LOGISTIC',
                defaultScore: 0.25,
              },
            },
            { options: { type: 'ScoreThresholdingOptions', globalScoreThreshold: 0.5 } },
          ],
          associatedFiles: [
            { name: 'labels.txt', type: 'TENSOR_AXIS_LABELS', locale: 'en' },
            { name: 'labels_fr.txt', type: 'TENSOR_AXIS_LABELS', locale: 'fr' },
            { name: 'calibration.csv', type: 'TENSOR_AXIS_SCORE_CALIBRATION' },
            { name: 'index.ldb', type: 'SCANN_INDEX_FILE' },
          ],
        },
      ],
      associatedFiles: [{ name: 'extra.bin', type: 7 }],
      inputProcessUnits: [{ options: { type: 'NormalizationOptions', mean: [1] } }],
      outputProcessUnits: [],
      inputTensorGroups: [{ name: 'in', tensorNames: ['image', 'audio'] }],
      outputTensorGroups: [{ name: 'detection', tensorNames: ['boxes', 'scores'] }],
      customMetadata: [{ name: 'blob', data: new Uint8Array([1, 2, 3, 250]) }],
    },
  ],
  minParserVersion: '1.5.0',
};

describe('TFLite Metadata reader and writer', () => {
  it('round-trips every table, union member and enum', () => {
    const bytes = writeMetadata(FULL);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('M001');
    expect(readMetadata(bytes)).toEqual(FULL);
  });

  it('renders upstream-style JSON', () => {
    const json = metadataToJson(FULL) as Record<string, never>;
    const sg = (json.subgraph_metadata as Record<string, unknown>[])[0]!;
    const image = (sg.input_tensor_metadata as Record<string, unknown>[])[0]!;
    expect(image.content).toEqual({
      content_properties_type: 'ImageProperties',
      content_properties: { color_space: 'GRAYSCALE', default_size: { width: 96, height: 64 } },
      range: { min: 1, max: 2 },
    });
    const boxes = (sg.output_tensor_metadata as Record<string, unknown>[])[0]!;
    expect(boxes.content).toEqual({
      content_properties_type: 'BoundingBoxProperties',
      content_properties: { index: [1, 0, 3, 2], type: 'CENTER', coordinate_type: 'PIXEL' },
      range: { min: 2, max: 2 },
    });
    const scores = (sg.output_tensor_metadata as Record<string, unknown>[])[1]!;
    expect(scores.process_units).toEqual([
      {
        options_type: 'ScoreCalibrationOptions',
        options: { score_transformation: 'INVERSE_LOGISTIC', default_score: 0.25 },
      },
      { options_type: 'ScoreThresholdingOptions', options: { global_score_threshold: 0.5 } },
    ]);
    expect(sg.associated_files).toEqual([{ name: 'extra.bin', type: 7 }]);
    expect(sg.custom_metadata).toEqual([{ name: 'blob', data: [1, 2, 3, 250] }]);
  });

  it('computes the minimum parser version from the fields used', () => {
    expect(minParserVersion({ name: 'x' })).toBe('1.0.0');
    expect(minParserVersion({ associatedFiles: [{ name: 'v', type: 'VOCABULARY' }] })).toBe('1.0.1');
    expect(minParserVersion({ subgraphMetadata: [{ inputTensorGroups: [] }] })).toBe('1.2.0');
    expect(
      minParserVersion({
        subgraphMetadata: [
          { inputTensorMetadata: [{ processUnits: [{ options: { type: 'RegexTokenizerOptions' } }] }] },
        ],
      }),
    ).toBe('1.2.1');
    expect(
      minParserVersion({
        subgraphMetadata: [
          {
            outputTensorMetadata: [
              { content: { contentProperties: { type: 'AudioProperties', sampleRate: 1, channels: 1 } } },
            ],
          },
        ],
      }),
    ).toBe('1.3.0');
    expect(minParserVersion({ associatedFiles: [{ name: 'a', type: 'UNKNOWN', version: '1' }] })).toBe(
      '1.4.1',
    );
    expect(minParserVersion(FULL)).toBe('1.5.0');
  });

  it('prints float32 values as their shortest decimal', () => {
    expect(shortestFloat32(Math.fround(0.6))).toBe(0.6);
    expect(shortestFloat32(Math.fround(1e-8))).toBe(1e-8);
    expect(shortestFloat32(127.5)).toBe(127.5);
    expect(shortestFloat32(0.1)).toBe(0.1); // not a float32: returned as is
  });

  it('rejects malformed metadata with a path under TFLITE_METADATA', () => {
    const bytes = writeMetadata(FULL);
    let typed = 0;
    for (const cut of [8, 40, Math.floor(bytes.length / 2), bytes.length - 3]) {
      try {
        readMetadata(bytes.subarray(0, cut));
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        expect((e as Error).message).toMatch(/^TFLITE_METADATA/);
        typed++;
      }
    }
    expect(typed).toBeGreaterThanOrEqual(3);
    const wrongId = bytes.slice();
    wrongId[7] = 0x32;
    expect(() => readMetadata(wrongId)).toThrow(
      /TFLITE_METADATA: file identifier is "M002", expected "M001"/,
    );
  });

  it('attaches metadata and files to a model and reads them back', () => {
    const b = new ModelBuilder();
    const input = b.addTensor(f32('x', [1, 4]));
    const out = b.addTensor(f32('y', [1, 4]));
    b.addOp({ op: 'RELU', inputs: [input], outputs: [out] });
    const model = b.setIO([input], [out]).build();
    const meta: ModelMetadata = {
      name: 'tiny',
      subgraphMetadata: [
        {
          inputTensorMetadata: [
            { name: 'x', processUnits: [{ options: { type: 'NormalizationOptions', mean: [3], std: [2] } }] },
          ],
          outputTensorMetadata: [
            {
              name: 'y',
              associatedFiles: [
                { name: 'labels.txt', type: 'TENSOR_AXIS_LABELS', locale: 'en' },
                { name: 'labels_de.txt', type: 'TENSOR_AXIS_LABELS', locale: 'de' },
              ],
            },
          ],
        },
      ],
    };
    expect(() => setModelMetadata(model, meta)).toThrow(InputError);
    setModelMetadata(model, meta, [
      { name: 'labels.txt', data: enc.encode('a\nb\r\nc\nd\n') },
      { name: 'labels_de.txt', data: enc.encode('A\nB\nC\nD') },
    ]);
    const back = loadModel(writeModel(model));
    expect(getModelMetadata(back)).toEqual({ ...meta, minParserVersion: '1.0.0' });
    expect(getLabels(back)).toEqual(['a', 'b', 'c', 'd']);
    expect(getLabels(back, { locale: 'de' })).toEqual(['A', 'B', 'C', 'D']);
    expect(getLabels(back, { type: 'TENSOR_VALUE_LABELS' })).toBeUndefined();
    expect(getNormalization(back)).toEqual({ mean: [3], std: [2] });
    // Replacing the metadata reuses the TFLITE_METADATA buffer.
    const index = metadataBufferIndex(back);
    setModelMetadata(back, { name: 'renamed' }, []);
    expect(metadataBufferIndex(back)).toBe(index);
    expect(back.metadata!.filter((m) => m.name === TFLITE_METADATA).length).toBe(1);
    expect(getModelMetadata(readModel(writeModel(back)))!.name).toBe('renamed');
    expect(back.associatedFiles).toBeUndefined();
  });

  it('parses label files', () => {
    expect(parseLabelFile(enc.encode('x\r\ny\n\nz\n'))).toEqual(['x', 'y', '', 'z']);
    expect(parseLabelFile(enc.encode(''))).toEqual([]);
  });
});

describe.skipIf(!HAVE_FIXTURES)('TFLite Metadata of fixture models', () => {
  it('matches the upstream JSON rendering of the NL classifier metadata', () => {
    const expected = JSON.parse(
      readFileSync(fixturePath('models/text/test_model_nl_classifier_with_regex_tokenizer.json'), 'utf8'),
    );
    const model = loadModel(readFixture('models/text/test_model_nl_classifier_with_regex_tokenizer.tflite'));
    expect(metadataToJson(getModelMetadata(model)!)).toEqual(expected);
  });

  it('reads MobileNet v1 metadata: name, normalization, image input, 1001 labels', () => {
    const model = loadModel(readFixture('models/classification/mobilenet_v1_0.25_224_1_metadata_1.tflite'));
    const meta = getModelMetadata(model)!;
    expect(meta.name).toBe('MobileNetV1 image classifier');
    expect(meta.version).toBe('v1');
    expect(meta.author).toBe('TensorFlow');
    const input = meta.subgraphMetadata![0]!.inputTensorMetadata![0]!;
    expect(input.content!.contentProperties).toEqual({ type: 'ImageProperties', colorSpace: 'RGB' });
    expect(input.stats).toEqual({ max: [1], min: [-1] });
    expect(getNormalization(model)).toEqual({ mean: [127.5], std: [127.5] });
    const labels = getLabels(model)!;
    expect(labels.length).toBe(1001);
    expect(labels[0]).toBe('background');
    expect(labels[1]).toBe('tench');
  });

  it('reads the SSD detector: bounding boxes, value labels', () => {
    const model = loadModel(
      readFixture('models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite'),
    );
    const outputs = getModelMetadata(model)!.subgraphMetadata![0]!.outputTensorMetadata!;
    expect(outputs.map((o) => o.name)).toEqual(['locations', 'classes', 'scores', 'number of detections']);
    expect(outputs[0]!.content).toEqual({
      contentProperties: {
        type: 'BoundingBoxProperties',
        index: [1, 0, 3, 2],
        boxType: 'BOUNDARIES',
        coordinateType: 'RATIO',
      },
      range: { min: 2, max: 2 },
    });
    const labels = getLabels(model)!;
    expect(getLabels(model, { output: 1, type: 'TENSOR_VALUE_LABELS' })).toEqual(labels);
    expect(getLabels(model, { output: 0 })).toBeUndefined();
    expect(labels.length).toBe(90);
    expect(labels.slice(0, 3)).toEqual(['person', 'bicycle', 'car']);
  });

  it('reads DeepLab v3: grayscale mask output with a dimension range', () => {
    const model = loadModel(readFixture('models/segmentation/deeplabv3.tflite'));
    const meta = getModelMetadata(model)!;
    expect(meta.name).toBe('DeepLabV3');
    expect(meta.subgraphMetadata![0]!.outputTensorMetadata![0]!.content).toEqual({
      contentProperties: { type: 'ImageProperties', colorSpace: 'GRAYSCALE' },
      range: { min: 1, max: 2 },
    });
    expect(getLabels(model)!.length).toBe(21);
  });

  for (const rel of WITH_METADATA) {
    it(`${rel}: metadata survives read -> write -> read`, () => {
      const model = readModel(readFixture(rel));
      const meta = getModelMetadata(model)!;
      expect(meta.name).toBeTruthy();
      // Re-encoding the parsed metadata gives the same metadata.
      expect(readMetadata(writeMetadata(meta))).toEqual(meta);
      // The model's own metadata buffer and files survive the model writer.
      const again = readModel(writeModel(model));
      expect(getModelMetadata(again)).toEqual(meta);
      // Setting the parsed metadata back keeps it, and keeps the labels.
      setModelMetadata(again, meta);
      const third = loadModel(writeModel(again));
      expect(getModelMetadata(third)).toEqual({
        ...meta,
        minParserVersion: meta.minParserVersion ?? minParserVersion(meta),
      });
      expect(getLabels(third)).toEqual(getLabels(model));
    });
  }
});
