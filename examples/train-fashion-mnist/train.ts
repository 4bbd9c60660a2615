/**
 * `npm run train:fashion-mnist -- [--data DIR] [--epochs N] [--batch N] [--limit N]
 *  [--test-limit N] [--out DIR] [--name NAME] [--int8] [--backend wasm|cpu] [--json]`
 * `npm run train:fashion-mnist -- --int8-from FLOAT.tflite [--data DIR] [--out DIR] [--name NAME]`
 * `npm run train:fashion-mnist -- --export-images DIR [--data DIR]`
 *
 * Trains the small Fashion-MNIST CNN with TF.js, converts it to .tflite with metadata, and
 * evaluates it on the test images (see README.md next to this file). With --int8-from, skips
 * training and only quantizes (and evaluates) an already converted float model; with
 * --export-images, writes the first test image of each class as a PNG.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readModel } from '../../src/format/model_reader.js';
import { DEFAULT_DATA_DIR, loadFashionMnist } from './fashion_mnist.js';
import { exportClassImages } from './export_images.js';
import { quantizeInt8, trainFashionMnist } from './pipeline.js';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    epochs: { type: 'string', default: '12' },
    batch: { type: 'string', default: '64' },
    limit: { type: 'string' },
    'test-limit': { type: 'string' },
    out: { type: 'string', default: 'models' },
    name: { type: 'string', default: 'fashion_mnist_cnn' },
    int8: { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    json: { type: 'boolean', default: false },
    'int8-from': { type: 'string' },
    'export-images': { type: 'string' },
  },
});

if (values['export-images']) {
  const names = await exportClassImages(loadFashionMnist(values.data!, 't10k'), values['export-images']);
  console.error(`wrote ${names.length} images to ${values['export-images']}: ${names.join(', ')}`);
  process.exit(0);
}

if (values['int8-from']) {
  const float = readModel(new Uint8Array(readFileSync(values['int8-from'])));
  const train = loadFashionMnist(values.data!, 'train', 500);
  const test = loadFashionMnist(
    values.data!,
    't10k',
    values['test-limit'] ? Number(values['test-limit']) : undefined,
  );
  const r = await quantizeInt8(float, train, test, join(values.out!, `${values.name!}_int8.tflite`), (l) =>
    console.error(l),
  );
  if (values.json) console.log(JSON.stringify(r, null, 2));
  process.exit('skipped' in r ? 1 : 0);
}

const tty = process.stderr.isTTY;
let lastDraw = 0;
/** One progress line per epoch: redrawn in place on a terminal, not at all in a log. */
function bar(epoch: number, fraction: number, loss: number, acc: number): void {
  if (!tty) return;
  const now = Date.now();
  if (fraction < 1 && now - lastDraw < 200) return;
  lastDraw = now;
  const width = 30;
  const done = Math.round(fraction * width);
  process.stderr.write(
    `\repoch ${epoch + 1} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${(100 * fraction).toFixed(0).padStart(3)}% loss ${loss.toFixed(4)} acc ${(100 * acc).toFixed(1)}%`,
  );
  if (fraction >= 1) process.stderr.write('\r\x1b[K');
}

const result = await trainFashionMnist({
  dataDir: values.data!,
  epochs: Number(values.epochs),
  batchSize: Number(values.batch),
  ...(values.limit ? { trainLimit: Number(values.limit) } : {}),
  ...(values['test-limit'] ? { testLimit: Number(values['test-limit']) } : {}),
  outDir: values.out!,
  name: values.name!,
  int8: values.int8!,
  backend: values.backend === 'cpu' ? 'cpu' : 'wasm',
  log: (l) => console.error(l),
  onBatch: bar,
});
if (values.json) console.log(JSON.stringify(result, null, 2));
else console.error(`done in ${result.totalSeconds.toFixed(0)} s`);
