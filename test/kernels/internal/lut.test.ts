import { describe, expect, it } from 'vitest';
import {
  genLutLegacy,
  INT16_LUT_SIZE,
  lutLookupInt16,
  lutLookupInt8,
  lutPopulateInt16,
  lutPopulateInt8,
} from '../../../src/kernels/internal/lut.js';

/** float32 "registers": every store rounds to float32, like a C++ float variable. */
const R = new Float32Array(1);
function f32(x: number): number {
  R[0] = x;
  return R[0]!;
}
/** C round() for the oracle: sign * floor(|x| + 0.5) is wrong for 0.49999999999999994, so test the fraction. */
function cRound(x: number): number {
  const a = Math.abs(x);
  const fl = Math.floor(a);
  const r = a - fl >= 0.5 ? fl + 1 : fl;
  return x < 0 ? -r : r;
}

/** LUTPopulateInt8 written from the C++ line by line, float32 via a Float32Array. */
function int8LutOracle(
  inScale: number,
  inZp: number,
  outScale: number,
  outZp: number,
  fn: (x: number) => number,
  signed: boolean,
): number[] {
  const out = new Array<number>(256);
  const inverseScale = f32(1 / f32(outScale));
  const lo = signed ? -128 : 0;
  for (let val = lo; val <= lo + 255; val++) {
    const dequantized = f32(f32(inScale) * (val - inZp));
    const transformed = f32(fn(dequantized));
    const rescaled = f32(cRound(f32(transformed * inverseScale)));
    const quantized = Math.trunc(f32(rescaled + outZp));
    out[val & 0xff] = Math.max(lo, Math.min(lo + 255, quantized));
  }
  return out;
}

describe('lutPopulateInt8 (LUTPopulate<int8_t/uint8_t>)', () => {
  const logistic = (x: number): number => 1 / (1 + Math.exp(-x));

  it('matches the line-by-line oracle for logistic, tanh, exp and GELU-like transforms', () => {
    const cases: [number, number, number, number, (x: number) => number][] = [
      [0.0625, 0, 1 / 256, -128, logistic],
      [0.1, 3, 1 / 128, 0, Math.tanh],
      [0.05, -7, 0.2, -100, Math.exp],
      [0.03, 10, 0.02, -5, (x) => 0.5 * x * (1 + Math.tanh(0.7978845608 * (x + 0.044715 * x ** 3)))],
    ];
    for (const [is, iz, os, oz, fn] of cases) {
      expect(Array.from(lutPopulateInt8(is, iz, os, oz, fn, 'int8'))).toEqual(
        int8LutOracle(is, iz, os, oz, fn, true),
      );
      expect(Array.from(lutPopulateInt8(is, iz + 128, os, oz + 128, fn, 'uint8'))).toEqual(
        int8LutOracle(is, iz + 128, os, oz + 128, fn, false),
      );
    }
  });

  it('orders int8 entries by the input byte and gives exact known values', () => {
    const lut = lutPopulateInt8(0.0625, 0, 1 / 256, -128, logistic, 'int8');
    expect(lut).toBeInstanceOf(Int8Array);
    expect(lutLookupInt8(0, lut)).toBe(0); // logistic(0) = 0.5 -> 128 - 128
    expect(lutLookupInt8(127, lut)).toBe(127); // 0.99964 * 256 = 255.9 -> 256 -> clamped
    expect(lutLookupInt8(-128, lut)).toBe(-128); // logistic(-8) * 256 = 0.086 -> 0
    expect(lut[0x80]).toBe(lutLookupInt8(-128, lut));
    expect(lutLookupInt8(16, lut)).toBe(Math.round(logistic(1) * 256) - 128); // 187 - 128
  });

  it('rounds ties away from zero in float32', () => {
    const identity = (x: number): number => x;
    const lut = lutPopulateInt8(0.5, 0, 1, 0, identity, 'int8'); // q -> round(q / 2)
    expect(lutLookupInt8(5, lut)).toBe(3);
    expect(lutLookupInt8(-5, lut)).toBe(-3);
    expect(lutLookupInt8(3, lut)).toBe(2);
    expect(lutLookupInt8(-1, lut)).toBe(-1);
    const same = lutPopulateInt8(0.02, 7, 0.02, 7, identity, 'uint8');
    for (let q = 0; q < 256; q++) expect(same[q]).toBe(q);
  });

  it('clamps outputs and saturates non-finite transforms', () => {
    const lut = lutPopulateInt8(1, 0, 1e-3, 0, Math.exp, 'int8'); // exp(127) = inf
    expect(lutLookupInt8(127, lut)).toBe(127);
    expect(lutLookupInt8(-128, lut)).toBe(0);
    const nan = lutPopulateInt8(1, 0, 1, 0, () => NaN, 'uint8');
    expect(nan[5]).toBe(0);
  });
});

/** LUTPopulateInt16<FloatT> from the C++ line by line; `round` is the FloatT rounding. */
function int16LutOracle(
  inScale: number,
  inZp: number,
  outScale: number,
  outZp: number,
  fn: (x: number) => number,
  double: boolean,
): number[] {
  const r = double ? (x: number): number => x : f32;
  const t = (x: number): number => r(fn(x));
  const inputMin = r(r(inScale) * (-32768 - inZp));
  const inputMax = r(r(inScale) * (32767 - inZp));
  const outputMin = r(r(outScale) * (-32768 - outZp));
  const outputMax = r(r(outScale) * (32767 - outZp));
  const step = r((inputMax - inputMin) / 512);
  const halfStep = r(step / 2);
  const inv = r(65536 / r(outputMax - outputMin));
  const lut: number[] = [];
  const clampCast = (v: number): number => Math.trunc(Math.min(Math.max(v, -32768), 32767));
  for (let i = 0; i < 512; i++) {
    const val = t(r(inputMin + r(i * step)));
    const mid = t(r(r(inputMin + r(i * step)) + halfStep));
    const nxt = t(r(inputMin + r((i + 1) * step)));
    const sample = r(cRound(r(val * inv)));
    const interp = r(cRound(r(r(r(nxt * inv) + r(cRound(r(val * inv)))) / 2)));
    const midVal = r(cRound(r(mid * inv)));
    const bias = r(cRound(r(r(interp - midVal) / 2)));
    lut.push(clampCast(r(sample - bias)));
  }
  lut.push(clampCast(r(cRound(r(t(inputMax) * inv)))));
  return lut;
}

