/**
 * Test harness of the element-wise and activation kernels: build models of one or several
 * independent single-op cases (ModelBuilder), run them in our Interpreter, and run the same
 * model file in Google's runtimes (LiteRT.js, tfjs-tflite) through test/support/peers.ts.
 */
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { Model } from '../../../src/ir/model.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { type OpCase, buildModel, writeTemp } from '../../support/op_models.js';
import { type PeerResult, type PeerRuntime, runPeer } from '../../support/peers.js';

export { type OpCase, buildModel, writeTemp } from '../../support/op_models.js';

/** An output as our interpreter produced it. */
export interface RunOutput {
  name: string;
  dtype: DType;
  shape: number[];
  data: TypedArray;
}

/** Runs a model with inputs given by tensor name; returns every output (copied). */
export function runModel(model: Model, feeds: ReadonlyMap<string, TypedArray | Uint8Array>): RunOutput[] {
  const it = new Interpreter(model);
  it.allocateTensors();
  it.inputs.forEach((info, i) => {
    const v = feeds.get(info.name);
    if (!v) throw new Error(`no feed for input ${info.name}`);
    it.input(i).set(v as TypedArray);
  });
  it.invoke();
  return it.outputs.map((info, i) => {
    const o = it.output(i);
    return { name: info.name, dtype: o.dtype, shape: [...o.shape], data: o.data.slice() as TypedArray };
  });
}

/** Runs a single case; returns its first output's data. */
export function runCase(c: OpCase, feeds: readonly TypedArray[]): TypedArray {
  const model = buildModel([c]);
  const names = c.inputs.filter((s): s is TensorSpec => s !== null && !s.data).map((s) => s.name);
  return runModel(model, new Map(names.map((n, i) => [n, feeds[i]!])))[0]!.data;
}

/** Strips the decorations peers add to tensor names (serving_default_ prefix, :0 suffix). */
export function peerName(name: string): string {
  return name.replace(/^serving_default_/, '').replace(/:\d+$/, '');
}

/**
 * Runs `model` in a peer with seeded random inputs (`--random seed`, `intRange` for int32/int64)
 * and in our interpreter with the very bytes the peer used; returns both outputs by name.
 */
export async function runBoth(
  model: Model,
  name: string,
  runtime: PeerRuntime,
  seed: number,
  intRange?: readonly [number, number],
): Promise<{ peer: PeerResult; ours: Map<string, RunOutput> }> {
  const path = writeTemp(model, name);
  const peer = await runPeer({
    runtime,
    model: path,
    inputs: { random: seed },
    ...(intRange ? { intRange } : {}),
  });
  const feeds = new Map(peer.inputs.map((t) => [peerName(t.name), t.data]));
  const ours = new Map(runModel(model, feeds).map((o) => [o.name, o]));
  return { peer, ours };
}

/** A typed view over a peer tensor's bytes. */
export function viewOf(dtype: string, bytes: Uint8Array): TypedArray {
  const b = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  switch (dtype) {
    case 'float32':
      return new Float32Array(b);
    case 'int32':
      return new Int32Array(b);
    case 'int16':
      return new Int16Array(b);
    case 'int8':
      return new Int8Array(b);
    case 'int64':
      return new BigInt64Array(b);
    default:
      return new Uint8Array(b);
  }
}

/** The values of a typed array as a plain list (bigints stay bigints). */
export function toList(t: TypedArray): (number | bigint)[] {
  return Array.from(t as ArrayLike<number | bigint>);
}
