/**
 * TFLite Metadata (tflite-support `metadata_schema.fbs`, schema 1.5.0, file identifier "M001"):
 * the FlatBuffer stored in the model buffer that `Model.metadata` names "TFLITE_METADATA". It
 * describes the model (name, version, author, license), each input and output tensor (content
 * such as an RGB image, normalization mean/std, value ranges, label files) and the files of the
 * zip appended to the model.
 *
 * Each table's reader and writer sit side by side below. Field ids are the schema's field
 * order; a union takes two ids (its `_type` byte, then the table). Enum values are exposed by
 * name; a code this schema does not know (written by a newer tool) stays a number so that it
 * survives a round trip.
 */
import { Builder } from 'flatbuffers';
import { ModelFormatError } from '../errors.js';
import { FlatBufferBytes, Table, setOptional } from './checked_reader.js';
import { alignedByteVector, float32Vector, int32Vector, offsetVector } from './model_writer.js';

/** FlatBuffer file identifier of TFLite Metadata. */
export const METADATA_FILE_IDENTIFIER = 'M001';

/** AssociatedFileType names by code. */
export const ASSOCIATED_FILE_TYPES = [
  'UNKNOWN',
  'DESCRIPTIONS',
  'TENSOR_AXIS_LABELS',
  'TENSOR_VALUE_LABELS',
  'TENSOR_AXIS_SCORE_CALIBRATION',
  'VOCABULARY',
  'SCANN_INDEX_FILE',
] as const;
/** Kind of an associated file (a number for codes newer than this schema). */
export type AssociatedFileType = (typeof ASSOCIATED_FILE_TYPES)[number] | number;

/** ColorSpaceType names by code. */
export const COLOR_SPACE_TYPES = ['UNKNOWN', 'RGB', 'GRAYSCALE'] as const;
export type ColorSpaceType = (typeof COLOR_SPACE_TYPES)[number] | number;

/** BoundingBoxType names by code. */
export const BOUNDING_BOX_TYPES = ['UNKNOWN', 'BOUNDARIES', 'UPPER_LEFT', 'CENTER'] as const;
export type BoundingBoxType = (typeof BOUNDING_BOX_TYPES)[number] | number;

/** CoordinateType names by code. */
export const COORDINATE_TYPES = ['RATIO', 'PIXEL'] as const;
export type CoordinateType = (typeof COORDINATE_TYPES)[number] | number;

/** ScoreTransformationType names by code. */
export const SCORE_TRANSFORMATION_TYPES = ['IDENTITY', 'LOG', 'INVERSE_LOGISTIC'] as const;
export type ScoreTransformationType = (typeof SCORE_TRANSFORMATION_TYPES)[number] | number;

/** A file of the model's zip, as the metadata describes it. */
export interface AssociatedFile {
  name?: string;
  description?: string;
  type: AssociatedFileType;
  locale?: string;
  version?: string;
}

/** Width and height of an image. */
export interface ImageSize {
  width: number;
  height: number;
}

/** ContentProperties union: what a tensor holds. */
export type ContentProperties =
  | { type: 'FeatureProperties' }
  | { type: 'ImageProperties'; colorSpace: ColorSpaceType; defaultSize?: ImageSize }
  | {
      type: 'BoundingBoxProperties';
      index?: number[];
      boxType: BoundingBoxType;
      coordinateType: CoordinateType;
    }
  | { type: 'AudioProperties'; sampleRate: number; channels: number }
  /** A union member newer than this schema: kept by code only, cannot be written back. */
  | { type: 'Unknown'; code: number };

/** Range of dimensions a content covers. */
export interface ValueRange {
  min: number;
  max: number;
}

/** Content of a tensor. */
export interface Content {
  contentProperties?: ContentProperties;
  range?: ValueRange;
}

/** ProcessUnitOptions union: out-of-graph pre/post-processing. */
export type ProcessUnitOptions =
  | { type: 'NormalizationOptions'; mean?: number[]; std?: number[] }
  | { type: 'ScoreCalibrationOptions'; scoreTransformation: ScoreTransformationType; defaultScore: number }
  | { type: 'ScoreThresholdingOptions'; globalScoreThreshold: number }
  | { type: 'BertTokenizerOptions'; vocabFile?: AssociatedFile[] }
  | {
      type: 'SentencePieceTokenizerOptions';
      sentencePieceModel?: AssociatedFile[];
      vocabFile?: AssociatedFile[];
    }
  | { type: 'RegexTokenizerOptions'; delimRegexPattern?: string; vocabFile?: AssociatedFile[] }
  | { type: 'Unknown'; code: number };

