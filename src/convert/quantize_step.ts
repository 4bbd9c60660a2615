/**
 * The single place where conversion hands over to post-training quantization (`--quantize`):
 * the converted float model goes through the quantizer (src/quantize) with the caller's
 * calibration data; metadata and associated files travel with the model.
 */
import { ConversionError } from '../errors.js';
import type { Model } from '../ir/model.js';
import { type CalibrationSource, tensorCalibration } from '../quantize/calibration/calibration_source.js';
import { type QuantizationReport, quantizeModel } from '../quantize/quantize_model.js';

/** Quantization modes `convert --quantize` accepts. */
export type QuantizeMode = 'int8' | 'dynamic' | 'float16';

/** Every mode, for option parsing. */
export const QUANTIZE_MODES: readonly QuantizeMode[] = ['int8', 'dynamic', 'float16'];

/** What to quantize with. */
export interface QuantizeRequest {
  mode: QuantizeMode;
  /**
   * Representative inputs for int8 calibration: a source (e.g. images through the model's
   * preprocessing) or raw input tensors (one Float32Array per sample of a single-input model).
   */
  calibration?: CalibrationSource | Float32Array[];
  /** At most this many calibration samples (the quantizer's default: 200). */
  samples?: number;
  /** Progress over calibration samples. */
  onProgress?: (done: number, total: number) => void;
}

/** Modes that need calibration data. */
export const NEEDS_CALIBRATION: readonly QuantizeMode[] = ['int8'];

/**
 * Returns the quantized model and the quantizer's report. Throws ConversionError when int8 is
 * asked for without calibration data, and the quantizer's QuantizationError when it cannot
 * quantize the model.
 */
export async function quantizeConverted(
  model: Model,
  request: QuantizeRequest,
): Promise<{ model: Model; report: QuantizationReport }> {
  const given = request.calibration;
  const calibration = Array.isArray(given)
    ? tensorCalibration(given, `${given.length} input tensors`)
    : given;
  if (NEEDS_CALIBRATION.includes(request.mode) && !calibration) {
    throw new ConversionError(
      `--quantize ${request.mode} needs representative inputs: pass --calibration DIR (a folder of typical images)`,
    );
  }
  return quantizeModel(model, {
    mode: request.mode,
    ...(calibration ? { calibration } : {}),
    ...(request.samples !== undefined ? { samples: request.samples } : {}),
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
  });
}
