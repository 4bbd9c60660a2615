/**
 * Makes docs/compare/fashion_mnist.html: the project's default model (the Fashion-MNIST CNN in
 * models/, trained by examples/train-fashion-mnist) and its dynamic-range, float16 and int8 forms
 * from `tflite-ts quantize`, compared by `tflite-ts compare` on Fashion-MNIST test images.
 * Everything in the report may be published: the model is ours, Fashion-MNIST is MIT licensed
 * (c) Zalando SE, and the report holds figures, not images.
 *
 *   npm run report:compare [-- --float models/fashion_mnist_cnn.tflite --test 1000 --out FILE]
 *
 * Steps (the work folder, build/compare-report by default, holds the images and models):
 *  1. the first --test images of the Fashion-MNIST test set as PNG, a folder per class;
 *     the first --calibration images of the training set (disjoint from the test images) for
 *     int8 calibration;
 *  2. tflite-ts quantize --mode dynamic | float16 | int8 (min/max calibration, as TFLite);
 *  3. tflite-ts compare FLOAT DYNAMIC FLOAT16 INT8 --images TEST --html OUT.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { run } from '../../src/cli/main.js';
import { loadModel } from '../../src/format/load_model.js';
import { getModelMetadata } from '../../src/format/model_metadata.js';
import {
  DEFAULT_DATA_DIR,
  type ImageSet,
  LABELS,
  loadFashionMnist,
} from '../../examples/train-fashion-mnist/fashion_mnist.js';
import { slug } from '../../examples/train-fashion-mnist/export_images.js';

const { values: o } = parseArgs({
  options: {
    float: { type: 'string', default: 'models/fashion_mnist_cnn.tflite' },
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    test: { type: 'string', default: '1000' },
    calibration: { type: 'string', default: '500' },
    work: { type: 'string', default: 'build/compare-report' },
    out: { type: 'string', default: 'docs/compare/fashion_mnist.html' },
    runs: { type: 'string', default: '50' },
  },
});

/** Writes images [0, count) of `set` as PNG: into dir/<class>/ when `byClass`, else into dir. */
async function writeImages(set: ImageSet, count: number, dir: string, prefix: string, byClass: boolean) {
  const px = set.rows * set.cols;
  for (let i = 0; i < Math.min(count, set.count); i++) {
    const folder = byClass ? join(dir, slug(LABELS[set.labels[i]!]!)) : dir;
    mkdirSync(folder, { recursive: true });
    await sharp(Buffer.from(set.pixels.subarray(i * px, (i + 1) * px)), {
      raw: { width: set.cols, height: set.rows, channels: 1 },
    })
      .png()
      .toFile(join(folder, `${prefix}${String(i).padStart(5, '0')}.png`));
  }
}

/** Runs one tflite-ts command in this process; throws when it fails. */
async function tflite(args: string[]): Promise<void> {
  console.log(`$ tflite-ts ${args.join(' ')}`);
  const code = await run(args);
  if (code !== 0) throw new Error(`tflite-ts ${args[0]} failed (exit code ${code})`);
}

if (!existsSync(o.float)) {
  throw new Error(
    `${o.float} not found: train the default model first (npm run train:fashion-mnist -- --out models), or pass --float`,
  );
}
const work = o.work;
const testDir = join(work, 'test');
const calDir = join(work, 'calibration');
rmSync(work, { recursive: true, force: true });
const nTest = Number(o.test);
const nCal = Number(o.calibration);
await writeImages(loadFashionMnist(o.data, 't10k', nTest), nTest, testDir, 'test', true);
await writeImages(loadFashionMnist(o.data, 'train', nCal), nCal, calDir, 'train', false);
console.log(`${nTest} test images in ${testDir}, ${nCal} training images for calibration in ${calDir}`);

const base = join(work, 'fashion_mnist_cnn');
await tflite(['quantize', o.float, '-o', `${base}_dynamic.tflite`, '--mode', 'dynamic']);
await tflite(['quantize', o.float, '-o', `${base}_float16.tflite`, '--mode', 'float16']);
await tflite([
  'quantize',
  o.float,
  '-o',
  `${base}_int8.tflite`,
  '--mode',
  'int8',
  '--calibration',
  calDir,
  '--samples',
  String(nCal),
]);
const floatModel = loadModel(new Uint8Array(readFileSync(o.float)));
const how = getModelMetadata(floatModel)?.description ?? floatModel.description ?? '';
const note =
  `Model 1 is ${o.float}: ${how.trim()} Models 2-4 are its forms from tflite-ts quantize: ` +
  'dynamic range (int8 weights, float activations), float16 weights, and full int8 (min/max ' +
  `calibration on the first ${nCal} Fashion-MNIST training images, float input and output). Photos: ` +
  `the first ${nTest} Fashion-MNIST test images (28x28 grayscale; Fashion-MNIST is (c) Zalando SE, MIT ` +
  'license), a folder per class. Made by npm run report:compare (docs/compare/make_report.ts).';
await tflite([
  'compare',
  o.float,
  `${base}_dynamic.tflite`,
  `${base}_float16.tflite`,
  `${base}_int8.tflite`,
  '--images',
  testDir,
  '--top',
  '2',
  '--runs',
  o.runs,
  '--title',
  `Fashion-MNIST CNN: float vs dynamic-range, float16 and int8 (${nTest} test images)`,
  '--note',
  note,
  '--html',
  o.out,
]);
