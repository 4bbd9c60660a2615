/**
 * A small, strict BMP decoder (sharp/libvips does not read BMP; the Coral and TFLM test photos
 * are BMPs). Platform neutral, so Node and the browser get the same pixels.
 *
 * Supported: Windows BMP with a BITMAPINFOHEADER or later header (40, 52, 56, 108 or 124 bytes)
 * or the old 12-byte OS/2 core header; 1, 4 and 8-bit palettes; 24-bit BGR; 16 and 32-bit BI_RGB
 * and BI_BITFIELDS; bottom-up (positive height) and top-down (negative height) rows, each padded
 * to 4 bytes. Not supported (ImageDecodeError): RLE and JPEG/PNG-in-BMP compression.
 *
 * Alpha: a 32-bit BI_RGB file's fourth byte is officially unused and often zero, so it is read
 * as opaque; BI_BITFIELDS with an alpha mask gives real alpha.
 */
import { ImageDecodeError } from '../errors.js';
import type { RgbaImage } from './rgba_image.js';

/** Returns true when the bytes start like a BMP file ("BM"). */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

/** Largest width or height accepted (guards against absurd allocations from corrupt headers). */
const MAX_SIDE = 1 << 15;

/**
 * Returns the RGBA pixels of a BMP file. Throws ImageDecodeError (naming `file`) for a
 * truncated, corrupt or unsupported file.
 */
export function decodeBmp(bytes: Uint8Array, file = 'image.bmp'): RgbaImage {
  const fail = (reason: string): never => {
    throw new ImageDecodeError(file, `BMP: ${reason}`);
  };
  if (!isBmp(bytes)) fail('not a BMP file (no "BM" signature)');
  if (bytes.length < 26) fail(`truncated: ${bytes.length} bytes, shorter than the headers`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  if (![12, 40, 52, 56, 64, 108, 124].includes(headerSize)) fail(`unknown header size ${headerSize}`);
  if (14 + headerSize > bytes.length) fail('truncated inside the info header');
  const core = headerSize === 12;
  const width = core ? dv.getUint16(18, true) : dv.getInt32(18, true);
  const rawHeight = core ? dv.getInt16(22, true) : dv.getInt32(22, true);
  const planes = dv.getUint16(core ? 24 : 26, true);
  const bpp = dv.getUint16(core ? 26 : 28, true);
  const compression = core ? 0 : dv.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (planes !== 1) fail(`planes must be 1, got ${planes}`);
  if (width <= 0 || height <= 0 || width > MAX_SIDE || height > MAX_SIDE)
    fail(`invalid size ${width}x${rawHeight}`);
  if (![1, 4, 8, 16, 24, 32].includes(bpp)) fail(`unsupported bit depth ${bpp}`);
  if (compression === 1 || compression === 2)
    fail('RLE compression is not supported; save the image uncompressed');
  if (compression === 4 || compression === 5) fail('embedded JPEG/PNG in BMP is not supported');
  if (compression !== 0 && !(compression === 3 && (bpp === 16 || bpp === 32)) && compression !== 6) {
    fail(`unsupported compression ${compression} for ${bpp}-bit pixels`);
  }

  // Channel masks for 16/32-bit pixels: BI_BITFIELDS reads them after the 40-byte header (or
  // inside a V2+ header); BI_RGB uses 5-5-5 for 16-bit and 8-8-8 for 32-bit.
  let masks: [number, number, number, number] | undefined;
  if (bpp === 16 || bpp === 32) {
    if (compression === 3 || compression === 6) {
      const at = 14 + 40;
      const count = compression === 6 || headerSize >= 56 ? 4 : 3;
      if (at + count * 4 > bytes.length) fail('truncated inside the colour masks');
      masks = [
        dv.getUint32(at, true),
        dv.getUint32(at + 4, true),
        dv.getUint32(at + 8, true),
        count === 4 ? dv.getUint32(at + 12, true) : 0,
      ];
    } else {
      masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
    }
  }

  // Palette: after the info header (and the masks of a 40-byte BI_BITFIELDS header).
  let palette: Uint8Array | undefined;
  if (bpp <= 8) {
    const entrySize = core ? 3 : 4;
    const declared = core ? 0 : dv.getUint32(46, true);
    const colors = declared === 0 ? 1 << bpp : declared;
    if (colors > 1 << bpp) fail(`palette of ${colors} colours for ${bpp}-bit pixels`);
    const at = 14 + headerSize;
    if (at + colors * entrySize > bytes.length) fail('truncated inside the palette');
    palette = new Uint8Array((1 << bpp) * 4); // missing entries read as opaque black
    for (let i = 0; i < 1 << bpp; i++) palette[i * 4 + 3] = 255;
    for (let i = 0; i < colors; i++) {
      const p = at + i * entrySize;
      palette[i * 4] = bytes[p + 2]!;
      palette[i * 4 + 1] = bytes[p + 1]!;
      palette[i * 4 + 2] = bytes[p]!;
    }
  }

  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  // The last row need not carry its padding; everything before it must be there.
  const needed = pixelOffset + rowBytes * (height - 1) + Math.ceil((width * bpp) / 8);
  if (pixelOffset < 14 + headerSize || pixelOffset > bytes.length)
    fail(`pixel data offset ${pixelOffset} is outside the file`);
  if (needed > bytes.length) fail(`truncated: ${bytes.length} bytes, the pixel data needs ${needed}`);

  const out = new Uint8Array(width * height * 4);
  const channel = (v: number, mask: number): number => {
    if (mask === 0) return -1;
    let shift = 0;
    while (((mask >>> shift) & 1) === 0) shift++;
    const max = mask >>> shift;
    return Math.round((((v & mask) >>> shift) * 255) / max);
  };
  for (let y = 0; y < height; y++) {
    const src = pixelOffset + (topDown ? y : height - 1 - y) * rowBytes;
    const dst = y * width * 4;
    for (let x = 0; x < width; x++) {
      const o = dst + x * 4;
      if (palette) {
        const bitPos = x * bpp;
        const byte = bytes[src + (bitPos >> 3)]!;
        const index = (byte >> (8 - bpp - (bitPos & 7))) & ((1 << bpp) - 1);
        out.set(palette.subarray(index * 4, index * 4 + 4), o);
      } else if (bpp === 24) {
        const p = src + x * 3;
        out[o] = bytes[p + 2]!;
        out[o + 1] = bytes[p + 1]!;
        out[o + 2] = bytes[p]!;
        out[o + 3] = 255;
      } else {
        const v = bpp === 16 ? dv.getUint16(src + x * 2, true) : dv.getUint32(src + x * 4, true);
        const m = masks!;
        out[o] = Math.max(0, channel(v, m[0]));
        out[o + 1] = Math.max(0, channel(v, m[1]));
        out[o + 2] = Math.max(0, channel(v, m[2]));
        const a = channel(v, m[3]);
        out[o + 3] = a < 0 ? 255 : a;
      }
    }
  }
  return { width, height, data: out };
}
