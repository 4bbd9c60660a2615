/**
 * Reads a `.tflite` FlatBuffer into the IR (src/ir/model.ts). Every access goes through the
 * bounds-checked reader, so a malformed file throws ModelFormatError naming the field. Constant
 * buffers are views into the input bytes, never copies. Field ids follow schema.fbs.
 */
import { ModelFormatError } from '../errors.js';
import { type BuiltinOptions, type OptionValue, optionsSpecByType } from '../ir/builtin_options.js';
import { PLACEHOLDER_FOR_GREATER_OP_CODES } from '../ir/builtin_ops.js';
import type {
  Buffer,
  DimensionMetadata,
  MetadataEntry,
  Model,
  Operator,
  OperatorCode,
  Quantization,
  SignatureDef,
  Sparsity,
  Subgraph,
  Tensor,
  TensorMap,
} from '../ir/model.js';
import { readAssociatedFiles } from './associated_files.js';
import { FlatBufferBytes, type Table } from './checked_reader.js';

/** The FlatBuffer file identifier of TFLite models. */
export const TFLITE_FILE_IDENTIFIER = 'TFL3';

/**
 * Reads a model (and the zip of associated files appended to it, if any) from its bytes,
 * without graph-level checks (see loadModel). Throws ModelFormatError for a malformed file.
 */
export function readModel(bytes: Uint8Array): Model {
  const fb = new FlatBufferBytes(bytes);
  const root = fb.root(TFLITE_FILE_IDENTIFIER, '');
  const model: Model = {
    version: root.u32(0, 'version'),
    operatorCodes: (root.tables(1, 'operator_codes') ?? []).map(readOperatorCode),
    subgraphs: (root.tables(2, 'subgraphs') ?? []).map(readSubgraph),
    buffers: (root.tables(4, 'buffers') ?? []).map((t) => readBuffer(t, bytes)),
  };
  const description = root.string(3, 'description');
  if (description !== undefined) model.description = description;
  const metadataBuffer = root.numbers(5, 'metadata_buffer', 'i32');
  if (metadataBuffer) model.metadataBuffer = metadataBuffer;
  const metadata = root.tables(6, 'metadata');
  if (metadata) model.metadata = metadata.map(readMetadataEntry);
  const signatures = root.tables(7, 'signature_defs');
  if (signatures) model.signatureDefs = signatures.map(readSignatureDef);
  // Whatever follows the FlatBuffer (and any external >2 GB buffer data) may be the zip of
  // associated files that TFLite Metadata appends.
  let end = fb.extent;
  for (const b of model.buffers) if (b.offset > 1n) end = Math.max(end, Number(b.offset + b.size));
  const files = readAssociatedFiles(bytes, end);
  if (files) model.associatedFiles = files;
  return model;
}

/**
 * Returns the number of bytes the FlatBuffer itself occupies at the start of `bytes`
 * (everything a full read touched), so callers can find data appended after it.
 */
export function flatBufferExtent(bytes: Uint8Array): number {
  const fb = new FlatBufferBytes(bytes);
  const root = fb.root(TFLITE_FILE_IDENTIFIER, '');
  // Touch every object: a full read records the highest byte used.
  root.tables(1, 'operator_codes')?.forEach(readOperatorCode);
  root.tables(2, 'subgraphs')?.forEach(readSubgraph);
  root.tables(4, 'buffers')?.forEach((t) => readBuffer(t, bytes));
  root.string(3, 'description');
  root.numbers(5, 'metadata_buffer', 'i32');
  root.tables(6, 'metadata')?.forEach(readMetadataEntry);
  root.tables(7, 'signature_defs')?.forEach(readSignatureDef);
  return fb.extent;
}

function readOperatorCode(t: Table): OperatorCode {
  const deprecated = t.i8(0, 'deprecated_builtin_code');
  const builtin = t.i32(3, 'builtin_code');
  // Schema rule: the effective code is the larger of the two fields. Old files only have the
  // byte field; files with codes >= 127 store 127 (the placeholder) in the byte field.
  const code: OperatorCode = {
    builtinCode: Math.max(builtin, deprecated),
    deprecatedBuiltinCode: deprecated,
    version: t.i32(2, 'version', 1),
  };
  if (builtin > PLACEHOLDER_FOR_GREATER_OP_CODES && deprecated !== PLACEHOLDER_FOR_GREATER_OP_CODES) {
    throw new ModelFormatError(
      t.sub('deprecated_builtin_code'),
      `is ${deprecated} but builtin_code ${builtin} needs the placeholder ${PLACEHOLDER_FOR_GREATER_OP_CODES}`,
    );
  }
  const custom = t.string(1, 'custom_code');
  if (custom !== undefined) code.customCode = custom;
  return code;
}

