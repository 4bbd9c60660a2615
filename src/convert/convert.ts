/**
 * convert(): a TF.js model (Layers or graph) -> a `.tflite` model with TFLite Metadata.
 *
 *   const { bytes, report } = await convert('model/model.json', { labels, name: 'my_model' });
 *
 * Pipeline: load model.json + shards -> decode (and dequantize) weights -> front end (layers
 * table or TF op table) writes the working graph -> named rewrites -> IR via ModelBuilder ->
 * metadata (normalization, labels) -> optional quantization -> bytes.
 */
import { ConversionError } from '../errors.js';
import { setModelMetadata } from '../format/model_metadata.js';
import { writeModel } from '../format/model_writer.js';
import type { Model } from '../ir/model.js';
import { emitModel } from './emit.js';
import { convertGraphModel } from './graph_model.js';
import { type FrontEndResult, convertLayersModel } from './layers_model.js';
import { buildMetadata } from './metadata.js';
import { type ModelSource, type ReadFile, loadArtifacts } from './model_source.js';
import type { QuantizationReport } from '../quantize/quantize_model.js';
import { type QuantizeRequest, quantizeConverted } from './quantize_step.js';
import { DEFAULT_REWRITES, type RewriteRule, runRewrites } from './rewrites/index.js';
import { type TfjsArtifacts, isGraphModel } from './tfjs_format.js';
import { decodeWeights } from './weights.js';

/** Options of convert(). */
export interface ConvertOptions {
  /** Reads model.json and shards given as paths (default: Node's fs, or fetch for URLs). */
  readFile?: ReadFile;
  /** One label per output class, attached as labels.txt (TENSOR_AXIS_LABELS). */
  labels?: string[];
  /** Input normalization (x - mean) / std; default: from a leading Rescaling layer, else none. */
  normalization?: { mean: number[]; std: number[] };
  /** Model name in the metadata (default: the TF.js model's name, else "converted_model"). */
  name?: string;
  /** How the model was made; recorded in the metadata and the model description. */
  description?: string;
  version?: string;
  author?: string;
  license?: string;
  /** Rewrite rules to run (default DEFAULT_REWRITES; [] keeps the graph as converted). */
  rewrites?: readonly RewriteRule[];
  /** Quantize the converted model (see quantize_step.ts). */
  quantize?: QuantizeRequest;
  /** Receives progress and rewrite log lines. */
  log?: (line: string) => void;
}

/** What a conversion did. */
export interface ConversionReport {
  /** 'layers' (Keras topology) or 'graph' (TF GraphDef). */
  kind: 'layers' | 'graph';
  name: string;
  inputShapes: number[][];
  outputShapes: number[][];
  /** TFLite ops written, by name. */
  ops: Record<string, number>;
  /** How often each rewrite rule fired. */
  rewrites: Record<string, number>;
  /** Weights that tfjs had quantized, by storage type (dequantized on load). */
  dequantizedWeights: Record<string, number>;
  /** Normalization recorded in the metadata, if any. */
  normalization?: { mean: number[]; std: number[] };
  labels: number;
  /** Bytes of the .tflite file. */
  bytes: number;
  /** The quantizer's report, when the model was quantized. */
  quantization?: QuantizationReport;
}

/** The result of convert(). */
export interface ConvertResult {
  /** The `.tflite` file. */
  bytes: Uint8Array;
  /** The IR written (metadata and associated files included). */
  model: Model;
  report: ConversionReport;
}

/**
 * Returns `source` converted to a `.tflite` model. Throws ConversionError for unsupported
 * layers or ops (all listed in one message), missing weights or unreadable files.
 */
export async function convert(source: ModelSource, options: ConvertOptions = {}): Promise<ConvertResult> {
  const artifacts = await loadArtifacts(source, options.readFile);
  return convertArtifacts(artifacts, options);
}

/** convert() for a model.json and weights already in memory. Throws as convert() does. */
export async function convertArtifacts(
  artifacts: TfjsArtifacts,
  options: ConvertOptions = {},
): Promise<ConvertResult> {
  const log = options.log;
  const weights = decodeWeights(artifacts.weightSpecs, artifacts.weightData);
  const dequantized: Record<string, number> = {};
  for (const w of weights.values())
    if (w.storedAs) dequantized[w.storedAs] = (dequantized[w.storedAs] ?? 0) + 1;
  const graph = isGraphModel(artifacts.json);
  const front: FrontEndResult = graph
    ? convertGraphModel(artifacts.json, weights)
    : convertLayersModel(artifacts.json, weights);
  const g = front.graph;
  log?.(`${graph ? 'graph' : 'layers'} model: ${g.nodes.length} ops before rewrites`);
  const rewrites = runRewrites(g, options.rewrites ?? DEFAULT_REWRITES, log);
  if (g.nodes.some((n) => n.op === 'IDENTITY')) {
    // without drop-identity the no-ops must still go: they are not TFLite ops
    runRewrites(
      g,
      DEFAULT_REWRITES.filter((r) => r.name === 'drop-identity'),
    );
  }
  if (g.inputs.length === 0 || g.outputs.length === 0)
    throw new ConversionError('the model has no inputs or no outputs');

  const name = options.name ?? front.name ?? 'converted_model';
  const description =
    options.description ?? `Converted from a TF.js ${graph ? 'graph' : 'Layers'} model by tflite-ts convert.`;
  let model = emitModel(g, description);
  const normalization = options.normalization ?? front.notes.normalization;
  const norm = normalization ? { mean: normalization.mean, std: normalization.std } : undefined;
  const inputShapes = g.inputs.map((i) => g.value(i).shape);
  const outputShapes = g.outputs.map((i) => g.value(i).shape);
  const { metadata, files } = buildMetadata({
    name,
    description,
    inputShape: inputShapes[0]!,
    outputShape: outputShapes[0]!,
    ...(norm ? { normalization: norm } : {}),
    ...(options.labels ? { labels: options.labels } : {}),
    ...(options.version ? { version: options.version } : {}),
    ...(options.author ? { author: options.author } : {}),
    ...(options.license ? { license: options.license } : {}),
  });
  setModelMetadata(model, metadata, files);
  let quantization: QuantizationReport | undefined;
  if (options.quantize) {
    const q = await quantizeConverted(model, options.quantize);
    model = q.model;
    quantization = q.report;
    log?.(`quantized: ${q.report.summary}`);
  }
  const bytes = writeModel(model);
  const ops: Record<string, number> = {};
  for (const n of g.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  const report: ConversionReport = {
    kind: graph ? 'graph' : 'layers',
    name,
    inputShapes,
    outputShapes,
    ops,
    rewrites,
    dequantizedWeights: dequantized,
    labels: options.labels?.length ?? 0,
    bytes: bytes.byteLength,
    ...(norm ? { normalization: norm } : {}),
    ...(quantization ? { quantization } : {}),
  };
  log?.(`wrote ${bytes.byteLength} bytes, ${g.nodes.length} ops`);
  return { bytes, model, report };
}
