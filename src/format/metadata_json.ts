/**
 * TFLite Metadata as JSON in the form upstream tools print it (flatc's JSON rendering of
 * metadata_schema.fbs, as tflite-support's MetadataDisplayer shows it): snake_case field names,
 * enums by name, unions as `<field>_type` + `<field>`, scalars equal to their default left out.
 * Also the minimum metadata parser version a metadata object needs.
 */
import type {
  AssociatedFile,
  Content,
  ModelMetadata,
  ProcessUnit,
  SubGraphMetadata,
  TensorGroup,
  TensorMetadata,
} from './metadata.js';

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/**
 * Returns the shortest decimal that reads back as the same float32 (0.6 rather than
 * 0.6000000238418579), so values stored as float32 print as their authors wrote them.
 */
export function shortestFloat32(x: number): number {
  if (!Number.isFinite(x) || Math.fround(x) !== x) return x;
  for (let p = 1; p <= 9; p++) {
    const v = Number(x.toPrecision(p));
    if (Math.fround(v) === x) return v;
  }
  return x;
}

function put(o: JsonObject, key: string, value: Json | undefined): void {
  if (value !== undefined) o[key] = value;
}

function floats(list: number[] | undefined): Json | undefined {
  return list?.map(shortestFloat32);
}

/** Enum value as flatc prints it: the name, or the number for an unknown code; default omitted. */
function enumJson(value: string | number, defaultName: string): Json | undefined {
  return value === defaultName ? undefined : value;
}

function fileJson(f: AssociatedFile): JsonObject {
  const o: JsonObject = {};
  put(o, 'name', f.name);
  put(o, 'description', f.description);
  put(o, 'type', enumJson(f.type, 'UNKNOWN'));
  put(o, 'locale', f.locale);
  put(o, 'version', f.version);
  return o;
}

function filesJson(list: AssociatedFile[] | undefined): Json | undefined {
  return list?.map(fileJson);
}

function contentJson(c: Content): JsonObject {
  const o: JsonObject = {};
  const p = c.contentProperties;
  if (p && p.type !== 'Unknown') {
    o.content_properties_type = p.type;
    const props: JsonObject = {};
    if (p.type === 'ImageProperties') {
      put(props, 'color_space', enumJson(p.colorSpace, 'UNKNOWN'));
      if (p.defaultSize) {
        const size: JsonObject = {};
        if (p.defaultSize.width !== 0) size.width = p.defaultSize.width;
        if (p.defaultSize.height !== 0) size.height = p.defaultSize.height;
        props.default_size = size;
      }
    } else if (p.type === 'BoundingBoxProperties') {
      put(props, 'index', p.index);
      put(props, 'type', enumJson(p.boxType, 'UNKNOWN'));
      put(props, 'coordinate_type', enumJson(p.coordinateType, 'RATIO'));
    } else if (p.type === 'AudioProperties') {
      if (p.sampleRate !== 0) props.sample_rate = p.sampleRate;
      if (p.channels !== 0) props.channels = p.channels;
    }
    o.content_properties = props;
  } else if (p) {
    o.content_properties_type = p.code;
  }
  if (c.range) {
    const r: JsonObject = {};
    if (c.range.min !== 0) r.min = c.range.min;
    if (c.range.max !== 0) r.max = c.range.max;
    o.range = r;
  }
  return o;
}

function processUnitJson(u: ProcessUnit): JsonObject {
  const o: JsonObject = {};
  const p = u.options;
  if (!p) return o;
  if (p.type === 'Unknown') {
    o.options_type = p.code;
    return o;
  }
  o.options_type = p.type;
  const opts: JsonObject = {};
  switch (p.type) {
    case 'NormalizationOptions':
      put(opts, 'mean', floats(p.mean));
      put(opts, 'std', floats(p.std));
      break;
    case 'ScoreCalibrationOptions':
      put(opts, 'score_transformation', enumJson(p.scoreTransformation, 'IDENTITY'));
      if (p.defaultScore !== 0) opts.default_score = shortestFloat32(p.defaultScore);
      break;
    case 'ScoreThresholdingOptions':
      if (p.globalScoreThreshold !== 0) opts.global_score_threshold = shortestFloat32(p.globalScoreThreshold);
      break;
    case 'BertTokenizerOptions':
      put(opts, 'vocab_file', filesJson(p.vocabFile));
      break;
    case 'SentencePieceTokenizerOptions':
      put(opts, 'sentencePiece_model', filesJson(p.sentencePieceModel));
      put(opts, 'vocab_file', filesJson(p.vocabFile));
      break;
    case 'RegexTokenizerOptions':
      put(opts, 'delim_regex_pattern', p.delimRegexPattern);
      put(opts, 'vocab_file', filesJson(p.vocabFile));
      break;
  }
  o.options = opts;
  return o;
}

