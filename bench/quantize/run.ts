/**
 * `npm run bench:quantize`: what post-training quantization costs and saves, measured.
 *
 *  1. Accuracy on ../shared/fixtures/imagenet_samples (300 photos, labels.csv, centre crop, the
 *     Task Library's libyuv resize), MobileNet v1 0.25/224: the float model, our dynamic, float16
 *     and int8 models (each calibration method, with and without bias correction) and Google's own
 *     mobilenet_v1_0.25_224_quant.tflite (quantization-aware trained, uint8). Calibration never
 *     sees the photos it is scored on: two folds by row parity of labels.csv — the model
 *     calibrated on the even rows is scored on the odd rows and vice versa, so every photo is
 *     scored once, by a model calibrated on the other 150.
 *  2. Latency in our runtime (median of steady-state invokes after warm-up, single thread):
 *     int8, dynamic, float16 and Google's uint8 model vs float, as ratios.
 *  3. Sizes: every mode of the four models of the issue, as a fraction of the float file.
 *
 * Options: --limit N (photos, default all), --variants minmax:none,mse:empirical,...
 * (method:bias), --skip-sizes, --runs N (latency samples). Writes bench/results/quantize.json
 * and quantize.md. The photos are read in place and never copied.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadModel } from '../../src/format/load_model.js';
import { writeModel } from '../../src/format/model_writer.js';
import type { Model } from '../../src/ir/model.js';
import { decodeImageFile } from '../../src/node/decode_image.js';
import { type CalibrationStats, calibrate } from '../../src/quantize/calibration/calibrate.js';
import { imageCalibration, tensorCalibration } from '../../src/quantize/calibration/calibration_source.js';
import type { CalibrationMethod } from '../../src/quantize/calibration/range_estimators.js';
import {
  type BiasCorrection,
  type QuantizationMode,
  quantizeModel,
} from '../../src/quantize/quantize_model.js';
import { benchmark } from '../../src/runtime/benchmark.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { buildImageTensorSpecs } from '../../src/vision/image_tensor_specs.js';
import { imageToTensor } from '../../src/vision/image_to_tensor.js';
import { regionOfInterest } from '../../src/vision/region_of_interest.js';
import { resizeRegion } from '../../src/vision/resize.js';

// npm runs the script from the package folder (the bundle itself lives in build/).
const repo = process.cwd();
const FIXTURES = resolve(process.env.TFLITE_TS_FIXTURES ?? join(repo, '..', 'shared', 'fixtures'));
const arg = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const LIMIT = Number(arg('--limit') ?? Infinity);
const RUNS = Number(arg('--runs') ?? 30);
const VARIANTS = (
  arg('--variants') ??
  'minmax:none,minmax:analytic,minmax:empirical,percentile:none,percentile:empirical,mse:none,mse:empirical'
)
  .split(',')
  .map((v) => {
    const [method, bias] = v.split(':') as [CalibrationMethod, BiasCorrection | undefined];
    return { method, bias: bias ?? 'none' };
  });

const FLOAT = 'models/classification/mobilenet_v1_0.25_224_1_default_1.tflite';
const GOOGLE = 'models/classification/mobilenet_v1_0.25_224_quant.tflite';
const read = (rel: string) => new Uint8Array(readFileSync(join(FIXTURES, rel)));
const log = (s: string) => process.stderr.write(`${s}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

// ---- photos -------------------------------------------------------------------------------
interface Photo {
  file: string;
  /** Class index in the 1001-class (background = 0) output. */
  label: number;
}
const rows = readFileSync(join(FIXTURES, 'imagenet_samples', 'labels.csv'), 'utf8')
  .trim()
  .split('\n');
const header = rows[0]!.split(',');
const fileCol = header.indexOf('file');
const labelCol = header.indexOf('tflite_index_1001');
const photos: Photo[] = rows
  .slice(1)
  .map((r) => r.split(','))
  .map((c) => ({ file: c[fileCol]!, label: Number(c[labelCol]) }))
  .slice(0, LIMIT);

const floatBytes = read(FLOAT);
const floatModel = loadModel(floatBytes);
const googleBytes = read(GOOGLE);
const googleModel = loadModel(googleBytes);

