/**
 * The data behind `tflite-ts inspect`: a plain, JSON-ready description of a model (documented
 * in docs/cli/inspect.md; `schema` names its version, bump it on incompatible changes). The
 * text view (commands/inspect.ts) renders this same object, so both views always agree.
 */
import { decodeCustomOptions, type FlexValue } from '../format/flexbuffers.js';
import type { AssociatedFile, ContentProperties, ModelMetadata, TensorMetadata } from '../format/metadata.js';
import { shortestFloat32 } from '../format/metadata_json.js';
import { getModelMetadata, metadataFileNames, parseLabelFile } from '../format/model_metadata.js';
import { ACTIVATION_NAMES, MirrorPadMode, type OptionValue } from '../ir/builtin_options.js';
import { dtypeFromCode } from '../ir/dtype.js';
import type { Model, Operator, Subgraph } from '../ir/model.js';
import { computeModelStats, operatorName } from '../ir/model_stats.js';

/** Version tag of the report layout. */
export const INSPECT_SCHEMA = 'tflite-ts.inspect/1';

/** Quantization of a tensor: one scale and zero point, or a per-axis summary. */
export type QuantizationReport =
  | { kind: 'per-tensor'; scale: number; zeroPoint: number }
  | {
      kind: 'per-axis';
      axis: number;
      count: number;
      scaleMin: number;
      scaleMax: number;
      zeroPoints: 'all-zero' | 'mixed';
    };

/** An input or output tensor. */
export interface TensorReport {
  /** Tensor index in its subgraph. */
  index: number;
  name: string;
  /** Shape with -1 where the dimension is dynamic (from shape_signature). */
  shape: number[];
  dtype: string;
  quantization: QuantizationReport | null;
}

/** One operator of the operator table. */
export interface OperatorReport {
  index: number;
  /** Builtin op name, or the custom code of a custom op. */
  op: string;
  version: number;
  custom: boolean;
  /** Tensor indices (-1 = omitted optional input). */
  inputs: number[];
  outputs: number[];
  /** Builtin options with enums by name (padding, fusedActivationFunction), or null. */
  options: Record<string, OptionValue> | null;
  /** Decoded FlexBuffers custom options of a custom op, or null. */
  customOptions: FlexValue | null;
  macs: number;
}

/** One subgraph. */
export interface SubgraphReport {
  index: number;
  name: string | null;
  tensorCount: number;
  inputs: TensorReport[];
  outputs: TensorReport[];
  operators: OperatorReport[];
  /** Operator count per op name, in order of first appearance. */
  opHistogram: Record<string, number>;
  macs: number;
}

/**
 * Arena size vs lower bound (the largest sum of bytes simultaneously live), from the runtime's
 * memory planner; `error` says why it could not be planned (e.g. an unsupported op).
 */
export interface MemoryReport {
  arenaBytes: number;
  lowerBoundBytes: number;
  /** The lower bound over unaligned sizes (buffers are 64-byte aligned in the arena). */
  rawLowerBoundBytes: number;
  /** Variables and kernels' persistent buffers. */
  persistentBytes: number;
  /** Tensors computed once at load time (constant folding), kept on the heap. */
  foldedBytes: number;
  error?: string;
}

/** Metadata of one input or output tensor, summarized. */
export interface TensorMetadataReport {
  name: string | null;
  description: string | null;
  /** e.g. "image (RGB)", "bounding boxes", "feature", "audio (16000 Hz, 1 ch)". */
  content: string | null;
  normalization: { mean: number[]; std: number[] } | null;
  stats: { min: number[]; max: number[] } | null;
  /** Associated files of this tensor with their types. */
  files: { name: string; type: string | number }[];
}

/** A file of the zip appended to the model. */
export interface AssociatedFileReport {
  name: string;
  bytes: number;
  /** Type given by the metadata (e.g. TENSOR_AXIS_LABELS), or null when the metadata does not name it. */
  type: string | number | null;
  description: string | null;
  /** Line count for label and vocabulary files, else null. */
  lines: number | null;
}

/** TFLite Metadata, summarized. */
export interface MetadataReport {
  name: string | null;
  description: string | null;
  version: string | null;
  author: string | null;
  license: string | null;
  minParserVersion: string | null;
  inputs: TensorMetadataReport[];
  outputs: TensorMetadataReport[];
  /** Files named in the metadata but missing from the zip. */
  missingFiles: string[];
}

/** A signature. */
export interface SignatureReport {
  key: string;
  subgraph: number;
  inputs: { name: string; tensor: number }[];
  outputs: { name: string; tensor: number }[];
}

