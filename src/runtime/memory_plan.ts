/**
 * Plans a model's memory without running it: prepares every op (shape propagation), runs the
 * arena planner and reports the arena size beside its lower bound. This is also the answer to
 * "how big must my TFLite Micro tensor arena be" (plus TFLM's own per-op overheads).
 */
import { TfliteError } from '../errors.js';
import type { Model } from '../ir/model.js';
import { Interpreter } from './interpreter.js';

/** Memory figures of a planned model, or the reason it cannot be planned. */
export interface MemoryPlanReport {
  arenaBytes: number;
  lowerBoundBytes: number;
  rawLowerBoundBytes: number;
  persistentBytes: number;
  foldedBytes: number;
  error?: string;
}

/** Returns the main subgraph's memory plan; typed errors (unsupported op...) become `error`. */
export function planMemory(model: Model): MemoryPlanReport {
  try {
    const it = new Interpreter(model);
    it.allocateTensors();
    return { ...it.memoryStats() };
  } catch (e) {
    if (!(e instanceof TfliteError)) throw e;
    return {
      arenaBytes: 0,
      lowerBoundBytes: 0,
      rawLowerBoundBytes: 0,
      persistentBytes: 0,
      foldedBytes: 0,
      error: e.message,
    };
  }
}
