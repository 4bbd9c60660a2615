/**
 * `tflite-ts compare A.tflite B.tflite [C ...] --images DIR [--labels-csv F] [--top 5]
 * [--limit N] [--threads N] [--runs N] [--html report.html] [--title T] [--note N] [--json]`: several
 * classifiers (typically a float model and its quantized forms) on the same photos, side by side:
 * file size, weight bytes, arena bytes, median latency on 1 and N threads, top-1 and top-k,
 * agreement of the top-1 with the first model's, mean |score difference| from the first model,
 * and time per op type. A table on the terminal, a JSON document, and a self-contained HTML report
 * with charts (accuracy vs size, accuracy vs latency, per-op time per model).
 *
 * Accuracy runs first on the worker pool (one decode per photo for all models), then each model
 * is benchmarked alone in this thread (seeded random inputs, warm-up, median of --runs invokes),
 * so the measurements do not compete with each other.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import type { Command } from 'commander';
import type { CompareModel, CompareReport } from '../../eval/compare_report.js';
import { renderCompareHtml } from '../../eval/html_report.js';
import { profileOpTypes } from '../../eval/op_profile.js';
import { loadModel } from '../../format/load_model.js';
import { computeModelStats } from '../../ir/model_stats.js';
import { evaluateModels } from '../../node/evaluate_models.js';
import { loadImageSet } from '../../node/image_set.js';
import { benchmark } from '../../runtime/benchmark.js';
import { type CliCommand, type CommonOptions, UsageError, commonOptions, runAction } from '../command.js';
import { formatBytes } from '../format.js';
import { writeJson } from '../json.js';
import { createProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { cropOption, integerOption, threadsOption } from '../options.js';
import { progressWithEta } from './eval.js';

interface CompareCliOptions extends CommonOptions {
  images?: string;
  labelsCsv?: string;
  labelColumn?: string;
  top: string;
  crop: string;
  limit?: string;
  threads?: string;
  runs: string;
  warmupMs: string;
  html?: string;
  title?: string;
  note?: string;
}

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : `${(100 * v).toFixed(1)}%`);
const ms = (v: number) =>
  v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v >= 1 ? v.toFixed(2) : v.toFixed(3);

/** Returns the terminal table of a compare report. */
export function renderCompareText(r: CompareReport, width: number): string {
  const m0 = r.models[0]!;
  const k = m0.accuracy.k;
  const n = m0.latency.threads;
  let text = `${r.images.count} photo(s) from ${r.images.dir} (labels: ${r.images.labels})\n`;
  text += formatTable(
    [
      { header: 'model', shrink: 'start', minWidth: 10 },
      { header: 'file', align: 'right' },
      { header: 'weights', align: 'right' },
      { header: 'arena', align: 'right' },
      { header: 'ms 1t', align: 'right' },
      { header: `ms ${n}t`, align: 'right' },
      { header: 'top-1', align: 'right' },
      { header: `top-${k}`, align: 'right' },
      { header: 'agree', align: 'right' },
      { header: 'mean|Δ|', align: 'right' },
    ],
    r.models.map((m, i) => [
      m.name,
      formatBytes(m.fileBytes),
      formatBytes(m.weightBytes),
      formatBytes(m.arenaBytes),
      ms(m.latency.medianMs1),
      ms(m.latency.medianMsN),
      pct(m.accuracy.top1),
      pct(m.accuracy.topK),
      i === 0 ? '-' : pct(m.agreement),
      i === 0 || m.meanAbsDiff === null ? '-' : m.meanAbsDiff.toExponential(2),
    ]),
    { width },
  );
  if (r.models.length > 1) {
    text += '\nAgainst the first model:\n';
    for (const m of r.models.slice(1)) {
      const size = m.fileBytes / m0.fileBytes;
      const speed = m0.latency.medianMs1 / m.latency.medianMs1;
      const d1 = 100 * (m.accuracy.top1 - m0.accuracy.top1);
      text += `  ${m.name}: ${size.toFixed(2)}x the size, ${speed.toFixed(2)}x the speed (1 thread), top-1 ${d1 >= 0 ? '+' : ''}${d1.toFixed(1)} points\n`;
    }
  }
  return text;
}

