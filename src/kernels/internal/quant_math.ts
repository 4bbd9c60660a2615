/**
 * The integer-arithmetic foundation of the quantized kernels, in one import: TFLite's
 * requantization (`MultiplyByQuantizedMultiplier`, `QuantizeMultiplier`), gemmlowp fixed point,
 * lookup tables, activation ranges, quantize/dequantize and float16. Each concept lives in its
 * own file of this folder; this module only re-exports them.
 */
export * from './activation_range.js';
export * from './fixed_point.js';
export * from './fixed_point_int16.js';
export * from './float16.js';
export * from './lut.js';
export * from './multiply_by_quantized_multiplier.js';
export * from './quantize.js';
export * from './quantize_multiplier.js';
export * from './rounding.js';
export * from './sigmoid_table.js';
