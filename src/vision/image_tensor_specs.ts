/**
 * What an image model's input tensor expects, read from the tensor and the TFLite Metadata, as
 * the Task Library's BuildInputImageTensorSpecs and MediaPipe's image_tensor_specs do: size,
 * channels (RGB or grayscale), layout (NHWC, or NCHW for PyTorch exports), element type,
 * quantization, colour space and the metadata's NormalizationOptions.
 */
import { InputError } from '../errors.js';
import { getModelMetadata, getNormalization } from '../format/model_metadata.js';
import type { DType } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';

/** Affine quantization of a tensor: real = scale * (q - zeroPoint). */
export interface TensorQuantization {
  scale: number;
  zeroPoint: number;
}

/** Per-channel (x - mean) / std (one value applies to every channel). */
export interface NormalizationValues {
  mean: number[];
  std: number[];
}

/** The input tensor of an image model, as preprocessing needs it. */
export interface ImageTensorSpecs {
  width: number;
  height: number;
  /** 3 for RGB models, 1 for grayscale ones. */
  channels: 1 | 3;
  /** Memory layout of the input: NHWC (TFLite) or NCHW (PyTorch exports). */
  layout: 'NHWC' | 'NCHW';
  dtype: 'float32' | 'uint8' | 'int8';
  /** Per-tensor quantization of uint8/int8 inputs, else null. */
  quantization: TensorQuantization | null;
  /**
   * ImageProperties.color_space from the metadata; when the metadata gives none (or UNKNOWN), the
   * channel count decides (3 -> RGB, 1 -> GRAYSCALE), as MediaPipe defaults to RGB.
   */
  colorSpace: 'RGB' | 'GRAYSCALE';
  /** The metadata's NormalizationOptions, or undefined when it has none. */
  normalization: NormalizationValues | undefined;
}

/** The tensor fields buildImageTensorSpecs needs (Interpreter's TensorInfo has them). */
export interface InputTensorInfo {
  name: string;
  shape: readonly number[];
  dtype: DType;
  quantization: { scale: readonly number[]; zeroPoint: readonly number[] } | null;
}

/** Options of buildImageTensorSpecs. */
export interface ImageTensorSpecsOptions {
  /** Position of the image input among the model's inputs (default 0). */
  input?: number;
  /**
   * Throw when a float input has no NormalizationOptions, as MediaPipe does
   * (kMetadataMissingNormalizationOptionsError). Default false: the caller falls back to options
   * or conventions.
   */
  requireNormalizationForFloat?: boolean;
}

/** Returns 'NHWC' or 'NCHW' and the H, W, C of a rank-4 (or rank-3, grayscale) image shape. */
function layoutOf(
  shape: readonly number[],
): { layout: 'NHWC' | 'NCHW'; h: number; w: number; c: number } | undefined {
  if (shape.length === 3 && shape[0] === 1) return { layout: 'NHWC', h: shape[1]!, w: shape[2]!, c: 1 };
  if (shape.length !== 4 || shape[0] !== 1) return undefined;
  const [, a, b, c] = shape as [number, number, number, number];
  if (c === 1 || c === 3) return { layout: 'NHWC', h: a, w: b, c };
  if (a === 1 || a === 3) return { layout: 'NCHW', h: b, w: c, c: a };
  return undefined;
}

/**
 * Returns the specs of an image model's input. Throws InputError when the input is not an image
 * tensor (batch 1, 1 or 3 channels, float32/uint8/int8), or, with requireNormalizationForFloat,
 * when a float input lacks NormalizationOptions; ModelFormatError for malformed metadata.
 */
export function buildImageTensorSpecs(
  model: Model,
  tensor: InputTensorInfo,
  options: ImageTensorSpecsOptions = {},
): ImageTensorSpecs {
  const input = options.input ?? 0;
  const where = `input ${input} (${JSON.stringify(tensor.name)}, ${tensor.dtype} [${tensor.shape.join(', ')}])`;
  const geo = layoutOf(tensor.shape);
  if (!geo || geo.h <= 0 || geo.w <= 0) {
    throw new InputError(
      `${where} is not an image tensor: expected [1, height, width, 1 or 3] (NHWC) or [1, 1 or 3, height, width] (NCHW)`,
    );
  }
  const dtype = tensor.dtype;
  if (dtype !== 'float32' && dtype !== 'uint8' && dtype !== 'int8') {
    throw new InputError(`${where}: image inputs must be float32, uint8 or int8`);
  }
  const q = tensor.quantization;
  if (q && q.scale.length > 1) {
    throw new InputError(`${where}: per-channel quantization of an image input is not supported`);
  }
  const quantization =
    dtype !== 'float32' && q && q.scale.length === 1
      ? { scale: q.scale[0]!, zeroPoint: q.zeroPoint[0] ?? 0 }
      : null;

  const meta = getModelMetadata(model);
  const props = meta?.subgraphMetadata?.[0]?.inputTensorMetadata?.[input]?.content?.contentProperties;
  let colorSpace: ImageTensorSpecs['colorSpace'] = geo.c === 3 ? 'RGB' : 'GRAYSCALE';
  if (props?.type === 'ImageProperties' && (props.colorSpace === 'RGB' || props.colorSpace === 'GRAYSCALE')) {
    colorSpace = props.colorSpace;
  }
  if (colorSpace === 'RGB' && geo.c !== 3)
    throw new InputError(`${where}: metadata says RGB but the tensor has ${geo.c} channel(s)`);
  if (colorSpace === 'GRAYSCALE' && geo.c !== 1)
    throw new InputError(`${where}: metadata says GRAYSCALE but the tensor has ${geo.c} channels`);

  const norm = getNormalization(model, input);
  const normalization =
    norm && norm.mean.length > 0 && norm.std.length > 0 ? expand(norm, geo.c, where) : undefined;
  if (options.requireNormalizationForFloat && dtype === 'float32' && !normalization) {
    throw new InputError(
      `${where}: float input without NormalizationOptions in the model metadata ` +
        '(kMetadataMissingNormalizationOptionsError); pass mean and std in the options',
    );
  }
  return {
    width: geo.w,
    height: geo.h,
    channels: geo.c as 1 | 3,
    layout: geo.layout,
    dtype,
    quantization,
    colorSpace,
    normalization,
  };
}

/** Returns mean/std with one value per channel (a single value is repeated); throws InputError for other counts or std = 0. */
export function expandNormalization(
  norm: NormalizationValues,
  channels: number,
  where = 'normalization',
): NormalizationValues {
  return expand(norm, channels, where);
}

function expand(norm: NormalizationValues, channels: number, where: string): NormalizationValues {
  const fit = (v: number[], name: string) => {
    if (v.length === 1) return Array.from({ length: channels }, () => v[0]!);
    if (v.length === channels) return [...v];
    throw new InputError(
      `${where}: ${name} has ${v.length} values; expected 1 or ${channels} (one per channel)`,
    );
  };
  const mean = fit(norm.mean, 'mean');
  const std = fit(norm.std, 'std');
  if (std.some((s) => s === 0 || !Number.isFinite(s)))
    throw new InputError(`${where}: std must be non-zero, got [${std.join(', ')}]`);
  return { mean, std };
}
