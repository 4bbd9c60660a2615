/**
 * Graph-level checks of a model read by model_reader.ts. The reader guarantees that every
 * FlatBuffer offset and vector was in bounds; the verifier checks what the bytes mean: every
 * index points at something that exists, shapes and byte sizes are sane, constant buffers hold
 * exactly their tensor's bytes, quantization parameters agree with the shape, and each
 * subgraph's operators form a dataflow graph in execution order (no operator reads a tensor
 * that is produced later or never). Problems throw ModelFormatError naming the field by path,
 * e.g. `subgraphs[0].tensors[17].buffer: 412 is out of range (211 buffers)`.
 *
 * Size limit: a tensor whose byte size exceeds `maxTensorBytes` (default 2 GiB) throws a
 * LimitError, since the file may be fine and only too large for this configuration; a byte
 * size that cannot even be computed exactly (over 2^53) is a ModelFormatError.
 */
import { LimitError, ModelFormatError } from '../errors.js';
import { dtypeFromCode, dtypeSize } from '../ir/dtype.js';
import type { Model, Subgraph, Tensor } from '../ir/model.js';

/** The schema version TFLite's interpreter accepts (schema.fbs TFLITE_SCHEMA_VERSION). */
export const TFLITE_SCHEMA_VERSION = 3;

/** Default limit on one tensor's byte size: 2 GiB. */
export const DEFAULT_MAX_TENSOR_BYTES = 2 ** 31;

/** Options of verifyModel. */
export interface VerifyOptions {
  /** Largest byte size allowed for one tensor (default 2 GiB); larger throws LimitError. */
  maxTensorBytes?: number;
}

/**
 * Returns the element count of a shape, or throws ModelFormatError at `path` for a negative
 * dimension or a count that cannot be represented exactly (over 2^53).
 */
export function checkedElementCount(shape: readonly number[], path: string): number {
  let n = 1;
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < 0)
      throw new ModelFormatError(`${path}[${i}]`, `dimension ${d} is negative`);
    n *= d;
    if (n > Number.MAX_SAFE_INTEGER) {
      throw new ModelFormatError(path, `element count of shape [${shape.join(', ')}] overflows 2^53`);
    }
  }
  return n;
}

/**
 * Returns the byte size of a tensor with this shape and TensorType code (0 for types without
 * a fixed element size: string, resource, variant; int4 packs two per byte, rounded up).
 */
export function tensorByteSize(shape: readonly number[], type: number, path = 'tensor.shape'): number {
  const dtype = dtypeFromCode(type);
  const n = checkedElementCount(shape, path);
  if (!dtype) return 0;
  const size = dtypeSize(dtype);
  const bytes = size === 0.5 ? Math.ceil(n / 2) : n * size;
  if (bytes > Number.MAX_SAFE_INTEGER) {
    throw new ModelFormatError(path, `byte size of shape [${shape.join(', ')}] overflows 2^53`);
  }
  return bytes;
}

function checkIndex(value: number, count: number, path: string, what: string, allowOptional = false): void {
  if (allowOptional && value === -1) return;
  if (!Number.isInteger(value) || value < 0 || value >= count) {
    throw new ModelFormatError(path, `${value} is out of range (${count} ${what})`);
  }
}

/**
 * Checks a model's graph-level consistency. Returns nothing; throws ModelFormatError naming
 * the field for a malformed model, or LimitError for a tensor larger than `maxTensorBytes`.
 */
