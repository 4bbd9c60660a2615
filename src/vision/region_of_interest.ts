/**
 * Region of interest: which part of the photo becomes the model input. Three forms:
 *  - 'center': the largest centred square (the app's default: a phone photo is cropped square
 *    before it is squeezed to the model's square input, so nothing is distorted);
 *  - 'none': the whole image, resized without keeping the aspect ratio (TFLite Task Library and
 *    MediaPipe ImageClassifier default);
 *  - a rectangle in pixels.
 */
import { InputError } from '../errors.js';
import { type Rect, checkRect } from './rgba_image.js';

/** How to choose the region of the image that is classified. */
export type CropOption = 'center' | 'none' | Rect;

/** Returns the pixel rectangle that `crop` selects in a width x height image; throws InputError for a rect outside it. */
export function regionOfInterest(width: number, height: number, crop: CropOption): Rect {
  if (crop === 'none') return { x: 0, y: 0, width, height };
  if (crop === 'center') {
    const side = Math.min(width, height);
    // Floor of half the surplus: for an odd surplus the extra column/row is dropped on the right
    // or bottom, as PIL's and torchvision's centre crops do (they round the offset down too).
    return {
      x: Math.floor((width - side) / 2),
      y: Math.floor((height - side) / 2),
      width: side,
      height: side,
    };
  }
  return checkRect({ width, height }, crop);
}

/**
 * Returns the CropOption written as `center`, `none` or `x,y,w,h` (the CLI's --crop).
 * Throws InputError for anything else.
 */
export function parseCropOption(text: string): CropOption {
  const t = text.trim().toLowerCase();
  if (t === 'center' || t === 'centre') return 'center';
  if (t === 'none' || t === 'full') return 'none';
  const parts = t.split(',').map((s) => s.trim());
  if (parts.length === 4 && parts.every((p) => /^\d+$/.test(p))) {
    const [x, y, width, height] = parts.map(Number) as [number, number, number, number];
    if (width > 0 && height > 0) return { x, y, width, height };
  }
  throw new InputError(
    `--crop ${JSON.stringify(text)}: expected center, none, or x,y,width,height in pixels (e.g. 0,0,100,100)`,
  );
}