/** Decodes every photo once; returns the float32 and uint8 input tensors (centre crop, libyuv resize). */
async function preprocess(): Promise<{ floats: Float32Array[]; bytes: Uint8Array[] }> {
  const floatSpecs = buildImageTensorSpecs(floatModel, {
    name: 'input',
    shape: [1, 224, 224, 3],
    dtype: 'float32',
    quantization: null,
  });
  const g = googleModel.subgraphs[0]!;
  const gi = g.tensors[g.inputs[0]!]!;
  const u8Specs = buildImageTensorSpecs(googleModel, {
    name: gi.name,
    shape: gi.shape,
    dtype: 'uint8',
    quantization: { scale: gi.quantization!.scale!, zeroPoint: gi.quantization!.zeroPoint! },
  });
  const floats: Float32Array[] = [];
  const bytes: Uint8Array[] = [];
  for (const p of photos) {
    const img = await decodeImageFile(join(FIXTURES, 'imagenet_samples', p.file));
    const roi = regionOfInterest(img.width, img.height, 'center');
    const resized = resizeRegion(img, roi, 224, 224, { method: 'libyuv' });
    // MobileNet v1 (TF-slim) takes (pixel - 127.5) / 127.5; the float file has no metadata.
    floats.push(
      imageToTensor(resized, floatSpecs, {
        mean: [127.5, 127.5, 127.5],
        std: [127.5, 127.5, 127.5],
      }) as Float32Array,
    );
    bytes.push(imageToTensor(resized, u8Specs) as Uint8Array);
  }
  return { floats, bytes };
}

interface Score {
  top1: number;
  top5: number;
  /** Top-1 per scored photo index. */
  preds: Map<number, number>;
}

/** Scores `model` on the photos `indices` in our runtime. */
function score(
  bytes: Uint8Array,
  indices: readonly number[],
  input: (i: number) => Float32Array | Uint8Array,
): Score {
  const it = new Interpreter(bytes);
  it.allocateTensors();
  const s: Score = { top1: 0, top5: 0, preds: new Map() };
  for (const i of indices) {
    const x = input(i);
    if (x instanceof Float32Array && it.inputs[0]!.dtype === 'float32') it.input(0).set(x);
    else if (x instanceof Float32Array) it.setInputFloat(0, x);
    else it.input(0).set(x);
    it.invoke();
    const y = it.outputFloat(0);
    // Ties (quantized outputs) go to the lower class index, as a stable sort would.
    const order = Array.from(y.keys()).sort((a, b) => y[b]! - y[a]! || a - b);
    s.preds.set(i, order[0]!);
    if (order[0] === photos[i]!.label) s.top1++;
    if (order.slice(0, 5).includes(photos[i]!.label)) s.top5++;
  }
  return s;
}

const merge = (a: Score, b: Score): Score => ({
  top1: a.top1 + b.top1,
  top5: a.top5 + b.top5,
  preds: new Map([...a.preds, ...b.preds]),
});

interface Row {
  model: string;
  calibration: string;
  top1: number;
  top5: number;
  /** Percentage of photos whose top-1 equals the float model's. */
  agreement: number;
  bytes: number;
  note?: string;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  log(`decoding ${photos.length} photos from ${join(FIXTURES, 'imagenet_samples')} ...`);
  const { floats, bytes } = await preprocess();
  const all = photos.map((_, i) => i);
  const folds = [all.filter((i) => i % 2 === 0), all.filter((i) => i % 2 === 1)];
  const pct = (n: number) => (100 * n) / photos.length;
  const rowsOut: Row[] = [];
  const floatScore = score(floatBytes, all, (i) => floats[i]!);
  const agree = (s: Score) => pct([...s.preds].filter(([i, p]) => floatScore.preds.get(i) === p).length);
  const add = (model: string, calibration: string, s: Score, size: number, note?: string) => {
    const row: Row = {
      model,
      calibration,
      top1: pct(s.top1),
      top5: pct(s.top5),
      agreement: agree(s),
      bytes: size,
    };
    if (note) row.note = note;
    rowsOut.push(row);
    log(
      `${model.padEnd(34)} ${calibration.padEnd(26)} top-1 ${row.top1.toFixed(1)}  top-5 ${row.top5.toFixed(1)}  agree ${row.agreement.toFixed(1)}  (${secs(performance.now() - t0)})`,
    );
  };
  add('float32 (tflite-support)', '-', floatScore, floatBytes.length);
  add(
    'Google uint8 (QAT)',
    '- (quantization-aware training)',
    score(googleBytes, all, (i) => bytes[i]!),
    googleBytes.length,
  );

