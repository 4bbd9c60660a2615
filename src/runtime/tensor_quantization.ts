/**
 * Float <-> quantized conversion of whole tensors at the API boundary (setInputFloat,
 * outputFloat), with TFLite's arithmetic: q = round_half_away(x / scale) + zeroPoint, clamped to
 * the dtype's range, the division in float32; x = float32(scale * (q - zeroPoint)).
 */
import { InputError } from '../errors.js';
import type { DType, TypedArray } from '../ir/dtype.js';
import type { QuantParams } from '../kernels/kernel.js';
import type { RuntimeTensor } from './runtime_tensor.js';

const RANGE: Record<string, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  int32: [-2147483648, 2147483647],
};

/** Returns the number of elements between consecutive entries of per-axis parameters. */
function axisStride(shape: readonly number[], axis: number): number {
  let s = 1;
  for (let i = axis + 1; i < shape.length; i++) s *= shape[i]!;
  return s;
}

/** Rounds half away from zero, as C's round(). */
function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

/** Writes float `values` into a tensor, quantizing when the tensor is quantized. */
export function quantizeInto(t: RuntimeTensor, values: ArrayLike<number>): void {
  const data = t.data;
  if (values.length !== data.length) {
    throw new InputError(
      `tensor ${JSON.stringify(t.name)} (${t.dtype} [${t.shape}]): got ${values.length} values, expected ${data.length}`,
    );
  }
  const n = data.length;
  if (t.dtype === 'float32' || t.dtype === 'float64') {
    (data as Float32Array).set(values);
    return;
  }
  const q = t.quant;
  const range = RANGE[t.dtype];
  if (!q || !range) {
    if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
      for (let i = 0; i < n; i++) data[i] = BigInt(Math.trunc(values[i]!));
    } else if (t.dtype === 'float16' || t.dtype === 'bfloat16') {
      throw new InputError(
        `tensor ${JSON.stringify(t.name)}: setting ${t.dtype} from floats is not supported`,
      );
    } else {
      (data as Int32Array).set(values);
    }
    return;
  }
  const [lo, hi] = range;
  const out = data as Int8Array;
  const perAxis = q.scale.length > 1;
  const stride = perAxis ? axisStride(t.shape, q.axis) : n;
  const channels = q.scale.length;
  for (let i = 0; i < n; i++) {
    const c = perAxis ? Math.floor(i / stride) % channels : 0;
    const scale = q.scale[c]!;
    const zp = q.zeroPoint[c]!;
    const v = roundHalfAway(Math.fround(Math.fround(values[i]!) / scale)) + zp;
    out[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

/** Returns a tensor's values as float32 (dequantized when quantized); always a copy. */
export function dequantizeTensor(t: RuntimeTensor): Float32Array {
  return dequantizeValues(t.data, t.dtype, t.shape, t.quant);
}

/** Returns values as float32, dequantized with `q` when the dtype is a quantized integer type. */
export function dequantizeValues(
  data: TypedArray,
  dtype: DType,
  shape: readonly number[],
  q: QuantParams | null,
): Float32Array {
  const n = data.length;
  const out = new Float32Array(n);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) {
    for (let i = 0; i < n; i++) out[i] = Number(data[i]!);
    return out;
  }
  if (dtype === 'float32' || !q || !RANGE[dtype]) {
    out.set(data as Float32Array);
    return out;
  }
  const perAxis = q.scale.length > 1;
  const stride = perAxis ? axisStride(shape, q.axis) : n;
  const channels = q.scale.length;
  const src = data as Int8Array;
  for (let i = 0; i < n; i++) {
    const c = perAxis ? Math.floor(i / stride) % channels : 0;
    out[i] = q.scale[c]! * (src[i]! - q.zeroPoint[c]!);
  }
  return out;
}
