/**
 * One entry point for the resamplers. Each upstream pipeline resamples differently, and a model's
 * scores move by a few 1/256 steps between them, so the method is a choice:
 *  - 'libyuv'   TFLite Task Library (tflite-support ImageClassifier): libyuv ARGBScale bilinear.
 *  - 'opencv'   MediaPipe Tasks (ImageToTensorCalculator on CPU): cv::warpPerspective INTER_LINEAR.
 *  - 'tflite'   libcoral's tests: TFLite RESIZE_BILINEAR, half-pixel centres, float, truncated.
 *  - 'bilinear' plain half-pixel-centre bilinear, rounded (browser canvas / TF2 convention).
 *  - 'area'     area averaging (box filter).
 * With `antialias`, a shrink by more than 2x on either axis uses area averaging instead, whatever
 * the method: bilinear filters read 2x2 source pixels per output pixel and alias beyond 2x.
 */
import { InputError } from '../errors.js';
import { resizeArea } from './resize_area.js';
import { resizeBilinear } from './resize_bilinear.js';
import { resizeLibyuv } from './resize_libyuv.js';
import { resizeOpenCv } from './resize_opencv.js';
import { resizeTflite } from './resize_tflite.js';
import { type Rect, type RgbaImage, checkRect } from './rgba_image.js';

/** The resampling methods; see the module comment for which upstream pipeline each matches. */
export type ResizeMethod = 'libyuv' | 'opencv' | 'tflite' | 'bilinear' | 'area';

/** Every ResizeMethod name, for option parsing. */
export const RESIZE_METHODS: readonly ResizeMethod[] = ['libyuv', 'opencv', 'tflite', 'bilinear', 'area'];

/** Options of resizeRegion. */
export interface ResizeOptions {
  method?: ResizeMethod;
  /** Area-average when shrinking by more than 2x (default false: reproduce the upstream pipelines). */
  antialias?: boolean;
}

const RESAMPLERS: Record<ResizeMethod, (src: RgbaImage, roi: Rect, w: number, h: number) => RgbaImage> = {
  libyuv: resizeLibyuv,
  opencv: resizeOpenCv,
  tflite: resizeTflite,
  bilinear: resizeBilinear,
  area: resizeArea,
};

/**
 * Returns the `roi` of `image` resampled to width x height (RGBA). Throws InputError for a ROI
 * outside the image, a non-positive size or an unknown method.
 */
export function resizeRegion(
  image: RgbaImage,
  roi: Rect,
  width: number,
  height: number,
  options: ResizeOptions = {},
): RgbaImage {
  checkRect(image, roi);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InputError(`cannot resize to ${width}x${height}: the size must be positive integers`);
  }
  let method = options.method ?? 'libyuv';
  const resample = RESAMPLERS[method];
  if (!resample) {
    throw new InputError(
      `unknown resize method ${JSON.stringify(method)}; use one of ${RESIZE_METHODS.join(', ')}`,
    );
  }
  if (options.antialias && (roi.width > 2 * width || roi.height > 2 * height)) method = 'area';
  return RESAMPLERS[method](image, roi, width, height);
}
