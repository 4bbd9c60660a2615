/**
 * The WebAssembly side of an interpreter: its memory (shared when it runs threads) and its
 * thread pool, offered to kernels as `WasmEnv` (src/kernels/kernel.ts). With `threads > 1` and
 * SharedArrayBuffer available the memory is shared and workers start here, once; otherwise the
 * memory is unshared and every job runs on the calling thread.
 */
import type { WasmEnv } from '../kernels/kernel.js';
import { MAX_MEMORY_PAGES, instanceFor, kernelModule } from '../kernels/wasm/index.js';
import { ThreadPool, threadsAvailable } from './thread_pool.js';

/** Maximum pages of a shared memory (1 GiB: address space is reserved up front for it). */
const SHARED_MAX_PAGES = 16384;

/** The memory and threads of one interpreter. */
export class WasmRuntime implements WasmEnv {
  readonly memory: WebAssembly.Memory;
  readonly threads: number;
  private readonly pool: ThreadPool | null;

  /** Creates the memory and, for threads > 1 where possible, the pool. Never throws for missing threads. */
  constructor(threads: number) {
    const shared = threads > 1 && threadsAvailable();
    this.memory = new WebAssembly.Memory({
      initial: 1,
      maximum: shared ? SHARED_MAX_PAGES : MAX_MEMORY_PAGES,
      shared,
    });
    this.pool = shared ? new ThreadPool(this.memory, kernelModule(true), threads) : null;
    this.threads = this.pool ? threads : 1;
  }

  /** Resolves when the pool's workers serve jobs (at once without a pool). */
  get ready(): Promise<void> {
    return this.pool ? this.pool.ready : Promise.resolve();
  }

  /** Runs a kernel-module job over `chunks` parts (on the pool when there is one). */
  parallel(job: number, params: number, chunks: number): void {
    if (this.pool) {
      this.pool.run(job, params, chunks);
      return;
    }
    const run = instanceFor(this.memory).exports.run_job;
    for (let c = 0; c < chunks; c++) run(job, params, c, chunks);
  }

  /** Stops the workers (the memory stays usable on one thread). */
  dispose(): void {
    this.pool?.dispose();
  }
}