export function verifyModel(model: Model, options: VerifyOptions = {}): void {
  const maxTensorBytes = options.maxTensorBytes ?? DEFAULT_MAX_TENSOR_BYTES;
  if (model.version !== TFLITE_SCHEMA_VERSION) {
    throw new ModelFormatError(
      'version',
      `schema version ${model.version} is not supported (TFLite reads version ${TFLITE_SCHEMA_VERSION})`,
    );
  }
  if (model.subgraphs.length === 0) throw new ModelFormatError('subgraphs', 'the model has no subgraph');
  const nBuffers = model.buffers.length;
  model.metadataBuffer?.forEach((b, i) => checkIndex(b, nBuffers, `metadata_buffer[${i}]`, 'buffers'));
  model.metadata?.forEach((m, i) => checkIndex(m.buffer, nBuffers, `metadata[${i}].buffer`, 'buffers'));
  model.subgraphs.forEach((sg, i) => verifySubgraph(model, sg, `subgraphs[${i}]`, maxTensorBytes));
  model.signatureDefs?.forEach((sig, i) => {
    const path = `signature_defs[${i}]`;
    checkIndex(sig.subgraphIndex, model.subgraphs.length, `${path}.subgraph_index`, 'subgraphs');
    const nTensors = model.subgraphs[sig.subgraphIndex]!.tensors.length;
    sig.inputs.forEach((m, j) =>
      checkIndex(m.tensorIndex, nTensors, `${path}.inputs[${j}].tensor_index`, 'tensors'),
    );
    sig.outputs.forEach((m, j) =>
      checkIndex(m.tensorIndex, nTensors, `${path}.outputs[${j}].tensor_index`, 'tensors'),
    );
  });
}

function verifyTensor(model: Model, t: Tensor, path: string, maxTensorBytes: number): void {
  const dtype = dtypeFromCode(t.type);
  if (!dtype) throw new ModelFormatError(`${path}.type`, `unknown TensorType code ${t.type}`);
  checkIndex(t.buffer, model.buffers.length, `${path}.buffer`, 'buffers');
  const bytes = tensorByteSize(t.shape, t.type, `${path}.shape`);
  if (bytes > maxTensorBytes) {
    throw new LimitError(
      `${path}: tensor ${JSON.stringify(t.name)} of shape [${t.shape.join(', ')}] (${dtype}) needs ` +
        `${bytes} bytes, over the limit of ${maxTensorBytes}; raise maxTensorBytes if the model is meant to be this large.`,
    );
  }
  t.shapeSignature?.forEach((d, i) => {
    if (!Number.isInteger(d) || d < -1) {
      throw new ModelFormatError(
        `${path}.shape_signature[${i}]`,
        `dimension ${d} is invalid (-1 means dynamic)`,
      );
    }
  });
  // A constant must hold exactly its tensor's bytes. Strings (variable length), int4 (packing
  // conventions differ) and sparse tensors (compressed values) are not comparable this way.
  const data = model.buffers[t.buffer]!.data;
  if (
    data &&
    data.byteLength > 0 &&
    !t.sparsity &&
    dtype !== 'string' &&
    dtype !== 'int4' &&
    dtypeSize(dtype) > 0
  ) {
    if (data.byteLength !== bytes) {
      throw new ModelFormatError(
        `${path}.buffer`,
        `buffer ${t.buffer} holds ${data.byteLength} bytes but tensor ${JSON.stringify(t.name)} of shape ` +
          `[${t.shape.join(', ')}] (${dtype}) needs ${bytes}`,
      );
    }
  }
  const q = t.quantization;
  if (q && q.scale && q.zeroPoint && (q.scale.length > 0 || q.zeroPoint.length > 0)) {
    const qp = `${path}.quantization`;
    if (q.scale.length !== q.zeroPoint.length) {
      throw new ModelFormatError(
        `${qp}.zero_point`,
        `${q.zeroPoint.length} zero points for ${q.scale.length} scales (must be equal)`,
      );
    }
    if (q.scale.length > 1) {
      const rank = t.shape.length;
      // Quirk kept for compatibility: some converters copy a filter's quantized_dimension (3)
      // onto its rank-1 bias (e.g. TFLM's person_detect.tflite). TFLite Micro accepts it, and
      // the only axis such a tensor has is 0, so readers must treat the axis as 0 there.
      if (rank === 1 && q.quantizedDimension >= rank && t.shape[0] === q.scale.length) return;
      if (q.quantizedDimension < 0 || q.quantizedDimension >= rank) {
        throw new ModelFormatError(
          `${qp}.quantized_dimension`,
          `${q.quantizedDimension} is not a dimension of the rank-${rank} tensor`,
        );
      }
      const dim = t.shape[q.quantizedDimension]!;
      if (dim !== q.scale.length) {
        throw new ModelFormatError(
          `${qp}.scale`,
          `${q.scale.length} per-axis scales but dimension ${q.quantizedDimension} has size ${dim}`,
        );
      }
    }
  }
}

