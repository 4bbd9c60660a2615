/**
 * The WebAssembly kernel module: compiled once per process (synchronously, from the base64 the
 * build embeds), instantiated once per interpreter memory. The module imports its memory, so its
 * kernels read and write the interpreter's arena in place: a tensor's `bytes.byteOffset` is its
 * address. Memory below WASM_RESERVED_BYTES belongs to the module (static data) and to the thread
 * pool's control block; interpreters pass it as the executor's `memoryBase`.
 */
import { inflateSync } from 'fflate';
import { TfliteError } from '../../errors.js';
import { applyDelta } from './delta.js';
import {
  KERNELS_RELAXED_DELTA_DEFLATED_BASE64,
  KERNELS_WASM_DEFLATED_BASE64,
} from './generated/kernels_wasm.js';

/** Bytes at the start of an interpreter's memory reserved for the kernel module and thread pool. */
export const WASM_RESERVED_BYTES = 4096;

/** Address of the thread pool's control block (64 bytes, inside the reserved region). */
export const THREAD_CONTROL_ADDRESS = 64;

/** Maximum pages every interpreter memory declares (the module's import declares the same). */
export const MAX_MEMORY_PAGES = 65536;

/** What the module exports. */
export interface KernelExports {
  run_job(job: number, params: number, chunk: number, chunks: number): void;
  /**
   * Peak probes (bench only): `iterations` x 32 f32 MACs / 64 int16 MACs. peak_f32 runs the GEMM
   * tile on data at 4096..20608 of the memory, which it overwrites (give it a memory of its own).
   */
  peak_f32(iterations: number): number;
  peak_q8(iterations: number): number;
  readonly JOB_F32_GEMM: WebAssembly.Global;
  readonly JOB_F32_CONV: WebAssembly.Global;
  readonly JOB_F32_DWCONV: WebAssembly.Global;
  readonly JOB_Q8_GEMM: WebAssembly.Global;
  readonly JOB_Q8_CONV: WebAssembly.Global;
  readonly JOB_Q8_DWCONV: WebAssembly.Global;
  readonly JOB_BINARY: WebAssembly.Global;
  readonly JOB_LUT8: WebAssembly.Global;
  readonly JOB_TO_F32: WebAssembly.Global;
  readonly JOB_FROM_F32: WebAssembly.Global;
  readonly JOB_RESIZE_BILINEAR: WebAssembly.Global;
  readonly JOB_GLOBAL_POOL: WebAssembly.Global;
  readonly JOB_HYBRID_QUANTIZE: WebAssembly.Global;
}

/** Job numbers of the module, read from its exports. */
export interface JobIds {
  f32Gemm: number;
  f32Conv: number;
  f32Dwconv: number;
  q8Gemm: number;
  q8Conv: number;
  q8Dwconv: number;
  binary: number;
  lut8: number;
  toF32: number;
  fromF32: number;
  resizeBilinear: number;
  globalPool: number;
  hybridQuantize: number;
}

let inflated: Uint8Array | undefined;

/** The raw-deflate decoder of Node's zlib (native), or undefined outside Node. */
function nodeInflateRaw(): ((data: Uint8Array) => Uint8Array) | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  const zlib = proc?.getBuiltinModule?.('node:zlib') as
    { inflateRawSync(data: Uint8Array): Uint8Array } | undefined;
  return zlib ? (data) => zlib.inflateRawSync(data) : undefined;
}

/** Inflates one of the build's base64 modules. */
function inflateBase64(b64: string): Uint8Array {
  const bin = atob(b64);
  const packed = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) packed[i] = bin.charCodeAt(i);
  // fflate's deflateSync writes raw DEFLATE. In Node, zlib inflates it natively: fflate's
  // inflate ran cold (interpreted) code for ~6 ms of a process's cold start.
  return (nodeInflateRaw() ?? inflateSync)(packed);
}

/**
 * A module of one function (v128, v128, v128) -> v128 returning f32x4.relaxed_madd of its
 * parameters: it validates exactly where the engine has relaxed SIMD.
 */
// prettier-ignore
const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, // header
  1, 8, 1, 0x60, 3, 0x7b, 0x7b, 0x7b, 1, 0x7b, // type section: (v128 v128 v128) -> v128
  3, 2, 1, 0, // function section
  0x0a, 0x0d, 1, 0x0b, 0, 0x20, 0, 0x20, 1, 0x20, 2, 0xfd, 0x85, 0x02, 0x0b, // local.get 0..2, f32x4.relaxed_madd
]);

/** Which build of the module runs: with relaxed SIMD (assembly/fma.ts) or plain SIMD. */
export type KernelVariant = 'relaxed-simd' | 'simd';
let variant: KernelVariant = 'simd';

/**
 * Returns the module bytes (a fresh copy; the build stores them deflated, see build.mjs). The one
 * place that picks the build: the relaxed-SIMD one where the engine validates it (Chromium; Node
 * 20 only with --experimental-wasm-relaxed-simd), else the plain-SIMD one.
 */
