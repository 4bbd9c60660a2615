/** WebAssembly SIMD kernels (see select.ts for where each runs) and the module they live in. */
export { wasmKernels } from './select.js';
export {
  MAX_MEMORY_PAGES,
  THREAD_CONTROL_ADDRESS,
  WASM_RESERVED_BYTES,
  instanceFor,
  isSharedMemory,
  kernelModule,
  wasmKernelsSupported,
} from './module.js';
