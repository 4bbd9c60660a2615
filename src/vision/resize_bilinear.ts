/**
 * Plain bilinear resampling with half-pixel centres (the convention of TF2's tf.image.resize,
 * PyTorch's align_corners=False and the browser canvas): output pixel centre i + 0.5 maps to
 * source position (i + 0.5) * in / out, the two nearest source centres on each axis are blended
 * (edges clamped), and the result is rounded to nearest. Double precision; no upstream pipeline
 * to match bit for bit, so this is the neutral choice when none is asked for.
 */
import { type AxisSamples, type BlendPixel, resampleBilinear } from './bilinear_sampling.js';
import type { Rect, RgbaImage } from './rgba_image.js';

/** Per-axis lower index, upper index and fraction of each output coordinate. */
function axis(size: number, out: number): AxisSamples {
  const scale = size / out;
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const frac = new Float64Array(out);
  for (let i = 0; i < out; i++) {
    const v = Math.min(Math.max((i + 0.5) * scale - 0.5, 0), size - 1);
    const l = Math.floor(v);
    lo[i] = l;
    hi[i] = Math.min(l + 1, size - 1);
    frac[i] = v - l;
  }
  return { lo, hi, frac };
}

/** Blends in double along x, then y, and rounds to nearest. */
const blend: BlendPixel = (s, p00, p01, p10, p11, fx, fy, out, o) => {
  for (let c = 0; c < 4; c++) {
    const top = s[p00 + c]! + (s[p01 + c]! - s[p00 + c]!) * fx;
    const bottom = s[p10 + c]! + (s[p11 + c]! - s[p10 + c]!) * fx;
    out[o + c] = Math.round(top + (bottom - top) * fy);
  }
};

/** Returns the `roi` of `src` resized to outWidth x outHeight with half-pixel-centre bilinear filtering, all four channels. */
export function resizeBilinear(src: RgbaImage, roi: Rect, outWidth: number, outHeight: number): RgbaImage {
  return resampleBilinear(
    src,
    roi,
    outWidth,
    outHeight,
    axis(roi.width, outWidth),
    axis(roi.height, outHeight),
    blend,
  );
}
