/**
 * UNIDIRECTIONAL_SEQUENCE_LSTM in its float32, hybrid and full-integer (8x8->16) forms, each over
 * the variants TFLite supports (CIFG, peephole, projection with bias and clipping, layer norm,
 * cell clip, time-major, batch > 1). Oracles:
 * - a float64 LSTM written out from the equations (lstm_models.ts): float32 within 1e-5, the
 *   quantized forms within their quantization error;
 * - tfjs-tflite (TFLite's own kernels) on the same single-op models: integer byte-equal, float
 *   and hybrid within float32 rounding;
 * - the fixture models' LSTM node (trained_lstm / trained_lstm_int8) against tfjs-tflite;
 * - state: a sequence split over two invokes equals the whole sequence in one invoke, and
 *   resetVariables() restarts it.
 */
import { describe, expect, it } from 'vitest';
import { UnsupportedOpError } from '../../../src/errors.js';
import { readModel } from '../../../src/format/model_reader.js';
import type { TypedArray } from '../../../src/ir/dtype.js';
import type { Model } from '../../../src/ir/model.js';
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, readFixture } from '../../support/fixtures.js';
import { compareTensors, formatComparison, peersAvailable } from '../../support/peers.js';
import { ints, rng, runSteps, runTfjsTflite, uniform } from './helpers.js';
import {
  type BuiltLstm,
  LSTM_SPECS,
  LSTM_SPEC_RELU,
  type LstmForm,
  addLstm,
  lstmInput,
  lstmOracle,
} from './lstm_models.js';

const HAVE_PEERS = peersAvailable();

function buildAll(form: LstmForm): { model: Model; ops: BuiltLstm[] } {
  const b = new ModelBuilder();
  const specs = form === 'float' ? [...LSTM_SPECS, LSTM_SPEC_RELU] : LSTM_SPECS;
  const ops = specs.map((s, i) => addLstm(b, s, form, 1000 + i));
  b.setIO(
    ops.map((o) => o.inputIndex),
    ops.map((o) => o.outputIndex),
  );
  return { model: b.build(), ops };
}

/** Dequantized output of one op (the integer form's output has the output state's params). */
function realOutput(form: LstmForm, y: TypedArray): Float64Array {
  if (form !== 'integer') return Float64Array.from(y as Float32Array);
  return Float64Array.from(y as Int8Array, (q) => (q - -2) / 128);
}

function realInput(form: LstmForm, x: TypedArray): Float64Array {
  if (form !== 'integer') return Float64Array.from(x as Float32Array);
  return Float64Array.from(x as Int8Array, (q) => (q - 3) / 128);
}

/** Max |error| allowed against the float64 oracle: float32 rounding, or quantization error. */
const ORACLE_TOLERANCE: Record<LstmForm, number> = { float: 2e-6, hybrid: 0.03, integer: 0.06 };

