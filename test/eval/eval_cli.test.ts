/**
 * `tflite-ts eval` run in-process on a tiny model whose class scores are its input pixels (so
 * every prediction is known): a folder per class named by label, top-1 / top-k, confusions, a
 * broken image among good ones, the worker pool (2 threads) against one thread, --shard and
 * `eval merge` through the CLI, and usage errors.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { EvalReport } from '../../src/eval/eval_report.js';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { tinyClassifierModel } from '../vision/helpers/classifier.js';
import { writePng } from '../vision/helpers/image_files.js';

const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-eval-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = join(dir, 'tiny.tflite');
writeFileSync(model, tinyClassifierModel());
const labels = join(dir, 'labels.txt');
writeFileSync(labels, Array.from({ length: 12 }, (_, i) => `class ${i}`).join('\n') + '\n');

/** A 2x2 photo whose 12 channel values (the class scores x 256) are `v`. */
const photo = (v: number[]) => writePng(2, 2, 'rgb', 8, v);
// Scores: best 8 (250), then 1 (200), then 11 (120).
const P8 = [10, 200, 30, 40, 50, 60, 70, 80, 250, 100, 110, 120];
// Best 5 (240), then 0 (230).
const P5 = [230, 1, 2, 3, 4, 240, 6, 7, 8, 9, 10, 11];
const images = join(dir, 'photos');
for (const [folder, file, bytes] of [
  ['class_1', 'a.png', photo(P8)], // true class 1: top-1 wrong (8), top-2 right
  ['class_5', 'b.png', photo(P5)], // right
  ['class_5', 'broken.png', Buffer.from('not a png')], // fails to decode
  ['class_8', 'c.png', photo(P8)], // right
  ['class_8', 'd.png', photo(P5)], // wrong: 8 taken for 5, not in the top 2
] as const) {
  mkdirSync(join(images, folder), { recursive: true });
  writeFileSync(join(images, folder, file), bytes);
}

async function cli(args: string[], tty = false) {
  const io = captureIO({ stderrIsTTY: tty });
  const code = await run(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** A report without what is measured (times, threads), for comparing runs. */
function withoutTimes(r: EvalReport) {
  return {
    ...r,
    threads: 0,
    summary: { ...r.summary, latency: null },
    results: r.results.map((x) => ({ ...x, timings: undefined })),
  };
}

describe('tflite-ts eval', () => {
  it('reports top-1, top-k, confusions and per-class accuracy from class folders', async () => {
    const r = await cli([
      'eval',
      model,
      '--images',
      images,
      '--labels',
      labels,
      '--top',
      '2',
      '--threads',
      '1',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(1); // one image failed
    expect(r.out).toContain('labels    folders, column "class" by label name; 12 classes; crop center');
    expect(r.out).toMatch(/top-1 {5}50\.0% {2}\(2\/4\)/);
    expect(r.out).toMatch(/top-2 {5}75\.0% {2}\(3\/4\)/);
    expect(r.out).toContain('failed    1 image(s)');
    expect(r.out).toMatch(/1 {2}class 1 \(1\) +class 8 \(8\)/);
    expect(r.out).toMatch(/class 8 \(8\) +2 +50\.0% +50\.0%/);
  });

  it('gives every per-image result in JSON, the same with 2 worker threads as with 1', async () => {
    const one = await cli([
      'eval',
      model,
      '--images',
      images,
      '--labels',
      labels,
      '--top',
      '2',
      '--threads',
      '1',
      '--json',
    ]);
    const two = await cli([
      'eval',
      model,
      '--images',
      images,
      '--labels',
      labels,
      '--top',
      '2',
      '--threads',
      '2',
      '--json',
    ]);
    const a = JSON.parse(one.out) as EvalReport;
    const b = JSON.parse(two.out) as EvalReport;
    expect(b.threads).toBe(2);
    expect(withoutTimes(b)).toEqual(withoutTimes(a));
    expect(a.results.map((x) => [x.file, x.label, x.top?.map((t) => t.index) ?? x.error?.code])).toEqual([
      ['class_1/a.png', 1, [8, 1]],
      ['class_5/b.png', 5, [5, 0]],
      ['class_5/broken.png', 5, 'IMAGE_DECODE'],
      ['class_8/c.png', 8, [8, 1]],
      ['class_8/d.png', 8, [5, 0]],
    ]);
    expect(a.results[0]!.top![0]!.score).toBeCloseTo(250 / 256, 6);
    expect(a.results[0]!.timings!.inferenceMs).toBeGreaterThanOrEqual(0);
    expect(a.summary.confusions.map((c) => [c.label, c.predicted, c.count])).toEqual([
      [1, 8, 1],
      [8, 5, 1],
    ]);
  });

  it('merges --shard slices into the unsharded document', async () => {
    const base = [
      'eval',
      model,
      '--images',
      images,
      '--labels',
      labels,
      '--top',
      '2',
      '--threads',
      '1',
      '--json',
    ];
    const whole = JSON.parse((await cli(base)).out) as EvalReport;
    const files: string[] = [];
    for (const s of ['1/2', '2/2']) {
      const r = await cli([...base, '--shard', s]);
      const f = join(dir, `shard${s[0]}.json`);
      writeFileSync(f, r.out);
      files.push(f);
      expect((JSON.parse(r.out) as EvalReport).results.length).toBe(s === '1/2' ? 3 : 2);
    }
    const merged = await cli(['eval', 'merge', files[1]!, files[0]!, '--json']);
    expect(merged.code).toBe(0);
    expect(withoutTimes(JSON.parse(merged.out) as EvalReport)).toEqual(withoutTimes(whole));
    const text = await cli(['eval', 'merge', ...files]);
    expect(text.out).toMatch(/top-1 {5}50\.0%/);
    const partial = await cli(['eval', 'merge', files[0]!]);
    expect(partial.code).toBe(1);
    expect(partial.err).toMatch(/shard\(s\) 2\/2 missing/);
  });

  it('draws a progress bar with the time left on a terminal', async () => {
    const r = await cli(['eval', model, '--images', images, '--labels', labels, '--threads', '1'], true);
    expect(r.err).toMatch(/\reval \[#+\.*\] +\d+% \d\/5 ETA 0:\d\d class_\d\/\w+\.png/);
    expect(r.err).toMatch(/100% 5\/5/);
    expect(r.err.endsWith('\r\x1b[K')).toBe(true); // cleared at the end
  });

  it('rejects bad usage with exit code 2', async () => {
    expect((await cli(['eval', model])).code).toBe(2);
    const bad = await cli(['eval', model, '--images', images, '--shard', '3/2']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/1 <= i <= n/);
    expect((await cli(['eval', model, '--images', images, '--top', '0'])).code).toBe(2);
    const noLabels = await cli(['eval', model, '--images', images]);
    expect(noLabels.code).toBe(1);
    expect(noLabels.err).toMatch(/no labels to match names against.*pass --labels/);
  });
});
