/**
 * The image type every vision function takes: 8-bit RGBA pixels, row-major, top row first, four
 * bytes per pixel — the layout of the DOM's ImageData, so a browser ImageData passes straight in
 * and the Node and browser decoders hand over identical bytes.
 */
import { InputError } from '../errors.js';

/** An image as 8-bit RGBA pixels (width * height * 4 bytes, top row first). */
export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** A pixel rectangle: origin at the top-left corner, integer coordinates. */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Returns `image` after checking its size fields and data length; throws InputError if they disagree. */
export function checkRgbaImage(image: RgbaImage, what = 'image'): RgbaImage {
  const { width, height, data } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
    throw new InputError(
      `${what}: invalid size ${width}x${height} (width and height must be positive integers)`,
    );
  }
  if (!(data instanceof Uint8Array || data instanceof Uint8ClampedArray)) {
    throw new InputError(`${what}: pixel data must be a Uint8Array or Uint8ClampedArray of RGBA bytes`);
  }
  if (data.length !== width * height * 4) {
    throw new InputError(
      `${what}: ${width}x${height} RGBA needs ${width * height * 4} bytes, got ${data.length} ` +
        '(pass 4 bytes per pixel; use rgbaFromChannels for RGB or grayscale data)',
    );
  }
  return image;
}

/**
 * Returns an RGBA image built from packed 1 (gray), 2 (gray + alpha), 3 (RGB) or 4 (RGBA) channel
 * bytes. Throws InputError when the length does not match.
 */
export function rgbaFromChannels(
  width: number,
  height: number,
  channels: 1 | 2 | 3 | 4,
  src: Uint8Array | Uint8ClampedArray,
): RgbaImage {
  const n = width * height;
  if (src.length !== n * channels) {
    throw new InputError(
      `${width}x${height}x${channels} image needs ${n * channels} bytes, got ${src.length}`,
    );
  }
  const out = new Uint8Array(n * 4);
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    const o = i * 4;
    if (channels <= 2) {
      out[o] = out[o + 1] = out[o + 2] = src[j]!;
      out[o + 3] = channels === 2 ? src[j + 1]! : 255;
    } else {
      out[o] = src[j]!;
      out[o + 1] = src[j + 1]!;
      out[o + 2] = src[j + 2]!;
      out[o + 3] = channels === 4 ? src[j + 3]! : 255;
    }
  }
  return { width, height, data: out };
}

/** Returns the pixels of `rect` as a new image (a copy). Throws InputError when rect leaves the image. */
export function cropImage(image: RgbaImage, rect: Rect): RgbaImage {
  checkRect(image, rect);
  const out = new Uint8Array(rect.width * rect.height * 4);
  for (let y = 0; y < rect.height; y++) {
    const from = ((rect.y + y) * image.width + rect.x) * 4;
    out.set(image.data.subarray(from, from + rect.width * 4), y * rect.width * 4);
  }
  return { width: rect.width, height: rect.height, data: out };
}

/** Returns `rect` when it is a non-empty integer rectangle inside `image`; throws InputError otherwise. */
export function checkRect(image: { width: number; height: number }, rect: Rect): Rect {
  const { x, y, width, height } = rect;
  const ints = [x, y, width, height].every(Number.isInteger);
  if (
    !ints ||
    width <= 0 ||
    height <= 0 ||
    x < 0 ||
    y < 0 ||
    x + width > image.width ||
    y + height > image.height
  ) {
    throw new InputError(
      `region ${x},${y},${width},${height} (x,y,width,height) is not inside the ${image.width}x${image.height} image`,
    );
  }
  return rect;
}