describe.each(['float', 'hybrid', 'integer'] as const)('UNIDIRECTIONAL_SEQUENCE_LSTM %s', (form) => {
  const { model, ops } = buildAll(form);
  const inputs = (seed: number) => ops.map((o, i) => lstmInput(o, seed * 31 + i));

  it.each(ops.map((o, i) => [o.spec.name, i] as const))('%s: follows the float64 LSTM equations', (_, i) => {
    const xs = inputs(1);
    const ours = runSteps(model, [xs])[0]!;
    const op = ops[i]!;
    const want = lstmOracle(op.spec, op.float, realInput(form, xs[i]!));
    const got = realOutput(form, ours[i]!);
    let worst = 0;
    for (let k = 0; k < want.length; k++) worst = Math.max(worst, Math.abs(got[k]! - want[k]!));
    expect(worst).toBeLessThanOrEqual(
      ORACLE_TOLERANCE[form] * (form === 'float' ? 1 + Math.max(...want.map(Math.abs)) : 1),
    );
    // The outputs are not all zero or saturated: the comparison means something.
    expect(new Set(Array.from(got)).size).toBeGreaterThan(want.length / 4);
  });

  it.skipIf(!HAVE_PEERS)(
    'equals tfjs-tflite on every variant (3 seeded inputs)',
    async () => {
      for (const seed of [2, 3, 4]) {
        const xs = inputs(seed);
        const ours = runSteps(model, [xs])[0]!;
        const peer = await runTfjsTflite(model, xs);
        ops.forEach((o, i) => {
          const cmp = compareTensors(new Uint8Array(ours[i]!.buffer), peer.outputs[i]!.data, {
            dtype: form === 'integer' ? 'int8' : 'float32',
            // Float: float32 rounding of exp/tanh and of the sums; hybrid adds rounding at the
            // int8 quantization boundaries of the next step's inputs.
            rtol: form === 'float' ? 1e-5 : 1e-4,
            atol: form === 'float' ? 1e-6 : 1e-5,
            name: `${o.spec.name} (seed ${seed})`,
          });
          expect(cmp.ok, formatComparison(cmp)).toBe(true);
        });
      }
    },
    180_000,
  );

  it('carries the state across invokes: two halves equal the whole sequence', () => {
    // Variant 0 is batch-major with time 4: run steps [0, 2) then [2, 4) in a 2-step model.
    const spec = { ...LSTM_SPECS[0]!, time: 4 };
    const half = { ...spec, time: 2 };
    const whole = new ModelBuilder();
    const w = addLstm(whole, spec, form, 77);
    whole.setIO([w.inputIndex], [w.outputIndex]);
    const halves = new ModelBuilder();
    const h = addLstm(halves, half, form, 77);
    halves.setIO([h.inputIndex], [h.outputIndex]);
    const x = lstmInput(w, 5);
    const n = spec.nInput;
    const pick = (t0: number): TypedArray => {
      const Ctor = x.constructor as new (n: number) => TypedArray;
      const out = new Ctor(spec.batch * 2 * n);
      for (let b = 0; b < spec.batch; b++)
        for (let t = 0; t < 2; t++)
          for (let k = 0; k < n; k++)
            (out as Float32Array)[(b * 2 + t) * n + k] = (x as Float32Array)[(b * 4 + t0 + t) * n + k]!;
      return out;
    };
    const full = runSteps(whole.build(), [[x]])[0]![0]!;
    const split = runSteps(halves.build(), [[pick(0)], [pick(2)]]);
    const o = spec.nOutput;
    for (let b = 0; b < spec.batch; b++)
      for (let t = 0; t < 4; t++) {
        const got = split[t < 2 ? 0 : 1]![0]!.slice((b * 2 + (t % 2)) * o, (b * 2 + (t % 2) + 1) * o);
        expect(Array.from(got as Float32Array)).toEqual(
          Array.from(full.slice((b * 4 + t) * o, (b * 4 + t + 1) * o) as Float32Array),
        );
      }
  });
});

describe('UNIDIRECTIONAL_SEQUENCE_LSTM: time-major equals batch-major', () => {
  it.each(['float', 'integer'] as const)('%s', (form) => {
    const spec = { ...LSTM_SPECS[0]!, batch: 3, time: 4 };
    const build = (timeMajor: boolean) => {
      const b = new ModelBuilder();
      const l = addLstm(b, { ...spec, timeMajor }, form, 9);
      b.setIO([l.inputIndex], [l.outputIndex]);
      return { model: b.build(), l };
    };
    const bm = build(false);
    const tm = build(true);
    const x = lstmInput(bm.l, 12);
    const transpose = (v: TypedArray, inner: number, d0: number, d1: number): TypedArray => {
      const out = v.slice() as Float32Array;
      for (let i = 0; i < d0; i++)
        for (let j = 0; j < d1; j++)
          for (let k = 0; k < inner; k++)
            out[(j * d0 + i) * inner + k] = (v as Float32Array)[(i * d1 + j) * inner + k]!;
      return out;
    };
    const yb = runSteps(bm.model, [[x]])[0]![0]!;
    const yt = runSteps(tm.model, [[transpose(x, spec.nInput, spec.batch, spec.time)]])[0]![0]!;
    expect(Array.from(transpose(yt, spec.nOutput, spec.time, spec.batch) as Float32Array)).toEqual(
      Array.from(yb as Float32Array),
    );
  });
});