export function kernelModuleBytes(): Uint8Array<ArrayBuffer> {
  if (!inflated) {
    const plain = inflateBase64(KERNELS_WASM_DEFLATED_BASE64);
    // A 37-byte module first, so engines without relaxed SIMD never decode its build.
    let relaxed: Uint8Array | undefined;
    try {
      if (typeof WebAssembly === 'object' && WebAssembly.validate(RELAXED_SIMD_PROBE)) {
        relaxed = applyDelta(plain, inflateBase64(KERNELS_RELAXED_DELTA_DEFLATED_BASE64));
        const unshared = new Uint8Array(relaxed);
        sharedToUnshared(unshared);
        if (!WebAssembly.validate(unshared)) relaxed = undefined;
      }
    } catch {
      relaxed = undefined;
    }
    inflated = relaxed ?? plain;
    variant = relaxed ? 'relaxed-simd' : 'simd';
  }
  return new Uint8Array(inflated);
}

/** Returns which build of the module this process runs (chosen on first use). */
export function kernelVariant(): KernelVariant {
  kernelModuleBytes();
  return variant;
}

/**
 * Rewrites the memory import of the module from shared to unshared, in place: the import's
 * limits flag byte 0x03 (maximum + shared) becomes 0x01 (maximum), same length. Throws if the
 * import is not where the build put it.
 */
function sharedToUnshared(bytes: Uint8Array): void {
  // "env" "memory" memory-import: 03 'e' 'n' 'v' 06 'm' 'e' 'm' 'o' 'r' 'y' 02 <flags>
  const pattern = [3, 101, 110, 118, 6, 109, 101, 109, 111, 114, 121, 2, 3];
  outer: for (let i = 8; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    bytes[i + pattern.length - 1] = 1;
    return;
  }
  throw new TfliteError(
    'WASM',
    'kernel module: shared memory import not found; rebuild it with `npm run build:wasm`',
  );
}

const modules: { shared?: WebAssembly.Module; unshared?: WebAssembly.Module } = {};

/** True when the engine validates the module (WebAssembly SIMD support); cached. */
let supported: boolean | undefined;

/** Returns whether this engine can run the kernel module (WebAssembly with SIMD). */
export function wasmKernelsSupported(): boolean {
  if (supported === undefined) {
    try {
      supported = typeof WebAssembly === 'object' && WebAssembly.validate(unsharedBytes());
    } catch {
      supported = false;
    }
  }
  return supported;
}

function unsharedBytes(): Uint8Array<ArrayBuffer> {
  const b = kernelModuleBytes();
  sharedToUnshared(b);
  return b;
}

/** Returns the compiled module for a shared or unshared memory (compiled on first use). */
export function kernelModule(shared: boolean): WebAssembly.Module {
  if (shared) return (modules.shared ??= new WebAssembly.Module(kernelModuleBytes() as BufferSource));
  return (modules.unshared ??= new WebAssembly.Module(unsharedBytes() as BufferSource));
}

/** True when `memory` is backed by a SharedArrayBuffer. */
export function isSharedMemory(memory: WebAssembly.Memory): boolean {
  return typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
}

/** Imports of the module for a memory. */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort: () => {
        throw new TfliteError(
          'WASM',
          'kernel module aborted (a kernel read its parameters wrong: report it)',
        );
      },
    },
  };
}

/** The module instantiated over one interpreter memory. */
export interface KernelInstance {
  readonly exports: KernelExports;
  readonly jobs: JobIds;
}

const instances = new WeakMap<WebAssembly.Memory, KernelInstance>();

/** Returns the module's instance over `memory` (created on first use). Throws when unsupported. */
export function instanceFor(memory: WebAssembly.Memory): KernelInstance {
  let inst = instances.get(memory);
  if (!inst) {
    const wasm = new WebAssembly.Instance(kernelModule(isSharedMemory(memory)), kernelImports(memory));
    const exports = wasm.exports as unknown as KernelExports;
    inst = {
      exports,
      jobs: {
        f32Gemm: exports.JOB_F32_GEMM.value as number,
        f32Conv: exports.JOB_F32_CONV.value as number,
        f32Dwconv: exports.JOB_F32_DWCONV.value as number,
        q8Gemm: exports.JOB_Q8_GEMM.value as number,
        q8Conv: exports.JOB_Q8_CONV.value as number,
        q8Dwconv: exports.JOB_Q8_DWCONV.value as number,
        binary: exports.JOB_BINARY.value as number,
        lut8: exports.JOB_LUT8.value as number,
        toF32: exports.JOB_TO_F32.value as number,
        fromF32: exports.JOB_FROM_F32.value as number,
        resizeBilinear: exports.JOB_RESIZE_BILINEAR.value as number,
        globalPool: exports.JOB_GLOBAL_POOL.value as number,
        hybridQuantize: exports.JOB_HYBRID_QUANTIZE.value as number,
      },
    };
    instances.set(memory, inst);
  }
  return inst;
}
