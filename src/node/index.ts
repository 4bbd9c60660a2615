/**
 * tflite-ts/node: Node-only helpers (files, image decoding with sharp, evaluation of classifiers
 * on image folders with a worker-thread pool).
 */
export * from './decode_image.js';
export * from './classify_image.js';
export { type ImageSet, listImageFiles, loadImageSet } from './image_set.js';
export { type EvaluateFilesOptions, type FileOutcome, evaluateFiles } from './eval_pool.js';
export {
  type EvaluateModelsOptions,
  type ModelInput,
  type ModelsEvaluation,
  evaluateModels,
} from './evaluate_models.js';
