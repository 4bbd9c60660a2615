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
// Format layer: loading (read + verify + metadata check), verifier, metadata, associated files,
// FlexBuffers custom options; model statistics (MACs, parameters).
export { loadModel, type LoadOptions } from './format/load_model.js';
export {
  verifyModel,
  tensorByteSize,
  DEFAULT_MAX_TENSOR_BYTES,
  TFLITE_SCHEMA_VERSION,
  type VerifyOptions,
} from './format/verifier.js';
export * from './format/metadata.js';
export { metadataToJson, minParserVersion, shortestFloat32, type Json } from './format/metadata_json.js';
export * from './format/model_metadata.js';
export {
  decodeFlexBuffer,
  encodeFlexBuffer,
  decodeCustomOptions,
  setCustomOptions,
  customOptionsOf,
  type FlexValue,
  type FlexMap,
} from './format/flexbuffers.js';
export * from './ir/model_stats.js';
// Converter: TF.js models (Layers or graph model.json + shards, URLs or in-memory) -> .tflite.
export {
  convert,
  convertArtifacts,
  type ConvertOptions,
  type ConvertResult,
  type ConversionReport,
  type ModelSource,
  type InMemoryModel,
  type TfjsModelLike,
} from './convert/index.js';
// Post-training quantization: dynamic range, float16, full-integer int8 and 16x8, with calibration
// sources (tensors, .npy, images through the vision preprocessing).
export * from './quantize/index.js';
// Runtime: the interpreter, kernel registries (the default one runs the WebAssembly kernels where
// they apply; `createBuiltinRegistry({ optimized: false })` the reference kernels only) and the
// seeded random inputs the CLI and benchmarks feed (the peers harness's values).
export {
  Interpreter,
  TensorHandle,
  type InterpreterOptions,
  type TensorInfo,
} from './runtime/interpreter.js';
export { KernelRegistry } from './kernels/registry.js';
export { createBuiltinRegistry } from './kernels/builtin_registry.js';
export { randomInputs } from './runtime/random_inputs.js';
