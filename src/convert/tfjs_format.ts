/**
 * The TF.js model format as the converter reads it: `model.json` (a Keras-style Layers topology
 * or a TensorFlow GraphDef) plus a weights manifest that names the bytes of the weight shards.
 * Only the fields the converter uses are typed; the rest stay `unknown`.
 */

/** Quantization of a stored weight, as tfjs-converter's `--quantize_*` options write it. */
export interface WeightQuantization {
  /** Storage type of the bytes: uint8/uint16 affine (value = q * scale + min) or float16. */
  dtype: 'uint8' | 'uint16' | 'float16';
  scale?: number;
  min?: number;
  /** dtype of the dequantized value (newer writers); the spec's `dtype` says the same. */
  original_dtype?: string;
}

/** One weight of the manifest. */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  quantization?: WeightQuantization;
  group?: string;
}

/** One group of the manifest: shard files and the weights they hold, in order. */
export interface WeightsManifestGroup {
  paths: string[];
  weights: WeightSpec[];
}

/** A Keras layer as serialized in a Layers topology. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
  name?: string;
  /** Functional models: one entry per call of the layer, each a list of [layer, node, tensor, kwargs]. */
  inbound_nodes?: unknown[];
}

/** A Keras model topology (`model_config` of model.json, or a tfjs LayersModel's toJSON()). */
export interface KerasModelJson {
  class_name: string;
  config: Record<string, unknown> | KerasLayerJson[];
}

/** A node of a TensorFlow GraphDef in tfjs's JSON form. */
export interface GraphNodeJson {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, GraphAttrJson>;
}

/** An attribute value of a GraphDef node (the protobuf AttrValue oneof, JSON-encoded). */
export interface GraphAttrJson {
  s?: string;
  i?: string | number;
  f?: number;
  b?: boolean;
  type?: string;
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
  tensor?: {
    dtype?: string;
    tensorShape?: { dim?: { size?: string | number }[] };
    floatVal?: number[];
    intVal?: number[];
  };
  list?: { s?: string[]; i?: (string | number)[]; f?: number[]; type?: string[] };
}

/** A TensorFlow GraphDef as tfjs stores it. */
export interface GraphDefJson {
  node: GraphNodeJson[];
  versions?: unknown;
  library?: { function?: unknown[] };
}

/** The content of a model.json file. */
export interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  /** Layers: `{model_config: KerasModelJson, ...}` or the KerasModelJson itself; graph: a GraphDef. */
  modelTopology: unknown;
  weightsManifest?: WeightsManifestGroup[];
  userDefinedMetadata?: Record<string, unknown>;
  signature?: unknown;
}

/** A model.json with its weights read: the input of the converter's front ends. */
export interface TfjsArtifacts {
  json: TfjsModelJson;
  /** Every weight in manifest order. */
  weightSpecs: WeightSpec[];
  /** The concatenated shard bytes. */
  weightData: Uint8Array;
}

/** Returns true when the topology is a TensorFlow GraphDef (a tfjs graph model). */
export function isGraphModel(json: TfjsModelJson): boolean {
  if (json.format === 'graph-model') return true;
  const t = json.modelTopology as { node?: unknown } | null;
  return t !== null && typeof t === 'object' && Array.isArray(t.node);
}
