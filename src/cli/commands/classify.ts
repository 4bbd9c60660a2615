/**
 * `tflite-ts classify MODEL IMAGE... [--labels F] [--top 3] [--crop center|none|x,y,w,h]
 * [--mean M] [--std S] [--resize METHOD] [--antialias] [--threshold S] [--json]`:
 * the top classes of each photo, as a small table per image. A file that cannot be decoded
 * reports its error and the others go on; the exit code is 1 if any image failed. With --json,
 * one array with an object per image: {file, results: [{index, label, score}], timings} or
 * {file, error: {code, message}}.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { describeError } from '../command.js';
import { type CliCommand, type CommonOptions, UsageError, commonOptions, runAction } from '../command.js';
import { decodeImageFile, loadImageDecoder } from '../../node/decode_image.js';
import { ImageClassifier, type ImageClassifierOptions } from '../../vision/image_classifier.js';
import { parseLabels } from '../../vision/label_map.js';
import { RESIZE_METHODS } from '../../vision/resize.js';
import { writeJson } from '../json.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { cropOption, numberList, oneOf } from '../options.js';

interface ClassifyCliOptions extends CommonOptions {
  labels?: string;
  top: string;
  crop: string;
  mean?: string;
  std?: string;
  resize: string;
  antialias?: boolean;
  threshold?: string;
  softmax: string;
  locale?: string;
}

/** One image's outcome, as --json prints it. */
interface ImageOutcome {
  file: string;
  results?: { index: number; label: string; score: number }[];
  timings?: { decodeMs: number; preprocessMs: number; inferenceMs: number };
  error?: { code: string; message: string };
}

/** Builds the classifier options from the command line; throws UsageError for bad values. */
async function classifierOptions(o: ClassifyCliOptions): Promise<ImageClassifierOptions> {
  const top = Number(o.top);
  if (!Number.isInteger(top) || top < 1)
    throw new UsageError(`--top ${JSON.stringify(o.top)}: expected a positive integer`);
  const resize = oneOf(o.resize, RESIZE_METHODS, '--resize');
  const threshold = o.threshold === undefined ? undefined : Number(o.threshold);
  if (threshold !== undefined && !Number.isFinite(threshold))
    throw new UsageError(`--threshold ${JSON.stringify(o.threshold)}: expected a number`);
  const softmax = { auto: 'auto', on: true, off: false }[o.softmax] as boolean | 'auto' | undefined;
  if (softmax === undefined)
    throw new UsageError(`--softmax ${JSON.stringify(o.softmax)}: expected auto, on or off`);
  return {
    maxResults: top,
    scoreThreshold: threshold,
    crop: cropOption(o.crop),
    resize,
    antialias: Boolean(o.antialias),
    softmax,
    displayNamesLocale: o.locale,
    labels: o.labels === undefined ? undefined : parseLabels(new Uint8Array(await readFile(o.labels))),
    mean: o.mean === undefined ? undefined : numberList(o.mean, '--mean'),
    std: o.std === undefined ? undefined : numberList(o.std, '--std'),
  };
}

const ms = (v: number) => `${v.toFixed(1)} ms`;

/** The `classify` command. */
export const classifyCommand: CliCommand = {
  name: 'classify',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('classify')
        .description('classify photos with an image classification model: the top labels of each image')
        .argument('<model>', '.tflite image classifier')
        .argument('<images...>', 'image files (JPEG, PNG, WebP, GIF, BMP, AVIF, TIFF)')
        .option(
          '--labels <file>',
          'labels file, one label per line (default: the labels in the model metadata)',
        )
        .option('--top <k>', 'number of labels per image', '3')
        .option(
          '--crop <region>',
          'center (largest centred square), none (whole image, stretched) or x,y,w,h',
          'center',
        )
        .option('--mean <m>', 'normalization mean, one value or one per channel (when the metadata has none)')
        .option('--std <s>', 'normalization std, one value or one per channel (when the metadata has none)')
        .option('--resize <method>', `resampler: ${RESIZE_METHODS.join(', ')}`, 'libyuv')
        .option('--antialias', 'area-average when shrinking a photo by more than 2x')
        .option('--threshold <score>', 'hide labels scoring below this')
        .option('--softmax <mode>', 'auto (when the model outputs logits), on or off', 'auto')
        .option('--locale <code>', 'locale of the display names in the metadata (default en)'),
    ).action(async (modelPath: string, images: string[], o: ClassifyCliOptions) =>
      runAction(ctx, 'classify', o, async () => {
        const options = await classifierOptions(o);
        const classifier = await ImageClassifier.create(new Uint8Array(await readFile(modelPath)), options);
        await loadImageDecoder(); // the decode times below exclude loading sharp
        const io = ctx.io;
        const outcomes: ImageOutcome[] = [];
        const progress = images.length > 1 ? createProgress(io, images.length, 'classify') : undefined;
        let failed = 0;
        for (const [n, file] of images.entries()) {
          progress?.update(n, file);
          try {
            const t0 = performance.now();
            const pixels = await decodeImageFile(file);
            const decodeMs = performance.now() - t0;
            const r = classifier.classify(pixels);
            const outcome: ImageOutcome = {
              file,
              results: r.categories.map((c) => ({ index: c.index, label: c.displayName, score: c.score })),
              timings: { decodeMs, preprocessMs: r.timings.preprocessMs, inferenceMs: r.timings.inferenceMs },
            };
            outcomes.push(outcome);
            if (!o.json) {
              progress?.finish();
              const t = outcome.timings!;
              io.out(
                `${file}  (${pixels.width}x${pixels.height}; decode ${ms(t.decodeMs)}, preprocess ${ms(t.preprocessMs)}, inference ${ms(t.inferenceMs)})\n`,
              );
              io.out(
                formatTable(
                  [
                    { header: 'rank', align: 'right' },
                    { header: 'index', align: 'right' },
                    { header: 'label', shrink: 'end', minWidth: 12 },
                    { header: 'score', align: 'right' },
                  ],
                  outcome.results!.map((c, i) => [
                    String(i + 1),
                    String(c.index),
                    c.label,
                    c.score.toFixed(4),
                  ]),
                  { width: io.columns },
                ),
              );
              if (outcome.results!.length === 0) io.out('  (no label above the threshold)\n');
            }
          } catch (err) {
            failed++;
            const error = describeError(err);
            outcomes.push({ file, error });
            progress?.finish();
            io.err(`tflite-ts classify: ${error.message.replace(/\s*\n\s*/g, ' ')}\n`);
          }
        }
        progress?.update(images.length);
        progress?.finish();
        if (o.json) writeJson(io, outcomes);
        return failed > 0 ? 1 : 0;
      }),
    );
  },
};
