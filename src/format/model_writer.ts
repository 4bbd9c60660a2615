/**
 * Writes the IR back to a `.tflite` FlatBuffer with the `flatbuffers` Builder. Field ids and
 * defaults mirror model_reader.ts (read and write side by side: the options tables share one
 * declaration in src/ir/builtin_options.ts). Constant buffers are 16-byte aligned, as
 * schema.fbs asks (`force_align: 16`), so a reader can view them as typed arrays in place.
 */
import { Builder } from 'flatbuffers';
import { type BuiltinOptions, optionsSpecByType } from '../ir/builtin_options.js';
import { PLACEHOLDER_FOR_GREATER_OP_CODES } from '../ir/builtin_ops.js';
import type {
  Buffer,
  Model,
  Operator,
  OperatorCode,
  Quantization,
  SignatureDef,
  Sparsity,
  Subgraph,
  Tensor,
} from '../ir/model.js';
import { writeAssociatedFilesZip } from './associated_files.js';
import { TFLITE_FILE_IDENTIFIER } from './model_reader.js';

type Offset = number;

/** Private parts of Builder used to copy large byte vectors in one `set` call. */
interface BuilderInternals {
  bb: { setPosition(p: number): void; bytes(): Uint8Array };
  space: number;
}

/** Writes a [ubyte] vector whose data starts at a multiple of `alignment`; returns its offset. */
export function alignedByteVector(b: Builder, data: Uint8Array, alignment: number): Offset {
  b.startVector(1, data.length, alignment);
  const inner = b as unknown as BuilderInternals;
  inner.space -= data.length;
  inner.bb.setPosition(inner.space);
  inner.bb.bytes().set(data, inner.space);
  return b.endVector();
}

/** Writes an [int] vector (also used for [uint]: same bits); returns its offset. */
export function int32Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt32(values[i]! | 0);
  return b.endVector();
}

/** Writes a [float] vector; returns its offset. */
export function float32Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(4, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addFloat32(values[i]!);
  return b.endVector();
}

function int64Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(8, values.length, 8);
  for (let i = values.length - 1; i >= 0; i--) b.addInt64(BigInt(values[i]!));
  return b.endVector();
}

/** Zero-point vectors already written by a Builder, by content. */
const writtenZeroPoints = new WeakMap<Builder, Map<string, Offset>>();

/**
 * Writes an int64 zero-point vector, or reuses an identical one written before: per-channel
 * quantized weights and biases repeat the same all-zero vector for every layer (12 bytes per
 * channel with the scales), and FlatBuffers lets tables share a vector — TFLite's verifier only
 * checks that each offset stays in bounds.
 */
function zeroPointVector(b: Builder, values: readonly number[]): Offset {
  let seen = writtenZeroPoints.get(b);
  if (!seen) writtenZeroPoints.set(b, (seen = new Map()));
  const key = values.join(',');
  let offset = seen.get(key);
  if (offset === undefined) seen.set(key, (offset = int64Vector(b, values)));
  return offset;
}

function uint16Vector(b: Builder, values: readonly number[]): Offset {
  b.startVector(2, values.length, 4);
  for (let i = values.length - 1; i >= 0; i--) b.addInt16(values[i]!);
  return b.endVector();
}

function uint8Vector(b: Builder, values: readonly number[], alignment = 1): Offset {
  b.startVector(1, values.length, alignment);
  for (let i = values.length - 1; i >= 0; i--) b.addInt8(values[i]!);
  return b.endVector();
}

/** Writes a vector of tables or strings from their offsets; returns its offset. */
export function offsetVector(b: Builder, offsets: readonly Offset[]): Offset {
  b.startVector(4, offsets.length, 4);
  for (let i = offsets.length - 1; i >= 0; i--) b.addOffset(offsets[i]!);
  return b.endVector();
}

