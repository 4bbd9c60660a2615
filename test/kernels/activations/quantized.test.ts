/**
 * Quantized activations. Where TFLite's integer formula is short it is written out in the test
 * with the BigInt oracle (RELU family, LEAKY_RELU, PRELU, the 8-bit tables of LOGISTIC, TANH,
 * ELU and GELU built as TFLite's LUTPopulate, HARD_SWISH's int16 fixed point) and must match
 * exactly; the fixed-point SOFTMAX / LOG_SOFTMAX / L2_NORMALIZATION and the int16 tables must be
 * within one unit (two for int16 LOGISTIC/TANH) of the real function. Every input value of the
 * 8-bit types is exercised, with different input and output scales.
 */
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { erfc } from '../../../src/kernels/internal/erfc.js';
import { runCase } from '../elementwise/harness.js';
import {
  type QDtype,
  QRANGE,
  broadcastMap,
  clampTo,
  mbqm,
  quantizeMultiplier,
  randomInts,
  rdbp,
  roundAway,
  sizeOf,
} from '../elementwise/oracle.js';

const f = Math.fround;

function qspec(name: string, dtype: DType, shape: number[], scale: number, zp: number): TensorSpec {
  return { name, dtype, shape, quant: { scale: [scale], zeroPoint: [zp] } };
}

/** Every value of an 8-bit dtype, or a spread of int16 values. */
function allValues(dtype: QDtype): TypedArray {
  if (dtype === 'int8') return Int8Array.from({ length: 256 }, (_, i) => i - 128);
  if (dtype === 'uint8') return Uint8Array.from({ length: 256 }, (_, i) => i);
  return Int16Array.from({ length: 1024 }, (_, i) => -32768 + i * 64 + (i % 7));
}

function run(
  op: string,
  dtype: QDtype,
  x: TypedArray,
  qi: [number, number],
  qo: [number, number],
  options?: Record<string, unknown>,
  outDtype?: DType,
): number[] {
  const shape = [x.length];
  const got = runCase(
    {
      op,
      inputs: [qspec('x', dtype, shape, ...qi)],
      outputs: [qspec('y', outDtype ?? dtype, shape, ...qo)],
      ...(options ? { options } : {}),
    },
    [x],
  );
  return Array.from(got as Int16Array);
}

describe('RELU family (requantizing)', () => {
  const OPS: [string, number, number][] = [
    ['RELU', 0, Infinity],
    ['RELU6', 0, 6],
    ['RELU_N1_TO_1', -1, 1],
    ['RELU_0_TO_1', 0, 1],
  ];
  const PARAMS: { dtype: QDtype; qi: [number, number]; qo: [number, number] }[] = [
    { dtype: 'uint8', qi: [0.05, 100], qo: [0.04, 10] },
    { dtype: 'uint8', qi: [0.03, 128], qo: [0.03, 128] },
    { dtype: 'int8', qi: [0.05, -10], qo: [0.03, -128] },
    { dtype: 'int8', qi: [0.02, 5], qo: [0.07, 3] },
    { dtype: 'int16', qi: [0.001, 0], qo: [0.0004, 0] },
  ];
  const cases = OPS.flatMap(([op, lo, hi]) =>
    PARAMS.filter((p) => p.dtype !== 'int16' || op === 'RELU' || op === 'RELU6').map((p) => ({
      name: `${op} ${p.dtype} in ${p.qi} out ${p.qo}`,
      op,
      lo,
      hi,
      ...p,
    })),
  );
  it.each(cases)('$name', ({ op, lo, hi, dtype, qi, qo }) => {
    const x = allValues(dtype);
    const si = f(qi[0]);
    const so = f(qo[0]);
    const m = quantizeMultiplier(f(si / so));
    const [tmin, tmax] = QRANGE[dtype];
    const qlo = Math.max(tmin, qo[1] + roundAway(f(lo / so)));
    const qhi = hi === Infinity ? tmax : Math.min(tmax, qo[1] + roundAway(f(hi / so)));
    const want = Array.from(x as Int16Array, (v) => clampTo(qo[1] + mbqm(v - qi[1], m.m, m.shift), qlo, qhi));
    expect(run(op, dtype, x, qi, qo)).toEqual(want);
  });
});

