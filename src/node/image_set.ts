/**
 * A labelled image folder on disk, as `eval` and `compare` take it (`--images DIR`):
 *  - with `--labels-csv F` (or a labels.csv inside DIR): the CSV maps files (relative to DIR) to
 *    classes, by index or by name (see src/eval/label_table.ts for how a column is chosen);
 *  - otherwise a folder per class: DIR/<class>/**\/<image>, the folder name being the class's
 *    label (or its index when it is a number).
 * Images are listed in a fixed order (CSV order; for folders, sorted by path), so positions and
 * shards are the same on every machine.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InputError } from '../errors.js';
import { type LabelTable, labelTableFromCsv, labelTableFromFolders } from '../eval/label_table.js';

/** Extensions of the image files decodeImageFile reads. */
const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|bmp|avif|tiff?)$/i;

/** A labelled image folder. */
export interface ImageSet {
  /** The folder. */
  readonly dir: string;
  /** Files (relative to dir) and their label columns. */
  readonly table: LabelTable;
}

/** Returns the image files under `dir`, recursively (relative paths, '/'-separated, sorted). */
export function listImageFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      if (name.startsWith('.')) continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (IMAGE_EXTENSIONS.test(name)) out.push(relative(dir, p).split(sep).join('/'));
    }
  };
  walk(dir);
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Returns the labelled images of `dir`, labelled by `labelsCsv` (a path) or DIR/labels.csv or
 * the class folders. Throws InputError when the folder does not exist, has no labels, or the CSV
 * names files that do not exist.
 */
export function loadImageSet(dir: string, labelsCsv?: string): ImageSet {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new InputError(`--images ${dir}: no such folder`);
  }
  const csv = labelsCsv ?? (existsSync(join(dir, 'labels.csv')) ? join(dir, 'labels.csv') : undefined);
  if (csv !== undefined) {
    if (!existsSync(csv)) throw new InputError(`--labels-csv ${csv}: no such file`);
    const table = labelTableFromCsv(readFileSync(csv, 'utf8'), csv);
    const missing = table.rows.filter((r) => !existsSync(join(dir, r.file)));
    if (missing.length > 0) {
      throw new InputError(
        `${csv}: ${missing.length} listed file(s) are not in ${dir}, e.g. ${missing[0]!.file}; ` +
          'file names are relative to the --images folder',
      );
    }
    return { dir, table };
  }
  const images = listImageFiles(dir)
    .filter((f) => f.includes('/'))
    .map((file) => ({ file, folder: file.slice(0, file.indexOf('/')) }));
  if (images.length === 0) {
    throw new InputError(
      `${dir}: no labelled images; put the images in a folder per class (${dir}/<class>/photo.jpg) ` +
        'or give a CSV of file,class with --labels-csv',
    );
  }
  return { dir, table: labelTableFromFolders(images) };
}