describe('lutPopulateInt16 (LUTPopulate<int16_t>) and lutLookupInt16', () => {
  const range = 65535;
  const softmaxExp: [number, number, number, number] = [10 / range, 32767, 2 / range, 0];
  const softmaxRecip: [number, number, number, number] = [1 / range, -32768, 2 / range, 0];

  it('matches the line-by-line oracle in float32 and in double', () => {
    const cases: [[number, number, number, number], (x: number) => number][] = [
      [softmaxExp, Math.exp],
      [softmaxRecip, (x) => 1 / (1 + x)],
      [[8 / 32768, 0, 1 / 32768, 0], (x) => 1 / (1 + Math.exp(-x))],
      [[0.001, 5, 0.0005, -3], Math.tanh],
    ];
    for (const [[is, iz, os, oz], fn] of cases) {
      for (const double of [false, true]) {
        const got = lutPopulateInt16(is, iz, os, oz, fn, double ? 'float64' : 'float32');
        expect(got.length).toBe(INT16_LUT_SIZE);
        expect(Array.from(got)).toEqual(int16LutOracle(is, iz, os, oz, fn, double));
      }
    }
  });

  it('the softmax exp table interpolates exp within 2 units at its own abscissae, 7 at the real inputs', () => {
    const lut = lutPopulateInt16(...softmaxExp, Math.exp, 'float64');
    let worstAbscissa = 0;
    let worstReal = 0;
    for (let v = -32768; v <= 32767; v++) {
      // The 512 segments of 128 codes span the 65536 codes, while the input range [-10, 0] spans
      // 65535 steps: entry abscissae are -10 + (v + 32768) * 10/65536, slightly off the real input.
      const xTable = -10 + ((v + 32768) * 10) / 65536;
      const xReal = (10 / range) * (v - 32767);
      const got = lutLookupInt16(v, lut);
      worstAbscissa = Math.max(worstAbscissa, Math.abs(got - Math.exp(xTable) * 32767.5));
      worstReal = Math.max(worstReal, Math.abs(got - Math.exp(xReal) * 32767.5));
    }
    expect(worstAbscissa).toBeLessThan(2);
    expect(worstReal).toBeLessThan(7);
    expect(lut[512]).toBe(32767); // closing entry: exp(0) * 32767.5 clamped
  });

  it('float32 and double tables of the same function differ by at most one unit', () => {
    const a = lutPopulateInt16(...softmaxExp, Math.exp, 'float32');
    const b = lutPopulateInt16(...softmaxExp, Math.exp, 'float64');
    for (let i = 0; i < INT16_LUT_SIZE; i++) expect(Math.abs(a[i]! - b[i]!)).toBeLessThanOrEqual(1);
  });

  it('legacy gen_lut on [-10, 0] agrees with LUTPopulate in double within one unit', () => {
    const legacy = genLutLegacy(Math.exp, -10, 0);
    const current = lutPopulateInt16(...softmaxExp, Math.exp, 'float64');
    expect(legacy.length).toBe(513);
    for (let i = 0; i < 513; i++) expect(Math.abs(legacy[i]! - current[i]!)).toBeLessThanOrEqual(1);
    expect(legacy[512]).toBe(32767); // exp(0) * 32768 clamped
    // exp(-10) * 32768 = 1.49 -> 1, but the segment's midpoint (1.50 -> 2) sits above the
    // interpolation (1.26 -> 1), so the entry is biased by round(-0.5) = -1 to 2.
    expect(legacy[0]).toBe(2);
  });

  it('lutLookupInt16 interpolates with rounding and int16 wrap of the slope, as LUTLookup', () => {
    const lut = new Int16Array(513);
    for (let i = 0; i < 513; i++) lut[i] = (i - 256) * 100;
    const oracle = (v: number): number => {
      const index = 256 + Math.floor(v / 128);
      const offset = v - Math.floor(v / 128) * 128;
      let slope = lut[index + 1]! - lut[index]!;
      slope = ((slope + 32768) & 0xffff) - 32768;
      const sum = lut[index]! + Math.floor((slope * offset + 64) / 128);
      return ((sum + 32768) & 0xffff) - 32768;
    };
    for (let v = -32768; v <= 32767; v += 7) expect(lutLookupInt16(v, lut)).toBe(oracle(v));
    expect(lutLookupInt16(0, lut)).toBe(0);
    expect(lutLookupInt16(64, lut)).toBe(50);
    expect(lutLookupInt16(-64, lut)).toBe(-50);
    lut[300] = -32768;
    lut[301] = 32767; // slope 65535 wraps to -1 in int16
    expect(lutLookupInt16((300 - 256) * 128 + 127, lut)).toBe(oracle((300 - 256) * 128 + 127));
    expect(lutLookupInt16((300 - 256) * 128 + 127, lut)).toBe(-32768 - 1 + 65536); // -32769 wraps to 32767
  });
});
