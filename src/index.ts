/**
 * tflite-ts: TensorFlow Lite in TypeScript. The platform-neutral public API (runs in Node.js
 * and browsers); Node-only helpers are in `tflite-ts/node`.
 */
export * from './errors.js';
export { readModel, flatBufferExtent, bufferBytes } from './format/model_reader.js';
export { writeModel } from './format/model_writer.js';
export type * from './ir/model.js';
export * from './ir/dtype.js';
export * from './ir/builtin_ops.js';
export * from './ir/builtin_options.js';
