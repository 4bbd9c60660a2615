/**
 * Bilinear scaling as libyuv's ARGBScale(..., kFilterBilinear) computes it: the resampler of the
 * TFLite Task Library (tflite-support's ResizeRgb/ResizeRgba; RGB is widened to ARGB, scaled and
 * narrowed back, so each channel is scaled alone). Written from libyuv's documented fixed-point
 * scheme and checked pixel for pixel against Debian's libyuv (0.0~git20230123) on the fixture
 * photos during development.
 *
 * The algorithm, all in integers:
 *  1. Filter reduction: no vertical filtering when the height is unchanged or divided by exactly
 *     3, no horizontal filtering when the width is (ScaleFilterReduce).
 *  2. Positions are 16.16 fixed point. Downscaling an axis: step = (src << 16) / dst (truncated),
 *     start = step / 2 - 0.5 (sample at output pixel centres, filter centred). Upscaling: step =
 *     ((src << 16) - 0x10001) / (dst - 1), start 0, so the first and last output pixels sit on
 *     the first and last source pixels (ScaleSlope).
 *  3. Special cases with integer steps: an equal size is a copy; an odd integer factor samples
 *     the nearest pixel; an even factor averages a 2x2 box. x86 builds (SSE2, what the Task
 *     Library's tests ran on) average it with two rounding-up byte averages, rows first:
 *     avg(avg(a, c), avg(b, d)) with avg(p, q) = (p + q + 1) >> 1; the portable C path's
 *     (a+b+c+d+2)>>2 can be one lower. We follow the x86 result.
 *  4. Otherwise rows are blended with an 8-bit fraction, (a*(256-f) + b*f + 128) >> 8 (f = 0 copies,
 *     f = 128 is (a+b+1)>>1), and columns with a 7-bit fraction, (a*(127-f) + b*f) >> 7 — libyuv's
 *     column filter weights sum to 127, not 128, so it darkens by up to one level; we keep that.
 *     Downscaling blends rows first then columns; upscaling filters columns of two source rows
 *     and then blends those rows.
 */
import type { Rect, RgbaImage } from './rgba_image.js';

const enum Filter {
  None = 0,
  Linear = 1,
  Bilinear = 2,
}

/** (num << 16) / div, truncated: libyuv's FixedDiv. */
function fixedDiv(num: number, div: number): number {
  return Math.trunc((num * 65536) / div);
}

/** ((num << 16) - 0x10001) / (div - 1): libyuv's FixedDiv1, the step that lands on the last pixel. */
function fixedDiv1(num: number, div: number): number {
  return Math.trunc((num * 65536 - 0x10001) / (div - 1));
}

/** ScaleFilterReduce for ARGB with a bilinear request. */
function reduceFilter(sw: number, sh: number, dw: number, dh: number): Filter {
  let f = Filter.Bilinear;
  if (sh === 1) f = Filter.Linear;
  if (dh === sh || dh * 3 === sh) f = Filter.Linear;
  if (sw === 1) f = Filter.None;
  if (f === Filter.Linear) {
    if (sw === 1) f = Filter.None;
    if (dw === sw || dw * 3 === sw) f = Filter.None;
  }
  return f;
}

/** Start and step along one axis for the given filter (ScaleSlope). */
function slope(src: number, dst: number, filter: Filter, vertical: boolean): [start: number, step: number] {
  if (filter === Filter.None || (vertical && filter === Filter.Linear)) {
    const step = fixedDiv(src, dst);
    // Point sampling: start at the centre of the first step; Linear (horizontal-only) filtering
    // also point-samples rows, starting at step / 2.
    return [step >> 1, step];
  }
  if (dst <= src) {
    const step = fixedDiv(src, dst);
    return [(step >> 1) - 32768, step];
  }
  if (src > 1 && dst > 1) return [0, fixedDiv1(src, dst)];
  return [0, 0];
}

/**
 * Returns the `roi` of `src` scaled to outWidth x outHeight with libyuv's ARGBScale bilinear
 * arithmetic (all four channels). Sizes must be positive; the ROI must be inside the image.
 */
