/**
 * Where calibration samples come from. A CalibrationSource yields representative inputs of the
 * float model, one Float32Array per model input per sample:
 *
 *  - tensorCalibration: arrays the caller already has (raw tensors, e.g. from a data loader);
 *  - npyCalibration: a NumPy array [N, ...input shape] saved with np.save;
 *  - imageCalibration: photos, run through the same preprocessing as classification (centre
 *    crop, resize, normalization from the model's metadata or the caller's mean/std). Decoding is
 *    the caller's (tflite-ts/node decodes files with sharp; a browser uses createImageBitmap), so
 *    this stays platform neutral: each image is a name and a function that loads it.
 */
import { InputError, QuantizationError, TfliteError } from '../../errors.js';
import { type DType, dtypeFromCode } from '../../ir/dtype.js';
import type { Model } from '../../ir/model.js';
import { buildImageTensorSpecs, expandNormalization } from '../../vision/image_tensor_specs.js';
import { imageToTensor } from '../../vision/image_to_tensor.js';
import { type CropOption, regionOfInterest } from '../../vision/region_of_interest.js';
import { type ResizeMethod, resizeRegion } from '../../vision/resize.js';
import type { RgbaImage } from '../../vision/rgba_image.js';
import { readNpy } from '../../format/npy.js';
import { typedView } from '../../ir/dtype.js';
import { float16BitsToFloat32 } from '../../kernels/internal/float16.js';

