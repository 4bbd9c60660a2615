/**
 * TFLite Micro Signal ops, one at a time, on single-op models, against oracles written in this
 * file from the library's definitions: window products, auto-scale shifts, a float64 DFT for the
 * Q15 real FFT (all radices the port has: 2, 3, 4, 5), energies, filter-bank sums, integer square
 * roots from exact BigInt roots, the spectral-subtraction recurrence over several invokes, PCAN
 * with a constant gain, and the log against ln. The whole front end is checked bit for bit
 * against TFLM's expected features in test/golden/micro_speech.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { type FlexMap, encodeFlexBuffer } from '../../../src/format/flexbuffers.js';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { ints, rng } from '../rnn/helpers.js';

interface T {
  dtype: DType;
  shape: number[];
  data?: TypedArray;
}

/** A model with one Signal op; non-constant inputs are the model inputs, in order. */
function signalOp(op: string, options: FlexMap, inputs: T[], outputs: T[]): Interpreter {
  const b = new ModelBuilder();
  const ins = inputs.map((t, i) => b.addTensor({ name: `in${i}`, ...t }));
  const outs = outputs.map((t, i) => b.addTensor({ name: `out${i}`, ...t }));
  b.addOp({ op, custom: true, inputs: ins, outputs: outs, customOptions: encodeFlexBuffer(options) });
  b.setIO(
    ins.filter((_, i) => !inputs[i]!.data),
    outs,
  );
  const it = new Interpreter(b.build());
  it.allocateTensors();
  return it;
}

function run(it: Interpreter, inputs: TypedArray[]): TypedArray[] {
  inputs.forEach((x, i) => it.input(i).set(x));
  it.invoke();
  return it.outputs.map((_, i) => it.output(i).data.slice() as TypedArray);
}

describe('SignalWindow', () => {
  it('out = clamp_int16((x * w) >> shift) per frame', () => {
    const r = rng(1);
    const x = ints(Int16Array, r, 3 * 16, -32768, 32767);
    const w = ints(Int16Array, r, 16, -32768, 32767);
    const it = signalOp(
      'SignalWindow',
      { shift: 3 },
      [
        { dtype: 'int16', shape: [3, 16] },
        { dtype: 'int16', shape: [16], data: w },
      ],
      [{ dtype: 'int16', shape: [3, 16] }],
    );
    const [y] = run(it, [x]);
    const want = Array.from(x, (v, i) => Math.max(-32768, Math.min(32767, Math.floor((v * w[i % 16]!) / 8))));
    expect(Array.from(y as Int16Array)).toEqual(want);
    expect(want.some((v) => v === 32767 || v === -32768)).toBe(true);
  });
});

describe('SignalFftAutoScale', () => {
  const scale = (x: Int16Array) => {
    const it = signalOp(
      'SignalFftAutoScale',
      {},
      [{ dtype: 'int16', shape: [x.length] }],
      [
        { dtype: 'int16', shape: [x.length] },
        { dtype: 'int32', shape: [] },
      ],
    );
    const [y, bits] = run(it, [x]);
    return { y: Array.from(y as Int16Array), bits: (bits as Int32Array)[0]! };
  };
  it('shifts the frame up until its peak has 15 significant bits', () => {
    const x = Int16Array.of(3, -100, 57, 0, 99);
    // max |x| = 100 (7 bits): 16 - 7 - 1 = 8 bits of headroom.
    expect(scale(x)).toEqual({ y: Array.from(x, (v) => v * 256), bits: 8 });
  });
  it('gives 0 bits for silence and for a frame ending its scan on -32768', () => {
    expect(scale(new Int16Array(8)).bits).toBe(0);
    expect(scale(Int16Array.of(5, 7, -32768)).bits).toBe(0);
    // TFLM's MaxAbs16 stores |-32768| as int16 -32768, so a later sample replaces the maximum.
    expect(scale(Int16Array.of(5, -32768, 7)).bits).toBe(12);
    expect(scale(Int16Array.of(16384, -3)).bits).toBe(0);
    expect(scale(Int16Array.of(16383, -3)).bits).toBe(1);
  });
});

