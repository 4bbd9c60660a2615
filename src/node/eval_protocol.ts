/**
 * Messages between the evaluation worker pool (eval_pool.ts) and its workers (eval_worker.ts).
 * Everything is structured-clone data.
 */
import type { ImageEvaluatorOptions, ModelImageOutcome } from '../eval/image_evaluator.js';

/** Sent once to a new worker: the models and how to classify. */
export interface InitMessage {
  type: 'init';
  models: Uint8Array[];
  options: ImageEvaluatorOptions;
}

/** One image to evaluate. */
export interface JobMessage {
  type: 'job';
  id: number;
  path: string;
}

/** A worker's answer to a job. */
export interface ResultMessage {
  type: 'result';
  id: number;
  decodeMs: number;
  outcomes?: ModelImageOutcome[];
  error?: { code: string; message: string };
}

/** A worker is ready (after init) or could not start. */
export type StatusMessage = { type: 'ready' } | { type: 'failed'; error: { code: string; message: string } };

/** Anything a worker sends. */
export type WorkerMessage = ResultMessage | StatusMessage;
