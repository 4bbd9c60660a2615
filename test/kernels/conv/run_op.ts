/**
 * Builds a single-op model (ModelBuilder) and runs it in our Interpreter; also writes it to a
 * temporary .tflite so the same case can run in LiteRT / tfjs-tflite.
 *
 * Every run uses the reference kernels (the TypeScript kernels under test) and then the default
 * registry, where CONV_2D / DEPTHWISE_CONV_2D / FULLY_CONNECTED may run as WebAssembly SIMD
 * kernels (src/kernels/wasm/select.ts): integer outputs must be byte-equal to the reference and
 * float outputs within relative 1e-5 (oracle.ts maxRelError), so each case here checks both
 * backends. The reference outputs are returned for the tests to compare with their oracles.
 */
import type { TypedArray } from '../../../src/ir/dtype.js';
import type { Model } from '../../../src/ir/model.js';
import { createBuiltinRegistry } from '../../../src/kernels/builtin_registry.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { type OpCase, buildModel } from '../../support/op_models.js';
import { maxRelError } from './oracle.js';

export { type OpCase, buildModel, writeTemp } from '../../support/op_models.js';

const REFERENCE = createBuiltinRegistry({ optimized: false });
const OPTIMIZED = createBuiltinRegistry();

type Outputs = { data: TypedArray; shape: number[] }[];

function run(model: Model, feeds: readonly TypedArray[], registry: typeof REFERENCE): Outputs {
  const it = new Interpreter(model, { registry });
  it.allocateTensors();
  feeds.forEach((f, i) => it.input(i).set(f));
  it.invoke();
  return it.outputs.map((_, i) => {
    const o = it.output(i);
    return { data: o.data.slice(), shape: [...o.shape] };
  });
}

/**
 * Runs a model with the reference kernels and returns every output (data copied, shape). Throws
 * when the default (optimized) registry's outputs disagree with them (see the header).
 */
export function runModel(model: Model, feeds: readonly TypedArray[]): Outputs {
  const ref = run(model, feeds, REFERENCE);
  const opt = run(model, feeds, OPTIMIZED);
  ref.forEach((r, i) => {
    const o = opt[i]!;
    const same =
      r.data instanceof Float32Array
        ? maxRelError(o.data as Float32Array, r.data) <= 1e-5
        : r.data.length === o.data.length && r.data.every((v, j) => v === o.data[j]);
    if (!same || r.shape.join() !== o.shape.join()) {
      throw new Error(
        `output ${i}: the optimized kernels differ from the reference ` +
          `(shape [${o.shape}] vs [${r.shape}], first values ${Array.from(o.data.slice(0, 6) as Float32Array)} vs ${Array.from(r.data.slice(0, 6) as Float32Array)})`,
      );
    }
  });
  return ref;
}

/** Runs one op; returns its outputs. */
export function runOp(c: OpCase, feeds: readonly TypedArray[]): { data: TypedArray; shape: number[] }[] {
  return runModel(buildModel([c]), feeds);
}
