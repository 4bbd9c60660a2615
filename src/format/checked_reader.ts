/**
 * A bounds-checked FlatBuffers reader. The `flatbuffers` npm package reads without verifying
 * (its JavaScript port has no Verifier), so a malformed file would surface as a RangeError or a
 * silently wrong value deep in a loop. Here every offset, vtable, vector length and string is
 * checked before use, and a failure throws ModelFormatError naming the field by path, e.g.
 * `subgraphs[0].tensors[17].shape`.
 *
 * FlatBuffers layout recap (little-endian):
 * - a table starts with an int32 soffset to its vtable: vtable = table - soffset;
 * - a vtable is [u16 vtableBytes, u16 tableBytes, u16 fieldOffset...]; offset 0 = field absent;
 * - reference fields (tables, vectors, strings) hold a u32 offset relative to the field itself;
 * - vectors and strings start with a u32 element count; strings are UTF-8 with a NUL after.
 */
import { ModelFormatError } from '../errors.js';

const utf8 = new TextDecoder('utf-8');

/** The bytes being read plus a DataView over them. */
export class FlatBufferBytes {
  readonly bytes: Uint8Array;
  readonly view: DataView;
  readonly length: number;
  /** Highest byte index touched + 1: the extent of the FlatBuffer inside a longer file. */
  extent = 0;

  constructor(bytes: Uint8Array) {
    this.bytes = bytes;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.length = bytes.byteLength;
  }

  /** Throws unless [pos, pos + size) lies inside the buffer. */
  need(pos: number, size: number, path: string, what: string): void {
    if (!Number.isInteger(pos) || pos < 0 || size < 0 || pos + size > this.length) {
      throw new ModelFormatError(
        path,
        `${what} at byte ${pos} (${size} bytes) lies outside the ${this.length}-byte buffer`,
      );
    }
    if (pos + size > this.extent) this.extent = pos + size;
  }

  /** Follows the u32 offset stored at `pos` and returns the absolute target position. */
  deref(pos: number, path: string): number {
    this.need(pos, 4, path, 'offset');
    const target = pos + this.view.getUint32(pos, true);
    if (target >= this.length) {
      throw new ModelFormatError(
        path,
        `offset points to byte ${target}, past the end (${this.length} bytes)`,
      );
    }
    return target;
  }

  /** Returns the root table of a buffer after checking its 4-byte file identifier. */
  root(identifier: string | null, path: string): Table {
    if (this.length < 8) {
      throw new ModelFormatError(path, `file is ${this.length} bytes, too short for a FlatBuffer`);
    }
    if (identifier !== null) {
      const id = String.fromCharCode(this.bytes[4]!, this.bytes[5]!, this.bytes[6]!, this.bytes[7]!);
      if (id !== identifier) {
        throw new ModelFormatError(
          path,
          `file identifier is ${JSON.stringify(id)}, expected ${JSON.stringify(identifier)} (is this a .tflite file?)`,
        );
      }
    }
    return new Table(this, this.deref(0, path), path);
  }
}

/** Element sizes of scalar vector kinds. */
type VecKind = 'u8' | 'i8' | 'bool' | 'i16' | 'u16' | 'i32' | 'u32' | 'f32' | 'i64' | 'u64';
const VEC_SIZE: Record<VecKind, number> = {
  u8: 1,
  i8: 1,
  bool: 1,
  i16: 2,
  u16: 2,
  i32: 4,
  u32: 4,
  f32: 4,
  i64: 8,
  u64: 8,
};

/** A verified view of one table. */
export class Table {
  readonly fb: FlatBufferBytes;
  readonly pos: number;
  readonly path: string;
  private readonly vtable: number;
  private readonly vtableBytes: number;
  private readonly tableBytes: number;

