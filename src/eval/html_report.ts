/**
 * The compare report as one self-contained HTML file: inline CSS, inline SVG charts
 * (svg_chart.ts), no script, font or request to anywhere, so it opens offline and can be
 * committed or mailed as is (a few tens of kB). The report's data is embedded as JSON
 * (`<script type="application/json" id="compare-data">`, inert) for tools that read it back.
 */
import type { CompareModel, CompareReport } from './compare_report.js';
import { PALETTE, barChart, escapeXml, scatterChart } from './svg_chart.js';

/** Options of renderCompareHtml. */
export interface HtmlReportOptions {
  /** Page title (default "Model comparison"). */
  title?: string;
  /** The command that made the report, shown at the bottom. */
  command?: string;
  /** A paragraph under the title (what the models are, how they were made). */
  note?: string;
}

/** Returns bytes in binary units: "1.9 MiB". */
function bytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? '–' : `${(100 * v).toFixed(1)}%`);
const ms = (v: number) =>
  !Number.isFinite(v)
    ? '–'
    : v >= 100
      ? v.toFixed(0)
      : v >= 10
        ? v.toFixed(1)
        : v >= 1
          ? v.toFixed(2)
          : v.toFixed(3);
const ratio = (v: number, ref: number) => (ref > 0 && Number.isFinite(v) ? `${(v / ref).toFixed(2)}×` : '–');
const count = (n: number) =>
  n >= 1e9
    ? `${(n / 1e9).toFixed(2)} G`
    : n >= 1e6
      ? `${(n / 1e6).toFixed(1)} M`
      : n >= 1e3
        ? `${(n / 1e3).toFixed(1)} K`
        : String(n);
