/**
 * Writers of small image files for tests, byte by byte, so decoders are tested against files
 * whose every pixel we know: PNG (gray, RGB 8/16-bit, palette, alpha), BMP (palette, 24-bit,
 * 32-bit bitfields, top-down), and an EXIF orientation tag inserted into a JPEG.
 */
import { crc32, deflateSync } from 'node:zlib';

function be32(n: number): number[] {
  return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const head = Uint8Array.from([...be32(data.length), ...Buffer.from(type, 'latin1')]);
  const crc = crc32(Buffer.concat([head.subarray(4), data]));
  return Buffer.concat([head, data, Uint8Array.from(be32(crc))]);
}

/** PNG colour types. */
export type PngColor = 'gray' | 'rgb' | 'palette' | 'gray-alpha' | 'rgba';

/**
 * Returns a PNG file: `rows` holds each row's samples (bitDepth 8 or 16, samples per pixel per
 * the colour type; palette images give indices and `palette` RGB triples).
 */
export function writePng(
  width: number,
  height: number,
  color: PngColor,
  bitDepth: 8 | 16,
  samples: ArrayLike<number>,
  palette?: number[][],
): Uint8Array {
  const channels = { gray: 1, rgb: 3, palette: 1, 'gray-alpha': 2, rgba: 4 }[color];
  const type = { gray: 0, rgb: 2, palette: 3, 'gray-alpha': 4, rgba: 6 }[color];
  const bps = bitDepth / 8;
  const raw = new Uint8Array(height * (1 + width * channels * bps));
  let o = 0;
  for (let y = 0; y < height; y++) {
    raw[o++] = 0; // filter: none
    for (let i = 0; i < width * channels; i++) {
      const v = samples[y * width * channels + i]!;
      if (bps === 2) raw[o++] = v >> 8;
      raw[o++] = v & 255;
    }
  }
  const ihdr = Uint8Array.from([...be32(width), ...be32(height), bitDepth, type, 0, 0, 0]);
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr)];
  if (palette) parts.push(chunk('PLTE', Uint8Array.from(palette.flat())));
  parts.push(chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0)));
  return Buffer.concat(parts);
}

function le(n: number, bytes: number): number[] {
  return Array.from({ length: bytes }, (_, i) => (n >>> (8 * i)) & 255);
}

/**
 * Returns a BMP file of RGBA `pixels` (top row first) in the given pixel format: 24-bit BGR,
 * 32-bit BI_BITFIELDS BGRA with an alpha mask, or 8-bit with `palette` (pixels then give the
 * palette index in their red byte). `topDown` writes a negative height.
 */
export function writeBmp(
  width: number,
  height: number,
  pixels: Uint8Array | Uint8ClampedArray,
  format: 24 | 32 | 8,
  options: { topDown?: boolean; palette?: number[][] } = {},
): Uint8Array {
  const rowBytes = Math.ceil((width * format) / 32) * 4;
  const masks =
    format === 32
      ? [...le(0x00ff0000, 4), ...le(0x0000ff00, 4), ...le(0x000000ff, 4), ...le(0xff000000, 4)]
      : [];
  const headerSize = format === 32 ? 56 : 40;
  const paletteBytes = format === 8 ? (options.palette ?? []).flatMap(([r, g, b]) => [b!, g!, r!, 0]) : [];
  const offset = 14 + headerSize + paletteBytes.length;
  const size = offset + rowBytes * height;
  const out = new Uint8Array(size);
  const info = [
    ...le(headerSize, 4),
    ...le(width, 4),
    ...le(options.topDown ? -height : height, 4),
    ...le(1, 2),
    ...le(format, 2),
    ...le(format === 32 ? 3 : 0, 4),
    ...le(rowBytes * height, 4),
    ...le(2835, 4),
    ...le(2835, 4),
    ...le(format === 8 ? paletteBytes.length / 4 : 0, 4),
    ...le(0, 4),
    ...masks,
  ];
  out.set([0x42, 0x4d, ...le(size, 4), 0, 0, 0, 0, ...le(offset, 4)], 0);
  out.set(info, 14);
  out.set(paletteBytes, 14 + headerSize);
  for (let y = 0; y < height; y++) {
    const row = offset + (options.topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 4;
      if (format === 8) out[row + x] = pixels[p]!;
      else {
        const q = row + x * (format / 8);
        out[q] = pixels[p + 2]!;
        out[q + 1] = pixels[p + 1]!;
        out[q + 2] = pixels[p]!;
        if (format === 32) out[q + 3] = pixels[p + 3]!;
      }
    }
  }
  return out;
}

/**
 * Returns the JPEG with an EXIF APP1 segment holding only the Orientation tag (0x0112) inserted
 * right after the SOI marker. Orientation 6 means "rotate 90 degrees clockwise to display".
 */
export function withExifOrientation(jpeg: Uint8Array, orientation: number): Uint8Array {
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  // TIFF header (big-endian "MM", magic 42, IFD0 at offset 8), one IFD entry, no next IFD.
  const tiff = [
    0x4d,
    0x4d,
    0,
    42,
    ...be32(8),
    0,
    1,
    0x01,
    0x12,
    0,
    3,
    ...be32(1),
    0,
    orientation,
    0,
    0,
    ...be32(0),
  ];
  const payload = [...Buffer.from('Exif\0\0', 'latin1'), ...tiff];
  const length = payload.length + 2;
  const app1 = Uint8Array.from([0xff, 0xe1, length >> 8, length & 255, ...payload]);
  return Buffer.concat([jpeg.subarray(0, 2), app1, jpeg.subarray(2)]);
}
