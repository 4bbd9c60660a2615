/**
 * The thread pool of an interpreter: N-1 workers (worker_threads in Node, Web Workers in
 * cross-origin-isolated pages) that share the interpreter's WebAssembly.Memory and each hold an
 * instance of the kernel module over it. Workers start once, with the interpreter; a job costs
 * no message, only atomics on a control block in the reserved start of the memory.
 *
 * Dispatch (all words Int32, at THREAD_CONTROL_ADDRESS):
 *   SEQ    bumped (and notified) once per job: sleeping workers wait on it
 *   CLAIM  (generation << 16) | next chunk: a thread takes chunk c by compare-exchanging
 *          CLAIM from (gen, c) to (gen, c + 1); a thread still holding an older generation fails
 *          the exchange, so it can never run a chunk of a job with another job's arguments
 *   JOB, PARAMS, CHUNKS   the job; written before CLAIM publishes the new generation
 *   DONE   chunks finished; the caller returns when DONE == CHUNKS
 * The calling thread takes chunks too, so a job completes even before any worker has started
 * (workers boot asynchronously) or while one is descheduled on a busy machine. Workers spin for
 * SPIN_MS after a job (the next op usually follows within microseconds), then sleep in
 * Atomics.wait.
 */
import { TfliteError } from '../errors.js';
import { THREAD_CONTROL_ADDRESS, instanceFor } from '../kernels/wasm/index.js';

const SEQ = 0;
const CLAIM = 1;
const JOB = 2;
const PARAMS = 3;
const CHUNKS = 4;
const DONE = 5;
const STOP = 6;
const ERROR = 7;

/**
 * How long an idle worker spins before it sleeps (ms). Waking a sleeping worker costs tens to
 * hundreds of microseconds on a busy machine, longer than many ops: with a 64k-iteration spin
 * the worker ran only ~16% of the chunks of mobilenet_v1_0.25 quant (2 threads no faster than 1);
 * spinning through the short gaps between ops lets it take its share.
 */
const SPIN_MS = 1;

/**
 * While spinning, an idle worker (and a caller that can block: Node's main thread, any worker)
 * waits this long (ms) at a time instead of busy-looping: when two of our threads share a core
 * on a busy machine, a busy loop keeps the other from running until the time slice ends (2
 * threads were 1.2-3x slower than 1 in half of the processes); a timed wait still returns at
 * the notify.
 */
const YIELD_MS = 0.02;

/** Longest wait for workers to start in `ready`. */
const READY_TIMEOUT_MS = 5000;

/** Worker body, shared by Node (eval'd) and browsers (blob URL): instantiate, then serve jobs. */
const WORKER_SOURCE = `
const start = (d) => {
  const inst = new WebAssembly.Instance(d.module, { env: { memory: d.memory, abort() { throw new Error('kernel module aborted'); } } });
  const run = inst.exports.run_job;
  const ctl = new Int32Array(d.memory.buffer, d.control, 16);
  post('ready');
  let seen = -1;
  for (;;) {
    let spins = 0;
    let since = 0;
    while (Atomics.load(ctl, ${SEQ}) === seen) {
      if ((++spins & 255) !== 0) continue;
      const now = performance.now();
      if (since === 0) since = now;
      // Short timed waits give the core back (the caller may share it) yet wake at the notify.
      if (now - since < ${SPIN_MS}) Atomics.wait(ctl, ${SEQ}, seen, ${YIELD_MS});
      else Atomics.wait(ctl, ${SEQ}, seen);
    }
    seen = Atomics.load(ctl, ${SEQ});
    if (Atomics.load(ctl, ${STOP})) return;
    for (;;) {
      const w = Atomics.load(ctl, ${CLAIM});
      const job = Atomics.load(ctl, ${JOB});
      const params = Atomics.load(ctl, ${PARAMS});
      const chunks = Atomics.load(ctl, ${CHUNKS});
      const c = w & 0xffff;
      if (c >= chunks) break;
      if (Atomics.compareExchange(ctl, ${CLAIM}, w, w + 1) !== w) continue;
      try { run(job, params, c, chunks); } catch (e) { Atomics.store(ctl, ${ERROR}, 1); }
      Atomics.add(ctl, ${DONE}, 1);
      Atomics.notify(ctl, ${DONE});
    }
  }
};
let post;
// Node: getBuiltinModule, not require: an eval'd worker is an ES module when the process runs
// with --input-type=module (workers inherit execArgv), and ES modules have no require.
const nodeThreads = typeof process === 'object' && typeof process.getBuiltinModule === 'function'
  ? process.getBuiltinModule('node:worker_threads') : undefined;
if (nodeThreads) {
  const port = nodeThreads.parentPort;
  post = (m) => port.postMessage(m);
  port.once('message', start);
} else {
  post = (m) => self.postMessage(m);
  self.onmessage = (e) => start(e.data);
}
`;

interface WorkerHandle {
  postMessage(message: unknown): void;
  terminate(): unknown;
}

interface NodeWorker extends WorkerHandle {
  unref(): void;
  once(event: 'message', listener: () => void): void;
}

interface BrowserWorker extends WorkerHandle {
  onmessage: (() => void) | null;
}

interface NodeWorkerModule {
  Worker: new (code: string, options: { eval: boolean }) => NodeWorker;
}

/**
 * Starts one worker running WORKER_SOURCE and calls `onReady` once it serves jobs; returns null
 * where workers are unavailable.
 */