function tensorJson(t: TensorMetadata): JsonObject {
  const o: JsonObject = {};
  put(o, 'name', t.name);
  put(o, 'description', t.description);
  put(o, 'dimension_names', t.dimensionNames);
  if (t.content) o.content = contentJson(t.content);
  put(o, 'process_units', t.processUnits?.map(processUnitJson));
  if (t.stats) {
    const s: JsonObject = {};
    put(s, 'max', floats(t.stats.max));
    put(s, 'min', floats(t.stats.min));
    o.stats = s;
  }
  put(o, 'associated_files', filesJson(t.associatedFiles));
  return o;
}

function groupJson(g: TensorGroup): JsonObject {
  const o: JsonObject = {};
  put(o, 'name', g.name);
  put(o, 'tensor_names', g.tensorNames);
  return o;
}

function subgraphJson(s: SubGraphMetadata): JsonObject {
  const o: JsonObject = {};
  put(o, 'name', s.name);
  put(o, 'description', s.description);
  put(o, 'input_tensor_metadata', s.inputTensorMetadata?.map(tensorJson));
  put(o, 'output_tensor_metadata', s.outputTensorMetadata?.map(tensorJson));
  put(o, 'associated_files', filesJson(s.associatedFiles));
  put(o, 'input_process_units', s.inputProcessUnits?.map(processUnitJson));
  put(o, 'output_process_units', s.outputProcessUnits?.map(processUnitJson));
  put(o, 'input_tensor_groups', s.inputTensorGroups?.map(groupJson));
  put(o, 'output_tensor_groups', s.outputTensorGroups?.map(groupJson));
  put(
    o,
    'custom_metadata',
    s.customMetadata?.map((c) => {
      const j: JsonObject = {};
      put(j, 'name', c.name);
      put(j, 'data', c.data ? Array.from(c.data) : undefined);
      return j;
    }),
  );
  return o;
}

/** Returns the metadata as upstream's JSON rendering (snake_case, enum names, defaults omitted). */
export function metadataToJson(m: ModelMetadata): JsonObject {
  const o: JsonObject = {};
  put(o, 'name', m.name);
  put(o, 'description', m.description);
  put(o, 'version', m.version);
  put(o, 'subgraph_metadata', m.subgraphMetadata?.map(subgraphJson));
  put(o, 'author', m.author);
  put(o, 'license', m.license);
  put(o, 'associated_files', filesJson(m.associatedFiles));
  put(o, 'min_parser_version', m.minParserVersion);
  return o;
}

/** Compares dotted versions numerically. */
function newer(a: string, b: string): boolean {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) > (y[i] ?? 0);
  return false;
}

/**
 * Returns the minimum metadata parser version that understands every field `m` uses, following
 * the schema's history: 1.0.1 VOCABULARY files; 1.1.0 BERT / SentencePiece tokenizers and
 * subgraph process units; 1.2.0 tensor groups; 1.2.1 regex tokenizer; 1.3.0 audio properties;
 * 1.4.0 SCANN_INDEX_FILE; 1.4.1 AssociatedFile.version; 1.5.0 custom metadata.
 */
export function minParserVersion(m: ModelMetadata): string {
  let v = '1.0.0';
  const need = (version: string) => {
    if (newer(version, v)) v = version;
  };
  const files = (list: AssociatedFile[] | undefined) =>
    list?.forEach((f) => {
      if (f.type === 'VOCABULARY') need('1.0.1');
      if (f.type === 'SCANN_INDEX_FILE') need('1.4.0');
      if (f.version !== undefined) need('1.4.1');
    });
  const units = (list: ProcessUnit[] | undefined) =>
    list?.forEach((u) => {
      const t = u.options?.type;
      if (t === 'BertTokenizerOptions' || t === 'SentencePieceTokenizerOptions') need('1.1.0');
      if (t === 'RegexTokenizerOptions') need('1.2.1');
      if (u.options && 'vocabFile' in u.options) files(u.options.vocabFile);
      if (u.options?.type === 'SentencePieceTokenizerOptions') files(u.options.sentencePieceModel);
    });
  const tensors = (list: TensorMetadata[] | undefined) =>
    list?.forEach((t) => {
      if (t.content?.contentProperties?.type === 'AudioProperties') need('1.3.0');
      units(t.processUnits);
      files(t.associatedFiles);
    });
  files(m.associatedFiles);
  m.subgraphMetadata?.forEach((s) => {
    tensors(s.inputTensorMetadata);
    tensors(s.outputTensorMetadata);
    files(s.associatedFiles);
    if (s.inputProcessUnits || s.outputProcessUnits) need('1.1.0');
    units(s.inputProcessUnits);
    units(s.outputProcessUnits);
    if (s.inputTensorGroups || s.outputTensorGroups) need('1.2.0');
    if (s.customMetadata) need('1.5.0');
  });
  return v;
}
