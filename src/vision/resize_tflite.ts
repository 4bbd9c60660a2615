/**
 * Bilinear resampling as TFLite's RESIZE_BILINEAR reference kernel computes it with
 * half_pixel_centers = true and align_corners = false, in float32, followed by a truncating
 * float -> uint8 conversion. This is libcoral's test pipeline (coral/test_utils.cc ResizeImage
 * runs a one-op RESIZE_BILINEAR interpreter on the float image, then std::copy truncates into the
 * uint8 input tensor).
 *
 *   in_y = (out_y + 0.5) * (in_h / out_h) - 0.5,  y0 = max(floor(in_y), 0),
 *   y1 = min(ceil(in_y), in_h - 1), and the same along x;
 *   v = p00 (1-dy)(1-dx) + p01 (1-dy) dx + p10 dy (1-dx) + p11 dy dx   with dy = in_y - y0
 *
 * libcoral runs the op through the builtin resolver, i.e. the optimized kernel
 * (ResizeBilinearGeneric), which forms each corner's weight first and accumulates the corners in
 * the order (y0,x0), (y0,x1), (y1,x0), (y1,x1). Every operation is rounded to float32
 * (Math.fround) in that order, so values that land on an integer truncate the same way.
 */
import { type AxisSamples, type BlendPixel, resampleBilinear } from './bilinear_sampling.js';
import type { Rect, RgbaImage } from './rgba_image.js';

const f = Math.fround;

/** Per-axis sample positions: lower index, upper index and float32 fraction. */
function axis(size: number, out: number): AxisSamples {
  const scale = f(size / out);
  const lo = new Int32Array(out);
  const hi = new Int32Array(out);
  const frac = new Float32Array(out);
  for (let i = 0; i < out; i++) {
    const v = f(f(f(i + 0.5) * scale) - 0.5);
    const l = Math.max(Math.floor(v), 0);
    lo[i] = l;
    hi[i] = Math.min(Math.ceil(v), size - 1);
    frac[i] = f(v - l);
  }
  return { lo, hi, frac };
}

/** Forms the four corner weights in float32, accumulates the corners in that order and truncates. */
const blend: BlendPixel = (s, p00, p01, p10, p11, dx, dy, out, o) => {
  const nx = f(1 - dx);
  const ny = f(1 - dy);
  const w00 = f(ny * nx);
  const w01 = f(ny * dx);
  const w10 = f(dy * nx);
  const w11 = f(dy * dx);
  for (let c = 0; c < 4; c++) {
    let v = f(s[p00 + c]! * w00);
    v = f(v + f(s[p01 + c]! * w01));
    v = f(v + f(s[p10 + c]! * w10));
    v = f(v + f(s[p11 + c]! * w11));
    out[o + c] = Math.trunc(v);
  }
};

/**
 * Returns the `roi` of `src` resized to outWidth x outHeight with TFLite's half-pixel-centre
 * bilinear kernel in float32, truncated to uint8 (all four channels).
 */
export function resizeTflite(src: RgbaImage, roi: Rect, outWidth: number, outHeight: number): RgbaImage {
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
