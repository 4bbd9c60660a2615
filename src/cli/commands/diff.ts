/**
 * `tflite-ts diff FLOAT.tflite QUANT.tflite [--images DIR | --random SEED] [--samples N]
 * [--crop REGION] [--sort order|error|growth] [--json]`: runs a float model and its quantized form
 * on the same inputs and shows, for every activation both have (matched by name, else by position
 * in the graph), the error of the dequantized tensor against the float one, and per output the
 * mean and std of |diff| as TFLite's inference_diff does. Inputs: photos (through the float
 * model's image preprocessing) or seeded random values in [-1, 1).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { type DiffResult, ModelDiff, type TensorError } from '../../eval/tensor_diff.js';
import { loadModel } from '../../format/load_model.js';
import { decodeImageFile } from '../../node/decode_image.js';
import { listImageFiles } from '../../node/image_set.js';
import { mulberry32 } from '../../runtime/random_inputs.js';
import { dequantizeValues } from '../../runtime/tensor_quantization.js';
import { ImageClassifier } from '../../vision/image_classifier.js';
import { type CliCommand, type CommonOptions, UsageError, commonOptions, runAction } from '../command.js';
import { writeJson } from '../json.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { cropOption, integerOption } from '../options.js';

interface DiffCliOptions extends CommonOptions {
  images?: string;
  random?: string;
  samples: string;
  crop: string;
  sort: string;
}

const SORTS = ['order', 'error', 'growth'] as const;

const num = (v: number | null) =>
  v === null || !Number.isFinite(v)
    ? '-'
    : v === 0
      ? '0'
      : Math.abs(v) >= 0.01
        ? v.toFixed(4)
        : v.toExponential(2);
const pct = (v: number | null) => (v === null ? '-' : `${(100 * v).toFixed(2)}%`);

/** Returns the tensors sorted as --sort asks. */
function sorted(tensors: TensorError[], sort: (typeof SORTS)[number]): TensorError[] {
  if (sort === 'order') return tensors;
  const key = (t: TensorError) => (sort === 'error' ? (t.relMean ?? -1) : (t.growth ?? -Infinity));
  return [...tensors].sort((a, b) => key(b) - key(a));
}

/** Returns the text report of a diff. */
export function renderDiffText(
  files: [string, string],
  inputs: string,
  r: DiffResult,
  sort: (typeof SORTS)[number],
  width: number,
): string {
  let text = `${files[0]} vs ${files[1]}: ${r.samples} sample(s), ${inputs}\n\n`;
  text += 'Outputs: mean |diff| per sample, over samples (as TFLite inference_diff)\n';
  text += formatTable(
    [
      { header: 'output', shrink: 'start', minWidth: 16 },
      { header: 'avg', align: 'right' },
      { header: 'std', align: 'right' },
      { header: 'min', align: 'right' },
      { header: 'max', align: 'right' },
    ],
    r.outputs.map((o) => [o.name, num(o.avg), num(o.std), num(o.min), num(o.max)]),
    { width },
  );
  text +=
    `\nTensors (${sort === 'order' ? 'float graph order' : `by ${sort}`}; rel = error / float range, ` +
    'growth = rel mean added by the layer)\n';
  text += formatTable(
    [
      { header: 'node', align: 'right' },
      { header: 'op', shrink: 'end', minWidth: 7 },
      { header: 'tensor', shrink: 'start', minWidth: 16 },
      { header: 'type' },
      { header: 'mean|d|', align: 'right' },
      { header: 'max|d|', align: 'right' },
      { header: 'rel mean', align: 'right' },
      { header: 'rel max', align: 'right' },
      { header: 'growth', align: 'right' },
    ],
    sorted(r.tensors, sort).map((t) => [
      t.node < 0 ? 'in' : String(t.node),
      t.op,
      t.float.name,
      t.quant.dtype,
      num(t.meanAbs),
      num(t.maxAbs),
      pct(t.relMean),
      pct(t.relMax),
      t.growth === null ? '-' : `${t.growth >= 0 ? '+' : ''}${(100 * t.growth).toFixed(2)}%`,
    ]),
    { width },
  );
  const worst = [...r.tensors]
    .filter((t) => t.growth !== null)
    .sort((a, b) => b.growth! - a.growth!)
    .slice(0, 3);
  if (worst.length > 0) {
    text += '\nWhere the error grows most:\n';
    for (const t of worst) {
      text += `  node ${t.node} ${t.op} ${t.float.name}: +${(100 * t.growth!).toFixed(2)}% of its range (now ${pct(t.relMean)})\n`;
    }
  }
  const u = r.unmatched;
  if (u.float.length + u.quant.length > 0) {
    text += `\nUnmatched activations: ${u.float.length} of the float model, ${u.quant.length} of the quantized one (see --json)\n`;
  }
  return text;
}