/** One process unit. */
export interface ProcessUnit {
  options?: ProcessUnitOptions;
}

/** Per-channel value statistics. */
export interface Stats {
  max?: number[];
  min?: number[];
}

/** Tensors grouped together (e.g. the four outputs of a detector). */
export interface TensorGroup {
  name?: string;
  tensorNames?: string[];
}

/** Metadata of one input or output tensor. */
export interface TensorMetadata {
  name?: string;
  description?: string;
  dimensionNames?: string[];
  content?: Content;
  processUnits?: ProcessUnit[];
  stats?: Stats;
  associatedFiles?: AssociatedFile[];
}

/** Opaque named bytes (schema 1.5.0). */
export interface CustomMetadata {
  name?: string;
  data?: Uint8Array;
}

/** Metadata of one subgraph. */
export interface SubGraphMetadata {
  name?: string;
  description?: string;
  inputTensorMetadata?: TensorMetadata[];
  outputTensorMetadata?: TensorMetadata[];
  associatedFiles?: AssociatedFile[];
  inputProcessUnits?: ProcessUnit[];
  outputProcessUnits?: ProcessUnit[];
  inputTensorGroups?: TensorGroup[];
  outputTensorGroups?: TensorGroup[];
  customMetadata?: CustomMetadata[];
}

/** The root table of TFLite Metadata. */
export interface ModelMetadata {
  name?: string;
  description?: string;
  version?: string;
  subgraphMetadata?: SubGraphMetadata[];
  author?: string;
  license?: string;
  associatedFiles?: AssociatedFile[];
  minParserVersion?: string;
}

type Offset = number;

/**
 * A table with no fields set (vtable [4, 4] at byte 0, the table at byte 4 pointing back to
 * it): reading any field gives its default. Used when a union's type is set but its table is
 * absent, which FlatBuffers allows and some metadata writers produce for the empty
 * FeatureProperties.
 */
const EMPTY_TABLE_BYTES = new Uint8Array([4, 0, 4, 0, 4, 0, 0, 0]);
function emptyTable(path: string): Table {
  return new Table(new FlatBufferBytes(EMPTY_TABLE_BYTES), 4, path);
}

function enumName<T extends string>(names: readonly T[], code: number): T | number {
  return names[code] ?? code;
}

function enumCode(names: readonly string[], value: string | number, what: string): number {
  if (typeof value === 'number') return value;
  const code = names.indexOf(value);
  if (code < 0) throw new ModelFormatError('metadata', `unknown ${what} ${JSON.stringify(value)}`);
  return code;
}

function str(b: Builder, s: string | undefined): Offset {
  return s === undefined ? 0 : b.createString(s);
}

function strVector(b: Builder, list: readonly string[] | undefined): Offset {
  return list
    ? offsetVector(
        b,
        list.map((s) => b.createString(s)),
      )
    : 0;
}

function tableVector<T>(
  b: Builder,
  list: readonly T[] | undefined,
  write: (b: Builder, x: T) => Offset,
): Offset {
  return list
    ? offsetVector(
        b,
        list.map((x) => write(b, x)),
      )
    : 0;
}

function readList<T>(t: Table, id: number, name: string, read: (t: Table) => T): T[] | undefined {
  return t.tables(id, name)?.map(read);
}

// ---- AssociatedFile { name, description, type:byte, locale, version } ----

function readAssociatedFile(t: Table): AssociatedFile {
  const f: AssociatedFile = { type: enumName(ASSOCIATED_FILE_TYPES, t.i8(2, 'type')) };
  setOptional(f, 'name', t.string(0, 'name'));
  setOptional(f, 'description', t.string(1, 'description'));
  setOptional(f, 'locale', t.string(3, 'locale'));
  setOptional(f, 'version', t.string(4, 'version'));
  return f;
}

function writeAssociatedFile(b: Builder, f: AssociatedFile): Offset {
  const name = str(b, f.name);
  const description = str(b, f.description);
  const locale = str(b, f.locale);
  const version = str(b, f.version);
  b.startObject(5);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, description, 0);
  b.addFieldInt8(2, enumCode(ASSOCIATED_FILE_TYPES, f.type, 'AssociatedFileType'), 0);
  b.addFieldOffset(3, locale, 0);
  b.addFieldOffset(4, version, 0);
  return b.endObject();
}

