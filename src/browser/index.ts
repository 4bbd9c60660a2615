/**
 * tflite-ts/browser: browser and Web Worker helpers (image decoding to RgbaImage). Pair with the
 * platform-neutral ImageClassifier from tflite-ts/vision.
 */
export * from './decode_image.js';
