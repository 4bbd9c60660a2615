// The runtime a browser app downloads: the Interpreter with every built-in kernel (reference
// TypeScript kernels and the WebAssembly SIMD module, embedded). `npm run bench` bundles and
// minifies this entry with esbuild to report the bytes (raw and gzip).
export { Interpreter } from '../../dist/runtime/interpreter.js';
