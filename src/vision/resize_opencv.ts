/**
 * Bilinear resampling as MediaPipe's ImageToTensorCalculator does it on the CPU: the ROI's corners
 * are mapped onto the output's corners with cv::getPerspectiveTransform and the image is sampled
 * with cv::warpPerspective(INTER_LINEAR, BORDER_REPLICATE). For an unrotated ROI that transform
 * is a plain scale and offset:
 *
 *   src_x = roi.x + dst_x * roi.width / out_width      (dst_x = 0, 1, ..., no half-pixel shift)
 *
 * OpenCV's 8-bit bilinear path is fixed point: each source coordinate is rounded to 1/32 pixel
 * (cvRound of x * 32, half to even), and the four neighbours are weighted with
 * (32 - fx)(32 - fy), fx(32 - fy), (32 - fx)fy and fx*fy (in 1/1024 units; OpenCV stores them
 * times 32 in 15-bit weights, which is the same), then (sum + 512) >> 10. Coordinates past the
 * last pixel are clamped (BORDER_REPLICATE). The coordinate is computed in double precision, as
 * OpenCV does. Checked pixel for pixel against OpenCV 4.6's cv::warpPerspective during
 * development.
 */
import type { Rect, RgbaImage } from './rgba_image.js';

/** 1/32-pixel steps: OpenCV's INTER_TAB_SIZE (INTER_BITS = 5). */
const TAB = 32;

/** Rounds half to even, as cvRound (the FPU's default rounding mode). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Fixed-point source positions (1/32 pixel) of every output coordinate along one axis. */
function positions(start: number, size: number, out: number): Int32Array {
  const p = new Int32Array(out);
  const scale = size / out;
  for (let i = 0; i < out; i++) p[i] = roundHalfEven((start + i * scale) * TAB);
  return p;
}

/**
 * Returns the `roi` of `src` resampled to outWidth x outHeight as MediaPipe's OpenCV converter
 * (cv::warpPerspective, INTER_LINEAR, replicated border) computes it, all four channels.
 */
export function resizeOpenCv(src: RgbaImage, roi: Rect, outWidth: number, outHeight: number): RgbaImage {
  const s = src.data;
  const w = src.width;
  const h = src.height;
  const px = positions(roi.x, roi.width, outWidth);
  const py = positions(roi.y, roi.height, outHeight);
  const out = new Uint8Array(outWidth * outHeight * 4);
  const clampX = (v: number) => (v < 0 ? 0 : v >= w ? w - 1 : v);
  const clampY = (v: number) => (v < 0 ? 0 : v >= h ? h - 1 : v);
  for (let j = 0; j < outHeight; j++) {
    const Y = py[j]!;
    const yi = Y >> 5;
    const fy = Y & (TAB - 1);
    const r0 = clampY(yi) * w * 4;
    const r1 = clampY(yi + 1) * w * 4;
    for (let i = 0; i < outWidth; i++) {
      const X = px[i]!;
      const xi = X >> 5;
      const fx = X & (TAB - 1);
      const c0 = clampX(xi) * 4;
      const c1 = clampX(xi + 1) * 4;
      const w00 = (TAB - fx) * (TAB - fy);
      const w01 = fx * (TAB - fy);
      const w10 = (TAB - fx) * fy;
      const w11 = fx * fy;
      const o = (j * outWidth + i) * 4;
      for (let c = 0; c < 4; c++) {
        const v =
          s[r0 + c0 + c]! * w00 + s[r0 + c1 + c]! * w01 + s[r1 + c0 + c]! * w10 + s[r1 + c1 + c]! * w11;
        out[o + c] = (v + 512) >> 10;
      }
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