// ---- ContentProperties union: 1 Feature, 2 Image, 3 BoundingBox, 4 Audio ----

const CONTENT_TYPES = [
  'FeatureProperties',
  'ImageProperties',
  'BoundingBoxProperties',
  'AudioProperties',
] as const;

function readContentProperties(type: number, table: Table | undefined, path: string): ContentProperties {
  const t = table ?? emptyTable(path);
  switch (type) {
    case 1:
      return { type: 'FeatureProperties' };
    case 2: {
      // ImageProperties { color_space:byte, default_size:ImageSize{ width:uint, height:uint } }
      const p: ContentProperties = {
        type: 'ImageProperties',
        colorSpace: enumName(COLOR_SPACE_TYPES, t.i8(0, 'color_space')),
      };
      const size = t.table(1, 'default_size');
      if (size) p.defaultSize = { width: size.u32(0, 'width'), height: size.u32(1, 'height') };
      return p;
    }
    case 3: {
      // BoundingBoxProperties { index:[uint], type:byte, coordinate_type:byte }
      const p: ContentProperties = {
        type: 'BoundingBoxProperties',
        boxType: enumName(BOUNDING_BOX_TYPES, t.i8(1, 'type')),
        coordinateType: enumName(COORDINATE_TYPES, t.i8(2, 'coordinate_type')),
      };
      setOptional(p, 'index', t.numbers(0, 'index', 'u32'));
      return p;
    }
    case 4:
      // AudioProperties { sample_rate:uint, channels:uint }
      return { type: 'AudioProperties', sampleRate: t.u32(0, 'sample_rate'), channels: t.u32(1, 'channels') };
    default:
      return { type: 'Unknown', code: type };
  }
}

function writeContentProperties(b: Builder, p: ContentProperties): [number, Offset] {
  switch (p.type) {
    case 'FeatureProperties':
      b.startObject(0);
      return [1, b.endObject()];
    case 'ImageProperties': {
      let size = 0;
      if (p.defaultSize) {
        b.startObject(2);
        b.addFieldInt32(0, p.defaultSize.width | 0, 0);
        b.addFieldInt32(1, p.defaultSize.height | 0, 0);
        size = b.endObject();
      }
      b.startObject(2);
      b.addFieldInt8(0, enumCode(COLOR_SPACE_TYPES, p.colorSpace, 'ColorSpaceType'), 0);
      b.addFieldOffset(1, size, 0);
      return [2, b.endObject()];
    }
    case 'BoundingBoxProperties': {
      const index = p.index ? int32Vector(b, p.index) : 0;
      b.startObject(3);
      b.addFieldOffset(0, index, 0);
      b.addFieldInt8(1, enumCode(BOUNDING_BOX_TYPES, p.boxType, 'BoundingBoxType'), 0);
      b.addFieldInt8(2, enumCode(COORDINATE_TYPES, p.coordinateType, 'CoordinateType'), 0);
      return [3, b.endObject()];
    }
    case 'AudioProperties':
      b.startObject(2);
      b.addFieldInt32(0, p.sampleRate | 0, 0);
      b.addFieldInt32(1, p.channels | 0, 0);
      return [4, b.endObject()];
    default:
      throw new ModelFormatError('metadata', `cannot write ContentProperties of unknown type ${p.code}`);
  }
}

// ---- Content { content_properties_type, content_properties, range:ValueRange{min,max} } ----

function readContent(t: Table): Content {
  const c: Content = {};
  const type = t.u8(0, 'content_properties_type');
  if (type !== 0)
    c.contentProperties = readContentProperties(
      type,
      t.table(1, 'content_properties'),
      t.sub('content_properties'),
    );
  const range = t.table(2, 'range');
  if (range) c.range = { min: range.i32(0, 'min'), max: range.i32(1, 'max') };
  return c;
}

function writeContent(b: Builder, c: Content): Offset {
  const [type, props] = c.contentProperties ? writeContentProperties(b, c.contentProperties) : [0, 0];
  let range = 0;
  if (c.range) {
    b.startObject(2);
    b.addFieldInt32(0, c.range.min, 0);
    b.addFieldInt32(1, c.range.max, 0);
    range = b.endObject();
  }
  b.startObject(3);
  b.addFieldInt8(0, type, 0);
  b.addFieldOffset(1, props, 0);
  b.addFieldOffset(2, range, 0);
  return b.endObject();
}