/** TFLite's LUTPopulate<int8_t/uint8_t>: f(dequantized) requantized with round half away. */
function lut8(
  dtype: 'int8' | 'uint8',
  qi: [number, number],
  qo: [number, number],
  fn: (v: number) => number,
): number[] {
  const [lo, hi] = QRANGE[dtype];
  const inv = f(1 / f(qo[0]));
  return Array.from({ length: 256 }, (_, i) => {
    const q = lo + i;
    const y = f(fn(f(f(qi[0]) * (q - qi[1]))));
    return clampTo(roundAway(f(y * inv)) + qo[1], lo, hi);
  });
}

const sigmoid = (v: number) => f(1 / f(1 + f(Math.exp(-v))));
const tanh = (v: number) => f(Math.tanh(v));
const elu = (v: number) => (v < 0 ? f(Math.expm1(v)) : v);
const geluExact = (v: number) => f(f(0.5 * v) * f(erfc(f(v * f(-Math.SQRT1_2)))));

describe('8-bit tables: LOGISTIC, TANH, ELU, GELU', () => {
  const cases: {
    op: string;
    dtype: 'int8' | 'uint8';
    qi: [number, number];
    qo: [number, number];
    fn: (v: number) => number;
    options?: Record<string, unknown>;
  }[] = [
    { op: 'LOGISTIC', dtype: 'uint8', qi: [0.1, 128], qo: [1 / 256, 0], fn: sigmoid },
    { op: 'LOGISTIC', dtype: 'int8', qi: [0.06, -3], qo: [1 / 256, -128], fn: sigmoid },
    { op: 'TANH', dtype: 'uint8', qi: [0.04, 120], qo: [1 / 128, 128], fn: tanh },
    { op: 'TANH', dtype: 'int8', qi: [0.03, 10], qo: [0.009, 2], fn: tanh },
    { op: 'ELU', dtype: 'int8', qi: [0.05, 20], qo: [0.03, -30], fn: elu },
    {
      op: 'GELU',
      dtype: 'int8',
      qi: [0.03, -5],
      qo: [0.02, -40],
      fn: geluExact,
      options: { approximate: false },
    },
    {
      op: 'GELU',
      dtype: 'uint8',
      qi: [0.03, 130],
      qo: [0.015, 20],
      fn: (v) =>
        f(
          f(0.5 * v) *
            f(
              1 +
                f(
                  Math.tanh(
                    f(f((2 / Math.sqrt(Math.PI)) * Math.SQRT1_2) * f(v + f(f(f(f(0.044715) * v) * v) * v))),
                  ),
                ),
            ),
        ),
      options: { approximate: true },
    },
  ];
  it.each(cases.map((c) => ({ ...c, name: `${c.op} ${c.dtype} ${JSON.stringify(c.options ?? {})}` })))(
    '$name',
    (c) => {
      const x = allValues(c.dtype);
      expect(run(c.op, c.dtype, x, c.qi, c.qo, c.options)).toEqual(lut8(c.dtype, c.qi, c.qo, c.fn));
    },
  );

  it('8-bit LOGISTIC needs an output scale of 1/256', () => {
    expect(() => run('LOGISTIC', 'int8', new Int8Array(2), [0.1, 0], [1 / 128, 0])).toThrow(/1\/256/);
  });
});

describe('int16 LOGISTIC and TANH (TFLite reference table kernels)', () => {
  const cases = [
    { op: 'LOGISTIC', si: 2 ** -12, fn: (v: number) => 1 / (1 + Math.exp(-v)) }, // power-of-two scale
    { op: 'LOGISTIC', si: 0.0003, fn: (v: number) => 1 / (1 + Math.exp(-v)) },
    { op: 'TANH', si: 2 ** -12, fn: Math.tanh },
    { op: 'TANH', si: 2 ** -11, fn: Math.tanh },
    { op: 'TANH', si: 0.0002, fn: Math.tanh },
  ];
  it.each(cases.map((c) => ({ ...c, name: `${c.op} input scale ${c.si}` })))(
    '$name within 2 units of the real function',
    ({ op, si, fn }) => {
      const x = allValues('int16');
      const got = run(op, 'int16', x, [si, 0], [1 / 32768, 0]);
      (x as Int16Array).forEach((v, i) => {
        const want = clampTo(Math.round(fn(v * f(si)) * 32768), -32768, 32767);
        expect(Math.abs(got[i]! - want), `x = ${v * si}`).toBeLessThanOrEqual(2);
      });
    },
  );
});