  constructor(fb: FlatBufferBytes, pos: number, path: string) {
    this.fb = fb;
    this.pos = pos;
    this.path = path;
    fb.need(pos, 4, path, 'table');
    const vt = pos - fb.view.getInt32(pos, true);
    fb.need(vt, 4, path, 'vtable');
    const vtableBytes = fb.view.getUint16(vt, true);
    const tableBytes = fb.view.getUint16(vt + 2, true);
    if (vtableBytes < 4 || vtableBytes % 2 !== 0) {
      throw new ModelFormatError(path, `vtable size ${vtableBytes} is invalid`);
    }
    fb.need(vt, vtableBytes, path, 'vtable');
    if (tableBytes < 4) throw new ModelFormatError(path, `table size ${tableBytes} is invalid`);
    fb.need(pos, tableBytes, path, 'table');
    this.vtable = vt;
    this.vtableBytes = vtableBytes;
    this.tableBytes = tableBytes;
  }

  /** Path of a field of this table, for error messages. */
  sub(name: string): string {
    return this.path ? `${this.path}.${name}` : name;
  }

  /** Absolute position of field `id`'s inline value, or 0 when the field is absent. */
  private field(id: number, size: number, name: string): number {
    const slot = 4 + 2 * id;
    if (slot + 2 > this.vtableBytes) return 0;
    const off = this.fb.view.getUint16(this.vtable + slot, true);
    if (off === 0) return 0;
    if (off + size > this.tableBytes) {
      throw new ModelFormatError(
        this.sub(name),
        `field lies outside its table (${off}+${size} > ${this.tableBytes})`,
      );
    }
    return this.pos + off;
  }

  /** True when field `id` is present. */
  has(id: number): boolean {
    const slot = 4 + 2 * id;
    return slot + 2 <= this.vtableBytes && this.fb.view.getUint16(this.vtable + slot, true) !== 0;
  }

  bool(id: number, name: string, def = false): boolean {
    const p = this.field(id, 1, name);
    return p ? this.fb.view.getUint8(p) !== 0 : def;
  }
  i8(id: number, name: string, def = 0): number {
    const p = this.field(id, 1, name);
    return p ? this.fb.view.getInt8(p) : def;
  }
  u8(id: number, name: string, def = 0): number {
    const p = this.field(id, 1, name);
    return p ? this.fb.view.getUint8(p) : def;
  }
  i16(id: number, name: string, def = 0): number {
    const p = this.field(id, 2, name);
    return p ? this.fb.view.getInt16(p, true) : def;
  }
  u16(id: number, name: string, def = 0): number {
    const p = this.field(id, 2, name);
    return p ? this.fb.view.getUint16(p, true) : def;
  }
  i32(id: number, name: string, def = 0): number {
    const p = this.field(id, 4, name);
    return p ? this.fb.view.getInt32(p, true) : def;
  }
  u32(id: number, name: string, def = 0): number {
    const p = this.field(id, 4, name);
    return p ? this.fb.view.getUint32(p, true) : def;
  }
  f32(id: number, name: string, def = 0): number {
    const p = this.field(id, 4, name);
    return p ? this.fb.view.getFloat32(p, true) : def;
  }
  i64(id: number, name: string, def = 0n): bigint {
    const p = this.field(id, 8, name);
    return p ? this.fb.view.getBigInt64(p, true) : def;
  }
  u64(id: number, name: string, def = 0n): bigint {
    const p = this.field(id, 8, name);
    return p ? this.fb.view.getBigUint64(p, true) : def;
  }

  /** Position of the object a reference field points to, or 0 when absent. */
  private ref(id: number, name: string): number {
    const p = this.field(id, 4, name);
    return p ? this.fb.deref(p, this.sub(name)) : 0;
  }

  /** The sub-table in field `id`, or undefined. */
  table(id: number, name: string): Table | undefined {
    const p = this.ref(id, name);
    return p ? new Table(this.fb, p, this.sub(name)) : undefined;
  }

  /** A string field, or undefined. */
  string(id: number, name: string): string | undefined {
    const p = this.ref(id, name);
    if (!p) return undefined;
    const path = this.sub(name);
    this.fb.need(p, 4, path, 'string length');
    const len = this.fb.view.getUint32(p, true);
    this.fb.need(p + 4, len, path, `string of ${len} bytes`);
    return utf8.decode(this.fb.bytes.subarray(p + 4, p + 4 + len));
  }