export function resizeLibyuv(src: RgbaImage, roi: Rect, outWidth: number, outHeight: number): RgbaImage {
  const sw = roi.width;
  const sh = roi.height;
  const stride = src.width * 4;
  const base = roi.y * stride + roi.x * 4;
  const s = src.data;
  const out = new Uint8Array(outWidth * outHeight * 4);
  let filter = reduceFilter(sw, sh, outWidth, outHeight);
  const [x, dx] = slope(sw, outWidth, filter, false);
  const [y0, dy] = slope(sh, outHeight, filter, true);
  let y = y0;

  // Integer steps (ScaleARGB's special cases).
  if (((dx | dy) & 0xffff) === 0) {
    if (dx === 0 || dy === 0) {
      filter = Filter.None; // one pixel wide or tall
    } else if (!(dx & 0x10000) && !(dy & 0x10000)) {
      downEven(s, base, stride, out, outWidth, outHeight, x, dx, y, dy, filter !== Filter.None);
      return { width: outWidth, height: outHeight, data: out };
    } else if (dx & 0x10000 && dy & 0x10000) {
      filter = Filter.None; // odd factors (and the plain copy) sample the centre pixel
    }
  }
  if (dx === 0x10000 && (x & 0xffff) === 0) {
    vertical(s, base, stride, sh, out, outWidth, outHeight, x, y, dy, filter !== Filter.None);
  } else if (filter !== Filter.None && dy < 65536) {
    bilinearUp(s, base, stride, sh, out, outWidth, outHeight, x, dx, y, dy, filter);
  } else if (filter !== Filter.None) {
    bilinearDown(s, base, stride, sh, out, outWidth, outHeight, x, dx, y, dy, filter);
  } else {
    for (let j = 0; j < outHeight; j++, y += dy) {
      const row = base + (y >> 16) * stride;
      let xx = x;
      for (let i = 0; i < outWidth; i++, xx += dx) {
        const from = row + (xx >> 16) * 4;
        const to = (j * outWidth + i) * 4;
        out[to] = s[from]!;
        out[to + 1] = s[from + 1]!;
        out[to + 2] = s[from + 2]!;
        out[to + 3] = s[from + 3]!;
      }
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

type Bytes = Uint8Array | Uint8ClampedArray;

/** Even integer factor: 2x2 box average (ScaleARGBRowDownEvenBox) or point sampling. */
function downEven(
  s: Bytes,
  base: number,
  stride: number,
  out: Uint8Array,
  dw: number,
  dh: number,
  x: number,
  dx: number,
  y: number,
  dy: number,
  box: boolean,
): void {
  const colStep = (dx >> 16) * 4;
  const rowStep = (dy >> 16) * stride;
  let row = base + (y >> 16) * stride + (x >> 16) * 4;
  for (let j = 0; j < dh; j++, row += rowStep) {
    for (let i = 0, p = row; i < dw; i++, p += colStep) {
      const o = (j * dw + i) * 4;
      for (let c = 0; c < 4; c++) {
        if (!box) {
          out[o + c] = s[p + c]!;
          continue;
        }
        const left = (s[p + c]! + s[p + stride + c]! + 1) >> 1;
        const right = (s[p + 4 + c]! + s[p + stride + 4 + c]! + 1) >> 1;
        out[o + c] = (left + right + 1) >> 1;
      }
    }
  }
}

/** InterpolateRow: blends `width` bytes of two rows with an 8-bit fraction f (0..255). */
function interpolateRow(
  dst: Uint8Array,
  d0: number,
  s: Bytes,
  r0: number,
  r1: number,
  width: number,
  f: number,
): void {
  if (f === 0) {
    for (let k = 0; k < width; k++) dst[d0 + k] = s[r0 + k]!;
    return;
  }
  const f0 = 256 - f;
  for (let k = 0; k < width; k++) dst[d0 + k] = (s[r0 + k]! * f0 + s[r1 + k]! * f + 128) >> 8;
}

/** ScaleARGBFilterCols: each output pixel blends source pixels xi and xi+1 with a 7-bit fraction. */
function filterCols(
  dst: Uint8Array,
  d0: number,
  s: Bytes,
  row: number,
  dw: number,
  x: number,
  dx: number,
): void {
  for (let i = 0; i < dw; i++, x += dx) {
    const xi = x >> 16;
    const f = (x >> 9) & 0x7f;
    const a = row + xi * 4;
    const o = d0 + i * 4;
    for (let c = 0; c < 4; c++) dst[o + c] = (s[a + c]! * (0x7f ^ f) + s[a + 4 + c]! * f) >> 7;
  }
}

/** Unscaled width, any height: ScalePlaneVertical. */
function vertical(
  s: Bytes,
  base: number,
  stride: number,
  sh: number,
  out: Uint8Array,
  dw: number,
  dh: number,
  x: number,
  y: number,
  dy: number,
  filtering: boolean,
): void {
  const maxY = sh > 1 ? (sh - 1) * 65536 - 1 : 0;
  const col = base + (x >> 16) * 4;
  for (let j = 0; j < dh; j++, y += dy) {
    if (y > maxY) y = maxY;
    const r0 = col + (y >> 16) * stride;
    interpolateRow(out, j * dw * 4, s, r0, r0 + stride, dw * 4, filtering ? (y >> 8) & 255 : 0);
  }
}

/** ScaleARGBBilinearDown: blend two source rows, then filter columns. */
function bilinearDown(
  s: Bytes,
  base: number,
  stride: number,
  sh: number,
  out: Uint8Array,
  dw: number,
  dh: number,
  x: number,
  dx: number,
  y: number,
  dy: number,
  filter: Filter,
): void {
  const maxY = (sh - 1) * 65536;
  // Only the source columns the filter touches are blended (libyuv aligns them to 4 pixels; the
  // values are the same either way).
  const lastX = x + (dw - 1) * dx;
  const used = Math.min(stride - (base % stride), ((lastX >> 16) + 2) * 4);
  const row = new Uint8Array(used);
  for (let j = 0; j < dh; j++) {
    if (y > maxY) y = maxY;
    const r0 = base + (y >> 16) * stride;
    if (filter === Filter.Linear) {
      filterCols(out, j * dw * 4, s, r0, dw, x, dx);
    } else {
      const f = (y >> 8) & 255;
      // The next row is only read when f > 0, so the last row never reads past the image.
      interpolateRow(row, 0, s, r0, r0 + stride, used, f);
      filterCols(out, j * dw * 4, row, 0, dw, x, dx);
    }
    y += dy;
  }
}

/** ScaleARGBBilinearUp: filter columns of the two source rows around y, then blend them. */
function bilinearUp(
  s: Bytes,
  base: number,
  stride: number,
  sh: number,
  out: Uint8Array,
  dw: number,
  dh: number,
  x: number,
  dx: number,
  y: number,
  dy: number,
  filter: Filter,
): void {
  const maxY = (sh - 1) * 65536;
  if (y > maxY) y = maxY;
  const rowBytes = dw * 4;
  // Two column-filtered rows; `cur` is the upper one, `nxt` the lower one.
  let cur = new Uint8Array(rowBytes);
  let nxt = new Uint8Array(rowBytes);
  let yi = y >> 16;
  let src = base + yi * stride;
  let lastY = yi;
  filterCols(cur, 0, s, src, dw, x, dx);
  if (sh > 1) src += stride;
  filterCols(nxt, 0, s, src, dw, x, dx);
  if (sh > 2) src += stride;
  for (let j = 0; j < dh; j++) {
    yi = y >> 16;
    if (yi !== lastY) {
      if (y > maxY) {
        y = maxY;
        yi = y >> 16;
        src = base + yi * stride;
      }
      if (yi !== lastY) {
        // Shift the pair down by one source row: the old lower row becomes the upper one.
        const t = cur;
        cur = nxt;
        nxt = t;
        filterCols(nxt, 0, s, src, dw, x, dx);
        lastY = yi;
        if (y + 65536 < maxY) src += stride;
      }
    }
    const f = filter === Filter.Linear ? 0 : (y >> 8) & 255;
    const o = j * rowBytes;
    if (f === 0) out.set(cur, o);
    else {
      const f0 = 256 - f;
      for (let k = 0; k < rowBytes; k++) out[o + k] = (cur[k]! * f0 + nxt[k]! * f + 128) >> 8;
    }
    y += dy;
  }
}
