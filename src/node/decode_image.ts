/**
 * Image files -> RgbaImage in Node: JPEG, PNG (8/16-bit, palette, grayscale, alpha), WebP, GIF
 * (first frame), AVIF, TIFF through sharp (libvips), and BMP through our own decoder (libvips
 * does not read BMP). The EXIF orientation of phone photos is applied, so the pixels come out
 * upright. Embedded ICC profiles are NOT applied: the upstream pipelines (TFLite Task Library,
 * MediaPipe, TF's decode_jpeg) feed the stored values, and so does our browser decoder
 * (colorSpaceConversion 'none'), which keeps Node and browser pixels identical.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type sharpFn from 'sharp';
import { ImageDecodeError } from '../errors.js';
import { decodeBmp, isBmp } from '../vision/bmp_decoder.js';
import type { RgbaImage } from '../vision/rgba_image.js';

/** Largest image accepted, in pixels (sharp's default guard against decompression bombs). */
const MAX_PIXELS = 268_402_689;

let sharpLoaded: Promise<typeof sharpFn> | undefined;

/**
 * Returns sharp, imported on first use: loading libvips takes 100-200 ms, which importing
 * `tflite-ts/node` (and every CLI command) would otherwise pay before doing anything. Throws
 * ImageDecodeError naming `name` when sharp cannot be loaded (not installed for this platform).
 */
async function loadSharp(name: string): Promise<typeof sharpFn> {
  sharpLoaded ??= import('sharp').then((m) => m.default);
  try {
    return await sharpLoaded;
  } catch (err) {
    sharpLoaded = undefined;
    const why = err instanceof Error ? err.message.trim().split('\n')[0] : String(err);
    throw new ImageDecodeError(
      name,
      `the image decoder sharp could not be loaded (${why}); reinstall it for this platform (npm install sharp) or pass BMP files`,
      { cause: err },
    );
  }
}

/**
 * Loads the image decoder (sharp) now, so a timed first decode measures decoding only. Resolves
 * either way: a decoder that cannot be loaded is reported by the decode itself.
 */
export async function loadImageDecoder(): Promise<void> {
  await loadSharp('image').catch(() => undefined);
}

/** Turns sharp's (libvips') error text into a short reason. */
function reasonOf(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/unsupported image format/i.test(text)) {
    return 'unsupported or unrecognised format (expected JPEG, PNG, WebP, GIF, BMP, AVIF or TIFF)';
  }
  if (/premature end|truncated|unexpected end|not enough data|EOF/i.test(text))
    return `the file is truncated (${text.trim()})`;
  return text.trim().split('\n')[0] ?? 'unknown error';
}

/**
 * Returns the upright RGBA pixels of an encoded image. `name` is used in error messages.
 * Throws ImageDecodeError for corrupt, truncated or unsupported data.
 */
export async function decodeImageBytes(bytes: Uint8Array, name = 'image'): Promise<RgbaImage> {
  if (bytes.length === 0) throw new ImageDecodeError(name, 'the file is empty');
  if (isBmp(bytes)) return decodeBmp(bytes, name);
  const sharp = await loadSharp(name);
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', limitInputPixels: MAX_PIXELS, pages: 1 })
      .keepIccProfile() // keep the stored values: no colour-profile conversion
      .rotate() // apply the EXIF orientation
      .toColourspace('srgb') // grayscale and CMYK become three channels
      .ensureAlpha()
      .raw({ depth: 'uchar' }) // 16-bit PNGs become 8-bit
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4) throw new Error(`decoder produced ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  } catch (err) {
    throw new ImageDecodeError(name, reasonOf(err), { cause: err });
  }
}

/**
 * Returns the upright RGBA pixels of the image file at `path`. Throws ImageDecodeError when the
 * file cannot be read or decoded.
 */
export async function decodeImageFile(path: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const why = e.code === 'ENOENT' ? 'no such file' : e.code === 'EISDIR' ? 'is a directory' : e.message;
    throw new ImageDecodeError(path, `cannot read the file: ${why}`, { cause: err });
  }
  return decodeImageBytes(
    new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    path || basename(path),
  );
}
