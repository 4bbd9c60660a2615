/**
 * Node image decoding: every format the classifier accepts gives the expected RGBA pixels
 * (lossless formats exactly, lossy ones closely), EXIF orientation is applied, and corrupt,
 * truncated or unsupported files give ImageDecodeError naming the file.
 */
import { readFileSync } from 'node:fs';
import sharp, { type CreateRaw, type Sharp } from 'sharp';
import { describe, expect, it } from 'vitest';
import { ImageDecodeError } from '../../src/errors.js';
import { decodeImageBytes, decodeImageFile } from '../../src/node/decode_image.js';
import type { RgbaImage } from '../../src/vision/rgba_image.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { withExifOrientation, writeBmp, writePng } from '../vision/helpers/image_files.js';

/** A deterministic 7x5 RGBA test pattern (odd sizes exercise row padding). */
function pattern(alpha = false): RgbaImage {
  const width = 7;
  const height = 5;
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    data[i * 4] = (i * 37) & 255;
    data[i * 4 + 1] = (i * 91 + 13) & 255;
    data[i * 4 + 2] = (255 - i * 53) & 255;
    data[i * 4 + 3] = alpha ? (i * 29) & 255 : 255;
  }
  return { width, height, data };
}

function rgbOf(img: RgbaImage): number[] {
  return Array.from(img.data).filter((_, i) => i % 4 !== 3);
}

function meanAbsDiff(a: RgbaImage, b: RgbaImage): number {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  let s = 0;
  for (let i = 0; i < a.data.length; i++) if (i % 4 !== 3) s += Math.abs(a.data[i]! - b.data[i]!);
  return s / ((a.data.length * 3) / 4);
}

async function encode(img: RgbaImage, f: (s: Sharp) => Sharp): Promise<Uint8Array> {
  return new Uint8Array(
    await f(sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } })).toBuffer(),
  );
}

describe('PNG variants (hand-written files)', () => {
  const p = pattern(true);
  const n = p.width * p.height;
  it('8-bit RGBA keeps every byte, alpha included', async () => {
    const png = writePng(p.width, p.height, 'rgba', 8, p.data);
    const out = await decodeImageBytes(png, 'rgba8.png');
    expect(Array.from(out.data)).toEqual(Array.from(p.data));
  });
  it('16-bit RGB gives the high byte of each sample (v * 257 -> v)', async () => {
    const samples = rgbOf(p).map((v) => v * 257);
    const out = await decodeImageBytes(writePng(p.width, p.height, 'rgb', 16, samples), 'rgb16.png');
    expect(rgbOf(out)).toEqual(rgbOf(p));
    expect(out.data[3]).toBe(255);
  });
  it('grayscale and grayscale + alpha become R = G = B', async () => {
    const g = Array.from({ length: n }, (_, i) => (i * 7) & 255);
    const out = await decodeImageBytes(writePng(p.width, p.height, 'gray', 8, g), 'gray.png');
    expect(
      Array.from({ length: n }, (_, i) => [out.data[i * 4], out.data[i * 4 + 1], out.data[i * 4 + 2]]),
    ).toEqual(g.map((v) => [v, v, v]));
    const ga = g.flatMap((v, i) => [v, (i * 11) & 255]);
    const out2 = await decodeImageBytes(writePng(p.width, p.height, 'gray-alpha', 8, ga), 'ga.png');
    expect(out2.data[4 * 3 + 3]).toBe(33);
    expect(out2.data[4 * 3]).toBe(21);
  });
  it('palette indices map to the palette colours', async () => {
    const palette = [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
      [12, 34, 56],
    ];
    const idx = Array.from({ length: n }, (_, i) => i % 4);
    const out = await decodeImageBytes(writePng(p.width, p.height, 'palette', 8, idx, palette), 'pal.png');
    expect(Array.from({ length: n }, (_, i) => Array.from(out.data.subarray(i * 4, i * 4 + 3)))).toEqual(
      idx.map((k) => palette[k]),
    );
  });
});

describe('other formats (encoded with sharp from a known pattern)', () => {
  const p = pattern();
  it('WebP lossless and TIFF are exact', async () => {
    for (const [name, f] of [
      ['webp', (s: Sharp) => s.webp({ lossless: true })],
      ['tiff', (s: Sharp) => s.tiff({ compression: 'lzw' })],
    ] as const) {
      const out = await decodeImageBytes(await encode(p, f), `p.${name}`);
      expect(rgbOf(out), name).toEqual(rgbOf(p));
    }
  });
  it('GIF gives the first frame', async () => {
    const frame = (r: number, g: number, b: number) => {
      const d = new Uint8Array(8 * 8 * 4);
      for (let i = 0; i < 64; i++) d.set([r, g, b, 255], i * 4);
      return d;
    };
    // Two 8x8 frames stacked vertically: red, then blue.
    const both = Buffer.concat([frame(255, 0, 0), frame(0, 0, 255)]);
    const animated = await sharp(both, {
      raw: { width: 8, height: 16, channels: 4, pageHeight: 8 } as CreateRaw,
    })
      .gif({ loop: 0, delay: [100, 100] })
      .toBuffer();
    expect((await sharp(animated).metadata()).pages).toBe(2);
    const out = await decodeImageBytes(new Uint8Array(animated), 'anim.gif');
    expect([out.width, out.height]).toEqual([8, 8]);
    expect(Array.from(out.data.subarray(0, 4))).toEqual([255, 0, 0, 255]);
  });
  it('JPEG and AVIF (lossy) stay close to the source', async () => {
    const big: RgbaImage = await decodeImageFile(fixturePath('images/chelsea.png'));
    for (const [name, f, tol] of [
      ['jpeg', (s: Sharp) => s.jpeg({ quality: 95, chromaSubsampling: '4:4:4' }), 2],
      ['avif', (s: Sharp) => s.avif({ quality: 80 }), 6],
    ] as const) {
      const out = await decodeImageBytes(await encode(big, f), `c.${name}`);
      expect(meanAbsDiff(out, big), name).toBeLessThan(tol);
    }
  });
});

