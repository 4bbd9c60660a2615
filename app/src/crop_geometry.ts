/**
 * The square crop as numbers, independent of the DOM: a square of side min(w, h) / zoom whose
 * top-left corner (x, y) is in image pixels. Zoom 1 is the largest square, centred it is exactly
 * the 'center' crop of tflite-ts/vision. Every operation returns a new, clamped state: the square
 * never leaves the image.
 */
import type { Rect } from '../../src/vision/rgba_image.js';

/** Where the crop square is. */
export interface CropState {
  readonly imageWidth: number;
  readonly imageHeight: number;
  /** 1 = the largest square; 2 = half its side; ... up to maxZoom(). */
  readonly zoom: number;
  /** Top-left corner of the square in image pixels (fractional while dragging). */
  readonly x: number;
  readonly y: number;
}

/** The smallest crop side in pixels: smaller squares carry too little of the photo to classify. */
export const MIN_CROP_SIDE = 16;

/** Returns the largest zoom allowed for an image (the crop side stays >= MIN_CROP_SIDE, zoom <= 8). */
export function maxZoom(imageWidth: number, imageHeight: number): number {
  return Math.max(1, Math.min(8, Math.min(imageWidth, imageHeight) / MIN_CROP_SIDE));
}

/** Returns the side of the crop square in image pixels. */
export function cropSide(s: CropState): number {
  return Math.min(s.imageWidth, s.imageHeight) / s.zoom;
}

/** Returns `s` with zoom within [1, maxZoom] and the square inside the image. */
export function clampCrop(s: CropState): CropState {
  const zoom = Math.min(Math.max(s.zoom, 1), maxZoom(s.imageWidth, s.imageHeight));
  const side = Math.min(s.imageWidth, s.imageHeight) / zoom;
  const x = Math.min(Math.max(s.x, 0), s.imageWidth - side);
  const y = Math.min(Math.max(s.y, 0), s.imageHeight - side);
  return { imageWidth: s.imageWidth, imageHeight: s.imageHeight, zoom, x, y };
}

/** Returns the centred crop at `zoom` (default 1: the largest centred square). */
export function centerCrop(imageWidth: number, imageHeight: number, zoom = 1): CropState {
  const side = Math.min(imageWidth, imageHeight) / zoom;
  return clampCrop({
    imageWidth,
    imageHeight,
    zoom,
    x: (imageWidth - side) / 2,
    y: (imageHeight - side) / 2,
  });
}

/** Returns the crop moved by (dx, dy) image pixels (a drag to the right moves the square left: pass -drag). */
export function panBy(s: CropState, dx: number, dy: number): CropState {
  return clampCrop({ ...s, x: s.x + dx, y: s.y + dy });
}

/**
 * Returns the crop at `zoom`, keeping the image point under (fx, fy) — a position inside the
 * square as fractions of its side, e.g. the pinch midpoint or the mouse — where it was.
 */
export function zoomAt(s: CropState, zoom: number, fx = 0.5, fy = 0.5): CropState {
  const z = Math.min(Math.max(zoom, 1), maxZoom(s.imageWidth, s.imageHeight));
  const oldSide = cropSide(s);
  const newSide = Math.min(s.imageWidth, s.imageHeight) / z;
  // The focus point p = x + f * side stays fixed: x' = p - f * side'.
  return clampCrop({
    ...s,
    zoom: z,
    x: s.x + fx * (oldSide - newSide),
    y: s.y + fy * (oldSide - newSide),
  });
}

/**
 * Returns the crop as an integer pixel square inside the image (what the classifier gets). The
 * corner is floored, as tflite-ts/vision's 'center' crop floors half the surplus, so the
 * untouched crop equals the 'center' crop exactly.
 */
export function cropRect(s: CropState): Rect {
  const short = Math.min(s.imageWidth, s.imageHeight);
  const side = Math.min(short, Math.max(1, Math.round(short / s.zoom)));
  const x = Math.min(Math.max(Math.floor(s.x + 1e-9), 0), s.imageWidth - side);
  const y = Math.min(Math.max(Math.floor(s.y + 1e-9), 0), s.imageHeight - side);
  return { x, y, width: side, height: side };
}
