/**
 * tflite-ts/node: Node-only helpers (files, image decoding with sharp).
 */
export * from './decode_image.js';
export * from './classify_image.js';
