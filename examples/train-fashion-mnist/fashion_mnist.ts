/**
 * Fashion-MNIST in its original IDX files (as Debian's dataset-fashion-mnist installs them in
 * /usr/share/datasets/fashion-mnist, gzipped or not): 60,000 training and 10,000 test images,
 * 28x28 grayscale, labels 0-9. Fashion-MNIST is (c) Zalando SE, MIT licensed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** Where Debian's dataset-fashion-mnist package puts the files. */
export const DEFAULT_DATA_DIR = '/usr/share/datasets/fashion-mnist';

/** The ten classes, in label order. */
export const LABELS = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
] as const;

/** Images (row-major uint8 pixels, `count` x 28 x 28) and their labels. */
export interface ImageSet {
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
  labels: Uint8Array;
}

function readIdx(dir: string, base: string): Uint8Array {
  for (const name of [`${base}.gz`, base]) {
    const p = join(dir, name);
    if (existsSync(p)) {
      const raw = readFileSync(p);
      return new Uint8Array(name.endsWith('.gz') ? gunzipSync(raw) : raw);
    }
  }
  throw new Error(
    `${join(dir, base)}(.gz) not found: install Debian's dataset-fashion-mnist (apt-get install dataset-fashion-mnist) or pass --data DIR with the four IDX files`,
  );
}

function u32(b: Uint8Array, o: number): number {
  return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/**
 * Returns the `split` of Fashion-MNIST read from `dir`, at most `limit` images (the first ones).
 * Throws when a file is missing or is not an IDX file of the expected kind.
 */
export function loadFashionMnist(dir: string, split: 'train' | 't10k', limit = Infinity): ImageSet {
  const img = readIdx(dir, `${split}-images-idx3-ubyte`);
  const lab = readIdx(dir, `${split}-labels-idx1-ubyte`);
  // IDX: magic 0x00000803 (ubyte, 3 dims) then big-endian dims; labels 0x00000801
  if (u32(img, 0) !== 0x803 || u32(lab, 0) !== 0x801)
    throw new Error(`${dir}: ${split} files are not IDX image/label files`);
  const n = Math.min(u32(img, 4), u32(lab, 4), limit);
  const rows = u32(img, 8);
  const cols = u32(img, 12);
  return {
    count: n,
    rows,
    cols,
    pixels: img.subarray(16, 16 + n * rows * cols),
    labels: lab.subarray(8, 8 + n),
  };
}
