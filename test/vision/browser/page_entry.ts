/**
 * Entry of the browser test page (bundled by esbuild in browser_parity.test.ts): decodes images
 * with tflite-ts/browser and classifies them with the platform-neutral ImageClassifier, and
 * hands the results back to the test through `window.tfliteTsTest`.
 */
import { decodeImageBlob } from '../../../src/browser/decode_image.js';
import { ImageClassifier, type ImageClassifierOptions } from '../../../src/vision/image_classifier.js';

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const r = await fetch(url);
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

const api = {
  /** Decodes the image at `url`; returns its size and RGBA bytes (base64). */
  async decode(url: string) {
    const img = await decodeImageBlob(new Blob([(await fetchBytes(url)) as Uint8Array<ArrayBuffer>]), url);
    return { width: img.width, height: img.height, rgba: base64(img.data as Uint8Array) };
  },
  /** Classifies the image at `imageUrl` with the model at `modelUrl`; returns the categories and every score. */
  async classify(modelUrl: string, imageUrl: string, options: ImageClassifierOptions) {
    const classifier = await ImageClassifier.create(await fetchBytes(modelUrl), options);
    const img = await decodeImageBlob(await (await fetch(imageUrl)).blob(), imageUrl);
    const result = classifier.classify(img);
    return { categories: result.categories, scores: Array.from(classifier.scores()) };
  },
  /** The error a corrupt image gives: its class name and message. */
  async decodeError(url: string) {
    try {
      await decodeImageBlob(new Blob([(await fetchBytes(url)) as Uint8Array<ArrayBuffer>]), 'corrupt.jpg');
      return null;
    } catch (e) {
      return { name: (e as Error).name, message: (e as Error).message };
    }
  },
};

(globalThis as unknown as { tfliteTsTest: typeof api }).tfliteTsTest = api;