// ---- ProcessUnit { options_type, options } ----

const PROCESS_UNIT_TYPES = [
  'NormalizationOptions',
  'ScoreCalibrationOptions',
  'ScoreThresholdingOptions',
  'BertTokenizerOptions',
  'SentencePieceTokenizerOptions',
  'RegexTokenizerOptions',
] as const;

function readProcessUnitOptions(type: number, table: Table | undefined, path: string): ProcessUnitOptions {
  const t = table ?? emptyTable(path);
  switch (type) {
    case 1: {
      // NormalizationOptions { mean:[float], std:[float] }
      const o: ProcessUnitOptions = { type: 'NormalizationOptions' };
      setOptional(o, 'mean', t.numbers(0, 'mean', 'f32'));
      setOptional(o, 'std', t.numbers(1, 'std', 'f32'));
      return o;
    }
    case 2:
      // ScoreCalibrationOptions { score_transformation:byte, default_score:float }
      return {
        type: 'ScoreCalibrationOptions',
        scoreTransformation: enumName(SCORE_TRANSFORMATION_TYPES, t.i8(0, 'score_transformation')),
        defaultScore: t.f32(1, 'default_score'),
      };
    case 3:
      return { type: 'ScoreThresholdingOptions', globalScoreThreshold: t.f32(0, 'global_score_threshold') };
    case 4: {
      const o: ProcessUnitOptions = { type: 'BertTokenizerOptions' };
      setOptional(o, 'vocabFile', readList(t, 0, 'vocab_file', readAssociatedFile));
      return o;
    }
    case 5: {
      const o: ProcessUnitOptions = { type: 'SentencePieceTokenizerOptions' };
      setOptional(o, 'sentencePieceModel', readList(t, 0, 'sentencePiece_model', readAssociatedFile));
      setOptional(o, 'vocabFile', readList(t, 1, 'vocab_file', readAssociatedFile));
      return o;
    }
    case 6: {
      const o: ProcessUnitOptions = { type: 'RegexTokenizerOptions' };
      setOptional(o, 'delimRegexPattern', t.string(0, 'delim_regex_pattern'));
      setOptional(o, 'vocabFile', readList(t, 1, 'vocab_file', readAssociatedFile));
      return o;
    }
    default:
      return { type: 'Unknown', code: type };
  }
}

function writeProcessUnitOptions(b: Builder, o: ProcessUnitOptions): [number, Offset] {
  switch (o.type) {
    case 'NormalizationOptions': {
      const mean = o.mean ? float32Vector(b, o.mean) : 0;
      const std = o.std ? float32Vector(b, o.std) : 0;
      b.startObject(2);
      b.addFieldOffset(0, mean, 0);
      b.addFieldOffset(1, std, 0);
      return [1, b.endObject()];
    }
    case 'ScoreCalibrationOptions':
      b.startObject(2);
      b.addFieldInt8(
        0,
        enumCode(SCORE_TRANSFORMATION_TYPES, o.scoreTransformation, 'ScoreTransformationType'),
        0,
      );
      b.addFieldFloat32(1, o.defaultScore, 0);
      return [2, b.endObject()];
    case 'ScoreThresholdingOptions':
      b.startObject(1);
      b.addFieldFloat32(0, o.globalScoreThreshold, 0);
      return [3, b.endObject()];
    case 'BertTokenizerOptions': {
      const vocab = tableVector(b, o.vocabFile, writeAssociatedFile);
      b.startObject(1);
      b.addFieldOffset(0, vocab, 0);
      return [4, b.endObject()];
    }
    case 'SentencePieceTokenizerOptions': {
      const model = tableVector(b, o.sentencePieceModel, writeAssociatedFile);
      const vocab = tableVector(b, o.vocabFile, writeAssociatedFile);
      b.startObject(2);
      b.addFieldOffset(0, model, 0);
      b.addFieldOffset(1, vocab, 0);
      return [5, b.endObject()];
    }
    case 'RegexTokenizerOptions': {
      const pattern = str(b, o.delimRegexPattern);
      const vocab = tableVector(b, o.vocabFile, writeAssociatedFile);
      b.startObject(2);
      b.addFieldOffset(0, pattern, 0);
      b.addFieldOffset(1, vocab, 0);
      return [6, b.endObject()];
    }
    default:
      throw new ModelFormatError('metadata', `cannot write ProcessUnitOptions of unknown type ${o.code}`);
  }
}

