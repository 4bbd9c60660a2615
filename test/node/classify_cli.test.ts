/**
 * `tflite-ts classify`, run in-process with captured output, on a tiny model whose scores are
 * its input pixels (so the expected table is known): table per image, --json, --labels, --top,
 * --crop, a failing file among good ones (reported, the others go on, exit 1), usage errors
 * (exit 2), and the progress bar on a terminal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { tinyClassifierModel } from '../vision/helpers/classifier.js';
import { writePng } from '../vision/helpers/image_files.js';

const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-classify-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = join(dir, 'tiny.tflite');
writeFileSync(model, tinyClassifierModel());
// 2x2 RGB photo: the 12 channel values are the 12 class scores (value / 256).
const pixels = [10, 200, 30, 40, 50, 60, 70, 80, 250, 100, 110, 120];
const photo = join(dir, 'photo.png');
writeFileSync(photo, writePng(2, 2, 'rgb', 8, pixels));
// 4x2 photo whose centre square is the 2x2 photo above.
const wide = join(dir, 'wide.png');
writeFileSync(
  wide,
  writePng(
    4,
    2,
    'rgb',
    8,
    [1, 1, 1, 10, 200, 30, 40, 50, 60, 2, 2, 2, 3, 3, 3, 70, 80, 250, 100, 110, 120, 4, 4, 4],
  ),
);
const broken = join(dir, 'broken.jpg');
writeFileSync(broken, Buffer.from('not a jpeg'));
const labels = join(dir, 'labels.txt');
writeFileSync(labels, Array.from({ length: 12 }, (_, i) => `class ${i}`).join('\n') + '\n');

async function cli(args: string[], tty = false) {
  const io = captureIO({ stderrIsTTY: tty });
  const code = await run(['classify', ...args], io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('tflite-ts classify', () => {
  it('prints a table of the top labels per image', async () => {
    const r = await cli([model, photo, '--labels', labels]);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    const lines = r.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/photo\.png {2}\(2x2; decode .* ms, preprocess .* ms, inference .* ms\)/);
    expect(lines.slice(1).map((l) => l.trim().split(/\s{2,}/))).toEqual([
      ['rank', 'index', 'label', 'score'],
      ['1', '8', 'class 8', (250 / 256).toFixed(4)],
      ['2', '1', 'class 1', (200 / 256).toFixed(4)],
      ['3', '11', 'class 11', (120 / 256).toFixed(4)],
    ]);
  });

  it('--json: one object per image; a broken file reports its error, the others go on, exit 1', async () => {
    const r = await cli([model, photo, broken, wide, '--top', '2', '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.jpg: cannot decode image: unsupported or unrecognised format/);
    const doc = JSON.parse(r.out) as {
      file: string;
      results?: { index: number; label: string; score: number }[];
      timings?: Record<string, number>;
      error?: { code: string; message: string };
    }[];
    expect(doc.map((d) => d.file)).toEqual([photo, broken, wide]);
    expect(doc[0]!.results).toEqual([
      { index: 8, label: '#8', score: 250 / 256 },
      { index: 1, label: '#1', score: 200 / 256 },
    ]);
    expect(Object.keys(doc[0]!.timings!)).toEqual(['decodeMs', 'preprocessMs', 'inferenceMs']);
    expect(doc[1]!.error!.code).toBe('IMAGE_DECODE');
    // The default crop is the centre square: wide.png classifies like photo.png.
    expect(doc[2]!.results).toEqual(doc[0]!.results);
  });

  it('--crop none / x,y,w,h choose the region', async () => {
    const r = await cli([model, wide, '--crop', '0,0,2,2', '--top', '1', '--json']);
    expect(r.code).toBe(0);
    // Left square: pixels (1,1,1) (10,200,30) (3,3,3) (70,80,250): best is 250 at index 11.
    expect(JSON.parse(r.out)[0].results[0].index).toBe(11);
  });

  it('usage errors exit with 2', async () => {
    expect((await cli([model, photo, '--top', '0'])).code).toBe(2);
    expect((await cli([model, photo, '--crop', 'middle'])).code).toBe(2);
    const bad = await cli([model, photo, '--resize', 'lanczos']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--resize "lanczos": expected one of libyuv, opencv, tflite, bilinear, area/);
  });

  it('a missing model fails with exit 1 and one line', async () => {
    const r = await cli([join(dir, 'nope.tflite'), photo]);
    expect(r.code).toBe(1);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(r.err).toMatch(/nope\.tflite: no such file or directory/);
  });

  it('draws a progress bar on a terminal when there are several images', async () => {
    const r = await cli([model, photo, wide], true);
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/classify \[#+\.*\] +\d+% \d\/2/);
  });
});
