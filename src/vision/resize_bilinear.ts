/**
 * Plain bilinear resampling with half-pixel centres (the convention of TF2's tf.image.resize,
 * PyTorch's align_corners=False and the browser canvas): output pixel centre i + 0.5 maps to
 * source position (i + 0.5) * in / out, the two nearest source centres on each axis are blended
 * (edges clamped), and the result is rounded to nearest. Double precision; no upstream pipeline
 * to match bit for bit, so this is the neutral choice when none is asked for.
 */
import type { Rect, RgbaImage } from './rgba_image.js';

/** Per-axis lower index, upper index and fraction of each output coordinate. */
function axis(size: number, out: number): { lo: Int32Array; hi: Int32Array; frac: Float64Array } {
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

/** Returns the `roi` of `src` resized to outWidth x outHeight with half-pixel-centre bilinear filtering, all four channels. */
export function resizeBilinear(src: RgbaImage, roi: Rect, outWidth: number, outHeight: number): RgbaImage {
  const s = src.data;
  const stride = src.width * 4;
  const ax = axis(roi.width, outWidth);
  const ay = axis(roi.height, outHeight);
  const out = new Uint8Array(outWidth * outHeight * 4);
  for (let j = 0; j < outHeight; j++) {
    const fy = ay.frac[j]!;
    const r0 = (roi.y + ay.lo[j]!) * stride;
    const r1 = (roi.y + ay.hi[j]!) * stride;
    for (let i = 0; i < outWidth; i++) {
      const fx = ax.frac[i]!;
      const c0 = (roi.x + ax.lo[i]!) * 4;
      const c1 = (roi.x + ax.hi[i]!) * 4;
      const o = (j * outWidth + i) * 4;
      for (let c = 0; c < 4; c++) {
        const top = s[r0 + c0 + c]! + (s[r0 + c1 + c]! - s[r0 + c0 + c]!) * fx;
        const bottom = s[r1 + c0 + c]! + (s[r1 + c1 + c]! - s[r1 + c0 + c]!) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
