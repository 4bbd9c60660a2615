/**
 * Lookup tables for quantized element-wise functions, as TFLite builds them in `Prepare`
 * (`kernels/internal/common.h`: `LUTPopulate`, `LUTLookup`, and the legacy `gen_lut` /
 * `generic_int16_table_lookup`).
 *
 * int8/uint8: a 256-entry table holding f(dequantize(q)) requantized, indexed by the input byte
 * (for int8, `q & 0xff`, so the order is 0..127, -128..-1 as in TFLite). Lookup is exact.
 * int16: a 513-entry table of f sampled at 512 equal steps over the whole int16 input range
 * (plus a closing entry); `lutLookupInt16` interpolates linearly between neighbours with the 7
 * low bits of the input. Each entry is biased by half the interpolation error at the midpoint of
 * its segment.
 *
 * Which TFLite path uses a table (check the kernel you port, they differ by runtime):
 * - LiteRT's default (optimized) kernels: int8/uint8 LOGISTIC and TANH, ELU, GELU, EXP, and
 *   int16 EXP, GELU, RSQRT, SOFTMAX (exp and 1/(1+x) tables). The reference kernels
 *   (`reference_integer_ops::Logistic/Tanh`) use gemmlowp fixed point instead (fixed_point.ts),
 *   and int16 LOGISTIC/TANH reference kernels use `sigmoid_table.ts`.
 * - TFLite Micro uses the fixed-point reference for int8 LOGISTIC/TANH and these tables for
 *   int16 SOFTMAX (built in float32), GELU and EXP.
 * - LiteRT's int16 SOFTMAX builds its two tables in double (`precision: 'float64'`), TFLite Micro
 *   in float32 (`'float32'`): the tables can differ by one unit.
 * - XNNPACK (LiteRT.js) builds its own tables; expect +-1 differences there.
 *
 * The transform is a JS function on numbers. In float32 mode its result is rounded to float32,
 * as a C++ `float(float)` would return, but its inside is yours to write: when TFLite's lambda
 * computes in float (e.g. `1.0f / (1.0f + std::exp(-x))`), round each step
 * (`f(1 / f(1 + f(Math.exp(-x))))` with `f = Math.fround`). `Math.exp` rounded to float32 can
 * differ from the C library's `expf` by one float32 ulp on rare inputs, which only matters when
 * that flips a table entry's rounding.
 */
import { castToInt32Saturating, roundHalfAwayFromZero } from './rounding.js';

/** Floating-point precision of a table computation: C++ `float` or `double`. */
export type LutPrecision = 'float32' | 'float64';

/** Number of entries of an int16 table: 512 segments and a closing sample. */
export const INT16_LUT_SIZE = 513;

/**
 * Returns the 256-entry table of TFLite's `LUTPopulate<int8_t>` / `LUTPopulate<uint8_t>`
 * (`detail::LUTPopulateInt8`), all in float32: for each input q,
 * `out = clamp(int32(round(transform(inScale * (q - inZp)) * (1 / outScale)) + outZp))`.
 * The int32 cast saturates where C++ is undefined (only reachable for huge outputs or NaN).
 * The result is indexed by the input byte (`lut[q & 0xff]`). Never throws.
 */
export function lutPopulateInt8(
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  outputZeroPoint: number,
  transform: (x: number) => number,
  dtype: 'int8' | 'uint8',
): Int8Array | Uint8Array {
  const f = Math.fround;
  const lut = dtype === 'int8' ? new Int8Array(256) : new Uint8Array(256);
  const inScale = f(inputScale);
  const inverseScale = f(1 / f(outputScale));
  const minVal = dtype === 'int8' ? -128 : 0;
  const maxVal = minVal + 255;
  for (let val = minVal; val <= maxVal; val++) {
    const dequantized = f(inScale * (val - inputZeroPoint));
    const transformed = f(transform(dequantized));
    const rescaled = roundHalfAwayFromZero(f(transformed * inverseScale));
    const quantized = castToInt32Saturating(f(rescaled + outputZeroPoint));
    lut[val & 0xff] = quantized < minVal ? minVal : quantized > maxVal ? maxVal : quantized;
  }
  return lut;
}

/** Returns `LUTLookup` for int8/uint8: the table entry of the input byte. Never throws. */
export function lutLookupInt8(value: number, lut: Int8Array | Uint8Array): number {
  return lut[value & 0xff]!;
}

/**
 * Returns the 513-entry table of TFLite's `LUTPopulate<int16_t>` (`detail::LUTPopulateInt16<FloatT>`)
 * computed in `precision` (float32: TFLite Micro and the float overload; float64: the deprecated
 * double overload LiteRT's int16 SOFTMAX still uses). The input range is
 * [inScale * (-32768 - inZp), inScale * (32767 - inZp)] in 512 steps; outputs are scaled by
 * 65536 / (output range), rounded, biased by half the midpoint interpolation error, clamped to
 * int16. Never throws.
 */