function readSubgraph(t: Table): Subgraph {
  const sg: Subgraph = {
    tensors: (t.tables(0, 'tensors') ?? []).map(readTensor),
    inputs: t.numbers(1, 'inputs', 'i32') ?? [],
    outputs: t.numbers(2, 'outputs', 'i32') ?? [],
    operators: (t.tables(3, 'operators') ?? []).map(readOperator),
  };
  const name = t.string(4, 'name');
  if (name !== undefined) sg.name = name;
  return sg;
}

function readTensor(t: Table): Tensor {
  const shape = t.numbers(0, 'shape', 'i32');
  const tensor: Tensor = {
    name: t.string(3, 'name') ?? '',
    shape: shape ?? [],
    type: t.i8(1, 'type'),
    buffer: t.u32(2, 'buffer'),
    isVariable: t.bool(5, 'is_variable'),
    hasRank: t.bool(8, 'has_rank'),
  };
  if (!shape) tensor.shapeAbsent = true;
  const q = t.table(4, 'quantization');
  if (q) tensor.quantization = readQuantization(q);
  const sp = t.table(6, 'sparsity');
  if (sp) tensor.sparsity = readSparsity(sp);
  const sig = t.numbers(7, 'shape_signature', 'i32');
  if (sig) tensor.shapeSignature = sig;
  const variants = t.tables(9, 'variant_tensors');
  if (variants) {
    tensor.variantTensors = variants.map((v) => {
      const vt: { shape?: number[]; type: number; hasRank: boolean } = {
        type: v.i8(1, 'type'),
        hasRank: v.bool(2, 'has_rank'),
      };
      const s = v.numbers(0, 'shape', 'i32');
      if (s) vt.shape = s;
      return vt;
    });
  }
  return tensor;
}

function readQuantization(t: Table): Quantization {
  const q: Quantization = { quantizedDimension: t.i32(6, 'quantized_dimension') };
  const min = t.numbers(0, 'min', 'f32');
  if (min) q.min = min;
  const max = t.numbers(1, 'max', 'f32');
  if (max) q.max = max;
  const scale = t.numbers(2, 'scale', 'f32');
  if (scale) q.scale = scale;
  const zp = t.numbers(3, 'zero_point', 'i64');
  if (zp) q.zeroPoint = zp;
  const detailsType = t.u8(4, 'details_type');
  if (detailsType !== 0) {
    const d = t.table(5, 'details');
    q.details = { type: detailsType };
    // CustomQuantization { custom:[ubyte] }
    const custom = detailsType === 1 && d ? d.bytes(0, 'custom') : undefined;
    if (custom) q.details.custom = custom;
  }
  return q;
}

function readIndexVector(
  t: Table,
  typeId: number,
  name: string,
): { type: number; values: number[] } | undefined {
  const type = t.u8(typeId, `${name}_type`);
  if (type === 0) return undefined;
  const v = t.table(typeId + 1, name);
  if (!v) return undefined;
  // SparseIndexVector: 1 = Int32Vector, 2 = Uint16Vector, 3 = Uint8Vector; each { values }.
  const kind = type === 1 ? 'i32' : type === 2 ? 'u16' : type === 3 ? 'u8' : undefined;
  if (!kind) throw new ModelFormatError(t.sub(`${name}_type`), `unknown SparseIndexVector type ${type}`);
  return { type, values: v.numbers(0, 'values', kind) ?? [] };
}

function readSparsity(t: Table): Sparsity {
  const s: Sparsity = {};
  const order = t.numbers(0, 'traversal_order', 'i32');
  if (order) s.traversalOrder = order;
  const blockMap = t.numbers(1, 'block_map', 'i32');
  if (blockMap) s.blockMap = blockMap;
  const dims = t.tables(2, 'dim_metadata');
  if (dims) {
    s.dimMetadata = dims.map((d) => {
      const dm: DimensionMetadata = { format: d.i8(0, 'format'), denseSize: d.i32(1, 'dense_size') };
      const seg = readIndexVector(d, 2, 'array_segments');
      if (seg) dm.arraySegments = seg;
      const idx = readIndexVector(d, 4, 'array_indices');
      if (idx) dm.arrayIndices = idx;
      return dm;
    });
  }
  return s;
}