describe('LEAKY_RELU and PRELU (requantizing)', () => {
  const leaky: { dtype: QDtype; qi: [number, number]; qo: [number, number]; alpha: number }[] = [
    { dtype: 'uint8', qi: [0.05, 128], qo: [0.03, 100], alpha: 0.2 },
    { dtype: 'int8', qi: [0.05, -5], qo: [0.05, -5], alpha: 0.3 },
    { dtype: 'int8', qi: [0.02, 10], qo: [0.04, 0], alpha: -0.7 },
    { dtype: 'int16', qi: [0.0017488234443590045, 0], qo: [0.0017488234443590045, 0], alpha: 0.3 },
    { dtype: 'int16', qi: [0.001, 0], qo: [0.0006, 0], alpha: 1.7 },
  ];
  it.each(
    leaky.map((c) => ({ ...c, name: `LEAKY_RELU ${c.dtype} alpha ${c.alpha} in ${c.qi} out ${c.qo}` })),
  )('$name', ({ dtype, qi, qo, alpha }) => {
    const x = allValues(dtype);
    const si = f(qi[0]);
    const so = f(qo[0]);
    const a = f(alpha);
    const id = quantizeMultiplier(f(si / so));
    const al = quantizeMultiplier(f(f(si * a) / so));
    const [lo, hi] = QRANGE[dtype];
    const want = Array.from(x as Int16Array, (v) => {
      const d = v - qi[1];
      const s = d >= 0 ? mbqm(d, id.m, id.shift) : Math.sign(al.m) * mbqm(d, Math.abs(al.m), al.shift);
      return clampTo(qo[1] + s, lo, hi);
    });
    expect(run('LEAKY_RELU', dtype, x, qi, qo, { alpha })).toEqual(want);
  });

  const prelu: {
    dtype: 'uint8' | 'int8';
    sx: number[];
    sa: number[];
    qx: [number, number];
    qa: [number, number];
    qy: [number, number];
  }[] = [
    { dtype: 'uint8', sx: [2, 4, 3], sa: [3], qx: [0.05, 128], qa: [0.004, 100], qy: [0.04, 120] },
    { dtype: 'int8', sx: [1, 3, 3, 4], sa: [1, 1, 4], qx: [0.05, -3], qa: [0.002, 0], qy: [0.03, 5] },
    { dtype: 'int8', sx: [5, 2], sa: [5, 2], qx: [0.02, 0], qa: [0.01, -50], qy: [0.02, 0] },
  ];
  it.each(prelu.map((c) => ({ ...c, name: `PRELU ${c.dtype} [${c.sx}] alpha [${c.sa}]` })))(
    '$name',
    ({ dtype, sx, sa, qx, qa, qy }) => {
      const [lo, hi] = QRANGE[dtype];
      const x = randomInts(sizeOf(sx), 3, lo, hi);
      const alpha = randomInts(sizeOf(sa), 4, lo, hi);
      const m1 = quantizeMultiplier(f(f(qx[0]) / f(qy[0])));
      const m2 = quantizeMultiplier(f(f(f(qx[0]) * f(qa[0])) / f(qy[0])));
      const want = broadcastMap(sx, x, sa, alpha, (v, a) => {
        const d = v - qx[1];
        return clampTo(
          (d >= 0 ? mbqm(d, m1.m, m1.shift) : mbqm(d * (a - qa[1]), m2.m, m2.shift)) + qy[1],
          lo,
          hi,
        );
      });
      const typed = (v: number[]) => (dtype === 'int8' ? Int8Array.from(v) : Uint8Array.from(v));
      const got = runCase(
        {
          op: 'PRELU',
          inputs: [qspec('x', dtype, sx, ...qx), qspec('alpha', dtype, sa, ...qa)],
          outputs: [qspec('y', dtype, sx, ...qy)],
        },
        [typed(x), typed(alpha)],
      );
      expect(Array.from(got as Int8Array)).toEqual(want.values);
    },
  );
});

