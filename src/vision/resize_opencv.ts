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
 * last pixel are clamped (BORDER_REPLICATE). The coordinates come from OpenCV's own matrix
 * arithmetic (see inverseMap), so even exact half-way positions round the same way. Checked
 * pixel for pixel against OpenCV 4.6's cv::warpPerspective during development.
 */
import type { Rect, RgbaImage } from './rgba_image.js';

/** 1/32-pixel steps: OpenCV's INTER_TAB_SIZE (INTER_BITS = 5). */
const TAB = 32;

/** Rounds half to even, as cvRound (the FPU's default rounding mode). */
function roundHalfEven(v: number): number {
  const r = Math.round(v);
  return r - v === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * cv::getPerspectiveTransform followed by warpPerspective's invert(): the 3x3 map from output
 * pixels to source coordinates, computed with OpenCV's own arithmetic so that the rare exact
 * half-way coordinates (e.g. 451 -> 128 pixels) round as they do there. The ROI corners come from
 * cv::boxPoints in float32; the 8x8 system is solved by Gaussian elimination with partial
 * pivoting (OpenCV's LUImpl), and the 3x3 inverse uses the cofactor formula of cv::invert.
 */
function inverseMap(roi: Rect, outWidth: number, outHeight: number): Float64Array {
  const f = Math.fround;
  const cx = f(roi.x + f(roi.width / 2));
  const cy = f(roi.y + f(roi.height / 2));
  // boxPoints with angle 0: b = cos(0) * 0.5, a = sin(0) * 0.5 = 0.
  const hw = f(0.5 * roi.width);
  const hh = f(0.5 * roi.height);
  const p0 = [f(cx - hw), f(cy + hh)];
  const p1 = [f(cx - hw), f(cy - hh)];
  const src = [p0, p1, [f(2 * cx - p0[0]!), f(2 * cy - p0[1]!)], [f(2 * cx - p1[0]!), f(2 * cy - p1[1]!)]];
  const dst = [
    [0, outHeight],
    [0, 0],
    [outWidth, 0],
    [outWidth, outHeight],
  ];
  const a = Array.from({ length: 8 }, () => new Float64Array(8));
  const b = new Float64Array(8);
  for (let i = 0; i < 4; i++) {
    const [sx, sy] = src[i] as [number, number];
    const [dx, dy] = dst[i] as [number, number];
    a[i]![0] = a[i + 4]![3] = sx;
    a[i]![1] = a[i + 4]![4] = sy;
    a[i]![2] = a[i + 4]![5] = 1;
    // The products are float32 (Point2f * Point2f) before they are stored as double.
    a[i]![6] = -f(sx * dx);
    a[i]![7] = -f(sy * dx);
    a[i + 4]![6] = -f(sx * dy);
    a[i + 4]![7] = -f(sy * dy);
    b[i] = dx;
    b[i + 4] = dy;
  }
  for (let i = 0; i < 8; i++) {
    let k = i;
    for (let j = i + 1; j < 8; j++) if (Math.abs(a[j]![i]!) > Math.abs(a[k]![i]!)) k = j;
    if (k !== i) {
      [a[i], a[k]] = [a[k]!, a[i]!];
      [b[i], b[k]] = [b[k]!, b[i]!];
    }
    const d = -1 / a[i]![i]!;
    for (let j = i + 1; j < 8; j++) {
      const alpha = a[j]![i]! * d;
      for (let c = i + 1; c < 8; c++) a[j]![c] = a[j]![c]! + alpha * a[i]![c]!;
      b[j] = b[j]! + alpha * b[i]!;
    }
  }
  for (let i = 7; i >= 0; i--) {
    let s = b[i]!;
    for (let c = i + 1; c < 8; c++) s -= a[i]![c]! * b[c]!;
    b[i] = s / a[i]![i]!;
  }
  const m = (r: number, c: number) => (r === 2 && c === 2 ? 1 : b[r * 3 + c]!);
  let det =
    m(0, 0) * (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) -
    m(0, 1) * (m(1, 0) * m(2, 2) - m(1, 2) * m(2, 0)) +
    m(0, 2) * (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0));
  det = 1 / det;
  return Float64Array.from([
    (m(1, 1) * m(2, 2) - m(1, 2) * m(2, 1)) * det,
    (m(0, 2) * m(2, 1) - m(0, 1) * m(2, 2)) * det,
    (m(0, 1) * m(1, 2) - m(0, 2) * m(1, 1)) * det,
    (m(1, 2) * m(2, 0) - m(1, 0) * m(2, 2)) * det,
    (m(0, 0) * m(2, 2) - m(0, 2) * m(2, 0)) * det,
    (m(0, 2) * m(1, 0) - m(0, 0) * m(1, 2)) * det,
    (m(1, 0) * m(2, 1) - m(1, 1) * m(2, 0)) * det,
    (m(0, 1) * m(2, 0) - m(0, 0) * m(2, 1)) * det,
    (m(0, 0) * m(1, 1) - m(0, 1) * m(1, 0)) * det,
  ]);
}

/**
 * Returns the `roi` of `src` resampled to outWidth x outHeight as MediaPipe's OpenCV converter
 * (cv::warpPerspective, INTER_LINEAR, replicated border) computes it, all four channels.
 */
export function resizeOpenCv(src: RgbaImage, roi: Rect, outWidth: number, outHeight: number): RgbaImage {
  const s = src.data;
  const w = src.width;
  const h = src.height;
  const M = inverseMap(roi, outWidth, outHeight);
  const out = new Uint8Array(outWidth * outHeight * 4);
  const clampX = (v: number) => (v < 0 ? 0 : v >= w ? w - 1 : v);
  const clampY = (v: number) => (v < 0 ? 0 : v >= h ? h - 1 : v);
  // warpPerspective works in blocks of up to 1024 pixels (bh0 rows of bw0 columns); within a
  // block a row starts from X0 = M0*xb + M1*y + M2 at the block's first column xb, then adds
  // M0*x1 — the same sum in a different order than M0*x + ..., which matters at ties.
  const bh0 = Math.min(16, outHeight);
  const bw0 = Math.min(Math.floor(1024 / bh0), outWidth);
  for (let j = 0; j < outHeight; j++) {
    for (let xb = 0; xb < outWidth; xb += bw0) {
      const X0 = M[0]! * xb + M[1]! * j + M[2]!;
      const Y0 = M[3]! * xb + M[4]! * j + M[5]!;
      const W0 = M[6]! * xb + M[7]! * j + M[8]!;
      const end = Math.min(xb + bw0, outWidth);
      for (let i = xb; i < end; i++) {
        const x1 = i - xb;
        let W = W0 + M[6]! * x1;
        W = W ? TAB / W : 0;
        const X = roundHalfEven(Math.max(-2147483648, Math.min(2147483647, (X0 + M[0]! * x1) * W)));
        const Y = roundHalfEven(Math.max(-2147483648, Math.min(2147483647, (Y0 + M[3]! * x1) * W)));
        const xi = X >> 5;
        const fx = X & (TAB - 1);
        const yi = Y >> 5;
        const fy = Y & (TAB - 1);
        const r0 = clampY(yi) * w * 4;
        const r1 = clampY(yi + 1) * w * 4;
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
  }
  return { width: outWidth, height: outHeight, data: out };
}