export function lutPopulateInt16(
  inputScale: number,
  inputZeroPoint: number,
  outputScale: number,
  outputZeroPoint: number,
  transform: (x: number) => number,
  precision: LutPrecision = 'float32',
): Int16Array {
  const r: (x: number) => number = precision === 'float32' ? Math.fround : (x) => x;
  const fn = (x: number): number => r(transform(x));
  const inScale = r(inputScale);
  const outScale = r(outputScale);
  const inputMin = r(inScale * (-32768 - inputZeroPoint));
  const inputMax = r(inScale * (32767 - inputZeroPoint));
  const outputMin = r(outScale * (-32768 - outputZeroPoint));
  const outputMax = r(outScale * (32767 - outputZeroPoint));
  const nbSteps = 512;
  const step = r((inputMax - inputMin) / nbSteps);
  const halfStep = r(step / 2);
  const outputScalingInv = r(65536 / r(outputMax - outputMin));
  const lut = new Int16Array(INT16_LUT_SIZE);
  for (let i = 0; i < nbSteps; i++) {
    const x = r(inputMin + r(i * step));
    const val = fn(x);
    const valMidpoint = fn(r(x + halfStep));
    const valNext = fn(r(inputMin + r((i + 1) * step)));
    const sampleVal = roundHalfAwayFromZero(r(val * outputScalingInv));
    const midpointInterpVal = roundHalfAwayFromZero(r(r(r(valNext * outputScalingInv) + sampleVal) / 2));
    const midpointVal = roundHalfAwayFromZero(r(valMidpoint * outputScalingInv));
    const bias = roundHalfAwayFromZero(r(r(midpointInterpVal - midpointVal) / 2));
    lut[i] = clampToInt16Table(r(sampleVal - bias));
  }
  lut[nbSteps] = clampToInt16Table(roundHalfAwayFromZero(r(fn(inputMax) * outputScalingInv)));
  return lut;
}

/** `static_cast<int16_t>(std::min(std::max(v, -32768), 32767))` for a floating v (NaN -> 0). */
function clampToInt16Table(v: number): number {
  const lo = v < -32768 ? -32768 : v;
  const hi = 32767 < lo ? 32767 : lo;
  return hi === hi ? Math.trunc(hi) : 0;
}

/**
 * Returns TFLite's legacy `gen_lut(func, min, max, table, num)` (double precision): `num` samples
 * of func over [min, max] in Q0.15 (scaled by 32768), each biased by half its midpoint
 * interpolation error, clamped to int16. Older LiteRT and TFLite Micro int16 SOFTMAX used it with
 * num = 513 on [-10, 0] (exp) and [0, 1] (1/(1+x)). Never throws.
 */
export function genLutLegacy(
  func: (x: number) => number,
  min: number,
  max: number,
  num = INT16_LUT_SIZE,
): Int16Array {
  const table = new Int16Array(num);
  const step = (max - min) / (num - 1);
  const halfStep = step / 2;
  for (let i = 0; i < num - 1; i++) {
    const sampleVal = roundHalfAwayFromZero(func(min + i * step) * 32768);
    const midpointInterpVal = roundHalfAwayFromZero(
      (func(min + (i + 1) * step) * 32768 + roundHalfAwayFromZero(func(min + i * step) * 32768)) / 2,
    );
    const midpointVal = roundHalfAwayFromZero(func(min + i * step + halfStep) * 32768);
    const bias = roundHalfAwayFromZero((midpointInterpVal - midpointVal) / 2);
    table[i] = clampToInt16Table(sampleVal - bias);
  }
  table[num - 1] = clampToInt16Table(roundHalfAwayFromZero(func(max) * 32768));
  return table;
}

/**
 * Returns TFLite's `LUTLookup(int16_t, const int16_t* lut)` (= legacy `generic_int16_table_lookup`)
 * for an int16 value: base = lut[256 + (value >> 7)], plus the int16 slope to the next entry
 * times the 7 low bits, rounded (`(slope * offset + 64) >> 7`), wrapped to int16 as C++ does.
 * Never throws.
 */
export function lutLookupInt16(value: number, lut: Int16Array): number {
  const index = 256 + (value >> 7);
  const offset = value & 0x7f;
  const base = lut[index]!;
  const slope = ((lut[index + 1]! - base) << 16) >> 16; // int16_t slope: the difference wraps
  return ((base + ((slope * offset + 64) >> 7)) << 16) >> 16;
}
