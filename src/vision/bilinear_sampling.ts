/**
 * The sampling loop shared by the half-pixel-centre bilinear resamplers (resize_bilinear.ts,
 * resize_tflite.ts): per axis, each output index reads a lower and an upper source index with a
 * fraction (computed by the resampler, in its own precision); per output pixel the four source
 * pixels at those indices are blended by the resampler's formula.
 */
import type { Rect, RgbaImage } from './rgba_image.js';

/** Per-axis lower index, upper index and fraction (the upper neighbour's weight) of each output coordinate. */
export interface AxisSamples {
  lo: Int32Array;
  hi: Int32Array;
  frac: Float32Array | Float64Array;
}

/**
 * Writes one RGBA output pixel at out[o..o+3] from the source pixels at byte offsets p00 (upper
 * left), p01 (upper right), p10 (lower left), p11 (lower right) of `s` with fractions fx, fy.
 */
export type BlendPixel = (
  s: RgbaImage['data'],
  p00: number,
  p01: number,
  p10: number,
  p11: number,
  fx: number,
  fy: number,
  out: Uint8Array,
  o: number,
) => void;

/**
 * Returns the `roi` of `src` resampled to outWidth x outHeight: output pixel (i, j) blends the
 * source pixels at columns ax.lo[i], ax.hi[i] and rows ay.lo[j], ay.hi[j] (relative to the roi)
 * with `blend`. Never throws for samples inside the roi.
 */
export function resampleBilinear(
  src: RgbaImage,
  roi: Rect,
  outWidth: number,
  outHeight: number,
  ax: AxisSamples,
  ay: AxisSamples,
  blend: BlendPixel,
): RgbaImage {
  const s = src.data;
  const stride = src.width * 4;
  const out = new Uint8Array(outWidth * outHeight * 4);
  for (let j = 0; j < outHeight; j++) {
    const fy = ay.frac[j]!;
    const r0 = (roi.y + ay.lo[j]!) * stride;
    const r1 = (roi.y + ay.hi[j]!) * stride;
    for (let i = 0; i < outWidth; i++) {
      const c0 = (roi.x + ax.lo[i]!) * 4;
      const c1 = (roi.x + ax.hi[i]!) * 4;
      blend(s, r0 + c0, r0 + c1, r1 + c0, r1 + c1, ax.frac[i]!, fy, out, (j * outWidth + i) * 4);
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