/** Everything inspect reports. */
export interface InspectReport {
  schema: typeof INSPECT_SCHEMA;
  file: { path: string; bytes: number };
  model: { schemaVersion: number; description: string | null; subgraphs: number; buffers: number };
  subgraphs: SubgraphReport[];
  weights: { parameters: number; bytes: number; byDtype: Record<string, number> };
  macs: { total: number; byOpType: Record<string, number> };
  memory: MemoryReport | null;
  metadata: MetadataReport | null;
  associatedFiles: AssociatedFileReport[];
  signatures: SignatureReport[];
}

function quantizationOf(sg: Subgraph, index: number): QuantizationReport | null {
  const q = sg.tensors[index]?.quantization;
  if (!q?.scale || q.scale.length === 0) return null;
  const zp = q.zeroPoint ?? [];
  if (q.scale.length === 1)
    return { kind: 'per-tensor', scale: shortestFloat32(q.scale[0]!), zeroPoint: zp[0] ?? 0 };
  return {
    kind: 'per-axis',
    axis: q.quantizedDimension,
    count: q.scale.length,
    scaleMin: shortestFloat32(Math.min(...q.scale)),
    scaleMax: shortestFloat32(Math.max(...q.scale)),
    zeroPoints: zp.every((z) => z === 0) ? 'all-zero' : 'mixed',
  };
}

function tensorReport(sg: Subgraph, index: number): TensorReport {
  const t = sg.tensors[index]!;
  const sig = t.shapeSignature;
  const shape = sig && sig.length === t.shape.length ? sig.slice() : t.shape.slice();
  return {
    index,
    name: t.name,
    shape,
    dtype: dtypeFromCode(t.type) ?? `type${t.type}`,
    quantization: quantizationOf(sg, index),
  };
}

const PADDING_NAMES = ['SAME', 'VALID'];
const MIRROR_NAMES = Object.keys(MirrorPadMode);

/** Builtin options with enum fields named; bigints as numbers. */
function optionsReport(op: Operator): Record<string, OptionValue> | null {
  if (!op.builtinOptions) return null;
  const out: Record<string, OptionValue> = {};
  for (const [k, v] of Object.entries(op.builtinOptions.values)) {
    if (k === 'padding' && typeof v === 'number') out[k] = PADDING_NAMES[v] ?? v;
    else if (k === 'fusedActivationFunction' && typeof v === 'number') out[k] = ACTIVATION_NAMES[v] ?? v;
    else if (k === 'mode' && op.builtinOptions.name === 'MirrorPadOptions' && typeof v === 'number')
      out[k] = MIRROR_NAMES[v] ?? v;
    else if (typeof v === 'bigint') out[k] = Number(v);
    else out[k] = v;
  }
  return out;
}

function contentText(p: ContentProperties | undefined): string | null {
  if (!p) return null;
  switch (p.type) {
    case 'FeatureProperties':
      return 'feature';
    case 'ImageProperties':
      return `image (${p.colorSpace}${p.defaultSize ? `, ${p.defaultSize.width}x${p.defaultSize.height}` : ''})`;
    case 'BoundingBoxProperties':
      return `bounding boxes (${p.boxType}, ${p.coordinateType})`;
    case 'AudioProperties':
      return `audio (${p.sampleRate} Hz, ${p.channels} ch)`;
    default:
      return `unknown content type ${p.code}`;
  }
}

function tensorMetadataReport(t: TensorMetadata): TensorMetadataReport {
  let normalization: TensorMetadataReport['normalization'] = null;
  for (const u of t.processUnits ?? []) {
    if (u.options?.type === 'NormalizationOptions') {
      normalization = {
        mean: (u.options.mean ?? []).map(shortestFloat32),
        std: (u.options.std ?? []).map(shortestFloat32),
      };
    }
  }
  return {
    name: t.name ?? null,
    description: t.description ?? null,
    content: contentText(t.content?.contentProperties),
    normalization,
    stats: t.stats
      ? { min: (t.stats.min ?? []).map(shortestFloat32), max: (t.stats.max ?? []).map(shortestFloat32) }
      : null,
    files: (t.associatedFiles ?? []).map((f) => ({ name: f.name ?? '', type: f.type })),
  };
}

/** Every AssociatedFile entry of the metadata, by file name (first mention wins). */
function describedFiles(meta: ModelMetadata): Map<string, AssociatedFile> {
  const map = new Map<string, AssociatedFile>();
  const add = (list: AssociatedFile[] | undefined) =>
    list?.forEach((f) => {
      if (f.name !== undefined && !map.has(f.name)) map.set(f.name, f);
    });
  add(meta.associatedFiles);
  for (const s of meta.subgraphMetadata ?? []) {
    for (const t of [...(s.inputTensorMetadata ?? []), ...(s.outputTensorMetadata ?? [])]) {
      add(t.associatedFiles);
      for (const u of t.processUnits ?? [])
        if (u.options && 'vocabFile' in u.options) add(u.options.vocabFile);
    }
    add(s.associatedFiles);
  }
  return map;
}

