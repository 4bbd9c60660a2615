/**
 * Area averaging (a box filter): each output pixel is the mean of the source pixels it covers,
 * partly covered pixels weighted by the covered fraction. Used when a large photo is shrunk by
 * more than 2x: a bilinear filter then reads only 2x2 pixels per output pixel and skips the rest,
 * which aliases fine detail; averaging all of them does not. Equivalent to OpenCV's INTER_AREA
 * and PIL's BOX filter for downscaling, computed here in double precision and rounded to nearest.
 */
import type { Rect, RgbaImage } from './rgba_image.js';

/** For one axis: for each output index, the first source index and the weight of each covered source pixel. */
function coverage(size: number, out: number): { first: Int32Array; weights: Float64Array[] } {
  const scale = size / out;
  const first = new Int32Array(out);
  const weights: Float64Array[] = [];
  for (let i = 0; i < out; i++) {
    const a = i * scale;
    const b = Math.min((i + 1) * scale, size);
    const lo = Math.floor(a);
    const hi = Math.min(Math.ceil(b), size);
    const w = new Float64Array(hi - lo);
    for (let k = lo; k < hi; k++) w[k - lo] = (Math.min(b, k + 1) - Math.max(a, k)) / (b - a);
    first[i] = lo;
    weights.push(w);
  }
  return { first, weights };
}

/** Returns the `roi` of `src` shrunk (or stretched) to outWidth x outHeight by area averaging, all four channels. */
export function resizeArea(src: RgbaImage, roi: Rect, outWidth: number, outHeight: number): RgbaImage {
  const s = src.data;
  const stride = src.width * 4;
  const cx = coverage(roi.width, outWidth);
  const cy = coverage(roi.height, outHeight);
  const out = new Uint8Array(outWidth * outHeight * 4);
  // Separable: average columns of each needed source row into `tmp`, then rows of `tmp`.
  const tmp = new Float64Array(roi.height * outWidth * 4);
  for (let y = 0; y < roi.height; y++) {
    const row = (roi.y + y) * stride + roi.x * 4;
    for (let i = 0; i < outWidth; i++) {
      const w = cx.weights[i]!;
      const p0 = row + cx.first[i]! * 4;
      const t = (y * outWidth + i) * 4;
      for (let k = 0; k < w.length; k++) {
        const wk = w[k]!;
        const p = p0 + k * 4;
        tmp[t] += s[p]! * wk;
        tmp[t + 1] += s[p + 1]! * wk;
        tmp[t + 2] += s[p + 2]! * wk;
        tmp[t + 3] += s[p + 3]! * wk;
      }
    }
  }
  for (let j = 0; j < outHeight; j++) {
    const w = cy.weights[j]!;
    for (let i = 0; i < outWidth; i++) {
      const o = (j * outWidth + i) * 4;
      for (let c = 0; c < 4; c++) {
        let v = 0;
        for (let k = 0; k < w.length; k++) v += tmp[((cy.first[j]! + k) * outWidth + i) * 4 + c]! * w[k]!;
        out[o + c] = Math.min(255, Math.round(v));
      }
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}
