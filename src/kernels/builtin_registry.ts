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

/** Returns a registry holding every built-in kernel. */
export function createBuiltinRegistry(): KernelRegistry {
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
