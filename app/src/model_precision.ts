/**
 * How a model computes, in the words the app shows: "int8 quantized" (integer activations:
 * full-integer models, whatever their input and output types), "int8 weights" (dynamic-range
 * models: integer weights, float activations), "float16 weights", or "float32". Used by the
 * classifier worker and by the build (for the built-in model's list entry).
 */
import { dtypeFromCode } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/model.js';

/** What precisionOf returns. */
export interface Precision {
  /** The label shown, e.g. "int8 quantized". */
  label: string;
  /** True when the model computes with 8-bit integers (activations or weights). */
  quantized: boolean;
  /** The dtype holding most weight bytes (int32 biases not counted). */
  weightType: string;
}

/** Returns the precision of the model's main subgraph. */
export function precisionOf(model: Model): Precision {
  const sub = model.subgraphs[0];
  const weightBytes = new Map<string, number>();
  const activations = new Set<string>();
  for (const t of sub?.tensors ?? []) {
    const dtype = dtypeFromCode(t.type) ?? 'unknown';
    const constant = (model.buffers[t.buffer]?.data?.byteLength ?? 0) > 0;
    if (constant) {
      if (dtype !== 'int32')
        weightBytes.set(dtype, (weightBytes.get(dtype) ?? 0) + model.buffers[t.buffer]!.data!.byteLength);
    } else {
      activations.add(dtype);
    }
  }
  let weightType = 'float32';
  let most = -1;
  for (const [dtype, n] of weightBytes) if (n > most) [weightType, most] = [dtype, n];
  // Integer activations mean a quantized graph; uint8 I/O around int8 internals counts as int8.
  const integer = ['int8', 'uint8', 'int16'].filter((d) => activations.has(d));
  if (integer.length > 0) {
    const kind = integer.includes('int8') ? 'int8' : integer[0]!;
    return { label: `${kind} quantized`, quantized: true, weightType };
  }
  if (weightType === 'int8' || weightType === 'uint8')
    return { label: `${weightType} weights`, quantized: true, weightType };
  if (weightType === 'float16') return { label: 'float16 weights', quantized: false, weightType };
  return { label: 'float32', quantized: false, weightType };
}