/** The fixture model cut after its LSTM node (the rest needs other families' kernels). */
function lstmOnly(file: string): Model {
  const m = readModel(readFixture(file));
  const sg = m.subgraphs[0]!;
  sg.operators = [sg.operators[0]!];
  sg.outputs = [sg.operators[0]!.outputs[0]!];
  return m;
}

describe.skipIf(!HAVE_FIXTURES)('fixture LSTM nodes', () => {
  const cases = [
    { file: 'models/micro/trained_lstm.tflite', int: false },
    { file: 'models/micro/trained_lstm_int8.tflite', int: true },
  ];
  it.skipIf(!HAVE_PEERS).each(cases)(
    '$file: LSTM output equals tfjs-tflite (3 seeds)',
    async ({ file, int }) => {
      const model = lstmOnly(file);
      for (const seed of [1, 2, 3]) {
        const r = rng(seed);
        const x = int ? ints(Int8Array, r, 784, -128, 127) : uniform(r, 784, 0, 1);
        const ours = runSteps(model, [[x]])[0]![0]!;
        const peer = await runTfjsTflite(model, [x]);
        const cmp = compareTensors(new Uint8Array(ours.buffer), peer.outputs[0]!.data, {
          dtype: int ? 'int8' : 'float32',
          rtol: 1e-5,
          atol: 1e-6,
          name: `${file} seed ${seed}`,
        });
        expect(cmp.ok, formatComparison(cmp)).toBe(true);
      }
    },
    120_000,
  );

  it.each(cases)('$file: resetVariables() restarts, and 14 + 14 steps equal 28', ({ file, int }) => {
    const model = lstmOnly(file);
    const r = rng(8);
    const x = int ? ints(Int8Array, r, 784, -128, 127) : uniform(r, 784, 0, 1);
    const whole = new Interpreter(model);
    whole.allocateTensors();
    whole.input(0).set(x);
    whole.invoke();
    const full = whole.output(0).data.slice() as Float32Array;
    whole.invoke();
    expect(Array.from(whole.output(0).data as Float32Array)).not.toEqual(Array.from(full));
    whole.resetVariables();
    whole.invoke();
    expect(Array.from(whole.output(0).data as Float32Array)).toEqual(Array.from(full));

    const halves = new Interpreter(model);
    halves.resizeInput(0, [1, 14, 28]);
    halves.allocateTensors();
    const got: number[] = [];
    for (const t0 of [0, 14]) {
      halves.input(0).set(x.subarray(t0 * 28, (t0 + 14) * 28));
      halves.invoke();
      got.push(...Array.from(halves.output(0).data as Float32Array));
    }
    expect(got).toEqual(Array.from(full));
  });
});

describe('UNIDIRECTIONAL_SEQUENCE_LSTM errors', () => {
  it('an integer LSTM with 12 intermediates (8x8->8) is unsupported, by name', () => {
    const b = new ModelBuilder();
    const l = addLstm(b, LSTM_SPECS[0]!, 'integer', 1);
    const m = b.build();
    const op = m.subgraphs[0]!.operators[0]!;
    const extra = Array.from({ length: 7 }, (_, i) =>
      b.addTensor({ name: `i${i}`, dtype: 'int8', shape: [0], quant: { scale: [0.1], zeroPoint: [0] } }),
    );
    op.intermediates = [...op.intermediates!, ...extra];
    const m2 = b.build();
    m2.subgraphs[0]!.operators[0]!.intermediates = op.intermediates;
    m2.subgraphs[0]!.inputs = [l.inputIndex];
    m2.subgraphs[0]!.outputs = [l.outputIndex];
    const it = new Interpreter(m2);
    expect(() => it.allocateTensors()).toThrow(UnsupportedOpError);
    expect(() => it.allocateTensors()).toThrow(/8x8->8/);
  });
});
