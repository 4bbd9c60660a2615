/**
 * Weight decoding: slices the concatenated shard bytes per the weights manifest and turns
 * every weight into float32 (or int32/bool) values. Weights that tfjs-converter quantized
 * (`--quantize_uint8`, `--quantize_uint16`, `--quantize_float16`) are dequantized here, so the
 * rest of the converter only ever sees real values:
 *   uint8 / uint16 affine: value = q * scale + min (tfjs `io_utils` decodes the same way; int32
 *   weights are rounded back to integers), float16: IEEE half -> float32.
 */
import { ConversionError } from '../errors.js';
import { float16BitsToFloat32 } from '../kernels/internal/float16.js';
import type { WeightSpec } from './tfjs_format.js';

/** A decoded weight. */
export interface WeightTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool';
  data: Float32Array | Int32Array | Uint8Array;
  /** How it was stored when it was quantized by tfjs ('uint8', 'uint16', 'float16'). */
  storedAs?: string;
}

const STORED_BYTES: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Returns the byte size one weight occupies in the shards. Throws ConversionError for strings. */
export function storedByteSize(spec: WeightSpec): number {
  const stored = spec.quantization?.dtype ?? spec.dtype;
  const bytes = STORED_BYTES[stored];
  if (bytes === undefined) {
    throw new ConversionError(
      `weight ${JSON.stringify(spec.name)}: dtype ${stored} is not supported by the converter (float32, int32, bool, or uint8/uint16/float16 quantized)`,
    );
  }
  return bytes * elementCount(spec.shape);
}

function decodeOne(spec: WeightSpec, bytes: Uint8Array): WeightTensor {
  const n = elementCount(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = spec.quantization;
  const dtype = spec.dtype === 'int32' ? 'int32' : spec.dtype === 'bool' ? 'bool' : 'float32';
  if (spec.dtype !== 'float32' && spec.dtype !== 'int32' && spec.dtype !== 'bool') {
    throw new ConversionError(`weight ${JSON.stringify(spec.name)}: dtype ${spec.dtype} is not supported`);
  }
  const out: WeightTensor = {
    name: spec.name,
    shape: [...spec.shape],
    dtype,
    data: dtype === 'int32' ? new Int32Array(n) : dtype === 'bool' ? new Uint8Array(n) : new Float32Array(n),
  };
  const data = out.data;
  if (!q) {
    if (dtype === 'float32') for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
    else if (dtype === 'int32') for (let i = 0; i < n; i++) data[i] = view.getInt32(i * 4, true);
    else data.set(bytes.subarray(0, n));
    return out;
  }
  out.storedAs = q.dtype;
  if (q.dtype === 'float16') {
    for (let i = 0; i < n; i++) data[i] = float16BitsToFloat32(view.getUint16(i * 2, true));
    return out;
  }
  if (q.scale === undefined || q.min === undefined) {
    throw new ConversionError(
      `weight ${JSON.stringify(spec.name)}: ${q.dtype} quantization without scale and min in the manifest; re-export the model`,
    );
  }
  const { scale, min } = q;
  const round = dtype !== 'float32';
  for (let i = 0; i < n; i++) {
    const code = q.dtype === 'uint8' ? bytes[i]! : view.getUint16(i * 2, true);
    const v = code * scale + min;
    data[i] = round ? Math.round(v) : v;
  }
  return out;
}

/**
 * Returns every weight of `specs` decoded from `data` (the shards concatenated in manifest
 * order), by name. Throws ConversionError when the shards are shorter than the manifest says.
 */
export function decodeWeights(specs: readonly WeightSpec[], data: Uint8Array): Map<string, WeightTensor> {
  const out = new Map<string, WeightTensor>();
  let offset = 0;
  for (const spec of specs) {
    const size = storedByteSize(spec);
    if (offset + size > data.byteLength) {
      throw new ConversionError(
        `weight ${JSON.stringify(spec.name)} needs bytes ${offset}..${offset + size} but the weight shards hold ${data.byteLength}; a shard file is missing or truncated`,
      );
    }
    out.set(spec.name, decodeOne(spec, data.subarray(offset, offset + size)));
    offset += size;
  }
  return out;
}
