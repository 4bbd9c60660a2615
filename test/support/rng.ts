/**
 * The seeded generator of the tests: mulberry32, the one `tflite-ts run --random` and the peers
 * harness use (src/runtime/random_inputs.ts), as uint32 values or as floats in [0, 1).
 */
import { mulberry32 } from '../../src/runtime/random_inputs.js';

export { mulberry32 };

/** Returns a mulberry32 generator of floats in [0, 1) (uint32 / 2^32). */
export function rng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}
