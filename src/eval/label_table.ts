/**
 * Ground truth of an evaluation: which class each image belongs to. A LabelTable is a list of
 * image files with one or more label columns; where it comes from is the caller's (a CSV file,
 * or a folder per class: one column `class` holding the folder name). `labelsForModel` turns a
 * column into class indices of one model's output, so the same table serves models with 1000
 * and 1001 (background first) classes.
 *
 * Which column, for a model with C output classes (unless the caller names one):
 *  1. an integer column whose header names C classes: "tflite_index_1001" (the number C) or
 *     "imagenet_index_0_999" (a range 0..C-1);
 *  2. else an integer column whose header names C-1 or C+1 classes, shifted by the difference
 *     (a 1000-class index on a 1001-class model gets +1: class 0 is "background");
 *  3. else the only integer column, unshifted, if all its values fit the C classes;
 *  4. else the text column whose values match the most of the model's labels by name.
 * Names match case-insensitively, any run of characters other than letters and digits read as
 * one space ("tiger_shark" = "tiger shark", a folder "t-shirt-top" = the label "T-shirt/top").
 */
import { InputError } from '../errors.js';

/** Images with their label columns. */
export interface LabelTable {
  /** Column names, in the source's order. */
  readonly columns: readonly string[];
  /** One row per image: the file (relative to the image folder) and a value per column. */
  readonly rows: readonly { readonly file: string; readonly values: readonly string[] }[];
  /** Where the table came from, for messages: "labels.csv" or "folders". */
  readonly source: string;
}

/** A model's class names, to match text labels against (index -> label / display name). */
export interface ClassNames {
  readonly classes: number;
  label(i: number): string | undefined;
  displayName(i: number): string | undefined;
}

/** The class index of every row for one model, and how it was found. */
export interface ResolvedLabels {
  /** Class index of each row of the table (in the model's output), in row order. */
  readonly labels: readonly number[];
  /** Column used. */
  readonly column: string;
  /** Added to the column's integers (+1: a 1000-class index on a 1001-class model). */
  readonly shift: number;
  /** 'index' for integer columns, 'name' for columns matched to the model's labels. */
  readonly kind: 'index' | 'name';
}

/** Header names accepted for the file column of a CSV (else the first column is the file). */
const FILE_COLUMNS = ['file', 'filename', 'file_name', 'path', 'image', 'image_path'];

/**
 * Returns the fields of CSV text (RFC 4180: comma separated, double-quoted fields may hold commas,
 * quotes as "" and newlines; CRLF or LF line ends). Blank lines are dropped.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  const endRow = () => {
    row.push(field);
    if (row.length > 1 || row[0] !== '') rows.push(row);
    row = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else field += ch;
      i++;
      continue;
    }
    if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n') endRow();
    else if (ch !== '\r') field += ch;
    i++;
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/**
 * Returns the table of a CSV mapping files to classes: a header row, then one row per image. The
 * file column is the one named file / filename / path / image, else the first. Throws InputError
 * for a CSV without rows or with rows of the wrong width (`name` is used in messages).
 */
export function labelTableFromCsv(text: string, name = 'labels.csv'): LabelTable {
  const rows = parseCsv(text.replace(/^\uFEFF/, ''));
  const header = rows[0];
  if (!header || rows.length < 2) {
    throw new InputError(`${name}: expected a header line and one line per image, e.g. "file,class"`);
  }
  const names = header.map((h) => h.trim());
  const fileCol = Math.max(
    0,
    names.findIndex((h) => FILE_COLUMNS.includes(h.toLowerCase())),
  );
  const columns = names.filter((_, c) => c !== fileCol);
  if (columns.length === 0) throw new InputError(`${name}: needs a label column besides the file column`);
  const out = rows.slice(1).map((r, k) => {
    if (r.length !== names.length) {
      throw new InputError(
        `${name}: line ${k + 2} has ${r.length} fields, the header has ${names.length}; quote fields that hold commas`,
      );
    }
    return { file: r[fileCol]!.trim(), values: r.filter((_, c) => c !== fileCol).map((v) => v.trim()) };
  });
  return { columns, rows: out, source: name };
}

/** Returns a one-column table ("class") from images and the name of the folder each is in. */
export function labelTableFromFolders(images: readonly { file: string; folder: string }[]): LabelTable {
  return {
    columns: ['class'],
    rows: images.map((im) => ({ file: im.file, values: [im.folder] })),
    source: 'folders',
  };
}

