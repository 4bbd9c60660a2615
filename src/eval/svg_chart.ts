/**
 * Small static SVG charts for the compare report: a scatter plot and a horizontal bar chart, as
 * strings. Plain SVG rather than a charting library: the report must open offline as one file,
 * and the two chart kinds it needs take ~200 lines, where a library would add 50-200 kB of script
 * to every report and need a DOM to draw. Every mark carries data-* attributes with its values,
 * and a <title> (the browser's tooltip), so the charts can be checked and read without scripts.
 */

/** Escapes text for HTML / SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );
}

/** Colours of the series / models, in order (Okabe-Ito, readable by colour-blind readers). */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#D55E00',
  '#56B4E9',
  '#F0E442',
  '#000000',
];

/** Returns "nice" tick values covering [lo, hi]: steps of 1, 2 or 5 times a power of ten. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Formats a tick value compactly (no trailing zeros). */
const tickText = (v: number) => String(Number(v.toPrecision(6)));

/** One point of a scatter plot. */
export interface ScatterPoint {
  x: number;
  y: number;
  /** Name of the point (data-label and tooltip). */
  label: string;
  /** Short text drawn next to the point (e.g. the model's number in the table). */
  tag?: string;
  /** Series name (data-series) and colour index. */
  series: string;
  color: string;
  /** 'circle' (default) or 'square' marker. */
  marker?: 'circle' | 'square';
}

/** Options of scatterChart. */
export interface ScatterOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Start the x axis at 0 (default true: sizes and latencies read as ratios). */
  xFromZero?: boolean;
  width?: number;
  height?: number;
  /** id of the <svg>. */
  id?: string;
}

const M = { left: 60, right: 24, top: 34, bottom: 48 };