const small = (v: number | null) =>
  v === null || !Number.isFinite(v) ? '–' : v === 0 ? '0' : v.toExponential(2);

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;margin:24px auto;max-width:1100px;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
p.meta{color:#555;margin:2px 0}p.note{margin:4px 0 10px;max-width:900px}
table{border-collapse:collapse;margin:8px 0;font-variant-numeric:tabular-nums}
th,td{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
th{background:#f4f4f4;font-weight:600}td.name,th.name{text-align:left}
td .r{color:#777;font-size:12px;margin-left:4px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:6px;vertical-align:baseline}
.charts{display:flex;flex-wrap:wrap;gap:16px}
svg.chart{background:#fff;border:1px solid #e3e3e3;border-radius:4px}
svg .title{font-size:14px;font-weight:600}svg .tick,svg .bar-note,svg .bar-label{font-size:11px}svg .point-label{font-size:12px;font-weight:600}
svg .label{font-size:12px;fill:#444}svg .grid{stroke:#eee}svg .axis{stroke:#888}
footer{margin-top:32px;color:#777;font-size:12px}code{font-size:12px}
`;

/** Returns the table row of one model. */
function tableRow(m: CompareModel, i: number, first: CompareModel): string {
  const cells = [
    `<td class="name"><span class="swatch" style="background:${PALETTE[i % PALETTE.length]}"></span>${i + 1}. ${escapeXml(m.name)}</td>`,
    `<td>${bytes(m.fileBytes)}${i ? `<span class="r">${ratio(m.fileBytes, first.fileBytes)}</span>` : ''}</td>`,
    `<td>${bytes(m.weightBytes)}</td>`,
    `<td>${bytes(m.arenaBytes)}</td>`,
    `<td>${count(m.macs)}</td>`,
    `<td>${ms(m.latency.medianMs1)} ms${i ? `<span class="r">${ratio(m.latency.medianMs1, first.latency.medianMs1)}</span>` : ''}</td>`,
    `<td>${ms(m.latency.medianMsN)} ms${i ? `<span class="r">${ratio(m.latency.medianMsN, first.latency.medianMsN)}</span>` : ''}</td>`,
    `<td>${pct(m.accuracy.top1)}</td>`,
    `<td>${pct(m.accuracy.topK)}</td>`,
    `<td>${i ? pct(m.agreement) : '–'}</td>`,
    `<td>${i ? small(m.meanAbsDiff) : '–'}</td>`,
  ];
  return `<tr>${cells.join('')}</tr>`;
}

/** Returns the HTML document of a compare report. */
export function renderCompareHtml(report: CompareReport, options: HtmlReportOptions = {}): string {
  const title = options.title ?? 'Model comparison';
  const models = report.models;
  const first = models[0];
  const k = first?.accuracy.k ?? 5;
  const threadsN = first?.latency.threads ?? 1;
  const color = (i: number) => PALETTE[i % PALETTE.length]!;

  const sizeChart = scatterChart(
    models.map((m, i) => ({
      x: m.fileBytes / 1024,
      y: 100 * m.accuracy.top1,
      label: m.name,
      tag: String(i + 1),
      series: 'size',
      color: color(i),
    })),
    {
      id: 'chart-size',
      title: 'Top-1 accuracy vs file size',
      xLabel: 'file size (KiB)',
      yLabel: 'top-1 (%)',
    },
  );
  const latencyPoints = models.flatMap((m, i) => [
    {
      x: m.latency.medianMs1,
      y: 100 * m.accuracy.top1,
      label: m.name,
      tag: String(i + 1),
      series: 'latency-1',
      color: color(i),
    },
    ...(threadsN > 1
      ? [
          {
            x: m.latency.medianMsN,
            y: 100 * m.accuracy.top1,
            label: `${m.name} (${threadsN}t)`,
            series: `latency-${threadsN}`,
            color: color(i),
            marker: 'square' as const,
          },
        ]
      : []),
  ]);
  const latencyChart = scatterChart(latencyPoints, {
    id: 'chart-latency',
    title: `Top-1 accuracy vs latency (● 1 thread${threadsN > 1 ? `, ■ ${threadsN} threads` : ''})`,
    xLabel: 'median latency (ms)',
    yLabel: 'top-1 (%)',
  });
  // One scale for every model's op chart, so bar lengths compare across models.
  const opMax = Math.max(1e-9, ...models.flatMap((m) => m.ops.map((o) => o.ms)));
  const opCharts = models.map((m, i) => {
    const total = m.ops.reduce((a, o) => a + o.ms, 0) || 1;
    return barChart(
      m.ops.map((o) => ({
        label: `${o.op} ×${o.count}`,
        value: o.ms,
        note: `${ms(o.ms)} ms (${((100 * o.ms) / total).toFixed(0)}%)`,
      })),
      {
        id: `chart-ops-${i}`,
        title: `${m.name}: time per op type (1 thread)`,
        unit: 'ms per invoke',
        color: color(i),
        max: opMax,
      },
    );
  });

  const head = [
    'model',
    'file',
    'weights',
    'arena',
    'MACs',
    'latency 1 thread',
    `latency ${threadsN} threads`,
    'top-1',
    `top-${k}`,
    'top-1 agreement',
    'mean |Δscore|',
  ];
  const env = report.environment;
  const data = JSON.stringify(report).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeXml(title)}</h1>
${options.note ? `<p class="note">${escapeXml(options.note)}</p>\n` : ''}<p class="meta">${report.images.count} photos from <code>${escapeXml(report.images.dir)}</code> (labels: ${escapeXml(report.images.labels)}); centre crop as the model's classify.</p>
<p class="meta">Measured ${escapeXml(env.date)} with tflite-ts on ${escapeXml(env.runtime)}, ${escapeXml(env.platform)}, ${env.cpus} CPU(s). Latency: median of ${first?.latency.runs ?? 0} invokes after warm-up (random inputs). Ratios (×) are against the first model.</p>
<h2>Side by side</h2>
<table id="compare-table">
<thead><tr>${head.map((h, i) => `<th${i === 0 ? ' class="name"' : ''}>${escapeXml(h)}</th>`).join('')}</tr></thead>
<tbody>
${models.map((m, i) => tableRow(m, i, first!)).join('\n')}
</tbody>
</table>
<p class="meta">Points in the charts carry the model's number; hover for names and values. Agreement: share of photos whose top-1 class equals the first model's. Mean |Δscore|: mean absolute difference of the output scores from the first model's, over classes and photos.</p>
<h2>Accuracy, size and speed</h2>
<div class="charts">
${sizeChart}
${latencyChart}
</div>
<h2>Where the time goes</h2>
<p class="meta">Time per invoke of each op type on 1 thread: for each op, the median over batches of profiled invokes, summed per type; timing every op adds a little to each. One scale for all models.</p>
<div class="charts">
${opCharts.join('\n')}
</div>
<footer>Made by <code>${escapeXml(options.command ?? 'tflite-ts compare')}</code>. Self-contained: no scripts, fonts or network requests.</footer>
<script type="application/json" id="compare-data">${data}</script>
</body>
</html>
`;
}
