/**
 * Evaluation of one or more classifiers on a labelled image folder, in Node: resolve each model's
 * labels, take the requested slice of the images, run them through the worker pool (one decode
 * per image for all models), and build one EvalReport per model, plus, for `compare`, how often
 * each model's top-1 agrees with the first model's and how far its scores are from the first's.
 */
import { createHash } from 'node:crypto';
import { join, relative } from 'node:path';
import { loadModel } from '../format/load_model.js';
import { classOffset } from '../eval/class_alignment.js';
import type { EvalImageResult, EvalReport } from '../eval/eval_report.js';
import { labelsForModel } from '../eval/label_table.js';
import { summarizeResults } from '../eval/metrics.js';
import { modelClassNames } from '../eval/model_classes.js';
import { type Shard, shardPositions } from '../eval/shard.js';
import type { ImageClassifierOptions } from '../vision/image_classifier.js';
import type { CropOption } from '../vision/region_of_interest.js';
import { evaluateFiles } from './eval_pool.js';
import type { ImageSet } from './image_set.js';

/** A model to evaluate. */
export interface ModelInput {
  /** Path as given (shown in reports). */
  file: string;
  bytes: Uint8Array;
  /** Labels file lines, when the model's metadata has none (or to override it). */
  labels?: readonly string[];
}

/** Options of evaluateModels. */
export interface EvaluateModelsOptions {
  /** The images and their labels. */
  images: ImageSet;
  /** Classes kept per image: top-k accuracy (default 5). */
  top?: number;
  /** Region classified (default 'center'). */
  crop?: CropOption;
  /** Other classifier options shared by all models (resize, mean/std, softmax). */
  classifier?: Omit<ImageClassifierOptions, 'maxResults' | 'labels' | 'crop' | 'interpreter'>;
  /** Only the first N images of the list. */
  limit?: number;
  /** Evaluate one slice of the (limited) list. */
  shard?: Shard;
  /** Worker threads (default 1). */
  threads?: number;
  /** Column of the labels table to use (default: chosen per model). */
  labelColumn?: string;
  onProgress?: (done: number, total: number, file: string) => void;
}

/** What evaluateModels returns. */
export interface ModelsEvaluation {
  /** One report per model, in model order. */
  reports: EvalReport[];
  /** Per model: fraction of images whose top-1 class equals the first model's (1 for the first). */
  agreement: (number | null)[];
  /** Per model: mean over images of the mean absolute score difference from the first model. */
  meanAbsDiff: (number | null)[];
}

const cropText = (c: CropOption) => (typeof c === 'string' ? c : `${c.x},${c.y},${c.width},${c.height}`);

/**
 * Returns the reports of every model on the (sliced) images. Throws InputError when a model's
 * classes do not fit the labels, and what ImageClassifier.create throws for a model it cannot run.
 */
export async function evaluateModels(
  models: readonly ModelInput[],
  options: EvaluateModelsOptions,
): Promise<ModelsEvaluation> {
  const top = options.top ?? 5;
  const crop = options.crop ?? 'center';
  const threads = options.threads ?? 1;
  const { table, dir } = options.images;
  const total = Math.min(table.rows.length, options.limit ?? Infinity);
  const positions = shardPositions(total, options.shard);

  const infos = models.map((m) => {
    const parsed = loadModel(m.bytes);
    const names = modelClassNames(parsed, m.labels);
    return { names, resolved: labelsForModel(table, names, options.labelColumn) };
  });

  const outcomes = await evaluateFiles(
    positions.map((p) => join(dir, table.rows[p]!.file)),
    {
      models: models.map((m) => m.bytes),
      threads,
      evaluator: {
        top,
        classifier: { ...options.classifier, crop },
        labels: models.map((m) => m.labels),
      },
      onProgress: (done, n, path) => options.onProgress?.(done, n, relative(dir, path)),
    },
  );

  const reports = models.map((m, k): EvalReport => {
    const { names, resolved } = infos[k]!;
    const results = positions.map((position, j): EvalImageResult => {
      const o = outcomes[j]!;
      const label = resolved.labels[position]!;
      const r: EvalImageResult = {
        position,
        file: table.rows[position]!.file,
        label,
        labelName: names.label(label) ?? `#${label}`,
      };
      const mo = o.outcomes?.[k];
      if (o.error || !mo) r.error = o.error ?? { code: 'INTERNAL', message: 'no result' };
      else {
        r.top = mo.top;
        r.timings = { decodeMs: o.decodeMs, preprocessMs: mo.preprocessMs, inferenceMs: mo.inferenceMs };
      }
      return r;
    });
    return {
      kind: 'tflite-ts-eval',
      version: 1,
      model: {
        file: m.file,
        bytes: m.bytes.byteLength,
        sha256: createHash('sha256').update(m.bytes).digest('hex'),
        classes: names.classes,
      },
      dataset: {
        images: dir,
        labels: { source: table.source, column: resolved.column, shift: resolved.shift, kind: resolved.kind },
        total,
      },
      options: { top, crop: cropText(crop), limit: options.limit ?? null },
      shard: options.shard ?? null,
      threads,
      summary: summarizeResults(results, top),
      results,
    };
  });

  const ref = infos[0]?.names.classes ?? 0;
  const agreement = models.map((_, k) => {
    const off = classOffset(infos[k]!.names.classes, ref);
    if (off === undefined) return null;
    let same = 0;
    let n = 0;
    for (const o of outcomes) {
      const a = o.outcomes?.[0]?.top[0];
      const b = o.outcomes?.[k]?.top[0];
      if (!a || !b) continue;
      n++;
      if (b.index + off === a.index) same++;
    }
    return n ? same / n : null;
  });
  const meanAbsDiff = models.map((_, k) => {
    const v = outcomes
      .map((o) => o.outcomes?.[k]?.meanAbsDiff)
      .filter((d): d is number => typeof d === 'number');
    return v.length && outcomes.every((o) => o.outcomes?.[k]?.meanAbsDiff !== null)
      ? v.reduce((a, d) => a + d, 0) / v.length
      : null;
  });
  return { reports, agreement, meanAbsDiff };
}
