/**
 * SSD box decoding (TFLite detection_postprocess.cc DecodeCenterSizeBoxes): each box encoding
 * (y, x, h, w) is relative to its anchor (ycenter, xcenter, h, w):
 *
 *   ycenter = y / y_scale * anchor.h + anchor.y        xcenter = x / x_scale * anchor.w + anchor.x
 *   half_h  = 0.5 * exp(h / h_scale) * anchor.h        half_w  = 0.5 * exp(w / w_scale) * anchor.w
 *   box     = (ycenter - half_h, xcenter - half_w, ycenter + half_h, xcenter + half_w)
 *
 * TFLite evaluates the four expressions in double from float inputs and stores float32; the
 * corners are float32 differences. uint8 encodings and anchors are dequantized first as
 * (q - zero_point) * scale in float32.
 */

/** Where to read one coordinate array (float32, or uint8 with its quantization). */
export interface CoordinateSource {
  data: Float32Array | Uint8Array;
  /** Values per box (box_code_size for encodings, 4 for anchors). */
  stride: number;
  /** For uint8 data. */
  scale: number;
  zeroPoint: number;
}

/** Reads element k of a source as float32 (dequantizing uint8). */
function value(s: CoordinateSource, k: number): number {
  const v = s.data[k]!;
  return s.data instanceof Uint8Array ? Math.fround((v - s.zeroPoint) * s.scale) : v;
}

/**
 * Decodes `numBoxes` boxes into `out` as [ymin, xmin, ymax, xmax] per box. Never throws.
 */
export function decodeCenterSizeBoxes(
  encodings: CoordinateSource,
  anchors: CoordinateSource,
  numBoxes: number,
  scales: { y: number; x: number; h: number; w: number },
  out: Float32Array,
): void {
  const f = Math.fround;
  for (let i = 0; i < numBoxes; i++) {
    const e = i * encodings.stride;
    const a = i * anchors.stride;
    const y = value(encodings, e);
    const x = value(encodings, e + 1);
    const h = value(encodings, e + 2);
    const w = value(encodings, e + 3);
    const ay = value(anchors, a);
    const ax = value(anchors, a + 1);
    const ah = value(anchors, a + 2);
    const aw = value(anchors, a + 3);
    const ycenter = f((y / scales.y) * ah + ay);
    const xcenter = f((x / scales.x) * aw + ax);
    const halfH = f(0.5 * Math.exp(h / scales.h) * ah);
    const halfW = f(0.5 * Math.exp(w / scales.w) * aw);
    out[4 * i] = ycenter - halfH;
    out[4 * i + 1] = xcenter - halfW;
    out[4 * i + 2] = ycenter + halfH;
    out[4 * i + 3] = xcenter + halfW;
  }
}