function readProcessUnit(t: Table): ProcessUnit {
  const type = t.u8(0, 'options_type');
  return type === 0 ? {} : { options: readProcessUnitOptions(type, t.table(1, 'options'), t.sub('options')) };
}

function writeProcessUnit(b: Builder, u: ProcessUnit): Offset {
  const [type, options] = u.options ? writeProcessUnitOptions(b, u.options) : [0, 0];
  b.startObject(2);
  b.addFieldInt8(0, type, 0);
  b.addFieldOffset(1, options, 0);
  return b.endObject();
}

// ---- Stats { max:[float], min:[float] } and TensorGroup { name, tensor_names:[string] } ----

function readStats(t: Table): Stats {
  const s: Stats = {};
  setOptional(s, 'max', t.numbers(0, 'max', 'f32'));
  setOptional(s, 'min', t.numbers(1, 'min', 'f32'));
  return s;
}

function writeStats(b: Builder, s: Stats): Offset {
  const max = s.max ? float32Vector(b, s.max) : 0;
  const min = s.min ? float32Vector(b, s.min) : 0;
  b.startObject(2);
  b.addFieldOffset(0, max, 0);
  b.addFieldOffset(1, min, 0);
  return b.endObject();
}

function readTensorGroup(t: Table): TensorGroup {
  const g: TensorGroup = {};
  setOptional(g, 'name', t.string(0, 'name'));
  setOptional(g, 'tensorNames', t.strings(1, 'tensor_names'));
  return g;
}

function writeTensorGroup(b: Builder, g: TensorGroup): Offset {
  const name = str(b, g.name);
  const names = strVector(b, g.tensorNames);
  b.startObject(2);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, names, 0);
  return b.endObject();
}

// ---- TensorMetadata { name, description, dimension_names, content, process_units, stats, associated_files } ----

function readTensorMetadata(t: Table): TensorMetadata {
  const m: TensorMetadata = {};
  setOptional(m, 'name', t.string(0, 'name'));
  setOptional(m, 'description', t.string(1, 'description'));
  setOptional(m, 'dimensionNames', t.strings(2, 'dimension_names'));
  const content = t.table(3, 'content');
  if (content) m.content = readContent(content);
  setOptional(m, 'processUnits', readList(t, 4, 'process_units', readProcessUnit));
  const stats = t.table(5, 'stats');
  if (stats) m.stats = readStats(stats);
  setOptional(m, 'associatedFiles', readList(t, 6, 'associated_files', readAssociatedFile));
  return m;
}

function writeTensorMetadata(b: Builder, m: TensorMetadata): Offset {
  const name = str(b, m.name);
  const description = str(b, m.description);
  const dims = strVector(b, m.dimensionNames);
  const content = m.content ? writeContent(b, m.content) : 0;
  const units = tableVector(b, m.processUnits, writeProcessUnit);
  const stats = m.stats ? writeStats(b, m.stats) : 0;
  const files = tableVector(b, m.associatedFiles, writeAssociatedFile);
  b.startObject(7);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, description, 0);
  b.addFieldOffset(2, dims, 0);
  b.addFieldOffset(3, content, 0);
  b.addFieldOffset(4, units, 0);
  b.addFieldOffset(5, stats, 0);
  b.addFieldOffset(6, files, 0);
  return b.endObject();
}

// ---- CustomMetadata { name, data:[ubyte] (force_align: 16) } ----

function readCustomMetadata(t: Table): CustomMetadata {
  const c: CustomMetadata = {};
  setOptional(c, 'name', t.string(0, 'name'));
  setOptional(c, 'data', t.bytes(1, 'data'));
  return c;
}

function writeCustomMetadata(b: Builder, c: CustomMetadata): Offset {
  const name = str(b, c.name);
  const data = c.data ? alignedByteVector(b, c.data, 16) : 0;
  b.startObject(2);
  b.addFieldOffset(0, name, 0);
  b.addFieldOffset(1, data, 0);
  return b.endObject();
}

// ---- SubGraphMetadata: fields 0..9 in schema order ----

