/**
 * Resamplers. Small hand-computed cases pin each formula; the fixture cases compare whole images
 * with the output of the upstream libraries themselves: sha256 of the RGBA bytes that Debian
 * bookworm's libyuv (0.0~git20230123, x86-64) ARGBScale(kFilterBilinear) and OpenCV 4.6's
 * warpPerspective(INTER_LINEAR, BORDER_REPLICATE, MediaPipe's corner mapping) produced from
 * chelsea.png, recorded during development with a small C++ program.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/decode_image.js';
import { parseCropOption, regionOfInterest } from '../../src/vision/region_of_interest.js';
import { resizeRegion } from '../../src/vision/resize.js';
import { resizeLibyuv } from '../../src/vision/resize_libyuv.js';
import { resizeOpenCv } from '../../src/vision/resize_opencv.js';
import { resizeTflite } from '../../src/vision/resize_tflite.js';
import { type RgbaImage, cropImage, rgbaFromChannels } from '../../src/vision/rgba_image.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';

/** A gray image (R = G = B = value, alpha 255) from rows of values. */
function gray(rows: number[][]): RgbaImage {
  const h = rows.length;
  const w = rows[0]!.length;
  return rgbaFromChannels(w, h, 1, Uint8Array.from(rows.flat()));
}

/** The red channel of an image as rows. */
function red(img: RgbaImage): number[][] {
  const out: number[][] = [];
  for (let y = 0; y < img.height; y++) {
    out.push(Array.from({ length: img.width }, (_, x) => img.data[(y * img.width + x) * 4]!));
  }
  return out;
}

const full = (img: RgbaImage) => ({ x: 0, y: 0, width: img.width, height: img.height });

describe('region of interest', () => {
  it('centre square crops the longer side, offset rounded down', () => {
    expect(regionOfInterest(480, 325, 'center')).toEqual({ x: 77, y: 0, width: 325, height: 325 });
    expect(regionOfInterest(300, 451, 'center')).toEqual({ x: 0, y: 75, width: 300, height: 300 });
    expect(regionOfInterest(480, 325, 'none')).toEqual({ x: 0, y: 0, width: 480, height: 325 });
  });
  it('parses --crop and rejects rectangles outside the image', () => {
    expect(parseCropOption('center')).toBe('center');
    expect(parseCropOption('none')).toBe('none');
    expect(parseCropOption('0,0,100,100')).toEqual({ x: 0, y: 0, width: 100, height: 100 });
    expect(() => parseCropOption('10,10')).toThrow(/x,y,width,height/);
    expect(() => regionOfInterest(50, 50, { x: 0, y: 0, width: 100, height: 100 })).toThrow(/not inside/);
  });
});

describe('libyuv bilinear (Task Library)', () => {
  it('downscale: rows blended with 8-bit fractions, columns with (a*(127-f)+b*f)>>7', () => {
    // 4x1 -> 2x1: the height is unchanged, so libyuv drops the vertical filter (step dy = 1.0
    // is odd, so the even-box shortcut does not apply) and only the column filter runs.
    const img = gray([[0, 100, 200, 40]]);
    // x starts at 0.5 (dx/2 - 0.5), fraction 64/128: (0*63 + 100*64) >> 7 = 50; x = 2.5: (200*63 + 40*64) >> 7 = 118.
    expect(red(resizeLibyuv(img, full(img), 2, 1))).toEqual([[50, 118]]);
  });
  it('upscale: first and last output pixels sit on the first and last source pixels', () => {
    const img = gray([
      [0, 255],
      [255, 0],
    ]);
    const out = red(resizeLibyuv(img, full(img), 3, 3));
    // dx = ((2 << 16) - 0x10001) / 2 = 32767: x = 0, 32767 (f = 63), 65534 (f = 127).
    // Column filter (weights sum to 127): row 0 -> 0, (0*64 + 255*63) >> 7 = 125,
    // (0*0 + 255*127) >> 7 = 253; row 1 -> 255*127 >> 7 = 253, 127, 0.
    // Output row 2 sits at y = 65534 (f = 255): (row0 * 1 + row1 * 255 + 128) >> 8.
    expect(out[0]).toEqual([0, 125, 253]);
    expect(out[2]).toEqual([252, 127, 1]);
  });
  it('same size is a copy, 2x shrink averages boxes as x86 libyuv does', () => {
    const img = gray([
      [10, 11, 200, 201],
      [12, 13, 202, 203],
    ]);
    expect(red(resizeLibyuv(img, full(img), 4, 2))).toEqual(red(img));
    // avg(avg(10,12), avg(11,13)) = avg(11, 12) = 12 (the C path's (46+2)>>2 would give 12 too);
    // avg(avg(200,202), avg(201,203)) = avg(201, 202) = 202.
    expect(red(resizeLibyuv(img, full(img), 2, 1))).toEqual([[12, 202]]);
  });
});