/** The `diff` command. */
export const diffCommand: CliCommand = {
  name: 'diff',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('diff')
        .description('per-tensor error of a quantized model against its float model: where accuracy is lost')
        .argument('<float>', 'the float .tflite')
        .argument('<quant>', 'its quantized form')
        .option('--images <dir>', "photos to run (through the float model's image preprocessing)")
        .option('--random <seed>', 'seeded random inputs in [-1, 1) instead of photos (default seed 1)')
        .option('--samples <n>', 'number of photos (the first n, sorted) or random inputs', '10')
        .option('--crop <region>', 'center, none or x,y,w,h (with --images)', 'center')
        .option('--sort <key>', `tensor order: ${SORTS.join(', ')}`, 'order'),
    ).action(async (floatPath: string, quantPath: string, o: DiffCliOptions) =>
      runAction(ctx, 'diff', o, async () => {
        if (o.images !== undefined && o.random !== undefined) {
          throw new UsageError('give --images DIR or --random SEED, not both');
        }
        const samples = integerOption(o.samples, '--samples');
        const sort = o.sort as (typeof SORTS)[number];
        if (!SORTS.includes(sort)) throw new UsageError(`--sort ${o.sort}: expected ${SORTS.join(', ')}`);
        const crop = cropOption(o.crop);
        const floatBytes = new Uint8Array(await readFile(floatPath));
        const diff = new ModelDiff(
          loadModel(floatBytes),
          loadModel(new Uint8Array(await readFile(quantPath))),
        );
        const progress = createProgress(ctx.io, samples, 'diff');
        let described: string;
        if (o.images !== undefined) {
          const files = listImageFiles(o.images).slice(0, samples);
          if (files.length === 0) throw new UsageError(`--images ${o.images}: no image files`);
          // The float model's own preprocessing (crop, resize, its normalization): the same
          // real-valued input goes to both models.
          const classifier = await ImageClassifier.create(floatBytes, { crop });
          const input = classifier.interpreter.inputs[0]!;
          try {
            for (const [k, f] of files.entries()) {
              progress.update(k, f);
              const { tensor } = classifier.preprocess(await decodeImageFile(join(o.images, f)));
              diff.add([
                tensor instanceof Float32Array
                  ? tensor
                  : dequantizeValues(tensor, input.dtype, input.shape, input.quantization),
              ]);
            }
          } finally {
            classifier.interpreter.dispose();
          }
          described = `${files.length} photo(s) from ${o.images}`;
        } else {
          const seed = o.random === undefined ? 1 : integerOption(o.random, '--random', 0);
          const next = mulberry32(seed);
          for (let k = 0; k < samples; k++) {
            progress.update(k);
            diff.add(
              diff.inputSizes.map((n) => {
                const a = new Float32Array(n);
                for (let i = 0; i < n; i++) a[i] = (next() / 2 ** 32) * 2 - 1;
                return a;
              }),
            );
          }
          described = `random inputs in [-1, 1) (seed ${seed})`;
        }
        progress.finish();
        const result = diff.result();
        if (o.json) writeJson(ctx.io, { float: floatPath, quant: quantPath, inputs: described, ...result });
        else ctx.io.out(renderDiffText([floatPath, quantPath], described, result, sort, ctx.io.columns));
      }),
    );
  },
};
