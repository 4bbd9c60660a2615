/**
 * The Node helper: createImageClassifier from a model path, classifyImage from a file path, an
 * encoded Buffer or decoded pixels, all giving the same categories; and a photo stored sideways
 * with an EXIF orientation tag classifies like the upright photo.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { classifyImage, createImageClassifier } from '../../src/node/classify_image.js';
import { decodeImageFile } from '../../src/node/decode_image.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { fixtureClassifier, tinyClassifierModel } from '../vision/helpers/classifier.js';
import { withExifOrientation, writePng } from '../vision/helpers/image_files.js';

const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-classify-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classifyImage', () => {
  it('accepts a path, a Buffer or pixels and reports decode time', async () => {
    const modelPath = join(dir, 'tiny.tflite');
    writeFileSync(modelPath, tinyClassifierModel());
    const png = writePng(2, 2, 'rgb', 8, [10, 200, 30, 40, 50, 60, 70, 80, 250, 100, 110, 120]);
    const photo = join(dir, 'p.png');
    writeFileSync(photo, png);
    const classifier = await createImageClassifier(modelPath, { crop: 'none', maxResults: 2 });
    const fromPath = await classifyImage(classifier, photo);
    const fromBuffer = await classifyImage(classifier, Buffer.from(png));
    const fromPixels = await classifyImage(classifier, await decodeImageFile(photo));
    expect(fromPath.categories.map((c) => [c.index, c.score])).toEqual([
      [8, 250 / 256],
      [1, 200 / 256],
    ]);
    expect(fromBuffer.categories).toEqual(fromPath.categories);
    expect(fromPixels.categories).toEqual(fromPath.categories);
    expect(fromPath.timings.decodeMs).toBeGreaterThanOrEqual(0);
    await expect(classifyImage(classifier, join(dir, 'missing.png'))).rejects.toThrow(
      /missing\.png: cannot decode image/,
    );
  });

  it.skipIf(!HAVE_FIXTURES)(
    'a sideways JPEG with EXIF Orientation 6 classifies like the upright photo',
    async (ctx) => {
      const classifier = await fixtureClassifier(
        ctx,
        'models/classification/mobilenet_v1_0.25_224_quant.tflite',
        { maxResults: 3 },
      );
      const burger = readFileSync(fixturePath('images/burger.jpg'));
      const sideways = await sharp(burger)
        .rotate(270)
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .toBuffer();
      const upright = await classifyImage(classifier, new Uint8Array(burger));
      const tagged = await classifyImage(classifier, withExifOrientation(new Uint8Array(sideways), 6));
      const untagged = await classifyImage(classifier, new Uint8Array(sideways));
      expect(upright.categories[0]!.label).toBe('cheeseburger');
      // Re-encoding the JPEG moves pixels by a level or two: the top two classes stay, the third
      // (under 1%) may swap.
      expect(tagged.categories.slice(0, 2).map((c) => c.index)).toEqual(
        upright.categories.slice(0, 2).map((c) => c.index),
      );
      expect(Math.abs(tagged.categories[0]!.score - upright.categories[0]!.score)).toBeLessThan(0.02);
      // The same pixels without the tag are classified on a sideways crop: the region differs.
      expect(untagged.roi).not.toEqual(upright.roi);
    },
    60_000,
  );
});
