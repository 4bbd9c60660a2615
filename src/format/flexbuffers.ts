/**
 * FlexBuffers, the schema-less format most custom ops (TFLite_Detection_PostProcess, the TFLM
 * Signal ops, ...) use for their `custom_options`. Encoding uses the `flatbuffers` package.
 * Decoding is our own bounded reader: the package's reader mixes bigint and number offsets once
 * a buffer uses 8-byte widths (any map holding a double), throws strings and RangeErrors on bad
 * bytes, and its toObject() can grow exponentially on malformed input. Here every read is
 * bounds-checked, work is capped, and every failure is a ModelFormatError naming the operator.
 *
 * Layout recap: the last byte is the root's byte width, the byte before it the root's packed
 * type ((type << 2) | log2(width)); scalars are stored inline at their parent's width; strings,
 * blobs, vectors and maps are reached through an unsigned offset back from the reference
 * position and carry their length (in their own width) just before their data; untyped vectors
 * and maps keep one packed-type byte per element after the elements; a map's keys vector is
 * reached through two words placed three widths before the values.
 */
import { encode } from 'flatbuffers/js/flexbuffers.js';
import { ModelFormatError } from '../errors.js';
import type { Model, Operator } from '../ir/model.js';

/** A decoded FlexBuffers value. Integers beyond 2^53 stay bigint. */
export type FlexValue = null | boolean | number | bigint | string | Uint8Array | FlexValue[] | FlexMap;
/** A decoded FlexBuffers map. */
export interface FlexMap {
  [key: string]: FlexValue;
}

/** CustomOptionsFormat of schema.fbs: the only value defined is FLEXBUFFERS = 0. */
export const CUSTOM_OPTIONS_FLEXBUFFERS = 0;

const MAX_DEPTH = 64;
const MAX_NODES = 1 << 16;

// FlexBuffers value types.
const NULL = 0;
const INT = 1;
const UINT = 2;
const FLOAT = 3;
const KEY = 4;
const STRING = 5;
const INDIRECT_INT = 6;
const INDIRECT_UINT = 7;
const INDIRECT_FLOAT = 8;
const MAP = 9;
const VECTOR = 10;
const VECTOR_INT = 11;
const VECTOR_STRING_DEPRECATED = 15;
const VECTOR_INT2 = 16;
const VECTOR_FLOAT4 = 24;
const BLOB = 25;
const BOOL = 26;
const VECTOR_BOOL = 36;

const utf8 = new TextDecoder('utf-8');

/** Bounds-checked reads over one FlexBuffer. */
class FlexReader {
  private readonly view: DataView;
  private readonly bytes: Uint8Array;
  private nodes = 0;
  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private check(offset: number, size: number): void {
    if (!Number.isInteger(offset) || offset < 0 || offset + size > this.bytes.byteLength) {
      throw new Error(
        `read of ${size} bytes at ${offset} is outside the ${this.bytes.byteLength}-byte buffer`,
      );
    }
  }

