/**
 * Seeded random inputs, generated exactly as the peers harness (../shared/tools/peers) does, so
 * that `tflite-ts run --random SEED` and LiteRT.js / tfjs-tflite get the same bytes:
 * mulberry32(seed); inputs filled in the order of their canonical names (without a
 * `serving_default_` prefix and a `:N` suffix); float32 uniform in [-1, 1); 8-bit types take
 * every byte value; 16-bit types their full range; int32/uint32/int64 values in [lo, hi); bool 0/1.
 */
import { InputError } from '../errors.js';
import type { DType } from '../ir/dtype.js';

/** mulberry32: a small 32-bit seeded PRNG (public domain), returns uint32 values. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** Canonical input name used to order generation. */
export function canonicalInputName(name: string): string {
  return name.replace(/^serving_default_/, '').replace(/:\d+$/, '');
}

function fill(dtype: DType, n: number, next: () => number, lo: number, hi: number): Uint8Array {
  switch (dtype) {
    case 'float32': {
      const a = new Float32Array(n);
      for (let i = 0; i < n; i++) a[i] = (next() / 2 ** 32) * 2 - 1;
      return new Uint8Array(a.buffer);
    }
    case 'float64': {
      const a = new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = (next() / 2 ** 32) * 2 - 1;
      return new Uint8Array(a.buffer);
    }
    case 'int8':
    case 'uint8': {
      const a = new Uint8Array(n);
      for (let i = 0; i < n; i++) a[i] = next() >>> 24;
      return a;
    }
    case 'bool': {
      const a = new Uint8Array(n);
      for (let i = 0; i < n; i++) a[i] = next() >>> 31;
      return a;
    }
    case 'int16':
    case 'uint16': {
      const a = new Uint16Array(n);
      for (let i = 0; i < n; i++) a[i] = next() >>> 16;
      return new Uint8Array(a.buffer);
    }
    case 'int32':
    case 'uint32': {
      const a = new Int32Array(n);
      for (let i = 0; i < n; i++) a[i] = lo + (next() % (hi - lo));
      return new Uint8Array(a.buffer);
    }
    case 'int64': {
      const a = new BigInt64Array(n);
      for (let i = 0; i < n; i++) a[i] = BigInt(lo + (next() % (hi - lo)));
      return new Uint8Array(a.buffer);
    }
    default:
      throw new InputError(`no random generator for dtype ${dtype}`);
  }
}

/** Returns raw bytes for each input (in the given order) for a seed. */
export function randomInputs(
  inputs: readonly { name: string; dtype: DType; shape: readonly number[] }[],
  seed: number,
  intRange: readonly [number, number] = [0, 10],
): Uint8Array[] {
  const next = mulberry32(seed);
  const order = inputs
    .map((_, i) => i)
    .sort((a, b) => (canonicalInputName(inputs[a]!.name) < canonicalInputName(inputs[b]!.name) ? -1 : 1));
  const out = new Array<Uint8Array>(inputs.length);
  for (const i of order) {
    const t = inputs[i]!;
    const n = t.shape.reduce((p, d) => p * d, 1);
    out[i] = fill(t.dtype, n, next, intRange[0], intRange[1]);
  }
  return out;
}
