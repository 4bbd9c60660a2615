/**
 * The relaxed-SIMD build of the kernel module (assembly/fma.ts: the float kernels' multiply-add
 * as f32x4.relaxed_madd), which module.ts picks where the engine validates it. Node 20 validates
 * it only with --experimental-wasm-relaxed-simd, so this file turns the flag on in its own
 * process (vitest runs each file in a fresh fork) before the module is first loaded, checks that
 * the relaxed build was chosen, and runs every conformance case of conformance.test.ts on it:
 * float32 within the float bound, uint8 / int8 byte for byte, 1 and 2 threads. The plain-SIMD
 * build is the one conformance.test.ts itself runs on Node 20.
 */
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';

setFlagsFromString('--experimental-wasm-relaxed-simd');
const { kernelVariant } = await import('../../../src/kernels/wasm/module.js');

describe('relaxed-SIMD kernel module', () => {
  it('is the build module.ts picks when the engine validates it', () => {
    expect(kernelVariant()).toBe('relaxed-simd');
  });
});

// The conformance suites, registered in this file (so they run on the relaxed build).
await import('./conformance.test.js');
