import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readAssociatedFiles, writeAssociatedFilesZip } from '../../src/format/associated_files.js';
import { readModel } from '../../src/format/model_reader.js';
import { writeModel } from '../../src/format/model_writer.js';
import { TfliteError } from '../../src/errors.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Fixture models with a zip of associated files, and the file names MANIFEST.md lists. */
const WITH_ZIP: Record<string, string[]> = {
  'models/classification/automl_labeler_model.tflite': ['labels.txt'],
  'models/classification/mobilenet_v1_0.25_128_quant.tflite': ['imagenet_labels.txt'],
  'models/classification/mobilenet_v1_0.25_224_1_metadata_1.tflite': ['labels.txt'],
  'models/classification/mobilenet_v1_0.25_224_quant.tflite': ['labels.txt'],
  'models/classification/mobilenet_v1_0.25_224_quant_without_subgraph_metadata.tflite': ['labels.txt'],
  'models/classification/tf2_mobilenet_v2_1.0_224_ptq.tflite': ['imagenet_labels.txt'],
  'models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite': ['labelmap.txt'],
  'models/segmentation/deeplabv3.tflite': ['labelmap.txt'],
  'models/text/test_model_nl_classifier_with_regex_tokenizer.tflite': ['vocab.txt', 'labels.txt'],
};

describe('zip of associated files', () => {
  const files = [
    { name: 'labels.txt', data: enc.encode('cat\ndog\n') },
    { name: 'vocab.txt', data: enc.encode('<PAD>\n<START>\nthe\n') },
  ];

  it('writes absolute offsets that a zip reader opens with the prefix in front', () => {
    const prefix = new Uint8Array(1000).fill(7);
    const zip = writeAssociatedFilesZip(files, prefix.length);
    const whole = new Uint8Array(prefix.length + zip.length);
    whole.set(prefix);
    whole.set(zip, prefix.length);
    const unzipped = unzipSync(whole);
    expect(Object.keys(unzipped)).toEqual(['labels.txt', 'vocab.txt']);
    expect(dec.decode(unzipped['labels.txt'])).toBe('cat\ndog\n');
    const back = readAssociatedFiles(whole, prefix.length)!;
    expect(back.map((f) => [f.name, dec.decode(f.data)])).toEqual([
      ['labels.txt', 'cat\ndog\n'],
      ['vocab.txt', '<PAD>\n<START>\nthe\n'],
    ]);
  });

  it('reads an archive whose offsets are relative to its own start', () => {
    const zip = writeAssociatedFilesZip(files, 0);
    const whole = new Uint8Array(500 + zip.length);
    whole.set(zip, 500);
    const back = readAssociatedFiles(whole, 500)!;
    expect(back.map((f) => f.name)).toEqual(['labels.txt', 'vocab.txt']);
    expect(dec.decode(back[1]!.data)).toBe('<PAD>\n<START>\nthe\n');
  });

  it('returns undefined when no archive follows', () => {
    expect(readAssociatedFiles(new Uint8Array(100), 40)).toBeUndefined();
  });

  it('rejects a damaged directory with a typed error', () => {
    const zip = writeAssociatedFilesZip(files, 0);
    const bad = zip.slice();
    const view = new DataView(bad.buffer);
    // Entry count in the EOCD far larger than the directory can hold.
    view.setUint16(bad.length - 22 + 8, 900, true);
    view.setUint16(bad.length - 22 + 10, 900, true);
    expect(() => readAssociatedFiles(bad, 0)).toThrow(TfliteError);
    const bad2 = zip.slice();
    // Local header offset of the first entry past the end.
    const v2 = new DataView(bad2.buffer);
    const cd = v2.getUint32(bad2.length - 22 + 16, true);
    v2.setUint32(cd + 42, 0x7fffffff, true);
    expect(() => readAssociatedFiles(bad2, 0)).toThrow(/local header/);
  });
});

describe.skipIf(!HAVE_FIXTURES)('associated files of fixture models', () => {
  for (const [rel, names] of Object.entries(WITH_ZIP)) {
    it(`${rel}: reads ${names.join(', ')} and keeps them through a round trip`, () => {
      const model = readModel(readFixture(rel));
      expect(model.associatedFiles?.map((f) => f.name)).toEqual(names);
      const labels = dec.decode(model.associatedFiles![names.length - 1]!.data);
      expect(labels.split('\n').filter((l) => l.length > 0).length).toBeGreaterThan(1);
      const written = writeModel(model);
      // The written file opens as a zip from its first byte, as TFLite's extractor reads it.
      const unzipped = unzipSync(written);
      expect(Object.keys(unzipped)).toEqual(names);
      const again = readModel(written);
      expect(again.associatedFiles?.map((f) => [f.name, Buffer.from(f.data).toString('hex')])).toEqual(
        model.associatedFiles!.map((f) => [f.name, Buffer.from(f.data).toString('hex')]),
      );
    });
  }

  it('models without metadata have no associated files', () => {
    expect(readModel(readFixture('models/micro/hello_world_float.tflite')).associatedFiles).toBeUndefined();
    expect(
      readModel(readFixture('models/classification/mobilenet_v2_1.0_224_quant.tflite')).associatedFiles,
    ).toBeUndefined();
  });
});