/** Serializes a model to `.tflite` bytes: the FlatBuffer, then the zip of associated files if any. */
export function writeModel(model: Model): Uint8Array {
  const b = new Builder(1 << 16);
  // Buffers first: the Builder fills back to front, so they land at the end of the file, where
  // TFLite's own converter puts them.
  const buffers = model.buffers.map((buf) => writeBuffer(b, buf));
  const operatorCodes = model.operatorCodes.map((c) => writeOperatorCode(b, c));
  const subgraphs = model.subgraphs.map((sg) => writeSubgraph(b, sg));
  const description = model.description !== undefined ? b.createString(model.description) : 0;
  const metadataBuffer = model.metadataBuffer ? int32Vector(b, model.metadataBuffer) : 0;
  const metadata = model.metadata
    ? offsetVector(
        b,
        model.metadata.map((m) => {
          const name = b.createString(m.name);
          b.startObject(2);
          b.addFieldOffset(0, name, 0);
          b.addFieldInt32(1, m.buffer, 0);
          return b.endObject();
        }),
      )
    : 0;
  const signatures = model.signatureDefs
    ? offsetVector(
        b,
        model.signatureDefs.map((s) => writeSignatureDef(b, s)),
      )
    : 0;
  const opCodesVec = offsetVector(b, operatorCodes);
  const subgraphsVec = offsetVector(b, subgraphs);
  const buffersVec = offsetVector(b, buffers);

  b.startObject(8);
  b.addFieldInt32(0, model.version, 0);
  b.addFieldOffset(1, opCodesVec, 0);
  b.addFieldOffset(2, subgraphsVec, 0);
  b.addFieldOffset(3, description, 0);
  b.addFieldOffset(4, buffersVec, 0);
  b.addFieldOffset(5, metadataBuffer, 0);
  b.addFieldOffset(6, metadata, 0);
  b.addFieldOffset(7, signatures, 0);
  const root = b.endObject();
  b.finish(root, TFLITE_FILE_IDENTIFIER);
  const fb = b.asUint8Array();
  if (!model.associatedFiles || model.associatedFiles.length === 0) return fb.slice();
  // The associated files go in a stored zip after the FlatBuffer, with offsets counted from the
  // start of the file, so the model file itself opens as a zip (as TFLite's extractor reads it).
  const zip = writeAssociatedFilesZip(model.associatedFiles, fb.byteLength);
  const out = new Uint8Array(fb.byteLength + zip.byteLength);
  out.set(fb, 0);
  out.set(zip, fb.byteLength);
  return out;
}

function writeBuffer(b: Builder, buf: Buffer): Offset {
  const data = buf.data ? alignedByteVector(b, buf.data, 16) : 0;
  b.startObject(3);
  b.addFieldOffset(0, data, 0);
  // External (>2 GB) offsets are not kept: the data is written inline above.
  if (!buf.data) {
    b.addFieldInt64(1, buf.offset, 0n);
    b.addFieldInt64(2, buf.size, 0n);
  }
  return b.endObject();
}

function writeOperatorCode(b: Builder, c: OperatorCode): Offset {
  const custom = c.customCode !== undefined ? b.createString(c.customCode) : 0;
  b.startObject(4);
  b.addFieldInt8(0, Math.min(c.builtinCode, PLACEHOLDER_FOR_GREATER_OP_CODES), 0);
  b.addFieldOffset(1, custom, 0);
  b.addFieldInt32(2, c.version, 1);
  b.addFieldInt32(3, c.builtinCode, 0);
  return b.endObject();
}

