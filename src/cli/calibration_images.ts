/**
 * Calibration images from a folder, as `convert --quantize int8` and `quantize --calibration`
 * take them: every image file under the folder (recursively, sorted by path), an evenly spaced
 * selection when there are more than asked for, decoded only when the calibration reads them.
 */
import { readdir } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';
import { decodeImageFile } from '../node/decode_image.js';
import type { CalibrationImage } from '../quantize/calibration/calibration_source.js';

/** File extensions read as calibration images. */
const IMAGE_EXTENSIONS = new Set([
  '.jpg',
  '.jpeg',
  '.png',
  '.webp',
  '.gif',
  '.bmp',
  '.avif',
  '.tif',
  '.tiff',
]);

/** Returns every image file under `dir`, recursively, sorted by path. Rejects when a folder cannot be read. */
export async function listImages(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(p);
    }
  };
  await walk(dir);
  return out.sort();
}

/** Returns `count` items of `items` spread evenly (all of them when there are fewer). Never throws. */
export function evenlySpaced<T>(items: readonly T[], count: number): T[] {
  if (items.length <= count) return [...items];
  return Array.from({ length: count }, (_, i) => items[Math.floor((i * items.length) / count)]!);
}

/**
 * Returns up to `samples` images under `dir` (evenly spaced over the sorted list), named by their
 * path relative to `dir`. Rejects when a folder cannot be read; decoding errors surface on load.
 */
export async function calibrationImages(dir: string, samples: number): Promise<CalibrationImage[]> {
  return evenlySpaced(await listImages(dir), samples).map((f) => ({
    name: relative(dir, f),
    load: () => decodeImageFile(f),
  }));
}