  uint(offset: number, width: number): number {
    this.check(offset, width);
    switch (width) {
      case 1:
        return this.view.getUint8(offset);
      case 2:
        return this.view.getUint16(offset, true);
      case 4:
        return this.view.getUint32(offset, true);
      case 8: {
        const v = this.view.getBigUint64(offset, true);
        if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`offset or length ${v} is too large`);
        return Number(v);
      }
      default:
        throw new Error(`bad width ${width}`);
    }
  }

  int(offset: number, width: number): number | bigint {
    this.check(offset, width);
    switch (width) {
      case 1:
        return this.view.getInt8(offset);
      case 2:
        return this.view.getInt16(offset, true);
      case 4:
        return this.view.getInt32(offset, true);
      case 8: {
        const v = this.view.getBigInt64(offset, true);
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      default:
        throw new Error(`bad width ${width}`);
    }
  }

  uintValue(offset: number, width: number): number | bigint {
    if (width !== 8) return this.uint(offset, width);
    this.check(offset, 8);
    const v = this.view.getBigUint64(offset, true);
    return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  float(offset: number, width: number): number {
    this.check(offset, width);
    if (width === 4) return this.view.getFloat32(offset, true);
    if (width === 8) return this.view.getFloat64(offset, true);
    throw new Error(`bad float width ${width}`);
  }

  /** The target of the offset stored at `offset` (offsets point backwards). */
  indirect(offset: number, width: number): number {
    const target = offset - this.uint(offset, width);
    this.check(target, 0);
    return target;
  }

  /** A NUL-terminated key starting at `offset`. */
  key(offset: number): string {
    let end = offset;
    while (true) {
      this.check(end, 1);
      if (this.bytes[end] === 0) break;
      end++;
    }
    return utf8.decode(this.bytes.subarray(offset, end));
  }

  /** Length of the sized object at `target` (stored one width before it). */
  length(target: number, width: number): number {
    const n = this.uint(target - width, width);
    if (n > this.bytes.byteLength)
      throw new Error(`length ${n} exceeds the ${this.bytes.byteLength}-byte buffer`);
    return n;
  }

  /** Decodes the value stored at `offset` with its parent's width and its packed type. */
  value(offset: number, parentWidth: number, packed: number, depth: number): FlexValue {
    if (++this.nodes > MAX_NODES) throw new Error(`more than ${MAX_NODES} values`);
    if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH} levels`);
    const type = packed >> 2;
    const width = 1 << (packed & 3);
    switch (type) {
      case NULL:
        return null;
      case INT:
        return this.int(offset, parentWidth);
      case UINT:
        return this.uintValue(offset, parentWidth);
      case FLOAT:
        return this.float(offset, parentWidth);
      case BOOL:
        return this.uint(offset, parentWidth) !== 0;
      case INDIRECT_INT:
        return this.int(this.indirect(offset, parentWidth), width);
      case INDIRECT_UINT:
        return this.uintValue(this.indirect(offset, parentWidth), width);
      case INDIRECT_FLOAT:
        return this.float(this.indirect(offset, parentWidth), width);
      case KEY:
        return this.key(this.indirect(offset, parentWidth));
      case STRING:
      case BLOB: {
        const target = this.indirect(offset, parentWidth);
        const n = this.length(target, width);
        this.check(target, n);
        const raw = this.bytes.subarray(target, target + n);
        return type === STRING ? utf8.decode(raw) : raw.slice();
      }
      case MAP: {
        const target = this.indirect(offset, parentWidth);
        const n = this.length(target, width);
        const keysField = target - 3 * width;
        const keys = this.indirect(keysField, width);
        const keyWidth = this.uint(keysField + width, width);
        if (keyWidth !== 1 && keyWidth !== 2 && keyWidth !== 4 && keyWidth !== 8) {
          throw new Error(`bad key width ${keyWidth}`);
        }
        const out: FlexMap = {};
        for (let i = 0; i < n; i++) {
          const k = this.key(this.indirect(keys + i * keyWidth, keyWidth));
          this.check(target + n * width + i, 1);
          out[k] = this.value(target + i * width, width, this.bytes[target + n * width + i]!, depth + 1);
        }
        return out;
      }
      case VECTOR: {
        const target = this.indirect(offset, parentWidth);
        const n = this.length(target, width);
        const out: FlexValue[] = [];
        for (let i = 0; i < n; i++) {
          this.check(target + n * width + i, 1);
          out.push(this.value(target + i * width, width, this.bytes[target + n * width + i]!, depth + 1));
        }
        return out;
      }
      default:
        return this.typedVector(type, offset, parentWidth, width, depth);
    }
  }

  /** Vectors whose elements share one scalar type (with or without a stored length). */
  private typedVector(
    type: number,
    offset: number,
    parentWidth: number,
    width: number,
    depth: number,
  ): FlexValue {
    let elemType: number;
    let n: number;
    const target = this.indirect(offset, parentWidth);
    // VECTOR_INT, _UINT, _FLOAT, _KEY, _STRING_DEPRECATED map to INT, UINT, FLOAT, KEY, STRING.
    if (type >= VECTOR_INT && type <= VECTOR_STRING_DEPRECATED) {
      elemType = type - VECTOR_INT + INT;
      n = this.length(target, width);
    } else if (type === VECTOR_BOOL) {
      elemType = BOOL;
      n = this.length(target, width);
    } else if (type >= VECTOR_INT2 && type <= VECTOR_FLOAT4) {
      // Fixed-length typed vectors: INT2, UINT2, FLOAT2, INT3, ..., FLOAT4.
      elemType = ((type - VECTOR_INT2) % 3) + INT;
      n = Math.floor((type - VECTOR_INT2) / 3) + 2;
    } else {
      throw new Error(`unknown value type ${type}`);
    }
    const out: FlexValue[] = [];
    for (let i = 0; i < n; i++)
      out.push(this.value(target + i * width, width, (elemType << 2) | packedWidth(width), depth + 1));
    return out;
  }
}

function packedWidth(width: number): number {
  return width === 1 ? 0 : width === 2 ? 1 : width === 4 ? 2 : 3;
}

/**
 * Returns the value encoded in a FlexBuffer. Throws ModelFormatError at `path` when the bytes
 * are malformed or nest deeper than 64 levels / hold more than 65536 values.
 */
export function decodeFlexBuffer(bytes: Uint8Array, path = 'custom_options'): FlexValue {
  try {
    if (bytes.byteLength < 3) throw new Error(`${bytes.byteLength} bytes is too short`);
    const rootWidth = bytes[bytes.byteLength - 1]!;
    if (rootWidth !== 1 && rootWidth !== 2 && rootWidth !== 4 && rootWidth !== 8) {
      throw new Error(`bad root width ${rootWidth}`);
    }
    const packed = bytes[bytes.byteLength - 2]!;
    const r = new FlexReader(bytes);
    return r.value(bytes.byteLength - 2 - rootWidth, rootWidth, packed, 0);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new ModelFormatError(path, `malformed FlexBuffer (${why})`, { cause: err });
  }
}

/** Returns the FlexBuffer encoding of a value (maps get sorted keys, as FlexBuffers requires). */
export function encodeFlexBuffer(value: FlexValue): Uint8Array {
  return encode(value);
}

/**
 * Returns the decoded custom options of an operator, or undefined when it has none. Throws
 * ModelFormatError (naming `path`, e.g. `subgraphs[0].operators[63].custom_options`) when they
 * are not a well-formed FlexBuffer.
 */
export function decodeCustomOptions(op: Operator, path = 'custom_options'): FlexValue | undefined {
  if (!op.customOptions || op.customOptions.byteLength === 0) return undefined;
  if (op.customOptionsFormat !== CUSTOM_OPTIONS_FLEXBUFFERS) {
    throw new ModelFormatError(`${path}_format`, `unknown custom options format ${op.customOptionsFormat}`);
  }
  return decodeFlexBuffer(op.customOptions, path);
}

/** Sets an operator's custom options to the FlexBuffer encoding of `value`. */
export function setCustomOptions(op: Operator, value: FlexValue): void {
  op.customOptions = encodeFlexBuffer(value);
  op.customOptionsFormat = CUSTOM_OPTIONS_FLEXBUFFERS;
}

/**
 * Returns the decoded custom options of operator `opIndex` of subgraph `subgraph`, or
 * undefined when it has none. Throws ModelFormatError naming the operator for malformed bytes.
 */
export function customOptionsOf(model: Model, subgraph: number, opIndex: number): FlexValue | undefined {
  const op = model.subgraphs[subgraph]?.operators[opIndex];
  if (!op) return undefined;
  return decodeCustomOptions(op, `subgraphs[${subgraph}].operators[${opIndex}].custom_options`);
}
