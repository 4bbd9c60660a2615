/**
 * `tflite-ts compare` and its HTML report: chart primitives (ticks, escaping, marks with their
 * values), then MobileNet v1 0.25/224 float vs Google's quantized one on 8 ImageNet samples
 * through the CLI (JSON figures against eval's and the files'), and the HTML rendered in headless
 * Chromium: every chart present with the expected points and bars, no request leaves the page,
 * and the screenshot is not blank.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import type { CompareReport } from '../../src/eval/compare_report.js';
import type { EvalReport } from '../../src/eval/eval_report.js';
import { barChart, escapeXml, niceTicks, scatterChart } from '../../src/eval/svg_chart.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';
import { launchChromium, requireChromium } from '../support/chromium.js';

const HAVE_CHROMIUM = requireChromium('the HTML report rendering test');

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-compare-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(args: string[]) {
  const io = captureIO();
  const code = await run(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('SVG charts', () => {
  it('picks round ticks and escapes text', () => {
    expect(niceTicks(0, 1.12)).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 1.12, 10)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(40, 60)).toEqual([40, 45, 50, 55, 60]);
    expect(niceTicks(0, 2200)).toEqual([0, 500, 1000, 1500, 2000]);
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('draws one mark per point and bar, carrying its values', () => {
    const svg = scatterChart(
      [
        { x: 10, y: 50, label: 'a<b', series: 's', color: '#000', tag: '1' },
        { x: 20, y: 60, label: 'c', series: 's', color: '#111', marker: 'square' },
        { x: NaN, y: 1, label: 'skipped', series: 's', color: '#222' },
      ],
      { title: 'T', xLabel: 'x', yLabel: 'y', id: 'c1' },
    );
    expect(svg.match(/<circle class="point"/g)).toHaveLength(1);
    expect(svg.match(/<rect class="point"/g)).toHaveLength(1);
    expect(svg).toContain('data-label="a&lt;b" data-x="10" data-y="50"');
    expect(svg).not.toContain('skipped');
    const bars = barChart(
      [
        { label: 'CONV_2D', value: 3 },
        { label: 'SOFTMAX', value: 0.5 },
      ],
      { title: 'ops', unit: 'ms', color: '#f00' },
    );
    expect(bars.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(bars).toMatch(/data-label="SOFTMAX" data-value="0.5"/);
  });
});

describe.skipIf(!HAVE_FIXTURES)('tflite-ts compare', () => {
  const FLOAT = 'models/classification/mobilenet_v1_0.25_224_1_default_1.tflite';
  const QUANT = 'models/classification/mobilenet_v1_0.25_224_quant.tflite';
  const html = join(tmp, 'report.html');
  let report: CompareReport;

  it('reports size, latency, accuracy and agreement, consistent with eval', async () => {
    const photos = fixturePath('imagenet_samples');
    const common = ['--images', photos, '--limit', '8', '--threads', '2'];
    const r = await cli([
      'compare',
      fixturePath(FLOAT),
      fixturePath(QUANT),
      ...common,
      '--runs',
      '3',
      '--warmup-ms',
      '0',
      '--html',
      html,
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    report = JSON.parse(r.out) as CompareReport;
    expect(report.images).toMatchObject({ count: 8, labels: 'labels.csv, column tflite_index_1001' });
    const [f, q] = report.models;
    expect(f!.fileBytes).toBe(statSync(fixturePath(FLOAT)).size);
    expect(q!.fileBytes).toBe(statSync(fixturePath(QUANT)).size);
    expect(q!.weightBytes).toBeLessThan(f!.weightBytes / 3);
    expect(f!.macs).toBe(q!.macs);
    expect(f!.agreement).toBe(1);
    expect(f!.meanAbsDiff).toBe(0);
    expect(q!.agreement).toBeGreaterThan(0);
    expect(q!.meanAbsDiff).toBeGreaterThan(0);
    for (const m of report.models) {
      expect(m.latency.medianMs1).toBeGreaterThan(0);
      expect(m.latency.threads).toBe(2);
      expect(m.arenaBytes).toBeGreaterThan(0);
      expect(m.ops.map((o) => o.op)).toContain('CONV_2D');
    }
    // Accuracy equals eval's on the same photos.
    for (const [k, m] of [FLOAT, QUANT].entries()) {
      const e = JSON.parse((await cli(['eval', fixturePath(m), ...common, '--json'])).out) as EvalReport;
      expect(report.models[k]!.accuracy).toMatchObject({
        images: 8,
        top1: e.summary.top1.accuracy,
        topK: e.summary.topK.accuracy,
      });
    }
    const text = await cli([
      'compare',
      fixturePath(FLOAT),
      fixturePath(QUANT),
      ...common,
      '--runs',
      '2',
      '--warmup-ms',
      '0',
    ]);
    expect(text.out).toMatch(/mobilenet_v1_0.25_224_quant: 0\.27x the size/);
  });

  it.skipIf(!HAVE_CHROMIUM)(
    'renders the HTML report offline with its charts in headless Chromium',
    async () => {
      expect(report).toBeDefined();
      const page = readFileSync(html, 'utf8');
      // Nothing to fetch: no executable script, no src / href / url() / @import.
      expect(page).not.toMatch(/<script(?![^>]*application\/json)|\s(src|href)=|url\(|@import/);
      const browser = await launchChromium([]);
      try {
        const tab = await browser.newPage({ viewport: { width: 1200, height: 900 } });
        const requests: string[] = [];
        tab.on('request', (req) => requests.push(req.url()));
        await tab.goto(pathToFileURL(html).href);
        expect(requests).toEqual([pathToFileURL(html).href]);

        const marks = await tab.evaluate(() => {
          const read = (sel: string) =>
            [...document.querySelectorAll(sel)].map((e) => ({
              tag: e.tagName,
              series: e.getAttribute('data-series'),
              label: e.getAttribute('data-label'),
              x: Number(e.getAttribute('data-x')),
              y: Number(e.getAttribute('data-y')),
              value: Number(e.getAttribute('data-value')),
              w: (e as SVGGraphicsElement).getBBox().width,
            }));
          return {
            size: read('#chart-size .point'),
            latency: read('#chart-latency .point'),
            ops: [0, 1].map((i) => read(`#chart-ops-${i} .bar`)),
            rows: document.querySelectorAll('#compare-table tbody tr').length,
          };
        });
        expect(marks.rows).toBe(2);
        const [f, q] = report.models;
        expect(marks.size.map((p) => [p.label, p.x, p.y])).toEqual([
          [f!.name, f!.fileBytes / 1024, 100 * f!.accuracy.top1],
          [q!.name, q!.fileBytes / 1024, 100 * q!.accuracy.top1],
        ]);
        expect(marks.latency.map((p) => [p.tag, p.series, p.x])).toEqual([
          ['circle', 'latency-1', f!.latency.medianMs1],
          ['rect', 'latency-2', f!.latency.medianMsN],
          ['circle', 'latency-1', q!.latency.medianMs1],
          ['rect', 'latency-2', q!.latency.medianMsN],
        ]);
        for (const [i, m] of report.models.entries()) {
          const bars = marks.ops[i]!;
          expect(bars.map((b) => b.value)).toEqual(m.ops.map((o) => o.ms));
          // Bars are drawn to scale: the longest op has the longest bar.
          const longest = bars.reduce((a, b) => (b.w > a.w ? b : a));
          expect(longest.value).toBe(Math.max(...m.ops.map((o) => o.ms)));
          expect(longest.w).toBeGreaterThan(10);
        }

        // Not blank: many pixels away from the white background, in several colours.
        const png = await tab.screenshot({ fullPage: true });
        const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
        let inked = 0;
        const colours = new Set<number>();
        for (let p = 0; p < data.length; p += info.channels) {
          const [r, g, b] = [data[p]!, data[p + 1]!, data[p + 2]!];
          if (r + g + b < 600) inked++;
          colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
        }
        expect(inked / (info.width * info.height)).toBeGreaterThan(0.01);
        expect(colours.size).toBeGreaterThan(20);
      } finally {
        await browser.close();
      }
    },
  );
});
