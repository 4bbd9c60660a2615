/**
 * `tflite-ts eval MODEL --images DIR [--labels-csv F] [--label-column C] [--labels F] [--top 5]
 * [--crop center|none|x,y,w,h] [--limit N] [--threads N] [--shard i/n] [--json]`: accuracy of an
 * image classifier on labelled photos: top-1 and top-k, accuracy per class, the most frequent
 * confusions, decode / preprocessing / inference latency (median, p90). Images come from a folder
 * per class, or a CSV of file -> class (index or label name; DIR/labels.csv is used when present).
 * A pool of worker threads (default: one per core) evaluates the photos, a progress bar with ETA
 * runs on stderr; --json prints every per-image result.
 *
 * `tflite-ts eval merge A.json B.json ... [--json]`: combines the documents of `--shard i/n` runs
 * into the document of the whole run.
 */
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import type { EvalReport } from '../../eval/eval_report.js';
import { mergeEvalReports } from '../../eval/merge.js';
import { type Shard, parseShard } from '../../eval/shard.js';
import { evaluateModels } from '../../node/evaluate_models.js';
import { loadImageSet } from '../../node/image_set.js';
import { parseLabels } from '../../vision/label_map.js';
import { type CliCommand, type CommonOptions, UsageError, commonOptions, runAction } from '../command.js';
import type { CliIO } from '../io.js';
import { writeJson } from '../json.js';
import { type Progress, createProgress } from '../progress.js';
import { formatTable } from '../table.js';
import { cropOption, integerOption, threadsOption } from '../options.js';

interface EvalCliOptions extends CommonOptions {
  images?: string;
  labelsCsv?: string;
  labelColumn?: string;
  labels?: string;
  top: string;
  crop: string;
  limit?: string;
  threads?: string;
  shard?: string;
}

interface MergeCliOptions extends CommonOptions {
  allowPartial?: boolean;
}

const clock = (s: number) => `${Math.floor(s / 60)}:${String(Math.floor(s % 60)).padStart(2, '0')}`;

/**
 * Returns a progress callback drawing a bar with the estimated time left (from the mean time per
 * image so far) and the current file.
 */
export function progressWithEta(
  io: CliIO,
  label: string,
): { update: (done: number, total: number, file: string) => void; bar: () => Progress | undefined } {
  let bar: Progress | undefined;
  const start = Date.now();
  return {
    update(done, total, file) {
      bar ??= createProgress(io, total, label);
      const elapsed = (Date.now() - start) / 1000;
      const eta = done > 0 ? (elapsed / done) * (total - done) : NaN;
      bar.update(done, `${Number.isFinite(eta) ? `ETA ${clock(eta)} ` : ''}${file}`);
    },
    bar: () => bar,
  };
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : '-');
const msText = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '-');

/** Returns the text report of an evaluation. */
export function renderEvalText(r: EvalReport, width: number): string {
  const s = r.summary;
  const lab = r.dataset.labels;
  const lines = [
    `${r.model.file} on ${s.images + s.failed} image(s) of ${r.dataset.images}` +
      `${r.shard ? ` (shard ${r.shard.index}/${r.shard.count} of ${r.dataset.total})` : ''}`,
    `  labels    ${lab.source}, column "${lab.column}"${lab.shift ? ` (shifted by ${lab.shift})` : ''}` +
      `${lab.kind === 'name' ? ' by label name' : ''}; ${r.model.classes} classes; crop ${r.options.crop}`,
    `  ${'top-1'.padEnd(10)}${pct(s.top1.accuracy)}  (${s.top1.correct}/${s.images})`,
    `  ${`top-${s.topK.k}`.padEnd(10)}${pct(s.topK.accuracy)}  (${s.topK.correct}/${s.images})`,
  ];
  if (s.failed > 0) lines.push(`  failed    ${s.failed} image(s) (see --json for the errors)`);
  let text = `${lines.join('\n')}\n\nLatency per image (ms, ${r.threads} worker thread(s))\n`;
  const L = s.latency;
  text += formatTable(
    [{ header: '' }, { header: 'median', align: 'right' }, { header: 'p90', align: 'right' }],
    [
      ['decode', msText(L.decode.medianMs), msText(L.decode.p90Ms)],
      ['preprocess', msText(L.preprocess.medianMs), msText(L.preprocess.p90Ms)],
      ['inference', msText(L.inference.medianMs), msText(L.inference.p90Ms)],
    ],
    { width },
  );
  if (s.confusions.length > 0) {
    text += '\nMost frequent confusions (true -> predicted top-1)\n';
    text += formatTable(
      [
        { header: 'count', align: 'right' },
        { header: 'true', shrink: 'end' },
        { header: 'predicted', shrink: 'end' },
      ],
      s.confusions
        .slice(0, 10)
        .map((c) => [String(c.count), `${c.labelName} (${c.label})`, `${c.predictedName} (${c.predicted})`]),
      { width },
    );
  }
  if (s.perClass.length > 0 && s.perClass.length <= 30) {
    text += `\nAccuracy per class\n`;
    text += formatTable(
      [
        { header: 'class', shrink: 'end' },
        { header: 'images', align: 'right' },
        { header: 'top-1', align: 'right' },
        { header: `top-${s.topK.k}`, align: 'right' },
      ],
      s.perClass.map((c) => [
        `${c.label} (${c.index})`,
        String(c.images),
        pct(c.top1 / c.images),
        pct(c.topK / c.images),
      ]),
      { width },
    );
  } else if (s.perClass.length > 30) {
    text += `\nAccuracy of each of the ${s.perClass.length} classes: see --json (summary.perClass)\n`;
  }
  return text;
}

