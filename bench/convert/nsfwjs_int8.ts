/**
 * The seed's table for a converted real model: nsfwjs's Inception v3 (TF.js Layers, 299x299)
 * converted to float .tflite, quantized to int8 by tflite-ts (calibrated on one part of
 * ../shared/fixtures/imagenet_samples), then float vs int8: file size, latency in the tflite-ts
 * interpreter (median of N invokes after one warm-up), top-1 agreement and mean absolute score
 * difference on a disjoint part of the photos.
 *
 *   npx esbuild bench/convert/nsfwjs_int8.ts --bundle --platform=node --format=esm \
 *     --packages=external --outfile=build/nsfwjs_int8.mjs && node build/nsfwjs_int8.mjs \
 *     [--model inception_v3] [--calibrate 30] [--evaluate 60] [--runs 5]
 *
 * Photos are resized (bilinear, whole image) to the input size and scaled to [0, 1] by the
 * metadata's normalization, as nsfwjs does. Prints a markdown table and a JSON line.
 */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { convert } from '../../src/convert/index.js';
import { writeModel } from '../../src/format/model_writer.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { NSFWJS_LABELS, NSFWJS_MODELS, loadNsfwjsModel } from '../../test/convert/nsfwjs_models.js';
import { quantizeConverted } from '../../src/convert/quantize_step.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'inception_v3' },
    calibrate: { type: 'string', default: '30' },
    evaluate: { type: 'string', default: '60' },
    runs: { type: 'string', default: '5' },
  },
});
const spec = NSFWJS_MODELS.find((m) => m.name === values.model);
if (!spec) throw new Error(`--model: one of ${NSFWJS_MODELS.map((m) => m.name).join(', ')}`);
const size = spec.size;
// run from the repository root (the bundle does not know where the sources were)
const FIXTURES = resolve(process.env.TFLITE_TS_FIXTURES ?? join('..', 'shared', 'fixtures'));
const dir = join(FIXTURES, 'imagenet_samples');
const photos = readdirSync(dir)
  .filter((f) => /\.jpe?g$/i.test(f))
  .sort();
// disjoint parts: every third photo calibrates, the others evaluate
const calib = photos.filter((_, i) => i % 3 === 0).slice(0, Number(values.calibrate));
const evalSet = photos.filter((_, i) => i % 3 !== 0).slice(0, Number(values.evaluate));

async function input(file: string): Promise<Float32Array> {
  const raw = await sharp(join(dir, file))
    .removeAlpha()
    .resize(size, size, { fit: 'fill', kernel: 'linear' })
    .raw()
    .toBuffer();
  return Float32Array.from(raw, (v) => v / 255);
}

const log = (s: string) => console.error(s);
const t0 = performance.now();
const float = await convert(loadNsfwjsModel(spec.name), {
  labels: NSFWJS_LABELS,
  normalization: { mean: [0], std: [255] },
});
log(`converted in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${float.bytes.byteLength} bytes`);
const calibration: Float32Array[] = [];
for (const f of calib) calibration.push(await input(f));
const t1 = performance.now();
const q = await quantizeConverted(float.model, {
  mode: 'int8',
  calibration,
  samples: calibration.length,
  onProgress: (d, n) => log(`calibrating ${d}/${n}`),
});
const int8Bytes = writeModel(q.model);
log(
  `quantized in ${((performance.now() - t1) / 1000).toFixed(1)} s: ${int8Bytes.byteLength} bytes; ${q.report.summary}`,
);

function latency(it: Interpreter, x: Float32Array, runs: number): number {
  it.setInputFloat(0, x);
  it.invoke();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    it.invoke();
    times.push(performance.now() - s);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const fIt = new Interpreter(float.bytes);
fIt.allocateTensors();
const qIt = new Interpreter(int8Bytes);
qIt.allocateTensors();
let agree = 0;
let absDiff = 0;
let n = 0;
const argmax = (v: Float32Array) => v.indexOf(Math.max(...v));
for (const f of evalSet) {
  const x = await input(f);
  fIt.setInputFloat(0, x);
  fIt.invoke();
  const a = fIt.outputFloat(0);
  qIt.setInputFloat(0, x);
  qIt.invoke();
  const b = qIt.outputFloat(0);
  if (argmax(a) === argmax(b)) agree++;
  for (let k = 0; k < a.length; k++) absDiff += Math.abs(a[k]! - b[k]!);
  n += a.length;
  log(
    `${f}: float ${NSFWJS_LABELS[argmax(a)]} ${a[argmax(a)]!.toFixed(3)}, int8 ${NSFWJS_LABELS[argmax(b)]} ${b[argmax(b)]!.toFixed(3)}`,
  );
}
const x0 = await input(evalSet[0]!);
const runs = Number(values.runs);
const fMs = latency(fIt, x0, runs);
const qMs = latency(qIt, x0, runs);
const mb = (b: number) => `${(b / 1e6).toFixed(1)} MB`;
console.log(
  `| ${spec.name} | size | latency (tflite-ts, median of ${runs}) | top-1 agreement | mean abs score diff |`,
);
console.log('| --- | --- | --- | --- | --- |');
console.log(`| float32 | ${mb(float.bytes.byteLength)} | ${fMs.toFixed(0)} ms | - | - |`);
console.log(
  `| int8 | ${mb(int8Bytes.byteLength)} (${(int8Bytes.byteLength / float.bytes.byteLength).toFixed(3)}x) | ${qMs.toFixed(0)} ms (${(fMs / qMs).toFixed(2)}x faster) | ${agree}/${evalSet.length} | ${(absDiff / n).toFixed(4)} |`,
);
console.log(
  JSON.stringify({
    model: spec.name,
    floatBytes: float.bytes.byteLength,
    int8Bytes: int8Bytes.byteLength,
    floatMs: fMs,
    int8Ms: qMs,
    agree,
    evaluated: evalSet.length,
    calibrated: calib.length,
    meanAbsDiff: absDiff / n,
    summary: q.report.summary,
  }),
);