function readSubGraphMetadata(t: Table): SubGraphMetadata {
  const s: SubGraphMetadata = {};
  setOptional(s, 'name', t.string(0, 'name'));
  setOptional(s, 'description', t.string(1, 'description'));
  setOptional(s, 'inputTensorMetadata', readList(t, 2, 'input_tensor_metadata', readTensorMetadata));
  setOptional(s, 'outputTensorMetadata', readList(t, 3, 'output_tensor_metadata', readTensorMetadata));
  setOptional(s, 'associatedFiles', readList(t, 4, 'associated_files', readAssociatedFile));
  setOptional(s, 'inputProcessUnits', readList(t, 5, 'input_process_units', readProcessUnit));
  setOptional(s, 'outputProcessUnits', readList(t, 6, 'output_process_units', readProcessUnit));
  setOptional(s, 'inputTensorGroups', readList(t, 7, 'input_tensor_groups', readTensorGroup));
  setOptional(s, 'outputTensorGroups', readList(t, 8, 'output_tensor_groups', readTensorGroup));
  setOptional(s, 'customMetadata', readList(t, 9, 'custom_metadata', readCustomMetadata));
  return s;
}

function writeSubGraphMetadata(b: Builder, s: SubGraphMetadata): Offset {
  const name = str(b, s.name);
  const description = str(b, s.description);
  const inputs = tableVector(b, s.inputTensorMetadata, writeTensorMetadata);
  const outputs = tableVector(b, s.outputTensorMetadata, writeTensorMetadata);
  const files = tableVector(b, s.associatedFiles, writeAssociatedFile);
  const inUnits = tableVector(b, s.inputProcessUnits, writeProcessUnit);
  const outUnits = tableVector(b, s.outputProcessUnits, writeProcessUnit);
  const inGroups = tableVector(b, s.inputTensorGroups, writeTensorGroup);
  const outGroups = tableVector(b, s.outputTensorGroups, writeTensorGroup);
  const custom = tableVector(b, s.customMetadata, writeCustomMetadata);
  b.startObject(10);
  [name, description, inputs, outputs, files, inUnits, outUnits, inGroups, outGroups, custom].forEach(
    (o, id) => b.addFieldOffset(id, o, 0),
  );
  return b.endObject();
}

// ---- ModelMetadata: name, description, version, subgraph_metadata, author, license, associated_files, min_parser_version ----

/**
 * Returns the TFLite Metadata parsed from the bytes of a TFLITE_METADATA buffer. Throws
 * ModelFormatError naming the field (under `path`) when the FlatBuffer is malformed.
 */
export function readMetadata(bytes: Uint8Array, path = 'TFLITE_METADATA'): ModelMetadata {
  const t = new FlatBufferBytes(bytes).root(METADATA_FILE_IDENTIFIER, path);
  const m: ModelMetadata = {};
  setOptional(m, 'name', t.string(0, 'name'));
  setOptional(m, 'description', t.string(1, 'description'));
  setOptional(m, 'version', t.string(2, 'version'));
  setOptional(m, 'subgraphMetadata', readList(t, 3, 'subgraph_metadata', readSubGraphMetadata));
  setOptional(m, 'author', t.string(4, 'author'));
  setOptional(m, 'license', t.string(5, 'license'));
  setOptional(m, 'associatedFiles', readList(t, 6, 'associated_files', readAssociatedFile));
  setOptional(m, 'minParserVersion', t.string(7, 'min_parser_version'));
  return m;
}

/**
 * Returns the FlatBuffer bytes (identifier "M001") of TFLite Metadata. Throws
 * ModelFormatError for an enum name this schema does not have or an `Unknown` union member.
 */
export function writeMetadata(m: ModelMetadata): Uint8Array {
  const b = new Builder(1024);
  const name = str(b, m.name);
  const description = str(b, m.description);
  const version = str(b, m.version);
  const subgraphs = tableVector(b, m.subgraphMetadata, writeSubGraphMetadata);
  const author = str(b, m.author);
  const license = str(b, m.license);
  const files = tableVector(b, m.associatedFiles, writeAssociatedFile);
  const minParser = str(b, m.minParserVersion);
  b.startObject(8);
  [name, description, version, subgraphs, author, license, files, minParser].forEach((o, id) =>
    b.addFieldOffset(id, o, 0),
  );
  b.finish(b.endObject(), METADATA_FILE_IDENTIFIER);
  return b.asUint8Array().slice();
}

/** ContentProperties and ProcessUnitOptions type names by union code (index + 1). */
export const CONTENT_PROPERTIES_TYPES = CONTENT_TYPES;
export const PROCESS_UNIT_OPTIONS_TYPES = PROCESS_UNIT_TYPES;
