/**
 * Resized RGBA pixels -> the values of an image model's input tensor: channel selection (RGB, or
 * luma for grayscale models), normalization, quantization and layout (NHWC or NCHW).
 *
 * What each input type receives, following the Task Library and MediaPipe:
 *  - float32: (pixel - mean) / std, mean/std from the metadata, else the caller's options, else
 *    127.5/127.5 (the [-1, 1] range of the TF-slim / Keras MobileNet family).
 *  - uint8: the raw pixel 0..255 (both upstream libraries feed it unchanged; the tensor's
 *    quantization is what maps it to the model's real range).
 *  - int8: the raw pixel shifted by -128 (q = pixel - 128), the int8 analogue of the above, which
 *    is what int8 models exported from uint8-trained pipelines expect (e.g. scale 1/255 with
 *    zero point -128 means real = pixel / 255).
 *  - uint8/int8 with explicit mean/std from the caller: real = (pixel - mean) / std, quantized
 *    with the tensor's scale and zero point (round half away from zero, clamped).
 */
import type { ImageTensorSpecs, NormalizationValues } from './image_tensor_specs.js';
import type { RgbaImage } from './rgba_image.js';

/** The typed array an image input takes. */
export type ImageTensorData = Float32Array | Uint8Array | Int8Array;

/**
 * Luma of an RGB pixel with ITU-R BT.601 weights, rounded: the conversion OpenCV's RGB2GRAY and
 * PIL's convert('L') use, to within rounding.
 */
export function luma(r: number, g: number, b: number): number {
  return Math.floor((r * 299 + g * 587 + b * 114 + 500) / 1000);
}

/**
 * Returns the input tensor values for `image` (already resized to specs.width x specs.height).
 * `normalization`, when given, overrides the defaults described above (for quantized inputs it
 * switches to normalize-then-quantize); it must have one mean/std per channel.
 */
export function imageToTensor(
  image: RgbaImage,
  specs: ImageTensorSpecs,
  normalization?: NormalizationValues,
): ImageTensorData {
  const { width, height, channels, layout, dtype } = specs;
  const n = width * height;
  const px = image.data;
  const out: ImageTensorData =
    dtype === 'float32'
      ? new Float32Array(n * channels)
      : dtype === 'uint8'
        ? new Uint8Array(n * channels)
        : new Int8Array(n * channels);
  // Element index of pixel i, channel c.
  const at =
    layout === 'NHWC' ? (i: number, c: number) => i * channels + c : (i: number, c: number) => c * n + i;
  const value = valueMapper(specs, normalization);
  for (let i = 0; i < n; i++) {
    const p = i * 4;
    if (channels === 1) {
      out[at(i, 0)] = value(luma(px[p]!, px[p + 1]!, px[p + 2]!), 0);
    } else {
      out[at(i, 0)] = value(px[p]!, 0);
      out[at(i, 1)] = value(px[p + 1]!, 1);
      out[at(i, 2)] = value(px[p + 2]!, 2);
    }
  }
  return out;
}

/** Rounds half away from zero, as TFLite's quantization does. */
function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** Returns the function mapping a pixel value of channel c to the tensor element. */
function valueMapper(
  specs: ImageTensorSpecs,
  normalization?: NormalizationValues,
): (v: number, c: number) => number {
  const f = Math.fround;
  if (specs.dtype === 'float32') {
    const norm = normalization ??
      specs.normalization ?? { mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5] };
    return (v, c) => f(f(v - norm.mean[c]!) / norm.std[c]!);
  }
  const [lo, hi] = specs.dtype === 'uint8' ? [0, 255] : [-128, 127];
  const q = specs.quantization;
  if (normalization && q) {
    return (v, c) => {
      const real = f(f(v - normalization.mean[c]!) / normalization.std[c]!);
      const x = roundHalfAway(f(real / q.scale)) + q.zeroPoint;
      return x < lo ? lo : x > hi ? hi : x;
    };
  }
  return specs.dtype === 'uint8' ? (v) => v : (v) => v - 128;
}
