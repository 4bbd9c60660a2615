/**
 * Test harness of the tensor / shape / reduce kernel tests: build models holding one or more
 * independent ops (ModelBuilder), run them in our Interpreter, write them to temporary .tflite
 * files for the peers, and make seeded data of any dtype.
 */
import { type DType, type TypedArray, typedView } from '../../../src/ir/dtype.js';
import type { Model } from '../../../src/ir/model.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { type OpCase, buildModel } from '../../support/op_models.js';
import { rng } from '../../support/rng.js';

export { type OpCase, buildModel, writeTemp } from '../../support/op_models.js';
export { rng };

/** An output as the interpreter produced it (data copied). */
export interface RunOutput {
  shape: number[];
  data: TypedArray;
}

/** Runs a model on the given feeds (one per model input, in order) and returns every output. */
export function runModel(model: Model, feeds: readonly TypedArray[]): RunOutput[] {
  const it = new Interpreter(model);
  it.allocateTensors();
  feeds.forEach((f, i) => it.input(i).set(f));
  it.invoke();
  return it.outputs.map((_, i) => ({ shape: [...it.output(i).shape], data: it.output(i).data.slice() }));
}

/** Runs one op. */
export function runOp(c: OpCase, feeds: readonly TypedArray[] = []): RunOutput[] {
  return runModel(buildModel([c]), feeds);
}

/** Returns the typed array of `dtype` over a fresh buffer of n elements. */
export function makeArray(dtype: DType, n: number): TypedArray {
  const size =
    dtype === 'int64' || dtype === 'float64'
      ? 8
      : dtype === 'float32' || dtype === 'int32' || dtype === 'uint32'
        ? 4
        : dtype === 'int16' || dtype === 'uint16' || dtype === 'float16'
          ? 2
          : 1;
  return typedView(dtype, new ArrayBuffer(n * size), 0, n * size);
}

/** Returns n seeded values of `dtype` covering its range (floats in [-lo, hi)). */
export function randomData(dtype: DType, n: number, seed: number, lo = -10, hi = 10): TypedArray {
  const r = rng(seed);
  const a = makeArray(dtype, n);
  for (let i = 0; i < n; i++) {
    const u = r();
    switch (dtype) {
      case 'float32':
      case 'float64':
        (a as Float32Array)[i] = lo + u * (hi - lo);
        break;
      case 'int8':
        (a as Int8Array)[i] = Math.floor(u * 256) - 128;
        break;
      case 'uint8':
        (a as Uint8Array)[i] = Math.floor(u * 256);
        break;
      case 'bool':
        (a as Uint8Array)[i] = u < 0.5 ? 0 : 1;
        break;
      case 'int16':
        (a as Int16Array)[i] = Math.floor(u * 65536) - 32768;
        break;
      case 'uint16':
      case 'float16':
        (a as Uint16Array)[i] = Math.floor(u * 65536);
        break;
      case 'int32':
        (a as Int32Array)[i] = Math.floor(u * 2000) - 1000;
        break;
      case 'uint32':
        (a as Uint32Array)[i] = Math.floor(u * 4294967296);
        break;
      case 'int64':
        (a as BigInt64Array)[i] = BigInt(Math.floor(u * 2 ** 40) - 2 ** 39) * 4099n;
        break;
      default:
        throw new Error(`randomData: ${dtype}`);
    }
  }
  return a;
}

/** Returns the typed array of `dtype` holding `values` (numbers, or bigints for int64). */
export function arrayOf(dtype: DType, values: readonly (number | bigint)[]): TypedArray {
  const a = makeArray(dtype, values.length);
  values.forEach(
    (v, i) => ((a as BigInt64Array | Float64Array)[i] = (dtype === 'int64' ? BigInt(v) : Number(v)) as never),
  );
  return a;
}

/** Returns the values of a typed array as plain numbers (bigints converted). */
export function toNumbers(a: TypedArray): number[] {
  return Array.from(a as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Returns the element count of a shape. */
export const count = (shape: readonly number[]): number => shape.reduce((a, d) => a * d, 1);

/** Row-major strides. */
export function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i]!;
  }
  return s;
}

/** Calls f with every index tuple of `shape` in row-major order and its flat index. */
export function forEachIndex(shape: readonly number[], f: (idx: number[], flat: number) => void): void {
  const n = count(shape);
  const idx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    f(idx, flat);
    for (let k = shape.length - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
}

/** The dtypes every data-movement op is tested with. */
export const MOVE_DTYPES: readonly DType[] = ['float32', 'int8', 'uint8', 'int16', 'int32', 'int64', 'bool'];

/** Quantization of a test tensor of `dtype` (int8/uint8/int16 get params; others none). */
export function testQuant(dtype: DType): TensorSpec['quant'] | undefined {
  if (dtype === 'int8') return { scale: [0.05], zeroPoint: [3] };
  if (dtype === 'uint8') return { scale: [0.1], zeroPoint: [128] };
  if (dtype === 'int16') return { scale: [0.001], zeroPoint: [0] };
  return undefined;
}

/** A tensor spec of `dtype` with the test quantization. */
export function spec(name: string, dtype: DType, shape: readonly number[], data?: TypedArray): TensorSpec {
  const q = testQuant(dtype);
  return { name, dtype, shape, ...(data ? { data } : {}), ...(q ? { quant: q } : {}) };
}

/** An int32 constant tensor spec. */
export function i32(
  name: string,
  values: readonly number[],
  shape: readonly number[] = [values.length],
): TensorSpec {
  return { name, dtype: 'int32', shape, data: Int32Array.from(values) };
}
