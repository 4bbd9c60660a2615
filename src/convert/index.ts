/**
 * The converter's public API: TF.js models (Layers or graph) -> `.tflite`.
 */
export {
  convert,
  convertArtifacts,
  type ConvertOptions,
  type ConvertResult,
  type ConversionReport,
} from './convert.js';
export {
  loadArtifacts,
  type ModelSource,
  type InMemoryModel,
  type TfjsModelLike,
  type ReadFile,
} from './model_source.js';
export { decodeWeights, type WeightTensor } from './weights.js';
export { LAYER_CONVERTERS } from './layers/index.js';
export { TF_OP_CONVERTERS } from './graph_ops/index.js';
export { ACTIVATIONS } from './activations.js';
export {
  DEFAULT_REWRITES,
  runRewrites,
  dropIdentity,
  foldBatchnorm,
  foldPadIntoConv,
  fuseActivation,
  type RewriteRule,
} from './rewrites/index.js';
export {
  quantizeConverted,
  QUANTIZE_MODES,
  type QuantizeMode,
  type QuantizeRequest,
} from './quantize_step.js';
export type { TfjsArtifacts, TfjsModelJson, WeightSpec } from './tfjs_format.js';
