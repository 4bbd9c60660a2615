/**
 * `tflite-ts eval` on the first 24 ImageNet sample photos with MobileNet v1 0.25/224 quant
 * (1001 classes, labels in its metadata): top-1 and top-5 must equal what the test computes by
 * itself from ImageClassifier.classify and labels.csv's 1001-class column; sharded runs merged
 * with `eval merge` must equal the unsharded run.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import type { EvalReport } from '../../src/eval/eval_report.js';
import { decodeImageFile } from '../../src/node/decode_image.js';
import { ImageClassifier } from '../../src/vision/image_classifier.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';

const MODEL = 'models/classification/mobilenet_v1_0.25_224_quant.tflite';
const N = 24;

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-eval-fixture-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = captureIO();
  const code = await run(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

/** A report without what is measured (times, threads). */
function withoutTimes(r: EvalReport) {
  return {
    ...r,
    threads: 0,
    summary: { ...r.summary, latency: null },
    results: r.results.map((x) => ({ ...x, timings: undefined })),
  };
}

describe.skipIf(!HAVE_FIXTURES)('eval on ImageNet samples', () => {
  const dir = HAVE_FIXTURES ? fixturePath('imagenet_samples') : '';
  const model = HAVE_FIXTURES ? fixturePath(MODEL) : '';
  const base = ['eval', model, '--images', dir, '--limit', String(N), '--json'];

  it('gives the top-1 / top-5 computed from classify', async () => {
    const r = await cli([...base, '--threads', '2']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as EvalReport;

    // Independently: labels.csv's 1001-class column, classify() with the top 5.
    const lines = readFileSync(join(dir, 'labels.csv'), 'utf8').trim().split('\n');
    const header = lines[0]!.split(',');
    const fileCol = header.indexOf('file');
    const labelCol = header.indexOf('tflite_index_1001');
    const rows = lines.slice(1, N + 1).map((l) => l.split(','));
    const classifier = await ImageClassifier.create(new Uint8Array(readFileSync(model)), { maxResults: 5 });
    let top1 = 0;
    let top5 = 0;
    const expected: number[][] = [];
    for (const row of rows) {
      const { categories } = classifier.classify(await decodeImageFile(join(dir, row[fileCol]!)));
      const label = Number(row[labelCol]);
      if (categories[0]!.index === label) top1++;
      if (categories.some((c) => c.index === label)) top5++;
      expected.push(categories.map((c) => c.index));
    }
    classifier.interpreter.dispose();

    expect(report.results.length).toBe(N);
    expect(report.dataset.labels.column).toBe('tflite_index_1001');
    expect(report.results.map((x) => x.top!.map((t) => t.index))).toEqual(expected);
    expect(report.results.map((x) => x.label)).toEqual(rows.map((row) => Number(row[labelCol])));
    expect(report.summary.top1.correct).toBe(top1);
    expect(report.summary.topK).toMatchObject({ k: 5, correct: top5 });
    expect(report.summary.top1.accuracy).toBeCloseTo(top1 / N, 12);
    console.log(
      `eval ${MODEL} on ${N} samples: top-1 ${top1}/${N}, top-5 ${top5}/${N}; ` +
        `inference median ${report.summary.latency.inference.medianMs.toFixed(1)} ms (2 workers)`,
    );
  });

  it('merges three shards into the unsharded run', async () => {
    const whole = JSON.parse((await cli([...base, '--threads', '1'])).out) as EvalReport;
    const files: string[] = [];
    for (const i of [1, 2, 3]) {
      const r = await cli([...base, '--threads', '2', '--shard', `${i}/3`]);
      expect(r.code).toBe(0);
      const f = join(tmp, `shard${i}.json`);
      writeFileSync(f, r.out);
      files.push(f);
    }
    const merged = await cli(['eval', 'merge', ...files, '--json']);
    expect(merged.code).toBe(0);
    expect(withoutTimes(JSON.parse(merged.out) as EvalReport)).toEqual(withoutTimes(whole));
  });
});