function startWorker(onReady: () => void): WorkerHandle | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule === 'function') {
    const wt = proc.getBuiltinModule('node:worker_threads') as NodeWorkerModule | undefined;
    if (!wt) return null;
    const w = new wt.Worker(WORKER_SOURCE, { eval: true });
    w.once('message', onReady);
    // A sleeping pool must not keep the process alive.
    w.unref();
    return w;
  }
  const g = globalThis as { Worker?: new (url: string) => BrowserWorker; crossOriginIsolated?: boolean };
  if (typeof g.Worker === 'function' && g.crossOriginIsolated) {
    const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
    const w = new g.Worker(url);
    w.onmessage = () => {
      w.onmessage = null;
      onReady();
    };
    return w;
  }
  return null;
}

/** True when Atomics.wait may block on this thread (it throws on a browser's main thread). */
function canBlock(ctl: Int32Array): boolean {
  try {
    Atomics.wait(ctl, STOP, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/** Returns true when this environment can run a pool (SharedArrayBuffer and workers). */
export function threadsAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  const proc = (globalThis as { process?: { getBuiltinModule?: unknown } }).process;
  if (typeof proc?.getBuiltinModule === 'function') return true;
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean };
  return typeof g.Worker === 'function' && g.crossOriginIsolated === true;
}

/** A pool of `threads - 1` workers plus the calling thread over one shared memory. */
export class ThreadPool {
  readonly threads: number;
  private readonly memory: WebAssembly.Memory;
  private readonly ctl: Int32Array;
  private readonly workers: WorkerHandle[] = [];
  private generation = 0;
  /** True where this thread may block in Atomics.wait (not a browser's main thread). */
  private readonly canWait: boolean;
  /** Jobs run and chunks the calling thread ran itself (the rest ran on workers). */
  readonly stats = { jobs: 0, chunks: 0, callerChunks: 0 };
  /**
   * Resolves when every worker serves jobs (at most `READY_TIMEOUT_MS` later: jobs never wait
   * for workers, a late worker joins when it starts). Browsers start workers only while the page
   * yields to its event loop, so await this before a long synchronous run.
   */
  readonly ready: Promise<void>;

  /** Starts the workers. Throws when the memory is not shared. */
  constructor(memory: WebAssembly.Memory, module: WebAssembly.Module, threads: number) {
    if (!(memory.buffer instanceof SharedArrayBuffer)) {
      throw new TfliteError(
        'WASM',
        'a thread pool needs a shared WebAssembly.Memory (threads > 1 with SharedArrayBuffer)',
      );
    }
    this.memory = memory;
    this.threads = threads;
    // Shared buffers never detach on grow, so this view stays valid.
    this.ctl = new Int32Array(memory.buffer, THREAD_CONTROL_ADDRESS, 16);
    this.ctl.fill(0);
    this.canWait = canBlock(this.ctl);
    let pending = threads - 1;
    let resolveReady = () => {};
    this.ready = new Promise<void>((r) => {
      // Cleared once the workers serve jobs: a pending timer would keep Node alive for 5 s.
      const timer = setTimeout(r, READY_TIMEOUT_MS);
      resolveReady = () => {
        clearTimeout(timer);
        r();
      };
    });
    const onReady = () => {
      if (--pending === 0) resolveReady();
    };
    for (let t = 1; t < threads; t++) {
      const w = startWorker(onReady);
      if (!w) {
        resolveReady();
        break;
      }
      w.postMessage({ module, memory, control: THREAD_CONTROL_ADDRESS });
      this.workers.push(w);
    }
  }

  /** Runs chunks [0, chunks) of `job` on the workers and this thread; returns when all are done. */
  run(job: number, params: number, chunks: number): void {
    const ctl = this.ctl;
    const run = instanceFor(this.memory).exports.run_job;
    this.generation = (this.generation + 1) & 0x7fff;
    const gen = this.generation << 16;
    Atomics.store(ctl, JOB, job);
    Atomics.store(ctl, PARAMS, params);
    Atomics.store(ctl, CHUNKS, chunks);
    Atomics.store(ctl, DONE, 0);
    Atomics.store(ctl, ERROR, 0);
    Atomics.store(ctl, CLAIM, gen);
    Atomics.add(ctl, SEQ, 1);
    if (this.workers.length > 0) Atomics.notify(ctl, SEQ);
    for (;;) {
      const w = Atomics.load(ctl, CLAIM);
      const c = w & 0xffff;
      if ((w & ~0xffff) !== gen || c >= chunks) break;
      if (Atomics.compareExchange(ctl, CLAIM, w, w + 1) !== w) continue;
      run(job, params, c, chunks);
      this.stats.callerChunks++;
      Atomics.add(ctl, DONE, 1);
    }
    this.stats.jobs++;
    this.stats.chunks += chunks;
    for (let done = Atomics.load(ctl, DONE); done < chunks; done = Atomics.load(ctl, DONE)) {
      // Another thread holds a chunk; it finishes within the time of one chunk.
      if (this.canWait) Atomics.wait(ctl, DONE, done, YIELD_MS);
    }
    if (Atomics.load(ctl, ERROR)) {
      throw new TfliteError(
        'WASM',
        `kernel job ${job} failed on a worker thread; run with threads: 1 to see the error`,
      );
    }
  }

  /** Stops the workers. */
  dispose(): void {
    Atomics.store(this.ctl, STOP, 1);
    Atomics.add(this.ctl, SEQ, 1);
    Atomics.notify(this.ctl, SEQ);
    for (const w of this.workers) w.terminate();
    this.workers.length = 0;
  }
}