describe('SignalRfft (int16 KISS FFT)', () => {
  // fft_length 2 * n: the half-length complex FFT factors as kissfft does (4s, then 2, 3, 5).
  it.each([16, 32, 40, 48, 60, 512])('fft_length %i follows the DFT / fft_length within 3 LSB', (n) => {
    const r = rng(n);
    const len = n - 3; // shorter frames are zero-padded
    const x = ints(Int16Array, r, 2 * len, -12000, 12000);
    const it = signalOp(
      'SignalRfft',
      { T: 7, fft_length: n },
      [{ dtype: 'int16', shape: [2, len] }],
      [{ dtype: 'int16', shape: [2, n + 2] }],
    );
    const [y] = run(it, [x]) as Int16Array[];
    for (let f = 0; f < 2; f++) {
      let worst = 0;
      for (let k = 0; k <= n / 2; k++) {
        let re = 0;
        let im = 0;
        for (let t = 0; t < len; t++) {
          const a = (-2 * Math.PI * k * t) / n;
          re += x[f * len + t]! * Math.cos(a);
          im += x[f * len + t]! * Math.sin(a);
        }
        worst = Math.max(
          worst,
          Math.abs(y![f * (n + 2) + 2 * k]! - re / n),
          Math.abs(y![f * (n + 2) + 2 * k + 1]! - im / n),
        );
      }
      expect(worst).toBeLessThanOrEqual(3);
    }
  });
  it('rejects an FFT length with a prime factor above 5', () => {
    expect(() =>
      signalOp(
        'SignalRfft',
        { T: 7, fft_length: 14 },
        [{ dtype: 'int16', shape: [14] }],
        [{ dtype: 'int16', shape: [16] }],
      ),
    ).toThrow(/prime factor 7/);
  });
});

describe('SignalEnergy', () => {
  it('re^2 + im^2 for bins in [start, end), 0 elsewhere', () => {
    const x = Int16Array.of(1, 2, -3, 4, 32767, -32768, -32768, -32768, 7, 0);
    const it = signalOp(
      'SignalEnergy',
      { start_index: 1, end_index: 4 },
      [{ dtype: 'int16', shape: [10] }],
      [{ dtype: 'uint32', shape: [5] }],
    );
    const [y] = run(it, [x]);
    expect(Array.from(y as Uint32Array)).toEqual([0, 25, 32767 * 32767 + 32768 * 32768, 2 ** 31, 0]);
  });
});

describe('SignalFilterBank', () => {
  it('accumulates weighted bins per channel, unweighted into the next channel', () => {
    // Channels c = 0..2 (plus the scratch channel), each spanning 2 bins.
    const energy = Uint32Array.of(10, 20, 30, 40, 50, 60, 70, 80, 4294967295);
    const weights = Int16Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const unweights = Int16Array.of(4095, 4094, 4093, 4092, 4091, 4090, 4089, 4088);
    const freqStarts = Int16Array.of(0, 2, 4, 7);
    const weightStarts = Int16Array.of(0, 2, 4, 6);
    const widths = Int16Array.of(2, 2, 2, 2);
    const tables = [weights, unweights, freqStarts, weightStarts, widths].map((data) => ({
      dtype: 'int16' as const,
      shape: [data.length],
      data,
    }));
    const it = signalOp(
      'SignalFilterBank',
      { num_channels: 3 },
      [{ dtype: 'uint32', shape: [9] }, ...tables],
      [{ dtype: 'uint64', shape: [3] }],
    );
    const [y] = run(it, [energy]);
    const sums: bigint[] = [];
    let carry = 0n;
    for (let c = 0; c <= 3; c++) {
      let w = carry;
      let u = 0n;
      for (let j = 0; j < widths[c]!; j++) {
        const e = BigInt(energy[freqStarts[c]! + j]!);
        w += BigInt(weights[weightStarts[c]! + j]!) * e;
        u += BigInt(unweights[weightStarts[c]! + j]!) * e;
      }
      if (c > 0) sums.push(w);
      carry = u;
    }
    expect(Array.from(y as BigUint64Array)).toEqual(sums);
  });
});