/** One input of the model, as a source needs to describe it. */
export interface CalibrationInput {
  readonly index: number;
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** A sample that a source could not use, and why. */
export interface SkippedSample {
  readonly name: string;
  readonly reason: string;
}

/** Representative inputs for calibration. */
export interface CalibrationSource {
  /** What the samples are, for reports ("120 images from photos/"). */
  readonly description: string;
  /** Number of samples the source holds, when known. */
  readonly size: number | undefined;
  /** Samples it had to skip so far (images that failed to decode), filled while iterating. */
  readonly skipped: SkippedSample[];
  /**
   * Yields samples for `inputs` of `model`: one Float32Array per input, each with exactly the
   * input's element count. Throws QuantizationError when the data cannot fill the inputs.
   */
  samples(model: Model, inputs: readonly CalibrationInput[]): AsyncIterable<Float32Array[]>;
}

/** Returns the inputs of subgraph 0 of `model`, described for a source. */
export function calibrationInputs(model: Model): CalibrationInput[] {
  const sg = model.subgraphs[0]!;
  return sg.inputs.map((t, index) => {
    const tensor = sg.tensors[t]!;
    return { index, name: tensor.name, shape: tensor.shape, dtype: dtypeFromCode(tensor.type) ?? 'float32' };
  });
}

const count = (shape: readonly number[]) => shape.reduce((a, d) => a * d, 1);
const describeInput = (i: CalibrationInput) =>
  `input ${i.index} (${JSON.stringify(i.name)}, ${i.dtype} [${i.shape.join(', ')}], ${count(i.shape)} values)`;

/**
 * Returns a source over samples the caller holds: each sample is one Float32Array (single-input
 * models) or one per input. Iterating throws QuantizationError for a sample whose size does not
 * match an input.
 */
export function tensorCalibration(
  samples: readonly (Float32Array | readonly Float32Array[])[],
  description = `${samples.length} tensors`,
): CalibrationSource {
  return {
    description,
    size: samples.length,
    skipped: [],
    async *samples(_model, inputs) {
      for (const [n, s] of samples.entries()) {
        const arrays = s instanceof Float32Array ? [s] : [...s];
        if (arrays.length !== inputs.length) {
          throw new QuantizationError(
            `calibration sample ${n} has ${arrays.length} array(s) but the model has ${inputs.length} input(s); give one Float32Array per input`,
          );
        }
        arrays.forEach((a, i) => {
          if (a.length !== count(inputs[i]!.shape)) {
            throw new QuantizationError(
              `calibration sample ${n} has ${a.length} values for ${describeInput(inputs[i]!)}: ` +
                'the calibration data cannot fill this input; give samples of the input shape',
            );
          }
        });
        yield arrays;
      }
    },
  };
}

/**
 * Returns a source over a .npy array [N, ...] whose samples (the slices along dimension 0) each
 * fill input 0 of a single-input model. Throws QuantizationError for a malformed file; iterating
 * throws it when a slice does not have the input's size or the model has several inputs.
 */
export function npyCalibration(bytes: Uint8Array, name = 'calibration.npy'): CalibrationSource {
  const arr = npyFloats(bytes, name);
  const n = arr.shape.length > 0 ? arr.shape[0]! : 1;
  const per = n > 0 ? arr.data.length / n : 0;
  return {
    description: `${n} samples from ${name} (shape [${arr.shape.join(', ')}])`,
    size: n,
    skipped: [],
    async *samples(_model, inputs) {
      if (inputs.length !== 1) {
        throw new QuantizationError(
          `${name}: a .npy file holds samples for one input, but the model has ${inputs.length}; pass tensors per input through the API instead`,
        );
      }
      const input = inputs[0]!;
      if (per !== count(input.shape)) {
        throw new QuantizationError(
          `${name}: samples of shape [${arr.shape.slice(1).join(', ')}] (${per} values) cannot fill ${describeInput(input)}; ` +
            `save an array of shape [N, ${input.shape.slice(input.shape[0] === 1 ? 1 : 0).join(', ')}]`,
        );
      }
      for (let i = 0; i < n; i++) yield [arr.data.subarray(i * per, (i + 1) * per)];
    },
  };
}

/**
 * Returns the values of a .npy file as float32 with its shape. Throws QuantizationError for a
 * malformed or non-numeric file.
 */
function npyFloats(bytes: Uint8Array, name: string): { shape: number[]; data: Float32Array } {
  let arr;
  try {
    arr = readNpy(bytes, name);
  } catch (e) {
    if (e instanceof InputError) {
      throw new QuantizationError(
        `${e.message}; save calibration data with numpy.save(file, array), float32 preferred`,
      );
    }
    throw e;
  }
  const raw = new Uint8Array(arr.bytes); // aligned copy
  const view = typedView(arr.dtype, raw.buffer, 0, raw.byteLength);
  let data: Float32Array;
  if (arr.dtype === 'float16') data = Float32Array.from(view as Uint16Array, float16BitsToFloat32);
  else if (view instanceof BigInt64Array || view instanceof BigUint64Array)
    data = Float32Array.from(view, Number);
  else data = Float32Array.from(view as ArrayLike<number>);
  return { shape: arr.shape, data };
}

/** An image the source can load on demand. */
export interface CalibrationImage {
  readonly name: string;
  load(): Promise<RgbaImage>;
}

/** Preprocessing options of imageCalibration (as the classifier's). */
export interface ImageCalibrationOptions {
  /** Region of each photo (default 'center': the largest centred square). */
  crop?: CropOption;
  /** Resampler (default 'libyuv', the TFLite Task Library's). */
  resize?: ResizeMethod;
  /** Normalization mean (one value or one per channel) when the model's metadata has none. */
  mean?: number | readonly number[];
  /** Normalization std (one value or one per channel) when the model's metadata has none. */
  std?: number | readonly number[];
  /** Where the images come from, for messages (e.g. the folder). */
  origin?: string;
}

/**
 * Returns a source over photos for an image model (input 0 an image tensor [1, H, W, 1|3]):
 * crop, resize to the input size, normalize as the metadata says (else `mean`/`std`, else
 * 127.5/127.5). Images that fail to load are skipped and listed in `skipped`. Iterating throws
 * QuantizationError when input 0 is not an image or when no image at all could be used.
 */
export function imageCalibration(
  images: readonly CalibrationImage[],
  options: ImageCalibrationOptions = {},
): CalibrationSource {
  const origin = options.origin ?? 'the given list';
  const skipped: SkippedSample[] = [];
  return {
    description: `${images.length} images from ${origin}`,
    size: images.length,
    skipped,
    async *samples(model, inputs) {
      if (images.length === 0) {
        throw new QuantizationError(
          `${origin} holds no images (JPEG, PNG, WebP, GIF, BMP, AVIF, TIFF): give a folder of representative photos`,
        );
      }
      const input = inputs[0]!;
      if (inputs.length !== 1) {
        throw new QuantizationError(
          `images can fill only single-input models, this one has ${inputs.length} inputs; use --calibration-data with tensors`,
        );
      }
      let specs;
      try {
        specs = buildImageTensorSpecs(model, { ...input, quantization: null });
      } catch (e) {
        if (e instanceof InputError)
          throw new QuantizationError(
            `images cannot fill ${describeInput(input)}: ${e.message}; use --calibration-data FILE.npy with tensors of the input shape`,
          );
        throw e;
      }
      const arr = (v: number | readonly number[]) => (typeof v === 'number' ? [v] : [...v]);
      const normalization =
        specs.normalization ??
        (options.mean !== undefined || options.std !== undefined
          ? expandNormalization(
              { mean: arr(options.mean ?? 127.5), std: arr(options.std ?? 127.5) },
              specs.channels,
              'calibration mean/std',
            )
          : undefined);
      let used = 0;
      for (const image of images) {
        let pixels: RgbaImage;
        try {
          pixels = await image.load();
        } catch (e) {
          if (!(e instanceof TfliteError) && !(e instanceof Error)) throw e;
          skipped.push({ name: image.name, reason: e.message });
          continue;
        }
        const roi = regionOfInterest(pixels.width, pixels.height, options.crop ?? 'center');
        const resized = resizeRegion(pixels, roi, specs.width, specs.height, {
          method: options.resize ?? 'libyuv',
        });
        const tensor = imageToTensor(resized, { ...specs, dtype: 'float32' }, normalization);
        used++;
        yield [tensor instanceof Float32Array ? tensor : Float32Array.from(tensor)];
      }
      if (used === 0) {
        throw new QuantizationError(
          `none of the ${images.length} images from ${origin} could be used (${skipped[0]?.name}: ${skipped[0]?.reason}); give a folder of decodable photos`,
        );
      }
    },
  };
}