/** The `eval` command (and `eval merge`). */
export const evalCommand: CliCommand = {
  name: 'eval',
  register(program: Command, ctx) {
    const evalCmd = commonOptions(
      program
        .command('eval')
        .description('accuracy of an image classifier on labelled photos (top-1, top-k, per class, latency)')
        .argument('<model>', '.tflite image classifier')
        .option('--images <dir>', 'folder of photos: a folder per class, or files listed in a labels CSV')
        .option(
          '--labels-csv <file>',
          'CSV of file,class (index or label name; default DIR/labels.csv when present)',
        )
        .option('--label-column <name>', 'CSV column holding the classes (default: chosen by the model size)')
        .option('--labels <file>', 'labels file, one per line (default: the labels in the model metadata)')
        .option('--top <k>', 'top-k accuracy to report besides top-1', '5')
        .option('--crop <region>', 'center (largest centred square), none (whole image) or x,y,w,h', 'center')
        .option('--limit <n>', 'only the first n images of the list')
        .option('--threads <n>', 'worker threads, each with its own interpreter (default: one per core)')
        .option('--shard <i/n>', 'evaluate slice i of n (every n-th image); combine with eval merge'),
    );
    evalCmd.action(async (modelPath: string, o: EvalCliOptions) =>
      runAction(ctx, 'eval', o, async () => {
        if (o.images === undefined) throw new UsageError('--images DIR is required');
        const top = integerOption(o.top, '--top');
        const crop = cropOption(o.crop);
        const limit = o.limit === undefined ? undefined : integerOption(o.limit, '--limit');
        const threads = threadsOption(o.threads);
        let shard: Shard | undefined;
        if (o.shard !== undefined) {
          try {
            shard = parseShard(o.shard);
          } catch (err) {
            throw new UsageError(err instanceof Error ? err.message : String(err));
          }
        }
        const images = loadImageSet(o.images, o.labelsCsv);
        const labels =
          o.labels === undefined ? undefined : parseLabels(new Uint8Array(await readFile(o.labels)));
        const bytes = new Uint8Array(await readFile(modelPath));
        const progress = progressWithEta(ctx.io, 'eval');
        const { reports } = await evaluateModels(
          [{ file: modelPath, bytes, ...(labels ? { labels } : {}) }],
          {
            images,
            top,
            crop,
            limit,
            shard,
            threads,
            labelColumn: o.labelColumn,
            onProgress: progress.update,
          },
        );
        progress.bar()?.finish();
        const report = reports[0]!;
        if (o.json) writeJson(ctx.io, report);
        else ctx.io.out(renderEvalText(report, ctx.io.columns));
        return report.summary.failed > 0 ? 1 : 0;
      }),
    );
    const mergeCmd = commonOptions(
      evalCmd
        .command('merge')
        .description('combine the --json documents of eval --shard runs into the whole run')
        .argument('<documents...>', 'eval --json files, one per shard')
        .option('--allow-partial', 'merge even when some shards are missing'),
    );
    // main.ts routes the output of top-level commands; this nested one needs the same.
    mergeCmd.exitOverride().configureOutput({
      writeOut: (s) => ctx.io.out(s),
      writeErr: (s) => ctx.io.err(s),
      outputError: (s, write) =>
        write(`tflite-ts eval merge: ${s.trim()} (see 'tflite-ts eval merge --help')\n`),
    });
    mergeCmd.action(async (files: string[], own: MergeCliOptions) => {
      // commander gives --json / --debug written after `merge` to the parent `eval` command
      // (the program does not use positional options): take them from either.
      const parent = evalCmd.opts<CommonOptions>();
      const o = { ...own, json: own.json ?? parent.json, debug: own.debug ?? parent.debug };
      return runAction(ctx, 'eval merge', o, async () => {
        const docs: EvalReport[] = [];
        for (const f of files) {
          const text = await readFile(f, 'utf8');
          try {
            docs.push(JSON.parse(text) as EvalReport);
          } catch {
            throw new UsageError(`${f}: not JSON; pass the output of eval --json`);
          }
        }
        const merged = mergeEvalReports(docs, files, { allowPartial: Boolean(o.allowPartial) });
        if (o.json) writeJson(ctx.io, merged);
        else ctx.io.out(renderEvalText(merged, ctx.io.columns));
      });
    });
  },
};
