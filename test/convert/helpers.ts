/**
 * Helpers of the converter's parity tests: run a tfjs model (the reference), convert it, run
 * the .tflite in our interpreter and in LiteRT.js (peers), and compare all three.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { type ConvertOptions, type ConvertResult, convert } from '../../src/convert/index.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { type PeerRuntime, runPeer } from '../support/peers.js';
import { rng } from '../support/rng.js';

/** Tolerance of the parity tests: |a - b| <= RTOL * max(|a|, |b|) + ATOL per element. */
export const RTOL = 1e-4;
/** Absolute floor for elements near zero (float32 sums of ~1e3 products land here). */
export const ATOL = 1e-5;

let seed = 1;
/** Deterministic pseudo-random floats in [lo, hi) (mulberry32). */
export function randomFloats(n: number, lo = -1, hi = 1, s = seed++): Float32Array {
  const r = rng(s);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = lo + r() * (hi - lo);
  return out;
}

/** Sets every weight of a tfjs model to seeded random values (so BN statistics etc. are not trivial). */
export function randomizeWeights(model: tf.LayersModel, s = 7): void {
  const ws = model.getWeights();
  model.setWeights(
    ws.map((w, i) => {
      const name = model.weights[i]!.name;
      // variances must stay positive
      const lo = /variance/.test(name) ? 0.5 : -0.5;
      const hi = /variance/.test(name) ? 1.5 : 0.5;
      return tf.tensor(randomFloats(w.size, lo, hi, s * 1000 + i), w.shape, w.dtype);
    }),
  );
}

/** Runs `model.predict` on float inputs; returns every output's values. */
export function tfPredict(
  model: tf.LayersModel | tf.GraphModel,
  inputs: { shape: number[]; data: Float32Array | Int32Array }[],
): Float32Array[] {
  return tf.tidy(() => {
    const ts = inputs.map((i) =>
      tf.tensor(i.data, i.shape, i.data instanceof Int32Array ? 'int32' : 'float32'),
    );
    const out = model.predict(ts.length === 1 ? ts[0]! : ts) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]).map((t) => Float32Array.from(t.dataSync() as Float32Array));
  });
}

/** Converts a live tfjs model. */
export function convertModel(
  model: tf.LayersModel | tf.GraphModel,
  options: ConvertOptions = {},
): Promise<ConvertResult> {
  return convert(model as unknown as Parameters<typeof convert>[0], options);
}

/** Runs the .tflite in our interpreter; returns float outputs. Throws what the interpreter throws. */
export function runOurs(bytes: Uint8Array, inputs: (Float32Array | Int32Array)[]): Float32Array[] {
  const it = new Interpreter(bytes);
  it.allocateTensors();
  inputs.forEach((x, i) => it.input(i).set(x));
  it.invoke();
  return it.outputs.map((_, i) => it.outputFloat(i));
}

/** Runs the .tflite in a peer runtime (LiteRT.js in Node by default); returns float32 outputs. */
export async function runLiteRT(
  bytes: Uint8Array,
  inputs: (Float32Array | Int32Array)[],
  runtime: PeerRuntime = 'litert',
): Promise<Float32Array[]> {
  const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-convert-'));
  try {
    const path = join(dir, 'model.tflite');
    writeFileSync(path, bytes);
    const r = await runPeer({
      runtime,
      model: path,
      inputs: inputs.map((x) => new Uint8Array(x.buffer, x.byteOffset, x.byteLength)),
    });
    return r.outputs.map((o) => {
      const copy = new Uint8Array(o.data);
      return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Largest |a - b| / (RTOL-scaled) excess over the tolerance; <= 1 passes. Also returns the max relative error. */
export function parity(
  ours: Float32Array,
  ref: Float32Array,
): { maxAbs: number; maxRel: number; ok: boolean } {
  let maxAbs = 0;
  let maxRel = 0;
  let ok = ours.length === ref.length;
  for (let i = 0; i < Math.min(ours.length, ref.length); i++) {
    const a = ours[i]!;
    const b = ref[i]!;
    const d = Math.abs(a - b);
    const m = Math.max(Math.abs(a), Math.abs(b));
    if (!(d <= RTOL * m + ATOL)) ok = false;
    maxAbs = Math.max(maxAbs, d);
    if (m > 0) maxRel = Math.max(maxRel, d / m);
  }
  return { maxAbs, maxRel, ok };
}

/** One input of a parity case: its shape (batch 1) and, optionally, fixed data. */
export interface CaseInput {
  shape: number[];
  data?: Float32Array | Int32Array;
}

/** Figures of one parity check. */
export interface ParityFigures {
  report: ConvertResult['report'];
  ours: { maxAbs: number; maxRel: number; ok: boolean }[];
  peer: { maxAbs: number; maxRel: number; ok: boolean }[];
}

/**
 * Converts `model`, runs tfjs predict, our interpreter and the peer on the same seeded inputs;
 * returns the figures (the caller asserts). `peer: false` skips the peer run.
 */
export async function parityCheck(
  model: tf.LayersModel | tf.GraphModel,
  inputs: CaseInput[],
  options: { peer?: PeerRuntime | false; convert?: ConvertOptions; seed?: number } = {},
): Promise<ParityFigures> {
  const data = inputs.map(
    (i, k) =>
      i.data ??
      randomFloats(
        i.shape.reduce((a, b) => a * b, 1),
        -1,
        1,
        (options.seed ?? 11) + k,
      ),
  );
  const ref = tfPredict(
    model,
    inputs.map((i, k) => ({ shape: i.shape, data: data[k]! })),
  );
  const r = await convertModel(model, options.convert ?? {});
  const ours = runOurs(r.bytes, data).map((o, k) => parity(o, ref[k]!));
  const peer =
    options.peer === false
      ? []
      : (await runLiteRT(r.bytes, data, options.peer ?? 'litert')).map((o, k) => parity(o, ref[k]!));
  return { report: r.report, ours, peer };
}