  const uncalibrated: Record<string, Uint8Array> = {};
  for (const mode of ['dynamic', 'float16'] as QuantizationMode[]) {
    const q = await quantizeModel(floatModel, { mode });
    const b = writeModel(q.model);
    uncalibrated[mode] = b;
    add(
      `tflite-ts ${mode}`,
      '- (no calibration)',
      score(b, all, (i) => floats[i]!),
      b.length,
    );
  }

  // One calibration per fold serves every method (histograms + patch means).
  const stats: CalibrationStats[] = [];
  for (const [f, fold] of folds.entries()) {
    const t = performance.now();
    stats.push(
      await calibrate(
        floatModel,
        tensorCalibration(
          fold.map((i) => floats[i]!),
          `${fold.length} photos`,
        ),
        {
          maxSamples: fold.length,
          patchMeans: true,
        },
      ),
    );
    log(`calibrated fold ${f} on ${fold.length} photos in ${secs(performance.now() - t)}`);
  }
  let best: { bytes: Uint8Array; row: Row } | undefined;
  for (const v of VARIANTS) {
    let total: Score | undefined;
    let size = 0;
    let qBytes: Uint8Array | undefined;
    for (const [f, fold] of folds.entries()) {
      const q = await quantizeModel(floatModel, {
        mode: 'int8',
        stats: stats[f]!,
        calibration: tensorCalibration(fold.map((i) => floats[i]!)),
        samples: fold.length,
        calibrationMethod: v.method,
        biasCorrection: v.bias,
      });
      const b = writeModel(q.model);
      size = b.length;
      qBytes ??= b;
      const s = score(b, folds[1 - f]!, (i) => floats[i]!);
      total = total ? merge(total, s) : s;
    }
    const label = `${v.method}${v.bias === 'none' ? '' : ` + ${v.bias} bias correction`}`;
    add('tflite-ts int8 (per-channel)', label, total!, size);
    const row = rowsOut.at(-1)!;
    if (!best || row.top1 > best.row.top1) best = { bytes: qBytes!, row };
  }

  // ---- latency -----------------------------------------------------------------------------
  const latency: { model: string; medianMs: number; ratio: number }[] = [];
  const floatBench = await benchmark(floatBytes, { runs: RUNS, inputs: [new Uint8Array(floats[0]!.buffer)] });
  const timed: [string, Uint8Array, Uint8Array][] = [
    ['float32', floatBytes, new Uint8Array(floats[0]!.buffer)],
    ['tflite-ts int8', best!.bytes, new Uint8Array(floats[0]!.buffer)],
    ['tflite-ts dynamic', uncalibrated.dynamic!, new Uint8Array(floats[0]!.buffer)],
    ['tflite-ts float16', uncalibrated.float16!, new Uint8Array(floats[0]!.buffer)],
    ['Google uint8', googleBytes, bytes[0]!],
  ];
  let int8Profile: { op: string; ms: number }[] = [];
  for (const [name, b, input] of timed) {
    const r =
      name === 'float32'
        ? floatBench
        : await benchmark(b, { runs: RUNS, inputs: [input], profile: name === 'tflite-ts int8' });
    if (r.profile) {
      const byOp = new Map<string, number>();
      for (const p of r.profile) byOp.set(p.op, (byOp.get(p.op) ?? 0) + p.ms);
      int8Profile = [...byOp].map(([op, ms]) => ({ op, ms })).sort((a, c) => c.ms - a.ms);
    }
    latency.push({
      model: name,
      medianMs: r.steady.medianMs,
      ratio: r.steady.medianMs / floatBench.steady.medianMs,
    });
    log(
      `latency ${name.padEnd(20)} median ${r.steady.medianMs.toFixed(2)} ms  (${(r.steady.medianMs / floatBench.steady.medianMs).toFixed(2)}x float)`,
    );
  }

