/**
 * Node helper: classify an image file or an encoded image Buffer in one call.
 *
 *   const classifier = await createImageClassifier('mobilenet.tflite', { maxResults: 3 });
 *   const { categories } = await classifyImage(classifier, 'photo.jpg');
 */
import { readFile } from 'node:fs/promises';
import type {
  ClassificationResult,
  ClassifyOptions,
  ImageClassifierOptions,
} from '../vision/image_classifier.js';
import { ImageClassifier } from '../vision/image_classifier.js';
import type { RgbaImage } from '../vision/rgba_image.js';
import { decodeImageBytes, decodeImageFile } from './decode_image.js';

/** Returns an ImageClassifier for the model file at `modelPath` (or model bytes). Throws as ImageClassifier.create. */
export async function createImageClassifier(
  model: string | Uint8Array,
  options: ImageClassifierOptions = {},
): Promise<ImageClassifier> {
  const bytes = typeof model === 'string' ? new Uint8Array(await readFile(model)) : model;
  return ImageClassifier.create(bytes, options);
}

/**
 * Returns the classification of an image given as a file path, encoded bytes (Buffer /
 * Uint8Array) or decoded RGBA pixels; the result's timings include `decodeMs`. Throws
 * ImageDecodeError for a file that cannot be read or decoded.
 */
export async function classifyImage(
  classifier: ImageClassifier,
  image: string | Uint8Array | RgbaImage,
  options: ClassifyOptions = {},
): Promise<ClassificationResult & { timings: { decodeMs: number } }> {
  const t0 = performance.now();
  const pixels =
    typeof image === 'string'
      ? await decodeImageFile(image)
      : image instanceof Uint8Array
        ? await decodeImageBytes(image)
        : image;
  const decodeMs = performance.now() - t0;
  const result = classifier.classify(pixels, options);
  return { ...result, timings: { ...result.timings, decodeMs } };
}