/** FlexBuffers values with float32 numbers shown as their shortest decimal (0.6, not 0.6000000238418579). */
function readableFlex(v: FlexValue): FlexValue {
  if (typeof v === 'number') return shortestFloat32(v);
  if (Array.isArray(v)) return v.map(readableFlex);
  if (v && typeof v === 'object' && !(v instanceof Uint8Array)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, readableFlex(x)]));
  }
  return v;
}

const LINE_FILES = new Set<string | number>(['TENSOR_AXIS_LABELS', 'TENSOR_VALUE_LABELS', 'VOCABULARY']);

/** Options of buildInspectReport. */
export interface InspectReportOptions {
  /** Computes the memory section; the runtime's planner plugs in here. Default: none (null). */
  memory?: (model: Model) => MemoryReport | null;
}

/**
 * Returns the inspect report of a loaded model read from `path` (`fileBytes` long). Throws
 * ModelFormatError when the metadata or a custom op's options are malformed.
 */
export function buildInspectReport(
  model: Model,
  path: string,
  fileBytes: number,
  options: InspectReportOptions = {},
): InspectReport {
  const stats = computeModelStats(model);
  const subgraphs: SubgraphReport[] = model.subgraphs.map((sg, si) => ({
    index: si,
    name: sg.name ?? null,
    tensorCount: sg.tensors.length,
    inputs: sg.inputs.map((t) => tensorReport(sg, t)),
    outputs: sg.outputs.map((t) => tensorReport(sg, t)),
    operators: sg.operators.map((op, k) => {
      const code = model.operatorCodes[op.opcodeIndex]!;
      return {
        index: k,
        op: operatorName(model, op),
        version: code.version,
        custom: code.customCode !== undefined,
        inputs: op.inputs.slice(),
        outputs: op.outputs.slice(),
        options: optionsReport(op),
        customOptions: readableFlex(
          decodeCustomOptions(op, `subgraphs[${si}].operators[${k}].custom_options`) ?? null,
        ),
        macs: stats.subgraphs[si]!.macsPerOp[k]!,
      };
    }),
    opHistogram: stats.subgraphs[si]!.opHistogram,
    macs: stats.subgraphs[si]!.macs,
  }));

  const meta = getModelMetadata(model);
  const described = meta ? describedFiles(meta) : new Map<string, AssociatedFile>();
  const associatedFiles: AssociatedFileReport[] = (model.associatedFiles ?? []).map((f) => {
    const d = described.get(f.name);
    const type = d ? d.type : null;
    return {
      name: f.name,
      bytes: f.data.byteLength,
      type,
      description: d?.description ?? null,
      lines: type !== null && LINE_FILES.has(type) ? parseLabelFile(f.data).length : null,
    };
  });
  let metadata: MetadataReport | null = null;
  if (meta) {
    const sg = meta.subgraphMetadata?.[0];
    const carried = new Set((model.associatedFiles ?? []).map((f) => f.name));
    metadata = {
      name: meta.name ?? null,
      description: meta.description ?? null,
      version: meta.version ?? null,
      author: meta.author ?? null,
      license: meta.license ?? null,
      minParserVersion: meta.minParserVersion ?? null,
      inputs: (sg?.inputTensorMetadata ?? []).map(tensorMetadataReport),
      outputs: (sg?.outputTensorMetadata ?? []).map(tensorMetadataReport),
      missingFiles: metadataFileNames(meta).filter((n) => !carried.has(n)),
    };
  }

  return {
    schema: INSPECT_SCHEMA,
    file: { path, bytes: fileBytes },
    model: {
      schemaVersion: model.version,
      description: model.description ?? null,
      subgraphs: model.subgraphs.length,
      buffers: model.buffers.length,
    },
    subgraphs,
    weights: { parameters: stats.parameters, bytes: stats.weightBytes, byDtype: stats.weightBytesByDtype },
    macs: { total: stats.macs, byOpType: stats.macsByOpType },
    memory: options.memory ? options.memory(model) : null,
    metadata,
    associatedFiles,
    signatures: (model.signatureDefs ?? []).map((s) => ({
      key: s.signatureKey,
      subgraph: s.subgraphIndex,
      inputs: s.inputs.map((m) => ({ name: m.name, tensor: m.tensorIndex })),
      outputs: s.outputs.map((m) => ({ name: m.name, tensor: m.tensorIndex })),
    })),
  };
}