function verifySubgraph(model: Model, sg: Subgraph, path: string, maxTensorBytes: number): void {
  const nTensors = sg.tensors.length;
  sg.tensors.forEach((t, i) => verifyTensor(model, t, `${path}.tensors[${i}]`, maxTensorBytes));
  sg.inputs.forEach((t, i) => checkIndex(t, nTensors, `${path}.inputs[${i}]`, 'tensors'));
  sg.outputs.forEach((t, i) => checkIndex(t, nTensors, `${path}.outputs[${i}]`, 'tensors'));
  const nCodes = model.operatorCodes.length;
  sg.operators.forEach((op, k) => {
    const opPath = `${path}.operators[${k}]`;
    checkIndex(op.opcodeIndex, nCodes, `${opPath}.opcode_index`, 'operator codes');
    op.inputs.forEach((t, i) => checkIndex(t, nTensors, `${opPath}.inputs[${i}]`, 'tensors', true));
    op.outputs.forEach((t, i) => checkIndex(t, nTensors, `${opPath}.outputs[${i}]`, 'tensors'));
    op.intermediates?.forEach((t, i) => checkIndex(t, nTensors, `${opPath}.intermediates[${i}]`, 'tensors'));
  });
  verifyDataflow(model, sg, path);
}

/**
 * Checks that operators run in an order where every input already has a value: a constant, a
 * subgraph input, a variable tensor (state persists across invokes), an empty tensor, or the
 * output of an earlier operator. An input written only by a later operator means the graph has
 * a cycle or its operators are out of order; TFLite runs operators in file order, so either
 * way it would read garbage.
 */
function verifyDataflow(model: Model, sg: Subgraph, path: string): void {
  const writer = new Int32Array(sg.tensors.length).fill(-1);
  sg.operators.forEach((op, k) => {
    op.outputs.forEach((t, i) => {
      const prev = writer[t]!;
      if (prev >= 0) {
        throw new ModelFormatError(
          `${path}.operators[${k}].outputs[${i}]`,
          `tensor ${t} (${JSON.stringify(sg.tensors[t]!.name)}) is already written by operators[${prev}]; ` +
            'each tensor must have one producer',
        );
      }
      writer[t] = k;
    });
  });
  const ready = new Uint8Array(sg.tensors.length);
  sg.tensors.forEach((t, i) => {
    const data = model.buffers[t.buffer]?.data;
    if ((data && data.byteLength > 0) || t.isVariable || t.shape.some((d) => d === 0)) ready[i] = 1;
  });
  for (const t of sg.inputs) ready[t] = 1;
  sg.operators.forEach((op, k) => {
    op.inputs.forEach((t, i) => {
      if (t === -1 || ready[t]) return;
      const name = JSON.stringify(sg.tensors[t]!.name);
      const later = writer[t]!;
      const where = `${path}.operators[${k}].inputs[${i}]`;
      if (later >= 0) {
        throw new ModelFormatError(
          where,
          `tensor ${t} (${name}) is produced by a later operator (operators[${later}]): ` +
            'the graph has a cycle or its operators are out of execution order',
        );
      }
      throw new ModelFormatError(
        where,
        `tensor ${t} (${name}) is read but nothing writes it (not a constant, subgraph input, variable or operator output)`,
      );
    });
    for (const t of op.outputs) ready[t] = 1;
  });
  sg.outputs.forEach((t, i) => {
    if (!ready[t]) {
      throw new ModelFormatError(
        `${path}.outputs[${i}]`,
        `tensor ${t} (${JSON.stringify(sg.tensors[t]!.name)}) is a subgraph output but nothing produces it`,
      );
    }
  });
}
