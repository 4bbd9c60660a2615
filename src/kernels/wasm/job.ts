/**
 * A node's job in the kernel module: its persistent memory (parameter block first, then packed
 * operands), the job number, and how it is run (one call, or split across the thread pool).
 */
import { TfliteError } from '../../errors.js';
import type { EvalContext, InitContext, WasmEnv } from '../kernel.js';
import type { KernelInstance } from './module.js';

/** Rounds up to a multiple of 64 (the arena alignment). */
export function align64(n: number): number {
  return (n + 63) & ~63;
}

/**
 * Rows per block of a GEMM operand built in scratch (float im2col rows; quantized: int16 rows of
 * k8 values, im2col or the input's own rows widened): about 16 KiB, a multiple of the 4-row
 * tile, so the block stays in cache while every column block passes over it.
 */
export function blockRows(rowBytes: number, rows: number): number {
  const b = Math.max(4, Math.floor(16384 / rowBytes) & ~3);
  return Math.min(b, (rows + 3) & ~3);
}

/**
 * Parts a job is split into: one on a single thread; 4 per thread otherwise, taken dynamically
 * from a shared counter, so a thread that the OS deschedules holds up at most one small part
 * (on a busy 2-core machine an even split made 2 threads slower than 1 in Chromium). `work` is
 * the job's multiply-adds (or elements).
 */
export function chunksFor(env: WasmEnv, work: number): number {
  // Below ~50k multiply-adds (a few microseconds) waking the pool costs more than it saves.
  return env.threads > 1 && work >= 50_000 ? env.threads * 4 : 1;
}

/** A job bound to one node. */
export interface NodeJob {
  readonly env: WasmEnv;
  readonly inst: KernelInstance;
  readonly job: number;
  /** Persistent handle of [params | operands...]. */
  readonly persistent: number;
  /** Address of the parameter block (set at init). */
  params: number;
  /** Scratch handle (-1 if none) and the address last written into the parameter block. */
  readonly scratch: number;
  readonly scratchWord: number;
  /** More words that take the scratch address plus a byte offset (hybrid: regions of one scratch). */
  readonly scratchOffsets?: readonly (readonly [word: number, offset: number])[];
  scratchAddress: number;
  /** Parts the job is split into (the number of threads). */
  readonly chunks: number;
}

/** Returns the persistent region of a job as byte view plus its word views. */
export function jobMemory(
  job: NodeJob,
  ctx: InitContext,
): { bytes: Uint8Array; i32: Int32Array; f32: Float32Array } {
  const bytes = ctx.persistent(job.persistent);
  if (bytes.buffer !== job.env.memory.buffer) {
    throw new TfliteError(
      'WASM',
      'persistent memory of a wasm kernel is not in the interpreter memory; this is a bug of tflite-ts (report it)',
    );
  }
  job.params = bytes.byteOffset;
  return {
    bytes,
    i32: new Int32Array(bytes.buffer, bytes.byteOffset, 32),
    f32: new Float32Array(bytes.buffer, bytes.byteOffset, 32),
  };
}

/** Runs the job (all chunks), first pointing its parameter block at this invoke's scratch. */
export function runJob(job: NodeJob, ctx: EvalContext): void {
  if (job.scratch >= 0) {
    const addr = ctx.scratch(job.scratch).byteOffset;
    if (addr !== job.scratchAddress) {
      const words = new Int32Array(job.env.memory.buffer, job.params, 32);
      if (job.scratchWord >= 0) words[job.scratchWord] = addr;
      for (const [w, o] of job.scratchOffsets ?? []) words[w] = addr + o;
      job.scratchAddress = addr;
    }
  }
  if (job.chunks <= 1) job.inst.exports.run_job(job.job, job.params, 0, 1);
  else job.env.parallel(job.job, job.params, job.chunks);
}
