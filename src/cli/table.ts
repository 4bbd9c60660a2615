/**
 * Aligned text tables for terminal output. Columns are as wide as their widest cell; when the
 * table would exceed the width (100 columns by default), the columns marked `shrink` give up
 * space, widest first, and their cells are cut with an ellipsis.
 */

/** One column of a table. */
export interface Column {
  header: string;
  /** 'right' for numbers. */
  align?: 'left' | 'right';
  /** May be narrowed to fit the width; cells lose their start ('start', for names) or end. */
  shrink?: 'start' | 'end';
  /** Narrowest the column may become when shrinking (default 8). */
  minWidth?: number;
}

const GAP = '  ';

/** Returns `text` cut to `width` characters with an ellipsis at the start or end. */
export function truncate(text: string, width: number, from: 'start' | 'end' = 'end'): string {
  if (text.length <= width) return text;
  if (width <= 1) return text.slice(0, width);
  return from === 'start' ? `…${text.slice(text.length - width + 1)}` : `${text.slice(0, width - 1)}…`;
}

/** Returns the rows laid out under the headers, each line indented and at most `width` wide. */
export function formatTable(
  columns: readonly Column[],
  rows: readonly (readonly string[])[],
  options: { width?: number; indent?: number } = {},
): string {
  const width = options.width ?? 100;
  const indent = ' '.repeat(options.indent ?? 2);
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const total = () => indent.length + widths.reduce((a, w) => a + w, 0) + GAP.length * (columns.length - 1);
  // Shrink the widest shrinkable column one character at a time until the table fits.
  while (total() > width) {
    let pick = -1;
    columns.forEach((c, i) => {
      if (
        c.shrink &&
        widths[i]! > Math.max(c.minWidth ?? 8, c.header.length) &&
        (pick < 0 || widths[i]! > widths[pick]!)
      ) {
        pick = i;
      }
    });
    if (pick < 0) break;
    widths[pick]!--;
  }
  const line = (cells: readonly string[]) =>
    (
      indent +
      columns
        .map((c, i) => {
          const cell = truncate(cells[i] ?? '', widths[i]!, c.shrink === 'start' ? 'start' : 'end');
          return c.align === 'right' ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!);
        })
        .join(GAP)
    ).trimEnd();
  return [line(columns.map((c) => c.header)), ...rows.map(line)].join('\n') + '\n';
}

/** Returns `text` wrapped at spaces to lines of at most `width` characters, each indented. */
export function wrap(text: string, width: number, indent = ''): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w.length > 0)) {
    const w = truncate(word, width - indent.length);
    if (line && indent.length + line.length + 1 + w.length > width) {
      out.push(indent + line);
      line = w;
    } else {
      line = line ? `${line} ${w}` : w;
    }
  }
  if (line) out.push(indent + line);
  return out.join('\n');
}