/** TFLM's rounded integer root: floor root, plus one when the remainder exceeds the root. */
function roundedRoot(n: bigint, cap: bigint): bigint {
  if (n === 0n) return 0n;
  let r = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (r * r > n) r--;
  while ((r + 1n) * (r + 1n) <= n) r++;
  return n - r * r > r && r !== cap ? r + 1n : r;
}

describe('SignalFilterBankSquareRoot', () => {
  it('rounded integer roots of 32- and 64-bit energies, shifted by the scale bits', () => {
    const r = rng(3);
    const values = [
      0n,
      1n,
      2n,
      3n,
      4n,
      8n,
      4294967295n,
      4294967296n,
      2n ** 40n + 12345n,
      2n ** 63n + 99n,
      18446744073709551615n,
    ];
    for (let i = 0; i < 20; i++)
      values.push(BigInt(Math.floor(r() * 2 ** 32)) * BigInt(Math.floor(r() * 2 ** 20) + 1));
    for (const shift of [0, 3]) {
      const it = signalOp(
        'SignalFilterBankSquareRoot',
        {},
        [
          { dtype: 'uint64', shape: [values.length] },
          { dtype: 'int32', shape: [] },
        ],
        [{ dtype: 'uint32', shape: [values.length] }],
      );
      const [y] = run(it, [BigUint64Array.from(values), Int32Array.of(shift)]);
      const want = values.map((v) => {
        // Below 2^32 the library takes its 32-bit path, whose root is capped at 0xFFFF.
        const root = v >> 32n === 0n ? roundedRoot(v, 0xffffn) & 0xffffn : roundedRoot(v, 0xffffffffn);
        return Number(root >> BigInt(shift));
      });
      expect(Array.from(y as Uint32Array)).toEqual(want);
    }
  });
});

describe('SignalFilterBankSpectralSubtraction', () => {
  const opts = {
    alternate_one_minus_smoothing: 15401,
    alternate_smoothing: 983,
    clamping: false,
    min_signal_remaining: 819,
    num_channels: 4,
    one_minus_smoothing: 15975,
    smoothing: 409,
    smoothing_bits: 10,
    spectral_subtraction_bits: 14,
  };
  /** The recurrence written with BigInt over a sequence of frames, from a zero estimate. */
  function oracle(frames: Uint32Array[], clamping: boolean): { out: number[]; noise: number[] }[] {
    const noise = [0n, 0n, 0n, 0n];
    return frames.map((x) => {
      const out: number[] = [];
      for (let i = 0; i < 4; i++) {
        const [sm, om] = i % 2 === 0 ? [409n, 15975n] : [983n, 15401n];
        const s = (BigInt(x[i]!) << 10n) & 0xffffffffn;
        noise[i] = ((s * sm + noise[i]! * om) >> 14n) & 0xffffffffn;
        let est = noise[i]!;
        if (est > s) {
          est = s;
          if (clamping) noise[i] = est;
        }
        const floor = (BigInt(x[i]!) * 819n) >> 14n;
        const sub = (s - est) >> 10n;
        out.push(Number(sub > floor ? sub : floor));
      }
      return { out, noise: noise.map(Number) };
    });
  }
  it.each([false, true])(
    'follows the noise estimate across 6 invokes (clamping %s); a new interpreter starts at zero',
    (clamping) => {
      const r = rng(clamping ? 9 : 8);
      const frames = Array.from({ length: 6 }, (_, t) =>
        Uint32Array.from({ length: 4 }, () => Math.floor(r() * (t === 3 ? 10 : 60000))),
      );
      const make = () =>
        signalOp(
          'SignalFilterBankSpectralSubtraction',
          { ...opts, clamping },
          [{ dtype: 'uint32', shape: [4] }],
          [
            { dtype: 'uint32', shape: [4] },
            { dtype: 'uint32', shape: [4] },
          ],
        );
      const it = make();
      const want = oracle(frames, clamping);
      frames.forEach((x, t) => {
        const [y, noise] = run(it, [x]);
        expect(
          { out: Array.from(y as Uint32Array), noise: Array.from(noise as Uint32Array) },
          `frame ${t}`,
        ).toEqual(want[t]);
      });
      const [y0] = run(make(), [frames[0]!]);
      expect(Array.from(y0 as Uint32Array)).toEqual(want[0]!.out);
      // resetVariables() restarts the noise estimate: the first frame again gives frame 0's output.
      it.resetVariables();
      const [again] = run(it, [frames[0]!]);
      expect(Array.from(again as Uint32Array)).toEqual(want[0]!.out);
    },
  );
});

