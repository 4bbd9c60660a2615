/**
 * Builds a single-op model (ModelBuilder) and runs it in our Interpreter; also writes it to a
 * temporary .tflite so the same case can run in LiteRT / tfjs-tflite.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModel } from '../../../src/format/model_writer.js';
import type { TypedArray } from '../../../src/ir/dtype.js';
import type { Model } from '../../../src/ir/model.js';
import { ModelBuilder, type TensorSpec } from '../../../src/ir/model_builder.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';

/** One op: inputs (null = omitted optional input, -1), outputs, options. */
export interface OpCase {
  op: string;
  version?: number;
  inputs: readonly (TensorSpec | null)[];
  outputs: readonly TensorSpec[];
  options?: Record<string, unknown>;
}

/** Returns a model holding the ops (each with its own tensors); model inputs are every non-constant input. */
export function buildModel(ops: readonly OpCase[]): Model {
  const b = new ModelBuilder();
  const modelInputs: number[] = [];
  const modelOutputs: number[] = [];
  for (const c of ops) {
    const ins = c.inputs.map((s) => {
      if (!s) return -1;
      const i = b.addTensor(s);
      if (!s.data) modelInputs.push(i);
      return i;
    });
    const outs = c.outputs.map((s) => b.addTensor(s));
    modelOutputs.push(...outs);
    b.addOp({
      op: c.op,
      version: c.version ?? 1,
      inputs: ins,
      outputs: outs,
      ...(c.options ? { options: c.options } : {}),
    });
  }
  b.setIO(modelInputs, modelOutputs);
  return b.build();
}

/** Runs a model with the given input arrays; returns every output (data copied, shape). */
export function runModel(
  model: Model,
  feeds: readonly TypedArray[],
): { data: TypedArray; shape: number[] }[] {
  const it = new Interpreter(model);
  it.allocateTensors();
  feeds.forEach((f, i) => it.input(i).set(f));
  it.invoke();
  return it.outputs.map((_, i) => {
    const o = it.output(i);
    return { data: o.data.slice(), shape: [...o.shape] };
  });
}

/** Runs one op; returns its outputs. */
export function runOp(c: OpCase, feeds: readonly TypedArray[]): { data: TypedArray; shape: number[] }[] {
  return runModel(buildModel([c]), feeds);
}

let tmp: string | undefined;

/** Writes the model to a temporary .tflite file and returns its path. */
export function writeTemp(model: Model, name: string): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'tflite-ts-conv-'));
  const path = join(tmp, `${name}.tflite`);
  writeFileSync(path, writeModel(model));
  return path;
}
