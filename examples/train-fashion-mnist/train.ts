/**
 * `npm run train:fashion-mnist -- [--data DIR] [--epochs N] [--batch N] [--limit N]
 *  [--test-limit N] [--out DIR] [--name NAME] [--int8] [--backend wasm|cpu] [--json]`
 *
 * Trains the small Fashion-MNIST CNN with TF.js, converts it to .tflite with metadata, and
 * evaluates it on the test images (see README.md next to this file).
 */
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from './fashion_mnist.js';
import { trainFashionMnist } from './pipeline.js';

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
  },
});

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
