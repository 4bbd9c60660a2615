/**
 * Run-time quantization of float activations for TFLite's "hybrid" kernels (int8 weights, float
 * activations: FULLY_CONNECTED, SVDF, UNIDIRECTIONAL_SEQUENCE_LSTM, ...). Each batch row of the
 * float input is quantized to int8 on the fly with its own scaling factor, multiplied with the
 * int8 weights in integer arithmetic, and the int32 dot products are scaled back to float.
 *
 * These reproduce TFLite's portable tensor utils bit for bit: `SymmetricQuantizeFloats`,
 * `AsymmetricQuantizeFloats` and the hybrid `MatrixBatchVectorMultiplyAccumulate`. C++ `float`
 * arithmetic is emulated with `Math.fround` after each operation (see rounding.ts).
 */
import { tfliteRound } from './rounding.js';

const f = Math.fround;

/** Scaling factor and zero point of one quantized row (real = scale * (q - offset)). */
export interface RowQuantization {
  scale: number;
  offset: number;
}

/**
 * Quantizes `size` floats from `values[start]` symmetrically to int8 in `out[outStart]`, as
 * TFLite's `SymmetricQuantizeFloats`: scale = max|x| / 127 (float32), q = round(x * 127 / max|x|)
 * clamped to [-127, 127]; an all-zero row gives q = 0 and scale 1. Returns the float32 scale.
 * Never throws.
 */
export function symmetricQuantizeFloats(
  values: Float32Array,
  start: number,
  size: number,
  out: Int8Array,
  outStart: number,
): number {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < size; i++) {
    const v = values[start + i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = Math.max(Math.abs(min), Math.abs(max));
  if (size === 0 || range === 0) {
    out.fill(0, outStart, outStart + size);
    return 1;
  }
  const inv = f(127 / range);
  for (let i = 0; i < size; i++) {
    const q = tfliteRound(f(values[start + i]! * inv));
    out[outStart + i] = q > 127 ? 127 : q < -127 ? -127 : q;
  }
  return f(range / 127);
}

/**
 * Quantizes `size` floats asymmetrically to int8 as TFLite's `AsymmetricQuantizeFloats`: the
 * range [min(0, xmin), max(0, xmax)] maps onto [-128, 127] (scale and nudged zero point computed
 * in double, the scale then stored as float32), q = round(offset + x / scale) clamped. A row of
 * zeros gives scale 1, offset 0. Writes the result into `result` and never throws.
 */
export function asymmetricQuantizeFloats(
  values: Float32Array,
  start: number,
  size: number,
  out: Int8Array,
  outStart: number,
  result: RowQuantization,
): void {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < size; i++) {
    const v = values[start + i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const rmin = Math.min(0, lo);
  const rmax = Math.max(0, hi);
  if (size === 0 || rmin === rmax) {
    out.fill(0, outStart, outStart + size);
    result.scale = 1;
    result.offset = 0;
    return;
  }
  const qmin = -128;
  const qmax = 127;
  const scale = (rmax - rmin) / (qmax - qmin);
  const zpFromMin = qmin - rmin / scale;
  const zpFromMax = qmax - rmax / scale;
  const zpFromMinError = Math.abs(qmin) + Math.abs(rmin / scale);
  const zpFromMaxError = Math.abs(qmax) + Math.abs(rmax / scale);
  const zp = zpFromMinError < zpFromMaxError ? zpFromMin : zpFromMax;
  // The nudged zero point is an int8: clamp, else round half away from zero.
  const offset = zp <= qmin ? qmin : zp >= qmax ? qmax : tfliteRound(zp);
  const scaleF = f(scale);
  // `1.0 / *scaling_factor` is a double division of the float scale, stored as float.
  const inv = f(1 / scaleF);
  for (let i = 0; i < size; i++) {
    const q = tfliteRound(f(offset + f(values[start + i]! * inv)));
    out[outStart + i] = q > qmax ? qmax : q < qmin ? qmin : q;
  }
  result.scale = scaleF;
  result.offset = offset;
}

/**
 * Quantizes `size` floats to int8 into `out[outStart]` and writes the row's scale and zero point
 * into `result`: asymmetrically (AsymmetricQuantizeFloats) or symmetrically with offset 0
 * (SymmetricQuantizeFloats), as the hybrid kernels' `asymmetric_quantize_inputs` option says.
 * Never throws.
 */
export function quantizeFloatsRow(
  asymmetric: boolean,
  values: Float32Array,
  start: number,
  size: number,
  out: Int8Array,
  outStart: number,
  result: RowQuantization,
): void {
  if (asymmetric) {
    asymmetricQuantizeFloats(values, start, size, out, outStart, result);
    return;
  }
  result.scale = symmetricQuantizeFloats(values, start, size, out, outStart);
  result.offset = 0;
}

/**
 * Hybrid matrix x vector, accumulated into float results as TFLite's portable
 * `MatrixBatchVectorMultiplyAccumulate(int8 matrix, ..., scaling_factors, ..., input_offset,
 * row_sums)` does for ONE vector: for each row r,
 *   result[resultStart + r * resultStride] += float(dot(matrix[r], vector) - rowSums[r] * offset) * scale
 * in float32 (`rowSums` may be null when offset is 0). `matrix` is row-major [rows, cols].
 * Never throws.
 */
export function hybridMatVecAccumulate(
  matrix: Int8Array,
  rows: number,
  cols: number,
  vector: Int8Array,
  vectorStart: number,
  scale: number,
  offset: number,
  rowSums: Int32Array | null,
  result: Float32Array,
  resultStart: number,
  resultStride: number,
): void {
  let m = 0;
  for (let r = 0; r < rows; r++) {
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += matrix[m++]! * vector[vectorStart + c]!;
    if (offset !== 0 && rowSums) dot -= rowSums[r]! * offset;
    const k = resultStart + r * resultStride;
    result[k] = f(result[k]! + f(f(dot) * scale));
  }
}

/** Returns the sums of each row of an int8 row-major [rows, cols] matrix (TFLite ReductionSumVector). Never throws. */
export function int8RowSums(matrix: Int8Array, rows: number, cols: number): Int32Array {
  const sums = new Int32Array(rows);
  let m = 0;
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < cols; c++) s += matrix[m++]!;
    sums[r] = s;
  }
  return sums;
}
