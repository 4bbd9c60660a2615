/**
 * Shared helpers of the recurrent-op tests: a seeded generator, a model runner over several
 * invokes (state carried between them), and a tfjs-tflite peer run of an in-memory model.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModel } from '../../../src/format/model_writer.js';
import type { TypedArray } from '../../../src/ir/dtype.js';
import type { Model } from '../../../src/ir/model.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { type PeerResult, runPeer } from '../../support/peers.js';

export { rng } from '../../support/rng.js';

/** Float32Array of n values uniform in [lo, hi). */
export function uniform(r: () => number, n: number, lo = -1, hi = 1): Float32Array {
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * r());
}

/** Int array of n values uniform in [lo, hi] of the given typed-array class. */
export function ints<T extends Int8Array | Int16Array | Int32Array | Uint8Array>(
  Ctor: { from(a: ArrayLike<number>): T },
  r: () => number,
  n: number,
  lo: number,
  hi: number,
): T {
  return Ctor.from(Array.from({ length: n }, () => lo + Math.floor((hi - lo + 1) * r())));
}

/** Runs a model over a sequence of invokes; returns a copy of every output after each invoke. */
export function runSteps(
  model: Model | Uint8Array,
  steps: readonly (readonly TypedArray[])[],
): TypedArray[][] {
  const it = new Interpreter(model);
  it.allocateTensors();
  return steps.map((inputs) => {
    inputs.forEach((x, i) => it.input(i).set(x));
    it.invoke();
    return it.outputs.map((_, i) => it.output(i).data.slice() as TypedArray);
  });
}

/** Bytes of a typed array (a copy). */
export function bytesOf(x: TypedArray): Uint8Array {
  return new Uint8Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength));
}

/** Writes the model to a temp file and runs it once in tfjs-tflite with the given input bytes. */
export async function runTfjsTflite(model: Model, inputs: readonly TypedArray[]): Promise<PeerResult> {
  const dir = mkdtempSync(join(tmpdir(), 'tflite-ts-rnn-'));
  try {
    const path = join(dir, 'model.tflite');
    writeFileSync(path, writeModel(model));
    return await runPeer({ runtime: 'tfjs-tflite', model: path, inputs: inputs.map(bytesOf) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