describe('BMP (our decoder)', () => {
  const p = pattern(true);
  it('24-bit bottom-up and top-down, 32-bit bitfields with alpha', async () => {
    const opaque = Uint8Array.from(p.data, (v, i) => (i % 4 === 3 ? 255 : v));
    for (const topDown of [false, true]) {
      const out = await decodeImageBytes(
        writeBmp(p.width, p.height, Uint8Array.from(p.data), 24, { topDown }),
        'p.bmp',
      );
      expect(Array.from(out.data)).toEqual(Array.from(opaque));
    }
    const out32 = await decodeImageBytes(writeBmp(p.width, p.height, Uint8Array.from(p.data), 32), 'p32.bmp');
    expect(Array.from(out32.data)).toEqual(Array.from(p.data));
  });
  it('8-bit palette', async () => {
    const palette = Array.from({ length: 16 }, (_, k) => [k * 16, 255 - k * 16, (k * 77) & 255]);
    const idx = new Uint8Array(p.width * p.height * 4);
    for (let i = 0; i < p.width * p.height; i++) idx[i * 4] = i % 16;
    const out = await decodeImageBytes(writeBmp(p.width, p.height, idx, 8, { palette }), 'p8.bmp');
    for (let i = 0; i < p.width * p.height; i++) {
      expect(Array.from(out.data.subarray(i * 4, i * 4 + 4))).toEqual([...palette[i % 16]!, 255]);
    }
  });
  it.skipIf(!HAVE_FIXTURES)(
    'the Coral and TFLM BMP photos decode (24-bit colour and 8-bit gray)',
    async () => {
      const cat = await decodeImageFile(fixturePath('images/cat.bmp'));
      expect([cat.width, cat.height]).toEqual([512, 341]);
      const person = await decodeImageFile(fixturePath('images/person.bmp'));
      expect([person.width, person.height]).toEqual([96, 96]);
      for (let i = 0; i < 96 * 96; i++) {
        expect(person.data[i * 4]).toBe(person.data[i * 4 + 1]);
      }
    },
  );
  it('truncated and RLE files are rejected', async () => {
    const bmp = writeBmp(p.width, p.height, Uint8Array.from(p.data), 24);
    await expect(decodeImageBytes(bmp.subarray(0, bmp.length - 30), 't.bmp')).rejects.toThrow(
      /t\.bmp: cannot decode image: BMP: truncated/,
    );
    const rle = Uint8Array.from(bmp);
    rle[30] = 1;
    await expect(decodeImageBytes(rle, 'rle.bmp')).rejects.toThrow(/RLE compression is not supported/);
  });
});

describe.skipIf(!HAVE_FIXTURES)('EXIF orientation', () => {
  it('a JPEG stored sideways with Orientation 6 decodes upright', async () => {
    const upright = await decodeImageFile(fixturePath('images/burger.jpg'));
    // Store the photo rotated 90 degrees counter-clockwise, then tag it "rotate 90 clockwise".
    const sideways = new Uint8Array(
      await sharp(readFileSync(fixturePath('images/burger.jpg')))
        .rotate(270)
        .jpeg({ quality: 100, chromaSubsampling: '4:4:4' })
        .toBuffer(),
    );
    const plain = await decodeImageBytes(sideways, 'sideways.jpg');
    expect([plain.width, plain.height]).toEqual([325, 480]);
    const tagged = await decodeImageBytes(withExifOrientation(sideways, 6), 'tagged.jpg');
    expect([tagged.width, tagged.height]).toEqual([480, 325]);
    expect(meanAbsDiff(tagged, upright)).toBeLessThan(1.5);
    // The wrong tag (8 = rotate counter-clockwise) gives the photo upside down: far from upright.
    const wrong = await decodeImageBytes(withExifOrientation(sideways, 8), 'wrong.jpg');
    expect(meanAbsDiff(wrong, upright)).toBeGreaterThan(20);
  });
});

describe('errors', () => {
  it('corrupt, truncated, empty, unsupported and missing files give ImageDecodeError with the file name', async () => {
    const cases: [Uint8Array, RegExp][] = [
      [Buffer.from('this is not an image at all'), /unsupported or unrecognised format/],
      [new Uint8Array(0), /empty/],
    ];
    if (HAVE_FIXTURES) {
      const jpg = new Uint8Array(readFileSync(fixturePath('images/burger.jpg')));
      cases.push([jpg.subarray(0, 5000), /truncated/]);
      const corrupt = Uint8Array.from(jpg);
      corrupt.fill(0, 2, 600); // wipes the JFIF, quantization and Huffman table segments
      cases.push([corrupt, /cannot decode image/]);
      const png = new Uint8Array(readFileSync(fixturePath('images/chelsea.png')));
      cases.push([png.subarray(0, png.length / 2), /cannot decode image/]);
    }
    for (const [bytes, reason] of cases) {
      const err = await decodeImageBytes(bytes, 'photo.x').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ImageDecodeError);
      expect((err as ImageDecodeError).file).toBe('photo.x');
      expect((err as Error).message).toMatch(/^photo\.x: cannot decode image: /);
      expect((err as Error).message).toMatch(reason);
    }
    const missing = await decodeImageFile('/nonexistent/dir/cat.jpg').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ImageDecodeError);
    expect((missing as Error).message).toMatch(
      /cat\.jpg: cannot decode image: cannot read the file: no such file/,
    );
  });
});
