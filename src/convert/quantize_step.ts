/**
 * The single place where conversion hands over to post-training quantization (`--quantize`).
 * The quantizer (src/quantize, issue 5) is not written yet; until it is, asking for it is a
 * clear error rather than a silently float model.
 */
import { ConversionError } from '../errors.js';
import type { Model } from '../ir/model.js';

/** Quantization modes `convert --quantize` accepts. */
export type QuantizeMode = 'int8' | 'dynamic' | 'float16';

/** What to quantize with. */
export interface QuantizeRequest {
  mode: QuantizeMode;
  /** Representative inputs for int8 calibration (float32, one array per sample, input 0). */
  calibration?: Float32Array[];
}

/** Modes that need calibration data. */
export const NEEDS_CALIBRATION: readonly QuantizeMode[] = ['int8'];

/**
 * Returns the quantized model. Throws ConversionError: the quantizer is not available yet
 * (TODO(issue 5): call src/quantize here once it lands; this is the only call site).
 */
export function quantizeConverted(_model: Model, request: QuantizeRequest): Model {
  throw new ConversionError(
    `--quantize ${request.mode} is not available yet: the quantizer (src/quantize) has not landed. ` +
      'Convert without --quantize now and run `tflite-ts quantize` on the float model once it exists.',
  );
}
