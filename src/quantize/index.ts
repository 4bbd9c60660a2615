/**
 * Post-training quantization (platform neutral): quantizeModel and its calibration sources.
 * Decoding image files for calibration is tflite-ts/node's (decodeImageFile); pass the images
 * to imageCalibration as loaders.
 */
export {
  type QuantizationMode,
  type QuantizationReport,
  type QuantizeOptions,
  type QuantizeResult,
  QUANTIZATION_MODES,
  assertFloatModel,
  quantizeModel,
  quantizeModelBytes,
} from './quantize_model.js';
export {
  type CalibrationImage,
  type CalibrationInput,
  type CalibrationSource,
  type ImageCalibrationOptions,
  type SkippedSample,
  calibrationInputs,
  imageCalibration,
  npyCalibration,
  tensorCalibration,
} from './calibration/calibration_source.js';
export { type CalibrationStats, type CalibrateOptions, calibrate } from './calibration/calibrate.js';
export {
  type CalibrationMethod,
  CALIBRATION_METHODS,
  estimateRange,
} from './calibration/range_estimators.js';
export { Histogram } from './calibration/histogram.js';
export type { IoType, NodeOutcome } from './integer/integer_pass.js';
