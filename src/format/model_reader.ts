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
import { FlatBufferBytes, type Table, setOptional } from './checked_reader.js';

/** The FlatBuffer file identifier of TFLite models. */
export const TFLITE_FILE_IDENTIFIER = 'TFL3';

/**
 * Reads a model (and the zip of associated files appended to it, if any) from its bytes,
 * without graph-level checks (see loadModel). Throws ModelFormatError for a malformed file.
 */
export function readModel(bytes: Uint8Array): Model {
  const { model, extent } = readFlatBuffer(bytes);
  // Whatever follows the FlatBuffer (and any external >2 GB buffer data) may be the zip of
  // associated files that TFLite Metadata appends.
  let end = extent;
  for (const b of model.buffers) if (b.offset > 1n) end = Math.max(end, Number(b.offset + b.size));
  setOptional(model, 'associatedFiles', readAssociatedFiles(bytes, end));
  return model;
}

/**
 * Returns the number of bytes the FlatBuffer itself occupies at the start of `bytes`
 * (everything a full read touched), so callers can find data appended after it. Throws
 * ModelFormatError for a malformed file.
 */
export function flatBufferExtent(bytes: Uint8Array): number {
  return readFlatBuffer(bytes).extent;
}

/** Reads the whole FlatBuffer (every object, so `extent` is the highest byte used). */
function readFlatBuffer(bytes: Uint8Array): { model: Model; extent: number } {
  const fb = new FlatBufferBytes(bytes);
  const root = fb.root(TFLITE_FILE_IDENTIFIER, '');
  const model: Model = {
    version: root.u32(0, 'version'),
    operatorCodes: (root.tables(1, 'operator_codes') ?? []).map(readOperatorCode),
    subgraphs: (root.tables(2, 'subgraphs') ?? []).map(readSubgraph),
    buffers: (root.tables(4, 'buffers') ?? []).map((t) => readBuffer(t, bytes)),
  };
  setOptional(model, 'description', root.string(3, 'description'));
  setOptional(model, 'metadataBuffer', root.numbers(5, 'metadata_buffer', 'i32'));
  setOptional(model, 'metadata', root.tables(6, 'metadata')?.map(readMetadataEntry));
  setOptional(model, 'signatureDefs', root.tables(7, 'signature_defs')?.map(readSignatureDef));
  return { model, extent: fb.extent };
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
  setOptional(code, 'customCode', t.string(1, 'custom_code'));
  return code;
}

function readSubgraph(t: Table): Subgraph {
  const sg: Subgraph = {
    tensors: (t.tables(0, 'tensors') ?? []).map(readTensor),
    inputs: t.numbers(1, 'inputs', 'i32') ?? [],
    outputs: t.numbers(2, 'outputs', 'i32') ?? [],
    operators: (t.tables(3, 'operators') ?? []).map(readOperator),
  };
  setOptional(sg, 'name', t.string(4, 'name'));
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
  setOptional(tensor, 'shapeSignature', t.numbers(7, 'shape_signature', 'i32'));
  setOptional(
    tensor,
    'variantTensors',
    t.tables(9, 'variant_tensors')?.map((v) => {
      const vt: { shape?: number[]; type: number; hasRank: boolean } = {
        type: v.i8(1, 'type'),
        hasRank: v.bool(2, 'has_rank'),
      };
      setOptional(vt, 'shape', v.numbers(0, 'shape', 'i32'));
      return vt;
    }),
  );
  return tensor;
}

function readQuantization(t: Table): Quantization {
  const q: Quantization = { quantizedDimension: t.i32(6, 'quantized_dimension') };
  setOptional(q, 'min', t.numbers(0, 'min', 'f32'));
  setOptional(q, 'max', t.numbers(1, 'max', 'f32'));
  setOptional(q, 'scale', t.numbers(2, 'scale', 'f32'));
  setOptional(q, 'zeroPoint', t.numbers(3, 'zero_point', 'i64'));
  const detailsType = t.u8(4, 'details_type');
  if (detailsType !== 0) {
    const d = t.table(5, 'details');
    q.details = { type: detailsType };
    // CustomQuantization { custom:[ubyte] }
    if (detailsType === 1 && d) setOptional(q.details, 'custom', d.bytes(0, 'custom'));
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
  setOptional(s, 'traversalOrder', t.numbers(0, 'traversal_order', 'i32'));
  setOptional(s, 'blockMap', t.numbers(1, 'block_map', 'i32'));
  setOptional(
    s,
    'dimMetadata',
    t.tables(2, 'dim_metadata')?.map((d) => {
      const dm: DimensionMetadata = { format: d.i8(0, 'format'), denseSize: d.i32(1, 'dense_size') };
      setOptional(dm, 'arraySegments', readIndexVector(d, 2, 'array_segments'));
      setOptional(dm, 'arrayIndices', readIndexVector(d, 4, 'array_indices'));
      return dm;
    }),
  );
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
  setOptional(op, 'customOptions', t.bytes(5, 'custom_options'));
  setOptional(
    op,
    'mutatingVariableInputs',
    t.numbers(7, 'mutating_variable_inputs', 'bool')?.map((b) => b !== 0),
  );
  setOptional(op, 'intermediates', t.numbers(8, 'intermediates', 'i32'));
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