  // ---- sizes of the four models of the issue ----------------------------------------------
  const sizes: { model: string; mode: string; bytes: number; ratio: number }[] = [];
  if (!process.argv.includes('--skip-sizes')) {
    const models: [string, string, { mean: number; std: number } | undefined, number][] = [
      ['mobilenet_v1_0.25_224', FLOAT, { mean: 127.5, std: 127.5 }, 4],
      ['vww_96', 'models/classification/visual_wake_words/vww_96_float.tflite', { mean: 0, std: 255 }, 4],
      ['resnet8', 'models/classification/cifar10_resnet8/pretrainedResnet.tflite', { mean: 0, std: 1 }, 4],
      ['deeplabv3', 'models/segmentation/deeplabv3.tflite', undefined, 2],
    ];
    for (const [name, rel, norm, n] of models) {
      const fb = read(rel);
      const m: Model = loadModel(fb);
      for (const mode of ['dynamic', 'float16', 'int8', 'int16x8'] as QuantizationMode[]) {
        const images = photos.slice(0, n).map((p) => {
          const f = join(FIXTURES, 'imagenet_samples', p.file);
          return { name: p.file, load: () => decodeImageFile(f) };
        });
        const integer = mode === 'int8' || mode === 'int16x8';
        const q = await quantizeModel(m, {
          mode,
          ...(integer ? { calibration: imageCalibration(images, norm ?? {}) } : {}),
        });
        const size = writeModel(q.model).length;
        sizes.push({ model: name, mode, bytes: size, ratio: size / fb.length });
        log(`size ${name.padEnd(22)} ${mode.padEnd(8)} ${size} bytes = ${(size / fb.length).toFixed(3)}x`);
      }
    }
  }

  // ---- report ------------------------------------------------------------------------------
  const floatRow = rowsOut[0]!;
  const googleRow = rowsOut[1]!;
  const bestRow = best!.row;
  const result = {
    photos: photos.length,
    split:
      'two folds by labels.csv row parity: calibrated on the even rows, scored on the odd rows, and vice versa',
    accuracy: rowsOut,
    best: {
      calibration: bestRow.calibration,
      lossVsFloat: floatRow.top1 - bestRow.top1,
      googleLossVsFloat: floatRow.top1 - googleRow.top1,
      meetsTarget:
        floatRow.top1 - bestRow.top1 <= 1.0 && floatRow.top1 - bestRow.top1 <= floatRow.top1 - googleRow.top1,
    },
    latency,
    int8ProfileMs: int8Profile,
    sizes,
    totalSeconds: (performance.now() - t0) / 1000,
  };
  const md: string[] = [
    `# Quantization benchmark (npm run bench:quantize)`,
    '',
    `MobileNet v1 0.25/224 on ${photos.length} ImageNet photos (imagenet_samples, centre crop). int8 rows: ${result.split}.`,
    '',
    '| model | calibration | top-1 % | top-5 % | top-1 = float % | file bytes |',
    '| --- | --- | ---: | ---: | ---: | ---: |',
    ...rowsOut.map(
      (r) =>
        `| ${r.model} | ${r.calibration} | ${r.top1.toFixed(1)} | ${r.top5.toFixed(1)} | ${r.agreement.toFixed(1)} | ${r.bytes.toLocaleString('en-US')} |`,
    ),
    '',
    `Best int8 (${bestRow.calibration}): ${result.best.lossVsFloat.toFixed(1)} points of top-1 below float; Google's QAT uint8 model: ${result.best.googleLossVsFloat.toFixed(1)}. Target (loss <= 1.0 and <= Google's): ${result.best.meetsTarget ? 'met' : 'not met'}.`,
    '',
    '| latency in tflite-ts (Node, 1 thread) | median ms | vs float |',
    '| --- | ---: | ---: |',
    ...latency.map((l) => `| ${l.model} | ${l.medianMs.toFixed(2)} | ${l.ratio.toFixed(2)}x |`),
    '',
    `int8 time by op (ms per invoke): ${int8Profile.map((p) => `${p.op} ${p.ms.toFixed(2)}`).join(', ')}`,
  ];
  if (sizes.length) {
    md.push('', '| model | dynamic | float16 | int8 | int16x8 |', '| --- | ---: | ---: | ---: | ---: |');
    for (const name of [...new Set(sizes.map((s) => s.model))]) {
      const r = (mode: string) => sizes.find((s) => s.model === name && s.mode === mode)!.ratio.toFixed(3);
      md.push(`| ${name} | ${r('dynamic')}x | ${r('float16')}x | ${r('int8')}x | ${r('int16x8')}x |`);
    }
  }
  const out = join(repo, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'quantize.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(out, 'quantize.md'), `${md.join('\n')}\n`);
  process.stdout.write(`${md.join('\n')}\n`);
}

await main();
