/**
 * The in-memory model: a faithful, plain-data picture of a `.tflite` file. The reader fills it
 * from bytes, the writer serializes it, and read -> write -> read gives an equal Model. Fields
 * mirror schema.fbs; absent optional vectors stay `undefined` so that a round trip keeps the
 * difference between "absent" and "empty".
 */
import type { BuiltinOptions } from './builtin_options.js';

/** Affine quantization of a tensor: real = scale * (q - zeroPoint), per tensor or per axis. */
export interface Quantization {
  min?: number[];
  max?: number[];
  scale?: number[];
  /** Stored as int64 in the file; numbers here (zero points are small integers). */
  zeroPoint?: number[];
  /** Axis of the per-channel parameters (meaningful when scale has more than one entry). */
  quantizedDimension: number;
  /** QuantizationDetails union: 1 = CustomQuantization with its raw bytes. */
  details?: { type: number; custom?: Uint8Array };
}

/** One dimension of a sparse tensor's index metadata (SparsityParameters.dim_metadata). */
export interface DimensionMetadata {
  /** 0 = DENSE, 1 = SPARSE_CSR. */
  format: number;
  denseSize: number;
  /** SparseIndexVector union type: 1 = Int32Vector, 2 = Uint16Vector, 3 = Uint8Vector. */
  arraySegments?: { type: number; values: number[] };
  arrayIndices?: { type: number; values: number[] };
}

/** Sparsity parameters (TACO-style), read and reported; densified by the runtime when needed. */
export interface Sparsity {
  traversalOrder?: number[];
  blockMap?: number[];
  dimMetadata?: DimensionMetadata[];
}

/** A tensor of a subgraph. */
export interface Tensor {
  name: string;
  /** Static shape; dynamic dims are 1 here and -1 in shapeSignature. */
  shape: number[];
  /** Schema TensorType code (see dtype.ts). */
  type: number;
  /** Index into Model.buffers; 0 = no data (the empty sentinel buffer). */
  buffer: number;
  quantization?: Quantization;
  isVariable: boolean;
  sparsity?: Sparsity;
  shapeSignature?: number[];
  hasRank: boolean;
  /** VARIANT sub-types, kept for round trips. */
  variantTensors?: { shape?: number[]; type: number; hasRank: boolean }[];
  /** True when the file stored no `shape` vector at all (distinct from a scalar's empty shape). */
  shapeAbsent?: boolean;
}

/** An operator node; `inputs` may hold -1 for an omitted optional input. */
export interface Operator {
  opcodeIndex: number;
  inputs: number[];
  outputs: number[];
  builtinOptions?: BuiltinOptions;
  /** Raw custom options (FlexBuffers for most custom ops); a view into the model bytes. */
  customOptions?: Uint8Array;
  customOptionsFormat: number;
  mutatingVariableInputs?: boolean[];
  intermediates?: number[];
  largeCustomOptionsOffset: bigint;
  largeCustomOptionsSize: bigint;
  /** BuiltinOptions2 union type, when present (StableHLO options; not decoded). */
  builtinOptions2Type?: number;
}

/** One entry of the operator-code table. */
export interface OperatorCode {
  /** The effective builtin code: max(builtin_code, deprecated_builtin_code), per the schema's rule. */
  builtinCode: number;
  /** The byte field as stored (127 when the code does not fit in a byte). */
  deprecatedBuiltinCode: number;
  customCode?: string;
  version: number;
}

/** A subgraph: tensors, inputs/outputs and operators in execution order. */
export interface Subgraph {
  name?: string;
  tensors: Tensor[];
  inputs: number[];
  outputs: number[];
  operators: Operator[];
}

/** A constant buffer. `data` is a view into the model bytes (no copy). */
export interface Buffer {
  data?: Uint8Array;
  /** For models over 2 GB: data lives outside the FlatBuffer at this file offset. */
  offset: bigint;
  size: bigint;
}

/** A named entry of Model.metadata, pointing at a buffer. */
export interface MetadataEntry {
  name: string;
  buffer: number;
}

/** Alias name -> tensor index, used by signatures. */
export interface TensorMap {
  name: string;
  tensorIndex: number;
}

/** A signature: named inputs/outputs of a subgraph. */
export interface SignatureDef {
  signatureKey: string;
  subgraphIndex: number;
  inputs: TensorMap[];
  outputs: TensorMap[];
}

/** A whole `.tflite` model. */
export interface Model {
  version: number;
  operatorCodes: OperatorCode[];
  subgraphs: Subgraph[];
  description?: string;
  buffers: Buffer[];
  metadataBuffer?: number[];
  metadata?: MetadataEntry[];
  signatureDefs?: SignatureDef[];
  /**
   * Files of the zip archive appended after the FlatBuffer (labels.txt, vocab.txt, ...), as
   * TFLite Metadata's populator stores them; the writer appends them again as a stored zip.
   * Other bytes after the FlatBuffer are not kept.
   */
  associatedFiles?: AssociatedFileData[];
}

/** One file of the zip archive appended to a model with metadata. */
export interface AssociatedFileData {
  name: string;
  data: Uint8Array;
}