/** TFLite's reference int8/uint8 HARD_SWISH, written out with the test's own int16 helpers. */
function hardSwishRef(
  dtype: 'int8' | 'uint8',
  qi: [number, number],
  qo: [number, number],
): (q: number) => number {
  const w16 = (v: number) => (v << 16) >> 16;
  const srdhm16 = (a: number, b: number) =>
    a === -32768 && b === -32768 ? 32767 : Math.floor((a * b + 16384) / 32768);
  const down16 = (m: number) => (m >= 2147483647 - 32768 ? 32767 : (m + 32768) >> 16);
  const satShift = (v: number, k: number) => clampTo(v * 2 ** k, -32768, 32767);
  const hires = f(f(1 / 128) * f(qi[0]));
  const out = quantizeMultiplier(f(hires / f(qo[0])));
  const rel = quantizeMultiplier(f(hires / f(3 / 32768)));
  const om = down16(out.m);
  const rm = down16(rel.m);
  const [lo, hi] = QRANGE[dtype];
  return (q) => {
    const h = w16((q - qi[1]) * 128);
    const pre = srdhm16(h, om);
    let r = h;
    if (rel.shift > 0) r = satShift(r, rel.shift - 1);
    r = srdhm16(r, rm);
    if (rel.shift > 0) r = satShift(r, 1);
    if (rel.shift < 0) r = rdbp(r, -rel.shift);
    r = (r + 32768) >> 1;
    const prod = r === -32768 && pre === -32768 ? 32767 : Math.trunc((r * pre) / 32768);
    return clampTo(w16(rdbp(prod, -out.shift) + qo[1]), lo, hi);
  };
}

describe('HARD_SWISH (8-bit, TFLite reference fixed point)', () => {
  const cases: { dtype: 'int8' | 'uint8'; qi: [number, number]; qo: [number, number] }[] = [
    { dtype: 'uint8', qi: [0.0235, 128], qo: [0.0235, 48] },
    { dtype: 'uint8', qi: [0.3, 200], qo: [0.05, 10] }, // large input scale: reluish left shifts
    { dtype: 'int8', qi: [0.04, -10], qo: [0.03, -100] },
    { dtype: 'int8', qi: [0.002, 0], qo: [0.001, -128] }, // small scale: reluish right shift
  ];
  it.each(cases.map((c) => ({ ...c, name: `${c.dtype} in ${c.qi} out ${c.qo}` })))(
    '$name',
    ({ dtype, qi, qo }) => {
      const x = allValues(dtype);
      const ref = hardSwishRef(dtype, qi, qo);
      const got = run('HARD_SWISH', dtype, x, qi, qo);
      expect(got).toEqual(Array.from(x as Int16Array, ref));
      // and the fixed point is close to the real function
      (x as Int16Array).forEach((q, i) => {
        const v = (q - qi[1]) * f(qi[0]);
        const real = (v * Math.min(6, Math.max(0, v + 3))) / 6;
        const want = clampTo(
          Math.round(real / f(qo[0])) + qo[1],
          ...(QRANGE[dtype] as unknown as [number, number]),
        );
        expect(Math.abs(got[i]! - want)).toBeLessThanOrEqual(2);
      });
    },
  );
});

