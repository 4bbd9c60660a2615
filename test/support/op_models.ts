/**
 * Models of independent single ops for the kernel tests (built with src/ir/model_builder.ts), and
 * temporary .tflite files of them for the peers (LiteRT.js, tfjs-tflite).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModel } from '../../src/format/model_writer.js';
import type { BuiltinOptions } from '../../src/ir/builtin_options.js';
import type { Model } from '../../src/ir/model.js';
import { ModelBuilder, type TensorSpec } from '../../src/ir/model_builder.js';

/** One op of a test model: inputs with `data` are constants, null is an omitted optional input. */
export interface OpCase {
  op: string;
  version?: number;
  inputs: readonly (TensorSpec | null)[];
  outputs: readonly TensorSpec[];
  options?: Record<string, unknown> | BuiltinOptions;
}

/**
 * Returns a model holding the ops side by side (each with its own tensors); its inputs are every
 * non-constant op input in order, its outputs every op output.
 */
export function buildModel(ops: readonly OpCase[]): Model {
  const b = new ModelBuilder();
  const ins: number[] = [];
  const outs: number[] = [];
  for (const c of ops) {
    const inputs = c.inputs.map((s) => {
      if (!s) return -1;
      const i = b.addTensor(s);
      if (!s.data) ins.push(i);
      return i;
    });
    const outputs = c.outputs.map((s) => b.addTensor(s));
    outs.push(...outputs);
    b.addOp({
      op: c.op,
      version: c.version ?? 1,
      inputs,
      outputs,
      ...(c.options ? { options: c.options } : {}),
    });
  }
  b.setIO(ins, outs);
  return b.build();
}

let tmp: string | undefined;

/** Writes a model to a temporary .tflite file (one folder per test file); returns its path. */
export function writeTemp(model: Model, name: string): string {
  tmp ??= mkdtempSync(join(tmpdir(), 'tflite-ts-op-'));
  const path = join(tmp, `${name}.tflite`);
  writeFileSync(path, writeModel(model));
  return path;
}
