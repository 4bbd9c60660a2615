/**
 * Image files -> RgbaImage in browsers and Web Workers, giving the same pixels as
 * tflite-ts/node's decoder: createImageBitmap decodes (EXIF orientation applied, embedded colour
 * profile NOT applied, alpha not premultiplied) and an OffscreenCanvas hands back the RGBA bytes.
 * BMP files go through our own decoder, as in Node, so both sides share one BMP reading.
 *
 * Alpha: a 2D canvas stores premultiplied colour, so where a pixel is partly transparent its
 * colour may be off by a level (fully transparent pixels read as black); opaque photos are exact.
 */
import { ImageDecodeError } from '../errors.js';
import { decodeBmp, isBmp } from '../vision/bmp_decoder.js';
import type { RgbaImage } from '../vision/rgba_image.js';

/** What can be drawn to a canvas to read its pixels. */
export type DrawableImage = ImageBitmap | OffscreenCanvas | HTMLImageElement | HTMLCanvasElement | VideoFrame;

/**
 * Returns the RGBA pixels of a drawable image (an ImageBitmap, a video frame for the camera,
 * ...). Throws ImageDecodeError when the pixels cannot be read (e.g. a tainted cross-origin image).
 */
export function pixelsOf(source: DrawableImage, name = 'image'): RgbaImage {
  const width = 'displayWidth' in source ? source.displayWidth : source.width;
  const height = 'displayHeight' in source ? source.displayHeight : source.height;
  if (!width || !height) throw new ImageDecodeError(name, 'the image has no pixels (0x0)');
  try {
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.drawImage(source as CanvasImageSource, 0, 0);
    const data = ctx.getImageData(0, 0, width, height).data;
    return { width, height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
  } catch (err) {
    throw new ImageDecodeError(
      name,
      `cannot read the pixels: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/**
 * Returns the upright RGBA pixels of an encoded image (a File from an <input>, a fetched Blob, or
 * bytes). Throws ImageDecodeError for corrupt, truncated or unsupported data.
 */
export async function decodeImageBlob(input: Blob | Uint8Array, name?: string): Promise<RgbaImage> {
  const label = name ?? (typeof File !== 'undefined' && input instanceof File ? input.name : 'image');
  const blob = input instanceof Uint8Array ? new Blob([input as Uint8Array<ArrayBuffer>]) : input;
  if (blob.size === 0) throw new ImageDecodeError(label, 'the file is empty');
  const head = new Uint8Array(await blob.slice(0, 2).arrayBuffer());
  if (isBmp(head)) return decodeBmp(new Uint8Array(await blob.arrayBuffer()), label);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, {
      imageOrientation: 'from-image',
      colorSpaceConversion: 'none',
      premultiplyAlpha: 'none',
    });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ImageDecodeError(label, `corrupt, truncated or unsupported image (${why})`, { cause: err });
  }
  try {
    return pixelsOf(bitmap, label);
  } finally {
    bitmap.close();
  }
}