describe('SignalPCAN', () => {
  it('with a constant gain g: snr = (x * g) >> shift, out = snr^2 / 2^20 below 2^13, else snr / 64 - 64', () => {
    // A gain table that is the constant 1200 everywhere: lut[0..2] for x <= 2, and for each
    // octave i = msb(x) in 2..32 the segment at 4i - 6 with (c0, c1, c2) = (1200, 0, 0).
    const lut = new Int16Array(125);
    for (let i = 0; i < 3; i++) lut[i] = 1200;
    for (let i = 2; i <= 32; i++) lut[4 * i - 6] = 1200;
    const x = Uint32Array.of(0, 5, 100, 200, 400, 1000, 5000, 100000);
    const noise = Uint32Array.of(0, 1, 2, 3, 77, 5000, 1 << 20, 4000000000);
    const it = signalOp(
      'SignalPCAN',
      { snr_shift: 6 },
      [
        { dtype: 'uint32', shape: [8] },
        { dtype: 'uint32', shape: [8] },
        { dtype: 'int16', shape: [lut.length], data: lut },
      ],
      [{ dtype: 'uint32', shape: [8] }],
    );
    const [y] = run(it, [x, noise]);
    const want = Array.from(x, (v) => {
      const snr = Math.floor((v * 1200) / 64);
      return snr < 8192 ? Math.floor((snr * snr) / 2 ** 20) : Math.floor(snr / 64) - 64;
    });
    expect(Array.from(y as Uint32Array)).toEqual(want);
  });
});

describe('SignalFilterBankLog', () => {
  it('approximates output_scale * ln(x << correction_bits) within 1, saturates at 32767, 0 for x <= 1', () => {
    const x = Uint32Array.of(0, 1, 2, 3, 10, 255, 256, 1000, 65535, 123456, 1 << 20, 536870911);
    const it = signalOp(
      'SignalFilterBankLog',
      { input_correction_bits: 3, output_scale: 64 },
      [{ dtype: 'uint32', shape: [x.length] }],
      [{ dtype: 'int16', shape: [x.length] }],
    );
    const [y] = run(it, [x]);
    const got = Array.from(y as Int16Array);
    expect(got.slice(0, 1)).toEqual([0]);
    x.forEach((v, i) => {
      if (i === 0) return;
      const want = Math.min(32767, 64 * Math.log(v * 8));
      expect(Math.abs(got[i]! - want), `x = ${v}`).toBeLessThanOrEqual(1);
    });
    const big = signalOp(
      'SignalFilterBankLog',
      { input_correction_bits: 0, output_scale: 2000 },
      [{ dtype: 'uint32', shape: [1] }],
      [{ dtype: 'int16', shape: [1] }],
    );
    expect(Array.from(run(big, [Uint32Array.of(4000000000)])[0] as Int16Array)).toEqual([32767]);
  });
});
