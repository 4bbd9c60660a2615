/**
 * Tensor specs for the models tests build with src/ir/model_builder.ts: float32 activations and
 * float32 constants filled with a fixed pattern (the values do not matter to these tests, only
 * that they are deterministic).
 */
import type { TensorSpec } from '../../../src/ir/model_builder.js';

/** A float32 tensor without data (an activation or a model input). */
export function f32(name: string, shape: readonly number[]): TensorSpec {
  return { name, dtype: 'float32', shape };
}

/** A float32 constant of the given shape holding ((i * 7919) mod 201) / 1000 - 0.1. */
export function patternWeights(name: string, shape: readonly number[]): TensorSpec {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = ((i * 7919) % 201) / 1000 - 0.1;
  return { name, dtype: 'float32', shape, data: values };
}