/** Returns the SVG of a scatter plot of `points`. */
export function scatterChart(points: readonly ScatterPoint[], o: ScatterOptions): string {
  const W = o.width ?? 520;
  const H = o.height ?? 340;
  const finite = points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const xs = finite.map((p) => p.x);
  const ys = finite.map((p) => p.y);
  const xMax = Math.max(1e-9, ...xs) * 1.12;
  const xMin = o.xFromZero === false ? Math.min(...xs) * 0.9 : 0;
  // y: a little room around the points, within 0..100 for percentages.
  const yLo = Math.min(...ys, 100);
  const yHi = Math.max(...ys, 0);
  const pad = Math.max(1, (yHi - yLo) * 0.15);
  const yMin = Math.max(0, Math.floor((yLo - pad) / 5) * 5);
  const yMax = Math.min(100, Math.ceil((yHi + pad) / 5) * 5);
  const px = (x: number) => M.left + ((x - xMin) / (xMax - xMin || 1)) * (W - M.left - M.right);
  const py = (y: number) => H - M.bottom - ((y - yMin) / (yMax - yMin || 1)) * (H - M.top - M.bottom);
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart scatter"${o.id ? ` id="${escapeXml(o.id)}"` : ''} viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text class="title" x="${W / 2}" y="20" text-anchor="middle">${escapeXml(o.title)}</text>`,
  );
  for (const t of niceTicks(xMin, xMax)) {
    const x = px(t).toFixed(1);
    parts.push(
      `<line class="grid" x1="${x}" y1="${M.top}" x2="${x}" y2="${H - M.bottom}"/>`,
      `<text class="tick" x="${x}" y="${H - M.bottom + 16}" text-anchor="middle">${tickText(t)}</text>`,
    );
  }
  for (const t of niceTicks(yMin, yMax)) {
    const y = py(t).toFixed(1);
    parts.push(
      `<line class="grid" x1="${M.left}" y1="${y}" x2="${W - M.right}" y2="${y}"/>`,
      `<text class="tick" x="${M.left - 6}" y="${(py(t) + 4).toFixed(1)}" text-anchor="end">${tickText(t)}</text>`,
    );
  }
  parts.push(
    `<line class="axis" x1="${M.left}" y1="${H - M.bottom}" x2="${W - M.right}" y2="${H - M.bottom}"/>`,
    `<line class="axis" x1="${M.left}" y1="${M.top}" x2="${M.left}" y2="${H - M.bottom}"/>`,
    `<text class="label" x="${(M.left + W - M.right) / 2}" y="${H - 10}" text-anchor="middle">${escapeXml(o.xLabel)}</text>`,
    `<text class="label" transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.yLabel)}</text>`,
  );
  // Tags of points that (nearly) coincide are moved right until they no longer overlap.
  const placed: [number, number][] = [];
  for (const p of finite) {
    const cx = px(p.x);
    const cy = py(p.y);
    const data = `data-series="${escapeXml(p.series)}" data-label="${escapeXml(p.label)}" data-x="${p.x}" data-y="${p.y}"`;
    const tip = `<title>${escapeXml(`${p.label}: ${tickText(p.x)} ${o.xLabel}, ${tickText(p.y)} ${o.yLabel}`)}</title>`;
    parts.push(
      p.marker === 'square'
        ? `<rect class="point" ${data} x="${(cx - 5).toFixed(1)}" y="${(cy - 5).toFixed(1)}" width="10" height="10" fill="${p.color}">${tip}</rect>`
        : `<circle class="point" ${data} cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="6" fill="${p.color}">${tip}</circle>`,
    );
    if (p.tag) {
      let tx = cx + 8;
      const ty = cy - 7;
      while (placed.some(([x, y]) => Math.abs(x - tx) < 10 && Math.abs(y - ty) < 12)) tx += 10;
      placed.push([tx, ty]);
      parts.push(
        `<text class="point-label" x="${tx.toFixed(1)}" y="${ty.toFixed(1)}">${escapeXml(p.tag)}</text>`,
      );
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/** One bar of a bar chart. */
export interface Bar {
  label: string;
  value: number;
  /** Text after the bar (default: the value). */
  note?: string;
}

/** Options of barChart. */
export interface BarOptions {
  title: string;
  /** Unit of the values, shown on the axis. */
  unit: string;
  color: string;
  /** Axis maximum (to share a scale between charts); default the largest value. */
  max?: number;
  width?: number;
  id?: string;
}

/** Returns the SVG of a horizontal bar chart, one row per bar in the given order. */
export function barChart(bars: readonly Bar[], o: BarOptions): string {
  const W = o.width ?? 520;
  const row = 22;
  const labelW = 185;
  const noteW = 96;
  const top = 30;
  const H = top + row * bars.length + 30;
  const max = o.max ?? Math.max(1e-9, ...bars.map((b) => b.value));
  const ticks = niceTicks(0, max, 4);
  const scaleMax = Math.max(max, ticks[ticks.length - 1] ?? max);
  const bx = (v: number) => labelW + (v / scaleMax) * (W - labelW - noteW);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart bars"${o.id ? ` id="${escapeXml(o.id)}"` : ''} viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="${escapeXml(o.title)}">`,
    `<text class="title" x="${W / 2}" y="18" text-anchor="middle">${escapeXml(o.title)}</text>`,
  ];
  for (const t of ticks) {
    const x = bx(t).toFixed(1);
    parts.push(
      `<line class="grid" x1="${x}" y1="${top - 4}" x2="${x}" y2="${top + row * bars.length}"/>`,
      `<text class="tick" x="${x}" y="${top + row * bars.length + 14}" text-anchor="middle">${tickText(t)}</text>`,
    );
  }
  parts.push(
    `<text class="label" x="${(labelW + W - noteW) / 2}" y="${H - 2}" text-anchor="middle">${escapeXml(o.unit)}</text>`,
  );
  bars.forEach((b, i) => {
    const y = top + i * row;
    const w = Math.max(0, bx(b.value) - labelW);
    parts.push(
      `<text class="bar-label" x="${labelW - 6}" y="${y + 15}" text-anchor="end">${escapeXml(b.label)}</text>`,
      `<rect class="bar" data-label="${escapeXml(b.label)}" data-value="${b.value}" x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${row - 6}" fill="${o.color}"><title>${escapeXml(`${b.label}: ${b.note ?? tickText(b.value)}`)}</title></rect>`,
      `<text class="bar-note" x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}">${escapeXml(b.note ?? tickText(b.value))}</text>`,
    );
  });
  parts.push('</svg>');
  return parts.join('\n');
}
