/**
 * `tflite-ts convert MODEL.json -o OUT.tflite [--labels FILE] [--mean M --std S] [--name N]
 *  [--description TEXT] [--quantize int8|dynamic|float16 [--calibration DIR] [--samples N]]
 *  [--no-rewrites] [--json]`
 *
 * Converts a TF.js model (Layers or graph model.json with its weight shards next to it) to a
 * `.tflite` file with TFLite Metadata: labels (one per line, attached as labels.txt) and input
 * normalization ((x - mean) / std; default: from a leading Rescaling layer). With --quantize
 * the converted model goes through the quantizer; int8 calibrates on the images under
 * --calibration (through the model's preprocessing). Prints a summary: shapes, ops, the
 * rewrites that fired, sizes.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { convert, type ConversionReport, type ConvertOptions } from '../../convert/convert.js';
import { NEEDS_CALIBRATION, QUANTIZE_MODES, type QuantizeMode } from '../../convert/quantize_step.js';
import { parseLabelFile } from '../../format/model_metadata.js';
import { imageCalibration } from '../../quantize/calibration/calibration_source.js';
import { type CliCommand, type CommonOptions, UsageError, commonOptions, runAction } from '../command.js';
import { formatBytes } from '../format.js';
import { writeJson } from '../json.js';
import { createProgress } from '../progress.js';
import { calibrationImages } from '../calibration_images.js';
import { numberList } from '../options.js';

interface ConvertCliOptions extends CommonOptions {
  output: string;
  labels?: string;
  mean?: string;
  std?: string;
  name?: string;
  description?: string;
  quantize?: string;
  calibration?: string;
  samples: string;
  rewrites: boolean;
}

/** Returns the convert() options the flags ask for. Throws UsageError for flags that do not fit together. */
async function optionsFrom(o: ConvertCliOptions, log: (l: string) => void): Promise<ConvertOptions> {
  const options: ConvertOptions = { log };
  if (o.labels !== undefined) {
    options.labels = parseLabelFile(new Uint8Array(await readFile(o.labels))).filter((l) => l.trim() !== '');
  }
  if ((o.mean === undefined) !== (o.std === undefined))
    throw new UsageError('give --mean and --std together');
  if (o.mean !== undefined && o.std !== undefined) {
    const std = numberList(o.std, '--std');
    if (std.some((s) => s === 0)) throw new UsageError('--std must not be 0');
    options.normalization = { mean: numberList(o.mean, '--mean'), std };
  }
  if (o.name !== undefined) options.name = o.name;
  if (o.description !== undefined) options.description = o.description;
  if (!o.rewrites) options.rewrites = [];
  if (o.calibration !== undefined && o.quantize === undefined)
    throw new UsageError('--calibration needs --quantize int8');
  if (o.quantize !== undefined) {
    if (!QUANTIZE_MODES.includes(o.quantize as QuantizeMode)) {
      throw new UsageError(
        `--quantize ${JSON.stringify(o.quantize)}: expected one of ${QUANTIZE_MODES.join(', ')}`,
      );
    }
    const mode = o.quantize as QuantizeMode;
    const samples = Number(o.samples);
    if (!Number.isInteger(samples) || samples < 1)
      throw new UsageError(`--samples ${o.samples}: expected a positive integer`);
    options.quantize = { mode, samples };
    if (NEEDS_CALIBRATION.includes(mode)) {
      if (o.calibration === undefined)
        throw new UsageError(
          `--quantize ${mode} needs --calibration DIR (a folder of representative images)`,
        );
      if (!(await stat(o.calibration)).isDirectory())
        throw new UsageError(`--calibration ${JSON.stringify(o.calibration)} is not a folder`);
      const dir = o.calibration;
      options.quantize.calibration = imageCalibration(await calibrationImages(dir, samples), { origin: dir });
    }
  }
  return options;
}

function renderText(input: string, output: string, r: ConversionReport): string {
  const shapes = (s: number[][]) => s.map((x) => `[${x.join(', ')}]`).join(', ');
  const fired = Object.entries(r.rewrites).filter(([, n]) => n > 0);
  const lines = [
    `${input} -> ${output}`,
    `  model         ${r.name} (TF.js ${r.kind} model)`,
    `  inputs        ${shapes(r.inputShapes)}`,
    `  outputs       ${shapes(r.outputShapes)}`,
    `  ops           ${Object.entries(r.ops)
      .map(([op, n]) => `${op} x${n}`)
      .join(', ')}`,
    `  rewrites      ${fired.length ? fired.map(([k, n]) => `${k} x${n}`).join(', ') : 'none fired'}`,
  ];
  const dq = Object.entries(r.dequantizedWeights);
  if (dq.length) lines.push(`  dequantized   ${dq.map(([k, n]) => `${n} ${k} weights`).join(', ')}`);
  lines.push(
    `  metadata      ${r.labels ? `${r.labels} labels` : 'no labels'}, ` +
      (r.normalization
        ? `normalization mean [${r.normalization.mean}] std [${r.normalization.std}]`
        : 'no normalization'),
  );
  if (r.quantization) lines.push(`  quantized     ${r.quantization.summary}`);
  lines.push(`  size          ${formatBytes(r.bytes)}`);
  return `${lines.join('\n')}\n`;
}

/** The `convert` command. */
export const convertCommand: CliCommand = {
  name: 'convert',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('convert')
        .description(
          'convert a TF.js model (model.json + weight shards, Layers or graph) to .tflite with metadata',
        )
        .argument('<model>', 'path or URL of the TF.js model.json')
        .requiredOption('-o, --output <file>', 'the .tflite file to write')
        .option('--labels <file>', 'labels of the output classes, one per line (attached as labels.txt)')
        .option('--mean <m>', 'input normalization mean, (x - mean) / std (one value or one per channel)')
        .option('--std <s>', 'input normalization std')
        .option('--name <name>', 'model name in the metadata')
        .option('--description <text>', 'how the model was made (metadata and model description)')
        .option('--quantize <mode>', `quantize the converted model: ${QUANTIZE_MODES.join(', ')}`)
        .option('--calibration <dir>', 'folder of representative images for --quantize int8')
        .option('--samples <n>', 'at most this many calibration images', '200')
        .option('--no-rewrites', 'keep the graph as mapped (no folding or fusing)'),
    ).action(async (model: string, options: ConvertCliOptions) => {
      await runAction(ctx, 'convert', options, async () => {
        const logLines: string[] = [];
        const opts = await optionsFrom(options, (l) => logLines.push(l));
        let bar: ReturnType<typeof createProgress> | undefined;
        if (opts.quantize) {
          opts.quantize.onProgress = (done, total) => {
            bar ??= createProgress(ctx.io, total, 'calibrating');
            bar.update(done);
          };
        }
        const result = await convert(model, opts).finally(() => bar?.finish());
        await writeFile(options.output, result.bytes);
        if (options.json)
          writeJson(ctx.io, { input: model, output: options.output, ...result.report, log: logLines });
        else ctx.io.out(renderText(model, options.output, result.report));
      });
    });
  },
};