describe('SOFTMAX and LOG_SOFTMAX (fixed point): within one unit of the real function', () => {
  const softmaxCases: {
    dtype: QDtype;
    out: QDtype;
    qi: [number, number];
    qo: [number, number];
    beta: number;
    shape: number[];
  }[] = [
    { dtype: 'uint8', out: 'uint8', qi: [0.1, 128], qo: [1 / 256, 0], beta: 1, shape: [3, 10] },
    { dtype: 'uint8', out: 'int16', qi: [0.05, 100], qo: [1 / 65536, -32768], beta: 1, shape: [2, 17] },
    { dtype: 'int8', out: 'int8', qi: [0.08, -10], qo: [1 / 256, -128], beta: 1, shape: [4, 8] },
    { dtype: 'int8', out: 'int8', qi: [0.03, 0], qo: [1 / 256, -128], beta: 2.5, shape: [1, 2, 3, 12] },
    { dtype: 'int8', out: 'int16', qi: [0.15, 5], qo: [1 / 65536, -32768], beta: 1, shape: [2, 12] },
    { dtype: 'int16', out: 'int16', qi: [0.0005, 0], qo: [1 / 32768, 0], beta: 1, shape: [3, 9] },
  ];
  it.each(
    softmaxCases.map((c) => ({ ...c, name: `SOFTMAX ${c.dtype} -> ${c.out} beta ${c.beta} [${c.shape}]` })),
  )('$name', (c) => {
    const [lo, hi] = QRANGE[c.dtype];
    const x = randomInts(sizeOf(c.shape), 9, Math.max(lo, -2000), Math.min(hi, 2000));
    const typed =
      c.dtype === 'int8' ? Int8Array.from(x) : c.dtype === 'uint8' ? Uint8Array.from(x) : Int16Array.from(x);
    const got = Array.from(
      runCase(
        {
          op: 'SOFTMAX',
          inputs: [qspec('x', c.dtype, c.shape, ...c.qi)],
          outputs: [qspec('y', c.out, c.shape, ...c.qo)],
          options: { beta: c.beta },
        },
        [typed],
      ) as Int16Array,
    );
    const depth = c.shape[c.shape.length - 1]!;
    const [olo, ohi] = QRANGE[c.out];
    for (let o = 0; o < x.length; o += depth) {
      const row = x.slice(o, o + depth).map((v) => (v - c.qi[1]) * f(c.qi[0]) * c.beta);
      const max = Math.max(...row);
      const sum = row.reduce((s, v) => s + Math.exp(v - max), 0);
      row.forEach((v, k) => {
        const want = clampTo(Math.round(Math.exp(v - max) / sum / f(c.qo[0])) + c.qo[1], olo, ohi);
        const tol = c.dtype === 'int16' ? 3 : 1;
        expect(Math.abs(got[o + k]! - want), `row ${o / depth} element ${k}`).toBeLessThanOrEqual(tol);
      });
    }
  });

  const logCases: { dtype: 'uint8' | 'int8'; qi: [number, number]; shape: number[] }[] = [
    { dtype: 'uint8', qi: [0.1, 128], shape: [3, 10] },
    { dtype: 'int8', qi: [0.05, -3], shape: [2, 2, 9] },
  ];
  it.each(logCases.map((c) => ({ ...c, name: `LOG_SOFTMAX ${c.dtype} [${c.shape}]` })))('$name', (c) => {
    const [lo, hi] = QRANGE[c.dtype];
    const x = randomInts(sizeOf(c.shape), 10, lo, hi);
    const zo = c.dtype === 'uint8' ? 255 : 127;
    const typed = c.dtype === 'int8' ? Int8Array.from(x) : Uint8Array.from(x);
    const got = Array.from(
      runCase(
        {
          op: 'LOG_SOFTMAX',
          inputs: [qspec('x', c.dtype, c.shape, ...c.qi)],
          outputs: [qspec('y', c.dtype, c.shape, 16 / 256, zo)],
        },
        [typed],
      ) as Int16Array,
    );
    const depth = c.shape[c.shape.length - 1]!;
    for (let o = 0; o < x.length; o += depth) {
      const row = x.slice(o, o + depth).map((v) => (v - c.qi[1]) * f(c.qi[0]));
      const max = Math.max(...row);
      const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      row.forEach((v, k) => {
        const want = clampTo(Math.round((v - max - logSum) * 16) + zo, lo, hi);
        expect(Math.abs(got[o + k]! - want)).toBeLessThanOrEqual(1);
      });
    }
  });
});

describe('L2_NORMALIZATION (uint8, int8): within one unit of x / ||x||', () => {
  const cases: { dtype: 'uint8' | 'int8'; zi: number; zo: number; shape: number[] }[] = [
    { dtype: 'uint8', zi: 128, zo: 128, shape: [3, 8] },
    { dtype: 'int8', zi: -5, zo: 0, shape: [2, 2, 6] },
    { dtype: 'int8', zi: 0, zo: 0, shape: [1, 40] },
  ];
  it.each(cases.map((c) => ({ ...c, name: `${c.dtype} [${c.shape}]` })))('$name', (c) => {
    const [lo, hi] = QRANGE[c.dtype];
    const x = randomInts(sizeOf(c.shape), 11, lo, hi);
    const typed = c.dtype === 'int8' ? Int8Array.from(x) : Uint8Array.from(x);
    const got = Array.from(
      runCase(
        {
          op: 'L2_NORMALIZATION',
          inputs: [qspec('x', c.dtype, c.shape, 0.02, c.zi)],
          outputs: [qspec('y', c.dtype, c.shape, 1 / 128, c.zo)],
        },
        [typed],
      ) as Int16Array,
    );
    const depth = c.shape[c.shape.length - 1]!;
    for (let o = 0; o < x.length; o += depth) {
      const row = x.slice(o, o + depth).map((v) => v - c.zi);
      const norm = Math.sqrt(row.reduce((s, v) => s + v * v, 0));
      row.forEach((v, k) => {
        const want = clampTo(Math.round((v / norm) * 128) + c.zo, lo, hi);
        expect(Math.abs(got[o + k]! - want)).toBeLessThanOrEqual(1);
      });
    }
  });
});
