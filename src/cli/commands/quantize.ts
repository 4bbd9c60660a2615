/**
 * `tflite-ts quantize IN.tflite -o OUT.tflite --mode int8|dynamic|float16|int16x8
 *  [--calibration DIR | --calibration-data FILE.npy] [--samples 200]
 *  [--calibration-method minmax|percentile|mse] [--percentile P] [--bias-correction]
 *  [--per-tensor] [--io float32|uint8|int8] [--keep-float OP_OR_TENSOR...]
 *  [--mean M --std S] [--crop REGION] [--resize METHOD] [--json]`
 *
 * Post-training quantization of a float model. Calibration images are every image file under
 * DIR (recursively, sorted; with more than --samples of them, an evenly spaced selection), run
 * through the classifier's preprocessing (centre crop, resize, the metadata's normalization, else
 * --mean/--std). A progress bar follows the calibration samples; the summary gives both sizes,
 * the ops quantized and left float (with why) and the time. --json prints the report instead.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { loadModel } from '../../format/load_model.js';
import {
  type CalibrationSource,
  imageCalibration,
  npyCalibration,
} from '../../quantize/calibration/calibration_source.js';
import { CALIBRATION_METHODS, type CalibrationMethod } from '../../quantize/calibration/range_estimators.js';
import type { IoType } from '../../quantize/integer/integer_pass.js';
import {
  BIAS_CORRECTIONS,
  type BiasCorrection,
  QUANTIZATION_MODES,
  type QuantizationMode,
  type QuantizationReport,
  quantizeModelBytes,
} from '../../quantize/quantize_model.js';
import { RESIZE_METHODS, type ResizeMethod } from '../../vision/resize.js';
import { type CliCommand, type CommonOptions, UsageError, commonOptions, runAction } from '../command.js';
import { formatBytes } from '../format.js';
import { writeJson } from '../json.js';
import { type Progress, createProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { calibrationImages } from '../calibration_images.js';
import { cropOption, numberList, oneOf } from '../options.js';

interface QuantizeCliOptions extends CommonOptions {
  output: string;
  mode: string;
  calibration?: string;
  calibrationData?: string;
  samples: string;
  calibrationMethod: string;
  percentile?: string;
  biasCorrection?: boolean | string;
  perTensor?: boolean;
  io: string;
  keepFloat?: string[];
  mean?: string;
  std?: string;
  crop: string;
  resize: string;
}

const IO_TYPES: readonly IoType[] = ['float32', 'uint8', 'int8', 'int16'];

/** Builds the calibration source from --calibration / --calibration-data, or undefined. */
async function calibrationSource(
  o: QuantizeCliOptions,
  samples: number,
): Promise<CalibrationSource | undefined> {
  if (o.calibration !== undefined && o.calibrationData !== undefined)
    throw new UsageError('give either --calibration DIR or --calibration-data FILE.npy, not both');
  if (o.calibrationData !== undefined) {
    return npyCalibration(new Uint8Array(await readFile(o.calibrationData)), o.calibrationData);
  }
  if (o.calibration === undefined) return undefined;
  const dir = o.calibration;
  if (!(await stat(dir)).isDirectory())
    throw new UsageError(
      `--calibration ${JSON.stringify(dir)} is not a folder; give a folder of images (or --calibration-data FILE.npy)`,
    );
  return imageCalibration(await calibrationImages(dir, samples), {
    origin: dir,
    crop: cropOption(o.crop),
    resize: oneOf(o.resize, RESIZE_METHODS, '--resize') as ResizeMethod,
    ...(o.mean !== undefined ? { mean: numberList(o.mean, '--mean') } : {}),
    ...(o.std !== undefined ? { std: numberList(o.std, '--std') } : {}),
  });
}

/** The summary printed after quantizing. */
function renderText(
  input: string,
  output: string,
  r: QuantizationReport,
  sizes: { float: number; quantized: number },
  totalMs: number,
  width: number,
): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
  const lines = [
    `${input} -> ${output}`,
    `  mode          ${r.mode}${r.mode === 'int8' || r.mode === 'int16x8' ? ` (io ${r.io})` : ''}, ${r.weights} weights`,
    `  size          ${formatBytes(sizes.float)} -> ${formatBytes(sizes.quantized)} (${(sizes.quantized / sizes.float).toFixed(3)}x)`,
    `  ops           ${r.opsQuantized} quantized, ${r.opsFloat} left float; ${r.conversions} QUANTIZE/DEQUANTIZE added`,
  ];
  if (r.calibration) {
    const c = r.calibration;
    lines.push(
      `  calibration   ${c.samples} samples (${c.source}), ${c.method}` +
        (c.biasCorrection !== 'none' ? `, ${c.biasCorrection} bias correction` : '') +
        (c.skipped.length ? `; ${c.skipped.length} skipped` : ''),
    );
  }
  lines.push(
    `  time          ${s(totalMs)}` +
      (r.calibration
        ? ` (calibration ${s(r.timeMs.calibration)}` +
          (r.timeMs.biasCorrection ? `, bias correction ${s(r.timeMs.biasCorrection)}` : '') +
          `, rewrite ${s(r.timeMs.quantization)})`
        : ''),
  );
  let text = `${lines.join('\n')}\n`;
  const float = r.nodes.filter((n) => !n.quantized);
  if (float.length > 0 && (r.mode === 'int8' || r.mode === 'int16x8')) {
    text += '  ops left float:\n';
    text += formatTable(
      [
        { header: 'node', align: 'right' },
        { header: 'op' },
        { header: 'output', shrink: 'start', minWidth: 12 },
        { header: 'reason', shrink: 'end', minWidth: 12 },
      ],
      float.map((n) => [String(n.index), n.op, n.output, n.reason ?? '']),
      { width, indent: 4 },
    );
  }
  for (const k of r.calibration?.skipped ?? []) text += `  skipped: ${k.reason}\n`;
  return text;
}