/** Decodes an options table by walking its declared fields (ids = positions). */
export function readOptionsTable(t: Table, type: number): BuiltinOptions {
  const spec = optionsSpecByType(type);
  if (!spec) throw new ModelFormatError(t.path, `unknown builtin options type ${type}`);
  const values: Record<string, OptionValue> = {};
  spec.fields.forEach((f, id) => {
    switch (f.kind) {
      case 'bool':
        values[f.name] = t.bool(id, f.name, f.def as boolean);
        break;
      case 'i8':
        values[f.name] = t.i8(id, f.name, f.def as number);
        break;
      case 'u8':
        values[f.name] = t.u8(id, f.name, f.def as number);
        break;
      case 'i32':
        values[f.name] = t.i32(id, f.name, f.def as number);
        break;
      case 'u32':
        values[f.name] = t.u32(id, f.name, f.def as number);
        break;
      case 'f32':
        values[f.name] = t.f32(id, f.name, f.def as number);
        break;
      case 'i64':
        values[f.name] = t.i64(id, f.name, f.def as bigint);
        break;
      case 'string':
        values[f.name] = t.string(id, f.name) ?? null;
        break;
      case 'i32[]':
        values[f.name] = t.numbers(id, f.name, 'i32') ?? null;
        break;
      case 'f32[]':
        values[f.name] = t.numbers(id, f.name, 'f32') ?? null;
        break;
    }
  });
  return { type, name: spec.name, values };
}

function readOperator(t: Table): Operator {
  const op: Operator = {
    opcodeIndex: t.u32(0, 'opcode_index'),
    inputs: t.numbers(1, 'inputs', 'i32') ?? [],
    outputs: t.numbers(2, 'outputs', 'i32') ?? [],
    customOptionsFormat: t.i8(6, 'custom_options_format'),
    largeCustomOptionsOffset: t.u64(9, 'large_custom_options_offset'),
    largeCustomOptionsSize: t.u64(10, 'large_custom_options_size'),
  };
  const optType = t.u8(3, 'builtin_options_type');
  if (optType !== 0) {
    const ot = t.table(4, 'builtin_options');
    if (!ot)
      throw new ModelFormatError(t.sub('builtin_options'), `type ${optType} is set but the table is missing`);
    op.builtinOptions = readOptionsTable(ot, optType);
  }
  const custom = t.bytes(5, 'custom_options');
  if (custom) op.customOptions = custom;
  const mutating = t.numbers(7, 'mutating_variable_inputs', 'bool');
  if (mutating) op.mutatingVariableInputs = mutating.map((b) => b !== 0);
  const intermediates = t.numbers(8, 'intermediates', 'i32');
  if (intermediates) op.intermediates = intermediates;
  const opt2 = t.u8(11, 'builtin_options_2_type');
  if (opt2 !== 0) op.builtinOptions2Type = opt2;
  return op;
}

function readBuffer(t: Table, file: Uint8Array): Buffer {
  const b: Buffer = { offset: t.u64(1, 'offset'), size: t.u64(2, 'size') };
  const data = t.bytes(0, 'data');
  if (data) b.data = data;
  // Models over 2 GB keep buffer bytes outside the FlatBuffer: offset is from the file start and
  // is only meaningful when > 1 (schema comment).
  if (b.offset > 1n) {
    const end = b.offset + b.size;
    if (end > BigInt(file.byteLength)) {
      throw new ModelFormatError(
        t.sub('offset'),
        `external data [${b.offset}, ${end}) lies past the end of the ${file.byteLength}-byte file`,
      );
    }
    // Resolve the external range into `data` (a view, no copy). The writer stores data inline.
    if (!data) b.data = file.subarray(Number(b.offset), Number(end));
  }
  return b;
}

function readMetadataEntry(t: Table): MetadataEntry {
  return { name: t.string(0, 'name') ?? '', buffer: t.u32(1, 'buffer') };
}

function readTensorMap(t: Table): TensorMap {
  return { name: t.string(0, 'name') ?? '', tensorIndex: t.u32(1, 'tensor_index') };
}

function readSignatureDef(t: Table): SignatureDef {
  return {
    inputs: (t.tables(0, 'inputs') ?? []).map(readTensorMap),
    outputs: (t.tables(1, 'outputs') ?? []).map(readTensorMap),
    signatureKey: t.string(2, 'signature_key') ?? '',
    subgraphIndex: t.u32(4, 'subgraph_index'),
  };
}

/** Returns the bytes of buffer `index`, or undefined when it holds none. */
export function bufferBytes(model: Model, index: number): Uint8Array | undefined {
  const data = model.buffers[index]?.data;
  return data && data.byteLength > 0 ? data : undefined;
}
