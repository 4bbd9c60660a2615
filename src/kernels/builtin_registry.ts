/**
 * The registry of every built-in kernel. Applications that want a small bundle can instead
 * build a KernelRegistry with only the families (or single kernels) their models use.
 */
import { activationsKernels } from './activations/index.js';
import { convKernels } from './conv/index.js';
import { detectionKernels } from './detection/index.js';
import { elementwiseKernels } from './elementwise/index.js';
import { poolingKernels } from './pooling/index.js';
import { reduceKernels } from './reduce/index.js';
import { KernelRegistry } from './registry.js';
import { rnnKernels } from './rnn/index.js';
import { shapeKernels } from './shape/index.js';
import { signalKernels } from './signal/index.js';
import { tensorKernels } from './tensor/index.js';
import { wasmKernels } from './wasm/index.js';

/**
 * Returns a registry holding every built-in kernel. By default CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED are the WebAssembly SIMD kernels (src/kernels/wasm/select.ts), which fall back
 * to the reference kernels where they do not apply; `{ optimized: false }` gives the reference
 * kernels only.
 */
export function createBuiltinRegistry(options: { optimized?: boolean } = {}): KernelRegistry {
  const registry = createReferenceRegistry();
  if (options.optimized ?? true) for (const k of wasmKernels) registry.replace(k);
  return registry;
}

function createReferenceRegistry(): KernelRegistry {
  return new KernelRegistry().add(
    ...convKernels,
    ...poolingKernels,
    ...elementwiseKernels,
    ...activationsKernels,
    ...reduceKernels,
    ...shapeKernels,
    ...tensorKernels,
    ...rnnKernels,
    ...detectionKernels,
    ...signalKernels,
  );
}