/** The `compare` command. */
export const compareCommand: CliCommand = {
  name: 'compare',
  register(program: Command, ctx) {
    commonOptions(
      program
        .command('compare')
        .description(
          'models side by side on the same photos: size, latency, accuracy, agreement; HTML report',
        )
        .argument('<models...>', '.tflite classifiers; the first is the reference (e.g. the float model)')
        .option('--images <dir>', 'folder of photos: a folder per class, or files listed in a labels CSV')
        .option('--labels-csv <file>', 'CSV of file,class (default DIR/labels.csv when present)')
        .option('--label-column <name>', 'CSV column holding the classes (default: chosen per model)')
        .option('--top <k>', 'top-k accuracy to report besides top-1', '5')
        .option('--crop <region>', 'center, none or x,y,w,h', 'center')
        .option('--limit <n>', 'only the first n photos')
        .option(
          '--threads <n>',
          'threads for the N-thread latency and the evaluation workers (default: one per core)',
        )
        .option('--runs <n>', 'timed invokes per latency measurement (and profiled batches per model)', '30')
        .option('--warmup-ms <ms>', 'warm-up time before each latency measurement', '500')
        .option('--html <file>', 'write a self-contained HTML report with charts')
        .option('--title <text>', 'title of the HTML report', 'Model comparison')
        .option('--note <text>', 'a paragraph under the title of the HTML report (what the models are)'),
    ).action(async (paths: string[], o: CompareCliOptions) =>
      runAction(ctx, 'compare', o, async () => {
        if (o.images === undefined) throw new UsageError('--images DIR is required');
        const top = integerOption(o.top, '--top');
        const crop = cropOption(o.crop);
        const limit = o.limit === undefined ? undefined : integerOption(o.limit, '--limit');
        const threads = threadsOption(o.threads);
        const runs = integerOption(o.runs, '--runs');
        const warmupMs = integerOption(o.warmupMs, '--warmup-ms', 0);
        const images = loadImageSet(o.images, o.labelsCsv);
        const models = [];
        for (const file of paths) models.push({ file, bytes: new Uint8Array(await readFile(file)) });

        const progress = progressWithEta(ctx.io, 'compare: accuracy');
        const ev = await evaluateModels(models, {
          images,
          top,
          crop,
          limit,
          threads,
          labelColumn: o.labelColumn,
          onProgress: progress.update,
        });
        progress.bar()?.finish();

        const bench = createProgress(ctx.io, models.length, 'compare: latency');
        const rows: CompareModel[] = [];
        for (const [i, m] of models.entries()) {
          bench.update(i, basename(m.file));
          const one = await benchmark(m.bytes, { threads: 1, runs, warmupMs });
          const many = threads > 1 ? await benchmark(m.bytes, { threads, runs, warmupMs }) : one;
          const stats = computeModelStats(loadModel(m.bytes));
          const s = ev.reports[i]!.summary;
          rows.push({
            file: m.file,
            name: basename(m.file).replace(/\.tflite$/i, ''),
            fileBytes: m.bytes.byteLength,
            weightBytes: stats.weightBytes,
            arenaBytes: one.memory.arenaBytes,
            macs: stats.macs,
            latency: { medianMs1: one.steady.medianMs, medianMsN: many.steady.medianMs, threads, runs },
            accuracy: {
              images: s.images,
              failed: s.failed,
              top1: s.top1.accuracy,
              topK: s.topK.accuracy,
              k: top,
            },
            agreement: ev.agreement[i]!,
            meanAbsDiff: ev.meanAbsDiff[i]!,
            ops: await profileOpTypes(m.bytes, {
              minBatches: Math.max(5, runs),
              minMs: Math.min(300, 10 * runs),
            }),
          });
        }
        bench.update(models.length);
        bench.finish();
        const lab = ev.reports[0]!.dataset.labels;
        const report: CompareReport = {
          kind: 'tflite-ts-compare',
          version: 1,
          images: {
            dir: o.images,
            count: ev.reports[0]!.results.length,
            labels: `${basename(lab.source)}${lab.source === 'folders' ? '' : `, column ${lab.column}`}`,
          },
          environment: {
            date: new Date().toISOString().slice(0, 10),
            runtime: `Node.js ${process.versions.node}`,
            platform: `${process.platform}/${process.arch}`,
            cpus: availableParallelism(),
          },
          models: rows,
        };
        if (o.html !== undefined) {
          const flags: [string, string | undefined][] = [
            ['--images', o.images],
            ['--labels-csv', o.labelsCsv],
            ['--label-column', o.labelColumn],
            ['--top', o.top === '5' ? undefined : o.top],
            ['--crop', o.crop === 'center' ? undefined : o.crop],
            ['--limit', o.limit],
            ['--threads', o.threads],
            ['--runs', o.runs === '30' ? undefined : o.runs],
            ['--html', o.html],
          ];
          const command = [
            'tflite-ts compare',
            ...paths,
            ...flags.flatMap(([f, v]) => (v === undefined ? [] : [f, v])),
          ].join(' ');
          await writeFile(o.html, renderCompareHtml(report, { title: o.title, command, note: o.note }));
        }
        if (o.json) writeJson(ctx.io, report);
        else {
          ctx.io.out(renderCompareText(report, ctx.io.columns));
          if (o.html !== undefined) ctx.io.out(`\nHTML report: ${o.html}\n`);
        }
      }),
    );
  },
};
