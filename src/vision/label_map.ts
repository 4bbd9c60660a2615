/**
 * Class labels of a classifier's output: from the caller (a labels file), else from the model's
 * metadata (the output's TENSOR_AXIS_LABELS file; a second file of that type whose locale matches
 * `displayNamesLocale` gives display names, as in the Task Library), aligned with the output.
 *
 * ImageNet classifiers come in two conventions: 1001 outputs with index 0 = "background"
 * (TF-slim, the TFLite-hosted and Coral MobileNets) and 1000 outputs (Keras, PyTorch). A
 * 1000-line labels file on a 1001-output model is shifted by one (index 0 gets "background"); a
 * 1001-line file on a 1000-output model drops its first line.
 */
import { InputError } from '../errors.js';
import { getAssociatedFile, getModelMetadata, parseLabelFile } from '../format/model_metadata.js';
import type { Model } from '../ir/model.js';

/** Labels aligned with the classes of an output. */
export interface LabelMap {
  /** Label of class i, or undefined when there is none. */
  label(i: number): string | undefined;
  /** Display name of class i (locale-specific), or undefined. */
  displayName(i: number): string | undefined;
  /** Where the labels came from, for messages: 'metadata:labels.txt', 'file', 'none'. */
  readonly source: string;
  /** Shift applied: label(i) = lines[i - offset] (1 for a 1000-line file on 1001 classes, -1 for the opposite). */
  readonly offset: number;
}

/** Options of labelMapFor. */
export interface LabelMapOptions {
  /** Caller-supplied labels (one per line of a labels file); they take precedence over the metadata. */
  labels?: readonly string[];
  /** Locale of the display names file in the metadata (default 'en'). */
  displayNamesLocale?: string;
  /** Position of the output among the model's outputs (default 0). */
  output?: number;
}

/**
 * Returns the label map of output `options.output` with `classes` entries. Throws InputError
 * when the labels' count differs from `classes` by more than the background line;
 * ModelFormatError for malformed metadata.
 */
export function labelMapFor(model: Model, classes: number, options: LabelMapOptions = {}): LabelMap {
  if (options.labels) return aligned(options.labels, undefined, classes, 'file');
  const out = getModelMetadata(model)?.subgraphMetadata?.[0]?.outputTensorMetadata?.[options.output ?? 0];
  const files = (out?.associatedFiles ?? []).filter(
    (f) => f.type === 'TENSOR_AXIS_LABELS' && f.name !== undefined,
  );
  const labelFile = files[0];
  const data = labelFile ? getAssociatedFile(model, labelFile.name!) : undefined;
  if (!labelFile || !data)
    return { label: () => undefined, displayName: () => undefined, source: 'none', offset: 0 };
  const locale = options.displayNamesLocale ?? 'en';
  const nameFile = files.find((f) => f !== labelFile && f.locale === locale);
  const nameData = nameFile ? getAssociatedFile(model, nameFile.name!) : undefined;
  const names = nameData ? parseLabelFile(nameData) : undefined;
  return aligned(parseLabelFile(data), names, classes, `metadata:${labelFile.name}`);
}

function aligned(
  lines: readonly string[],
  names: readonly string[] | undefined,
  classes: number,
  source: string,
): LabelMap {
  let offset = 0;
  if (lines.length === classes - 1) offset = 1;
  else if (lines.length === classes + 1) offset = -1;
  else if (lines.length !== classes) {
    throw new InputError(
      `the labels (${source}) have ${lines.length} lines but the model outputs ${classes} classes; ` +
        'use a labels file with one line per class',
    );
  }
  const pick = (list: readonly string[] | undefined, i: number) => {
    if (!list) return undefined;
    if (offset === 1 && i === 0) return 'background';
    const v = list[i - offset];
    return v === undefined || v === '' ? undefined : v;
  };
  return {
    label: (i) => pick(lines, i),
    displayName: (i) => (names && names.length === lines.length ? pick(names, i) : undefined),
    source,
    offset,
  };
}

/** Returns the lines of a labels file given as bytes or text (see parseLabelFile). */
export function parseLabels(content: Uint8Array | string): string[] {
  return parseLabelFile(typeof content === 'string' ? new TextEncoder().encode(content) : content);
}