describe('OpenCV warpPerspective bilinear (MediaPipe)', () => {
  it('maps output x to roi.x + x * roi.width / out_width and rounds to 1/32 pixel', () => {
    const img = gray([[0, 64, 128, 192]]);
    // out 3 px: source x = 0, 4/3, 8/3 -> 0, 42.67/32 -> 43/32 (1 + 11/32), 85.33 -> 85/32 (2 + 21/32).
    // v = (a*(32-f) + b*f) * 32 / 1024, rounded: 64 + 64*11/32 = 86; 128 + 64*21/32 = 170.
    expect(red(resizeOpenCv(img, full(img), 3, 1))).toEqual([[0, 86, 170]]);
  });
});

describe('TFLite RESIZE_BILINEAR, half-pixel centres, truncated (libcoral)', () => {
  it('samples at (i + 0.5) * scale - 0.5 and truncates', () => {
    const img = gray([[0, 100, 201]]);
    // 3 -> 2: scale 1.5; x = 0.25 -> 0*0.75 + 100*0.25 = 25; x = 1.75 -> 100*0.25 + 201*0.75 = 175.75 -> 175.
    expect(red(resizeTflite(img, full(img), 2, 1))).toEqual([[25, 175]]);
  });
});

describe('antialias', () => {
  it('switches to area averaging beyond 2x', () => {
    const img = gray([[0, 0, 0, 255, 255, 255, 0, 0, 0]]);
    expect(red(resizeRegion(img, full(img), 3, 1, { method: 'libyuv', antialias: true }))).toEqual([
      [0, 255, 0],
    ]);
    const img2 = gray([[0, 255, 0, 255, 0, 255, 0, 255]]);
    // Without antialiasing the 4x shrink picks pixel pairs; with it every output is the mean.
    expect(red(resizeRegion(img2, full(img2), 2, 1, { method: 'area' }))).toEqual([[128, 128]]);
  });
});

describe.skipIf(!HAVE_FIXTURES)('whole images: bit-exact with the upstream libraries', () => {
  const sha = (img: RgbaImage) => createHash('sha256').update(img.data).digest('hex');
  const cases: [
    string,
    'libyuv' | 'opencv',
    [number, number, number, number] | null,
    number,
    number,
    string,
  ][] = [
    ['libyuv', 'libyuv', null, 224, 224, '8cabfb18c0dcc59e711a41c3c5297fcb854d9f322dc08472cc992da3ff145307'],
    [
      'libyuv up',
      'libyuv',
      [0, 0, 100, 100],
      224,
      224,
      '561c29779fa311440ba09dc4ca42800ea06170b984ccce200f23dd4d970f7b31',
    ],
    [
      'libyuv 2x box',
      'libyuv',
      [0, 0, 224, 224],
      112,
      112,
      '53693b2929a3e3448c5e3ecd806d37d516228233aa1be985211c6a296c94a4fa',
    ],
    [
      'libyuv 3x rows',
      'libyuv',
      [0, 0, 224, 224],
      224,
      75,
      '2f5005c3aac253c126518303583f118a16c6ec2298eb76e8e3da95d9180d14ae',
    ],
    [
      'libyuv roi',
      'libyuv',
      [10, 7, 151, 90],
      97,
      300,
      '72d5bd4eb036fed45372566daeac7c3c66b50a9d9aaab4467840140b65f5ce42',
    ],
    ['opencv', 'opencv', null, 224, 224, 'ec9a0f55486d2f54e61bc16e5545fd48efa9689d381e26ed92417ac16bf6a6e9'],
    [
      'opencv roi',
      'opencv',
      [10, 7, 151, 90],
      97,
      300,
      '80cc42e7cd561e0fe10f89308e4d9aef2e0fbdb1c9d3718a158d19d1cb5f095a',
    ],
    [
      'opencv up',
      'opencv',
      [0, 0, 100, 100],
      224,
      224,
      'ce8c01da082ec97fa1cc8391a0335c0c7128f2a6e84ea44238f28aa1654ffb1d',
    ],
    // 451 -> 128 puts some columns exactly half-way between 1/32 steps: OpenCV's matrix round-off decides.
    [
      'opencv ties',
      'opencv',
      null,
      128,
      128,
      '1d4c5c1d5eb4832a2f28a3af22eeca7c62738aff343a2eab0a84565bedb54053',
    ],
  ];
  for (const [name, method, r, w, h, expected] of cases) {
    it(`${name}: chelsea.png -> ${w}x${h}`, async () => {
      const img = await decodeImageFile(fixturePath('images/chelsea.png'));
      const roi = r ? { x: r[0], y: r[1], width: r[2], height: r[3] } : full(img);
      expect(sha(resizeRegion(img, roi, w, h, { method }))).toBe(expected);
    });
  }
  it('cropImage then resize equals resizing the ROI in place', async () => {
    const img = await decodeImageFile(fixturePath('images/chelsea.png'));
    const roi = { x: 10, y: 7, width: 151, height: 90 };
    const a = resizeRegion(img, roi, 97, 60, { method: 'libyuv' });
    const cropped = cropImage(img, roi);
    const b = resizeRegion(cropped, full(cropped), 97, 60, { method: 'libyuv' });
    expect(sha(a)).toBe(sha(b));
  });
});