function writeSubgraph(b: Builder, sg: Subgraph): Offset {
  const tensors = offsetVector(
    b,
    sg.tensors.map((t) => writeTensor(b, t)),
  );
  const inputs = int32Vector(b, sg.inputs);
  const outputs = int32Vector(b, sg.outputs);
  const operators = offsetVector(
    b,
    sg.operators.map((op) => writeOperator(b, op)),
  );
  const name = sg.name !== undefined ? b.createString(sg.name) : 0;
  b.startObject(5);
  b.addFieldOffset(0, tensors, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  b.addFieldOffset(3, operators, 0);
  b.addFieldOffset(4, name, 0);
  return b.endObject();
}

function writeTensor(b: Builder, t: Tensor): Offset {
  const shape = t.shapeAbsent ? 0 : int32Vector(b, t.shape);
  const name = b.createString(t.name);
  const quant = t.quantization ? writeQuantization(b, t.quantization) : 0;
  const sparsity = t.sparsity ? writeSparsity(b, t.sparsity) : 0;
  const signature = t.shapeSignature ? int32Vector(b, t.shapeSignature) : 0;
  const variants = t.variantTensors
    ? offsetVector(
        b,
        t.variantTensors.map((v) => {
          const s = v.shape ? int32Vector(b, v.shape) : 0;
          b.startObject(3);
          b.addFieldOffset(0, s, 0);
          b.addFieldInt8(1, v.type, 0);
          b.addFieldInt8(2, v.hasRank ? 1 : 0, 0);
          return b.endObject();
        }),
      )
    : 0;
  b.startObject(10);
  b.addFieldOffset(0, shape, 0);
  b.addFieldInt8(1, t.type, 0);
  b.addFieldInt32(2, t.buffer, 0);
  b.addFieldOffset(3, name, 0);
  b.addFieldOffset(4, quant, 0);
  b.addFieldInt8(5, t.isVariable ? 1 : 0, 0);
  b.addFieldOffset(6, sparsity, 0);
  b.addFieldOffset(7, signature, 0);
  b.addFieldInt8(8, t.hasRank ? 1 : 0, 0);
  b.addFieldOffset(9, variants, 0);
  return b.endObject();
}

function writeQuantization(b: Builder, q: Quantization): Offset {
  const min = q.min ? float32Vector(b, q.min) : 0;
  const max = q.max ? float32Vector(b, q.max) : 0;
  const scale = q.scale ? float32Vector(b, q.scale) : 0;
  const zp = q.zeroPoint ? zeroPointVector(b, q.zeroPoint) : 0;
  let details = 0;
  if (q.details) {
    const custom = q.details.custom ? alignedByteVector(b, q.details.custom, 16) : 0;
    b.startObject(1);
    b.addFieldOffset(0, custom, 0);
    details = b.endObject();
  }
  b.startObject(7);
  b.addFieldOffset(0, min, 0);
  b.addFieldOffset(1, max, 0);
  b.addFieldOffset(2, scale, 0);
  b.addFieldOffset(3, zp, 0);
  b.addFieldInt8(4, q.details?.type ?? 0, 0);
  b.addFieldOffset(5, details, 0);
  b.addFieldInt32(6, q.quantizedDimension, 0);
  return b.endObject();
}

function writeIndexVector(b: Builder, v: { type: number; values: number[] }): Offset {
  const values =
    v.type === 1
      ? int32Vector(b, v.values)
      : v.type === 2
        ? uint16Vector(b, v.values)
        : uint8Vector(b, v.values, 4);
  b.startObject(1);
  b.addFieldOffset(0, values, 0);
  return b.endObject();
}

function writeSparsity(b: Builder, s: Sparsity): Offset {
  const order = s.traversalOrder ? int32Vector(b, s.traversalOrder) : 0;
  const blockMap = s.blockMap ? int32Vector(b, s.blockMap) : 0;
  const dims = s.dimMetadata
    ? offsetVector(
        b,
        s.dimMetadata.map((d) => {
          const seg = d.arraySegments ? writeIndexVector(b, d.arraySegments) : 0;
          const idx = d.arrayIndices ? writeIndexVector(b, d.arrayIndices) : 0;
          b.startObject(6);
          b.addFieldInt8(0, d.format, 0);
          b.addFieldInt32(1, d.denseSize, 0);
          b.addFieldInt8(2, d.arraySegments?.type ?? 0, 0);
          b.addFieldOffset(3, seg, 0);
          b.addFieldInt8(4, d.arrayIndices?.type ?? 0, 0);
          b.addFieldOffset(5, idx, 0);
          return b.endObject();
        }),
      )
    : 0;
  b.startObject(3);
  b.addFieldOffset(0, order, 0);
  b.addFieldOffset(1, blockMap, 0);
  b.addFieldOffset(2, dims, 0);
  return b.endObject();
}

/** Serializes an options table by walking its declared fields (ids = positions). */
export function writeOptionsTable(b: Builder, options: BuiltinOptions): Offset {
  const spec = optionsSpecByType(options.type);
  if (!spec) throw new Error(`cannot write unknown builtin options type ${options.type}`);
  const v = options.values;
  // Reference fields (strings, vectors) must be created before the table starts.
  const refs = spec.fields.map((f) => {
    const value = v[f.name];
    if (value === null || value === undefined) return 0;
    if (f.kind === 'string') return b.createString(value as string);
    if (f.kind === 'i32[]') return int32Vector(b, value as number[]);
    if (f.kind === 'f32[]') return float32Vector(b, value as number[]);
    return 0;
  });
  b.startObject(spec.fields.length);
  spec.fields.forEach((f, id) => {
    const value = v[f.name] ?? f.def;
    switch (f.kind) {
      case 'bool':
        b.addFieldInt8(id, value ? 1 : 0, f.def ? 1 : 0);
        break;
      case 'i8':
      case 'u8':
        b.addFieldInt8(id, value as number, f.def as number);
        break;
      case 'i32':
      case 'u32':
        b.addFieldInt32(id, (value as number) | 0, (f.def as number) | 0);
        break;
      case 'f32':
        b.addFieldFloat32(id, value as number, f.def as number);
        break;
      case 'i64':
        b.addFieldInt64(id, value as bigint, f.def as bigint);
        break;
      default:
        b.addFieldOffset(id, refs[id]!, 0);
    }
  });
  return b.endObject();
}

function writeOperator(b: Builder, op: Operator): Offset {
  const inputs = int32Vector(b, op.inputs);
  const outputs = int32Vector(b, op.outputs);
  const options = op.builtinOptions ? writeOptionsTable(b, op.builtinOptions) : 0;
  const custom = op.customOptions ? alignedByteVector(b, op.customOptions, 1) : 0;
  const mutating = op.mutatingVariableInputs
    ? uint8Vector(
        b,
        op.mutatingVariableInputs.map((x) => (x ? 1 : 0)),
      )
    : 0;
  const intermediates = op.intermediates ? int32Vector(b, op.intermediates) : 0;
  b.startObject(13);
  b.addFieldInt32(0, op.opcodeIndex, 0);
  b.addFieldOffset(1, inputs, 0);
  b.addFieldOffset(2, outputs, 0);
  b.addFieldInt8(3, op.builtinOptions?.type ?? 0, 0);
  b.addFieldOffset(4, options, 0);
  b.addFieldOffset(5, custom, 0);
  b.addFieldInt8(6, op.customOptionsFormat, 0);
  b.addFieldOffset(7, mutating, 0);
  b.addFieldOffset(8, intermediates, 0);
  b.addFieldInt64(9, op.largeCustomOptionsOffset, 0n);
  b.addFieldInt64(10, op.largeCustomOptionsSize, 0n);
  return b.endObject();
}

function writeSignatureDef(b: Builder, s: SignatureDef): Offset {
  const maps = (list: SignatureDef['inputs']) =>
    offsetVector(
      b,
      list.map((m) => {
        const name = b.createString(m.name);
        b.startObject(2);
        b.addFieldOffset(0, name, 0);
        b.addFieldInt32(1, m.tensorIndex, 0);
        return b.endObject();
      }),
    );
  const inputs = maps(s.inputs);
  const outputs = maps(s.outputs);
  const key = b.createString(s.signatureKey);
  b.startObject(5);
  b.addFieldOffset(0, inputs, 0);
  b.addFieldOffset(1, outputs, 0);
  b.addFieldOffset(2, key, 0);
  b.addFieldInt32(4, s.subgraphIndex, 0);
  return b.endObject();
}