  /** Start and length of a vector field, after checking that its elements fit. */
  vector(id: number, name: string, elemSize: number): { start: number; length: number } | undefined {
    const p = this.ref(id, name);
    if (!p) return undefined;
    const path = this.sub(name);
    this.fb.need(p, 4, path, 'vector length');
    const length = this.fb.view.getUint32(p, true);
    if (length * elemSize > this.fb.length - (p + 4)) {
      throw new ModelFormatError(
        path,
        `vector of ${length} elements (${length * elemSize} bytes) runs past the end of the buffer`,
      );
    }
    this.fb.need(p + 4, length * elemSize, path, 'vector');
    return { start: p + 4, length };
  }

  /** A vector of scalars as numbers (i64/u64 converted with Number()). */
  numbers(id: number, name: string, kind: VecKind): number[] | undefined {
    const v = this.vector(id, name, VEC_SIZE[kind]);
    if (!v) return undefined;
    const dv = this.fb.view;
    const out = new Array<number>(v.length);
    const s = v.start;
    switch (kind) {
      case 'u8':
      case 'bool':
        for (let i = 0; i < v.length; i++) out[i] = dv.getUint8(s + i);
        break;
      case 'i8':
        for (let i = 0; i < v.length; i++) out[i] = dv.getInt8(s + i);
        break;
      case 'i16':
        for (let i = 0; i < v.length; i++) out[i] = dv.getInt16(s + 2 * i, true);
        break;
      case 'u16':
        for (let i = 0; i < v.length; i++) out[i] = dv.getUint16(s + 2 * i, true);
        break;
      case 'i32':
        for (let i = 0; i < v.length; i++) out[i] = dv.getInt32(s + 4 * i, true);
        break;
      case 'u32':
        for (let i = 0; i < v.length; i++) out[i] = dv.getUint32(s + 4 * i, true);
        break;
      case 'f32':
        for (let i = 0; i < v.length; i++) out[i] = dv.getFloat32(s + 4 * i, true);
        break;
      case 'i64':
        for (let i = 0; i < v.length; i++) out[i] = Number(dv.getBigInt64(s + 8 * i, true));
        break;
      case 'u64':
        for (let i = 0; i < v.length; i++) out[i] = Number(dv.getBigUint64(s + 8 * i, true));
        break;
    }
    return out;
  }

  /** A vector of i64 as bigints. */
  bigints(id: number, name: string): bigint[] | undefined {
    const v = this.vector(id, name, 8);
    if (!v) return undefined;
    const out = new Array<bigint>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = this.fb.view.getBigInt64(v.start + 8 * i, true);
    return out;
  }

  /** A [ubyte] vector as a view into the buffer (no copy). */
  bytes(id: number, name: string): Uint8Array | undefined {
    const v = this.vector(id, name, 1);
    return v ? this.fb.bytes.subarray(v.start, v.start + v.length) : undefined;
  }

  /** A vector of tables; each element's path is `name[i]`. */
  tables(id: number, name: string): Table[] | undefined {
    const v = this.vector(id, name, 4);
    if (!v) return undefined;
    const out = new Array<Table>(v.length);
    const base = this.sub(name);
    for (let i = 0; i < v.length; i++) {
      const path = `${base}[${i}]`;
      out[i] = new Table(this.fb, this.fb.deref(v.start + 4 * i, path), path);
    }
    return out;
  }

  /** A vector of strings. */
  strings(id: number, name: string): string[] | undefined {
    const v = this.vector(id, name, 4);
    if (!v) return undefined;
    const out = new Array<string>(v.length);
    const base = this.sub(name);
    for (let i = 0; i < v.length; i++) {
      const path = `${base}[${i}]`;
      const p = this.fb.deref(v.start + 4 * i, path);
      this.fb.need(p, 4, path, 'string length');
      const len = this.fb.view.getUint32(p, true);
      this.fb.need(p + 4, len, path, 'string');
      out[i] = utf8.decode(this.fb.bytes.subarray(p + 4, p + 4 + len));
    }
    return out;
  }
}

/** Sets `obj[key]` to `value` when the field was present (value not undefined), as optional IR fields are stored. Never throws. */
export function setOptional<T, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) obj[key] = value;
}