/** The `quantize` command. */
export const quantizeCommand: CliCommand = {
  name: 'quantize',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('quantize')
        .description('post-training quantization of a float model: dynamic range, float16, int8 or 16x8')
        .argument('<model>', 'float .tflite model')
        .requiredOption('-o, --output <file>', 'where to write the quantized model')
        .requiredOption('--mode <mode>', `quantization mode: ${QUANTIZATION_MODES.join(', ')}`)
        .option('--calibration <dir>', 'folder of representative images (int8, int16x8)')
        .option('--calibration-data <file>', 'representative inputs as a .npy array [N, ...input shape]')
        .option('--samples <n>', 'calibration samples to use at most', '200')
        .option('--calibration-method <m>', `activation ranges: ${CALIBRATION_METHODS.join(', ')}`, 'minmax')
        .option('--percentile <p>', 'percentile kept by --calibration-method percentile', '99.99')
        .option(
          '--bias-correction [kind]',
          'correct biases: empirical (default: match float channel means by running the quantized model) or analytic (weights only)',
        )
        .option('--per-tensor', 'one weight scale per tensor instead of per output channel')
        .option(
          '--io <type>',
          'type of the model inputs and outputs: float32, uint8, int8 (int8 mode)',
          'float32',
        )
        .option('--keep-float <names...>', 'op types (e.g. SOFTMAX) or tensor names to leave float')
        .option('--mean <m>', 'normalization mean of calibration images when the metadata has none')
        .option('--std <s>', 'normalization std of calibration images when the metadata has none')
        .option('--crop <region>', 'region of each calibration image: center, none or x,y,w,h', 'center')
        .option(
          '--resize <method>',
          `resampler for calibration images: ${RESIZE_METHODS.join(', ')}`,
          'libyuv',
        ),
    ).action(async (modelPath: string, o: QuantizeCliOptions) =>
      runAction(ctx, 'quantize', o, async () => {
        const t0 = performance.now();
        const mode = oneOf(o.mode, QUANTIZATION_MODES, '--mode') as QuantizationMode;
        const method = oneOf(
          o.calibrationMethod,
          CALIBRATION_METHODS,
          '--calibration-method',
        ) as CalibrationMethod;
        const io = oneOf(o.io, IO_TYPES, '--io') as IoType;
        const samples = Number(o.samples);
        if (!Number.isInteger(samples) || samples < 1)
          throw new UsageError(`--samples ${JSON.stringify(o.samples)}: expected a positive integer`);
        const percentile = Number(o.percentile ?? '99.99');
        if (!(percentile > 50 && percentile <= 100))
          throw new UsageError(
            `--percentile ${JSON.stringify(o.percentile)}: expected a number in (50, 100]`,
          );
        const biasCorrection: BiasCorrection =
          typeof o.biasCorrection === 'string'
            ? (oneOf(o.biasCorrection, BIAS_CORRECTIONS, '--bias-correction') as BiasCorrection)
            : o.biasCorrection
              ? 'empirical'
              : 'none';
        const integer = mode === 'int8' || mode === 'int16x8';
        if (!integer && (o.calibration !== undefined || o.calibrationData !== undefined))
          throw new UsageError(
            `--mode ${mode} needs no calibration data; --calibration is for int8 and int16x8`,
          );
        const bytes = new Uint8Array(await readFile(modelPath));
        const model = loadModel(bytes);
        const source = integer ? await calibrationSource(o, samples) : undefined;
        // One bar per phase: calibration, then the runs of empirical bias correction.
        let progress: Progress | undefined;
        let phaseTotal = -1;
        const onProgress = (done: number, total: number) => {
          if (total !== phaseTotal) {
            progress?.finish();
            progress = createProgress(ctx.io, total, phaseTotal < 0 ? 'calibrate' : 'correct biases');
            phaseTotal = total;
          }
          progress!.update(done);
        };
        const mean = o.mean !== undefined ? numberList(o.mean, '--mean') : undefined;
        const std = o.std !== undefined ? numberList(o.std, '--std') : undefined;
        let result;
        try {
          result = await quantizeModelBytes(
            model,
            {
              mode,
              ...(source ? { calibration: source } : {}),
              samples,
              calibrationMethod: method,
              percentile,
              biasCorrection,
              perTensor: Boolean(o.perTensor),
              io,
              keepFloat: o.keepFloat ?? [],
              ...(mean?.length === 1 && std?.length === 1
                ? { inputNormalization: { mean: mean[0]!, std: std[0]! } }
                : {}),
              onProgress,
            },
            bytes.length,
          );
        } finally {
          progress?.finish();
        }
        await writeFile(o.output, result.bytes);
        const totalMs = performance.now() - t0;
        if (o.json) {
          writeJson(ctx.io, {
            input: modelPath,
            output: o.output,
            sizes: { ...result.sizes, ratio: result.sizes.quantized / result.sizes.float },
            totalMs,
            ...result.report,
          });
        } else {
          ctx.io.out(renderText(modelPath, o.output, result.report, result.sizes, totalMs, ctx.io.columns));
        }
      }),
    );
  },
};
