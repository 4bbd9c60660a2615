/**
 * The crop square's geometry (app/src/crop_geometry.ts): the untouched crop is exactly
 * tflite-ts/vision's 'center' crop, and no operation lets the square leave the image.
 */
import { describe, expect, it } from 'vitest';
import {
  MIN_CROP_SIDE,
  centerCrop,
  clampCrop,
  cropRect,
  cropSide,
  maxZoom,
  panBy,
  zoomAt,
} from '../../app/src/crop_geometry.js';
import { regionOfInterest } from '../../src/vision/region_of_interest.js';

describe('crop geometry', () => {
  it("starts as the vision library's centre crop (odd and even surplus, portrait and landscape)", () => {
    for (const [w, h] of [
      [480, 325],
      [325, 480],
      [481, 325],
      [300, 300],
      [1, 7],
      [4032, 3024],
    ] as const) {
      expect(cropRect(centerCrop(w, h)), `${w}x${h}`).toEqual(regionOfInterest(w, h, 'center'));
    }
  });

  it('pans within the image and stops at its edges', () => {
    const s = centerCrop(480, 325);
    expect(cropRect(panBy(s, -30, 0))).toEqual({ x: 47, y: 0, width: 325, height: 325 });
    expect(cropRect(panBy(s, -1000, 0))).toEqual({ x: 0, y: 0, width: 325, height: 325 });
    expect(cropRect(panBy(s, 1000, 1000))).toEqual({ x: 155, y: 0, width: 325, height: 325 });
  });

  it('zooms around a focus point, which stays where it was', () => {
    const s = centerCrop(1000, 800);
    const z = zoomAt(s, 2, 0.25, 0.75);
    expect(z.zoom).toBe(2);
    expect(cropSide(z)).toBe(400);
    // the image point under the focus: x + f * side, before and after
    expect(z.x + 0.25 * 400).toBeCloseTo(s.x + 0.25 * 800, 9);
    expect(z.y + 0.75 * 400).toBeCloseTo(s.y + 0.75 * 800, 9);
    expect(cropRect(z)).toEqual({ x: 200, y: 300, width: 400, height: 400 });
  });

  it('keeps the zoom between 1 and the limit, and the square inside the image', () => {
    expect(maxZoom(480, 325)).toBe(8);
    expect(maxZoom(40, 20)).toBe(20 / MIN_CROP_SIDE);
    expect(maxZoom(10, 10)).toBe(1);
    const s = centerCrop(480, 325);
    expect(zoomAt(s, 0.2).zoom).toBe(1);
    expect(zoomAt(s, 100).zoom).toBe(8);
    const wild = clampCrop({ imageWidth: 480, imageHeight: 325, zoom: 3, x: -50, y: 900 });
    const r = cropRect(wild);
    expect(r.x).toBe(0);
    expect(r.y + r.height).toBeLessThanOrEqual(325);
    expect(r.width).toBe(r.height);
    for (let i = 0; i < 200; i++) {
      const z = 1 + ((i * 37) % 70) / 10;
      const q = cropRect(
        panBy(zoomAt(s, z, (i % 7) / 6, (i % 5) / 4), ((i * 53) % 400) - 200, ((i * 29) % 300) - 150),
      );
      expect(q.x).toBeGreaterThanOrEqual(0);
      expect(q.y).toBeGreaterThanOrEqual(0);
      expect(q.x + q.width).toBeLessThanOrEqual(480);
      expect(q.y + q.height).toBeLessThanOrEqual(325);
      expect(q.width).toBe(q.height);
      expect(q.width).toBeGreaterThanOrEqual(Math.floor(325 / 8));
    }
  });
});
