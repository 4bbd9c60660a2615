/**
 * TFLite Metadata as part of a model: find and parse the TFLITE_METADATA buffer, attach new
 * metadata and associated files (the quantizer and converter use this to keep labels and
 * normalization), and the everyday look-ups: labels of an output, normalization of an input,
 * an associated file by name.
 */
import { InputError } from '../errors.js';
import type { AssociatedFileData, Model } from '../ir/model.js';
import {
  type AssociatedFile,
  type AssociatedFileType,
  type ModelMetadata,
  type TensorMetadata,
  readMetadata,
  writeMetadata,
} from './metadata.js';
import { minParserVersion } from './metadata_json.js';

/** Name of the Model.metadata entry whose buffer holds TFLite Metadata. */
export const TFLITE_METADATA = 'TFLITE_METADATA';

/** Returns the buffer index of the TFLITE_METADATA entry, or undefined when the model has none. */
export function metadataBufferIndex(model: Model): number | undefined {
  return model.metadata?.find((m) => m.name === TFLITE_METADATA)?.buffer;
}

/**
 * Returns the model's parsed TFLite Metadata, or undefined when it has none. Throws
 * ModelFormatError naming the field (`TFLITE_METADATA.subgraph_metadata[0]...`) when malformed.
 */
export function getModelMetadata(model: Model): ModelMetadata | undefined {
  const index = metadataBufferIndex(model);
  if (index === undefined) return undefined;
  const data = model.buffers[index]?.data;
  if (!data || data.byteLength === 0) return undefined;
  return readMetadata(data, TFLITE_METADATA);
}

/** Every associated file name the metadata mentions, in order of appearance. */
export function metadataFileNames(meta: ModelMetadata): string[] {
  const names: string[] = [];
  const add = (list: AssociatedFile[] | undefined) =>
    list?.forEach((f) => {
      if (f.name !== undefined && !names.includes(f.name)) names.push(f.name);
    });
  const tensors = (list: TensorMetadata[] | undefined) =>
    list?.forEach((t) => {
      add(t.associatedFiles);
      t.processUnits?.forEach((u) => {
        if (u.options && 'vocabFile' in u.options) add(u.options.vocabFile);
        if (u.options?.type === 'SentencePieceTokenizerOptions') add(u.options.sentencePieceModel);
      });
    });
  add(meta.associatedFiles);
  meta.subgraphMetadata?.forEach((s) => {
    tensors(s.inputTensorMetadata);
    tensors(s.outputTensorMetadata);
    add(s.associatedFiles);
    for (const u of [...(s.inputProcessUnits ?? []), ...(s.outputProcessUnits ?? [])]) {
      if (u.options && 'vocabFile' in u.options) add(u.options.vocabFile);
    }
  });
  return names;
}

/**
 * Stores `meta` as the model's TFLITE_METADATA (replacing any) and, when given, `files` as its
 * associated files (replacing the zip's content). Fills `minParserVersion` when absent.
 * Returns nothing; throws InputError when the metadata names a file the model does not carry.
 */
export function setModelMetadata(model: Model, meta: ModelMetadata, files?: AssociatedFileData[]): void {
  const complete: ModelMetadata = {
    ...meta,
    minParserVersion: meta.minParserVersion ?? minParserVersion(meta),
  };
  const carried = files ?? model.associatedFiles ?? [];
  const missing = metadataFileNames(complete).filter((n) => !carried.some((f) => f.name === n));
  if (missing.length > 0) {
    throw new InputError(
      `metadata names associated file(s) ${missing.map((n) => JSON.stringify(n)).join(', ')} ` +
        'that the model does not carry; pass them in `files`.',
    );
  }
  const data = writeMetadata(complete);
  const index = metadataBufferIndex(model);
  if (index !== undefined && model.buffers[index]) {
    model.buffers[index] = { data, offset: 0n, size: 0n };
  } else {
    model.buffers.push({ data, offset: 0n, size: 0n });
    (model.metadata ??= []).push({ name: TFLITE_METADATA, buffer: model.buffers.length - 1 });
  }
  if (files) {
    if (files.length > 0) model.associatedFiles = files;
    else delete model.associatedFiles;
  }
}

/** Returns the bytes of the associated file named `name`, or undefined. */
export function getAssociatedFile(model: Model, name: string): Uint8Array | undefined {
  return model.associatedFiles?.find((f) => f.name === name)?.data;
}

/**
 * Returns the lines of a label or vocabulary file: split on newlines, a trailing carriage
 * return dropped from each, and the empty line after a final newline not counted.
 */
export function parseLabelFile(bytes: Uint8Array): string[] {
  const lines = new TextDecoder('utf-8').decode(bytes).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Options of getLabels. */
export interface LabelOptions {
  /** Output tensor (position in the subgraph's outputs); default: the first output that has labels. */
  output?: number;
  /** Subgraph index (default 0). */
  subgraph?: number;
  /** Preferred locale, e.g. "en"; falls back to the first file of the type. */
  locale?: string;
  /** Which kind of labels (default: TENSOR_AXIS_LABELS, then TENSOR_VALUE_LABELS). */
  type?: 'TENSOR_AXIS_LABELS' | 'TENSOR_VALUE_LABELS';
}

function pickFile(files: AssociatedFile[] | undefined, type: AssociatedFileType, locale?: string) {
  const ofType = (files ?? []).filter((f) => f.type === type && f.name !== undefined);
  return (locale ? ofType.find((f) => f.locale === locale) : undefined) ?? ofType[0];
}

/**
 * Returns the labels of an output tensor from its TENSOR_AXIS_LABELS (classifiers) or
 * TENSOR_VALUE_LABELS (detectors' class output) file, or undefined when the model has no such
 * file. Throws ModelFormatError for malformed metadata.
 */
export function getLabels(model: Model, options: LabelOptions = {}): string[] | undefined {
  const sg = getModelMetadata(model)?.subgraphMetadata?.[options.subgraph ?? 0];
  const outputs = sg?.outputTensorMetadata ?? [];
  const types: AssociatedFileType[] = options.type
    ? [options.type]
    : ['TENSOR_AXIS_LABELS', 'TENSOR_VALUE_LABELS'];
  const candidates = options.output !== undefined ? [outputs[options.output]] : outputs;
  for (const type of types) {
    for (const t of candidates) {
      const file = pickFile(t?.associatedFiles, type, options.locale);
      const data = file ? getAssociatedFile(model, file.name!) : undefined;
      if (data) return parseLabelFile(data);
    }
  }
  return undefined;
}

/** Normalization of an input: (x - mean) / std, per channel (one value applies to all). */
export interface Normalization {
  mean: number[];
  std: number[];
}

/**
 * Returns the NormalizationOptions of input `input` (position in the subgraph's inputs) of
 * subgraph 0, or undefined when the metadata gives none. Throws ModelFormatError for malformed
 * metadata.
 */
export function getNormalization(model: Model, input = 0): Normalization | undefined {
  const t = getModelMetadata(model)?.subgraphMetadata?.[0]?.inputTensorMetadata?.[input];
  for (const u of t?.processUnits ?? []) {
    if (u.options?.type === 'NormalizationOptions')
      return { mean: u.options.mean ?? [], std: u.options.std ?? [] };
  }
  return undefined;
}
