/**
 * FlexBuffers, the schema-less format most custom ops (TFLite_Detection_PostProcess, ...) use
 * for their `custom_options`. Decoding walks the `flatbuffers` package's FlexBuffers Reference
 * API rather than its `toObject()`: that lets us bound the work (a malformed buffer can make
 * vectors share children, so a naive walk can grow exponentially) and turn every failure (the
 * package throws strings, RangeErrors and TypeErrors on bad bytes) into a ModelFormatError that
 * names the operator.
 */
import { encode, toReference } from 'flatbuffers/js/flexbuffers.js';
import type { Reference } from 'flatbuffers/js/flexbuffers/reference.js';
import { keyForIndex } from 'flatbuffers/js/flexbuffers/reference-util.js';
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

/** The private fields of a Reference that a map walk needs (keyForIndex takes them raw). */
interface ReferenceInternals {
  dataView: DataView;
  offset: number;
  parentWidth: number;
  byteWidth: number;
}

/**
 * Returns the value encoded in a FlexBuffer. Throws ModelFormatError at `path` when the bytes
 * are malformed or nest deeper than 64 levels / hold more than 65536 values.
 */
export function decodeFlexBuffer(bytes: Uint8Array, path = 'custom_options'): FlexValue {
  // The package indexes the whole ArrayBuffer, so give it a private copy of exactly these bytes.
  const copy = bytes.slice();
  let nodes = 0;
  const walk = (ref: Reference, depth: number): FlexValue => {
    if (++nodes > MAX_NODES) throw new Error(`more than ${MAX_NODES} values`);
    if (depth > MAX_DEPTH) throw new Error(`nested deeper than ${MAX_DEPTH} levels`);
    if (ref.isNull()) return null;
    if (ref.isBool()) return ref.boolValue();
    if (ref.isFloat()) return ref.floatValue();
    if (ref.isInt()) {
      const v = ref.intValue();
      if (typeof v === 'bigint') {
        return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
      }
      return v;
    }
    if (ref.isString()) return ref.stringValue();
    if (ref.isBlob()) return ref.blobValue()!.slice();
    const length = ref.length();
    if (!Number.isSafeInteger(length) || length < 0 || length > copy.length) {
      throw new Error(`length ${length} exceeds the ${copy.length}-byte buffer`);
    }
    if (ref.isVector()) {
      const out: FlexValue[] = [];
      for (let i = 0; i < length; i++) out.push(walk(ref.get(i), depth + 1));
      return out;
    }
    if (ref.isMap()) {
      const r = ref as unknown as ReferenceInternals;
      const out: FlexMap = {};
      for (let i = 0; i < length; i++) {
        const key = keyForIndex(i, r.dataView, r.offset, r.parentWidth, r.byteWidth);
        // Reference.get accepts a key string for maps, though its typings only say number.
        out[key] = walk((ref as unknown as { get(k: string): Reference }).get(key), depth + 1);
      }
      return out;
    }
    throw new Error('unknown value type');
  };
  try {
    return walk(toReference(copy.buffer), 0);
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