/** Returns a label as names are compared: lower case, runs of non-alphanumerics as one space. */
export function normalizeLabel(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const isInteger = (v: string) => /^-?\d+$/.test(v);

/**
 * Returns the number of classes a column header names, or undefined: "0_999" or "0-999" -> 1000;
 * otherwise the largest number >= 2 in it ("tflite_index_1001" -> 1001).
 */
export function classesNamedBy(header: string): number | undefined {
  const range = /(?:^|\D)0[_-](\d+)(?:\D|$)/.exec(header);
  if (range) return Number(range[1]) + 1;
  const numbers = (header.match(/\d+/g) ?? []).map(Number).filter((n) => n >= 2);
  return numbers.length > 0 ? Math.max(...numbers) : undefined;
}

/**
 * Returns the class index of every row of `table` for a model with `names.classes` classes, from
 * `column` when given, else from the column chosen by the rules above. Throws InputError when no
 * column fits, when a value is not a class of the model, or when `column` does not exist.
 */
export function labelsForModel(table: LabelTable, names: ClassNames, column?: string): ResolvedLabels {
  const classes = names.classes;
  const colIndex = (c: string) => table.columns.indexOf(c);
  const values = (c: number) => table.rows.map((r) => r.values[c]!);
  const intColumns = table.columns
    .map((name, c) => ({ name, c }))
    .filter(({ c }) => table.rows.length > 0 && values(c).every(isInteger));

  const byIndex = (c: number, shift: number): ResolvedLabels => {
    const name = table.columns[c]!;
    const labels = values(c).map((v, r) => {
      const k = Number(v) + shift;
      if (k < 0 || k >= classes) {
        throw new InputError(
          `${table.source}: ${table.rows[r]!.file} has class ${v} in column "${name}"` +
            `${shift ? ` (shifted by ${shift})` : ''}, but the model has ${classes} classes (0..${classes - 1}); ` +
            'choose the column that matches the model with --label-column',
        );
      }
      return k;
    });
    return { labels, column: name, shift, kind: 'index' };
  };

  if (column !== undefined) {
    const c = colIndex(column);
    if (c < 0) {
      throw new InputError(
        `${table.source} has no column "${column}"; its columns: ${table.columns.join(', ')}`,
      );
    }
    if (intColumns.some((ic) => ic.c === c)) {
      const named = classesNamedBy(column);
      const d = named === undefined ? 0 : classes - named;
      return byIndex(c, Math.abs(d) === 1 ? d : 0);
    }
    return byName(table, c, names);
  }

  for (const { c, name } of intColumns) if (classesNamedBy(name) === classes) return byIndex(c, 0);
  for (const { c, name } of intColumns) {
    const named = classesNamedBy(name);
    if (named !== undefined && Math.abs(classes - named) === 1) return byIndex(c, classes - named);
  }
  if (intColumns.length === 1) {
    const { c } = intColumns[0]!;
    if (values(c).every((v) => Number(v) >= 0 && Number(v) < classes)) return byIndex(c, 0);
  }
  // Text columns: the one whose values match the most labels.
  const labelIndex = classNameIndex(names);
  let best = -1;
  let bestHits = 0;
  table.columns.forEach((_, c) => {
    if (intColumns.some((ic) => ic.c === c)) return;
    const hits = values(c).filter((v) => labelIndex.has(normalizeLabel(v))).length;
    if (hits > bestHits) {
      best = c;
      bestHits = hits;
    }
  });
  if (best >= 0) return byName(table, best, names);
  throw new InputError(
    `${table.source}: no column gives classes of this ${classes}-class model (columns: ${table.columns.join(', ')}). ` +
      (labelIndex.size === 0
        ? 'The model has no labels to match names against: use class indices, or pass --labels.'
        : "Use class indices or the model's label names, or pick a column with --label-column."),
  );
}

/** Returns normalized label and display name -> first class index having it. */
function classNameIndex(names: ClassNames): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < names.classes; i++) {
    for (const n of [names.label(i), names.displayName(i)]) {
      if (n === undefined) continue;
      const key = normalizeLabel(n);
      if (!index.has(key)) index.set(key, i);
    }
  }
  return index;
}

/** Resolves a text column by label name; integers in it are taken as class indices. */
function byName(table: LabelTable, c: number, names: ClassNames): ResolvedLabels {
  const index = classNameIndex(names);
  const column = table.columns[c]!;
  const unknown = new Set<string>();
  const labels = table.rows.map((r) => {
    const v = r.values[c]!;
    const hit = index.get(normalizeLabel(v));
    if (hit !== undefined) return hit;
    if (isInteger(v) && Number(v) >= 0 && Number(v) < names.classes) return Number(v);
    unknown.add(v);
    return -1;
  });
  if (unknown.size > 0) {
    const list = [...unknown].slice(0, 5).map((v) => JSON.stringify(v));
    throw new InputError(
      `${table.source}: ${unknown.size} class name(s) in "${column}" are not labels of the model: ` +
        `${list.join(', ')}${unknown.size > 5 ? ', ...' : ''}` +
        (index.size === 0 ? ' (the model has no labels: pass --labels FILE)' : ''),
    );
  }
  return { labels, column, shift: 0, kind: 'name' };
}
