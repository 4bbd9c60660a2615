/**
 * Writes a few Fashion-MNIST test images as PNG files (the first test image of each class), so
 * the default model has something to classify out of the box. Fashion-MNIST is (c) Zalando SE,
 * MIT licensed.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { type ImageSet, LABELS } from './fashion_mnist.js';

/** "T-shirt/top" -> "t-shirt-top". */
export function slug(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** Writes one PNG per class (the first test image of it) into `dir`; returns the file names. */
export async function exportClassImages(test: ImageSet, dir: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const names: string[] = [];
  const px = test.rows * test.cols;
  for (let c = 0; c < LABELS.length; c++) {
    const i = test.labels.indexOf(c);
    if (i < 0) continue;
    const name = `fashion_mnist_${slug(LABELS[c]!)}_test${i}.png`;
    await sharp(Buffer.from(test.pixels.subarray(i * px, (i + 1) * px)), {
      raw: { width: test.cols, height: test.rows, channels: 1 },
    })
      .png({ compressionLevel: 9 })
      .toFile(join(dir, name));
    names.push(name);
  }
  return names;
}
