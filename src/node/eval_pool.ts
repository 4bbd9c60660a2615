/**
 * Evaluates image files on all cores: a pool of worker_threads, each with its own interpreters
 * (an ImageEvaluator over the same models), fed one image path per message. Each worker keeps
 * two jobs queued so it never idles waiting for the next message. With `threads: 1` the images
 * are evaluated in this thread instead, with the same code (evaluate_file.ts).
 *
 * Results come back in the order of the paths whatever order workers finish in, so the outcome
 * does not depend on the number of threads (only the measured times do).
 */
import { Worker } from 'node:worker_threads';
import { TfliteError } from '../errors.js';
import { ImageEvaluator, type ImageEvaluatorOptions } from '../eval/image_evaluator.js';
import type { InitMessage, JobMessage, ResultMessage, WorkerMessage } from './eval_protocol.js';
import { evaluateFile } from './evaluate_file.js';
import { workerScriptUrl } from './worker_script.js';

/** What happened to one file. */
export type FileOutcome = Pick<ResultMessage, 'decodeMs' | 'outcomes' | 'error'>;

/** Options of evaluateFiles. */
export interface EvaluateFilesOptions {
  /** Model bytes; every image goes through every model. */
  models: readonly Uint8Array[];
  /** How to classify (top-k, crop, labels...). */
  evaluator?: ImageEvaluatorOptions;
  /** Worker threads (default 1: this thread). */
  threads?: number;
  /** Called after each image with the count done so far. */
  onProgress?: (done: number, total: number, path: string) => void;
}

/** Jobs queued per worker beyond the one it is running. */
const QUEUE_DEPTH = 2;

/**
 * Returns the outcome of every path, in path order. Per-image failures (undecodable files) are
 * outcomes with `error`; throws what ImageClassifier.create throws when a model cannot be loaded,
 * and Error when a worker dies.
 */
export async function evaluateFiles(
  paths: readonly string[],
  options: EvaluateFilesOptions,
): Promise<FileOutcome[]> {
  const threads = Math.max(1, Math.min(options.threads ?? 1, paths.length));
  const out: FileOutcome[] = new Array(paths.length);
  if (threads === 1) {
    const evaluator = await ImageEvaluator.create(options.models, options.evaluator);
    try {
      for (const [i, path] of paths.entries()) {
        out[i] = await evaluateFile(evaluator, path);
        options.onProgress?.(i + 1, paths.length, path);
      }
    } finally {
      evaluator.dispose();
    }
    return out;
  }

  const url = await workerScriptUrl('eval_worker', import.meta.url);
  const workers: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let next = 0;
      let done = 0;
      const inFlight = new Map<Worker, number>();
      const feed = (w: Worker) => {
        while ((inFlight.get(w) ?? 0) < QUEUE_DEPTH && next < paths.length) {
          const id = next++;
          inFlight.set(w, (inFlight.get(w) ?? 0) + 1);
          w.postMessage({ type: 'job', id, path: paths[id]! } satisfies JobMessage);
        }
      };
      const init: InitMessage = {
        type: 'init',
        models: [...options.models],
        options: options.evaluator ?? {},
      };
      for (let k = 0; k < threads; k++) {
        const w = new Worker(url);
        workers.push(w);
        w.on('message', (msg: WorkerMessage) => {
          if (msg.type === 'failed') {
            reject(new TfliteError(msg.error.code, msg.error.message));
          } else if (msg.type === 'ready') {
            feed(w);
          } else {
            out[msg.id] = { decodeMs: msg.decodeMs, outcomes: msg.outcomes, error: msg.error };
            inFlight.set(w, inFlight.get(w)! - 1);
            done++;
            options.onProgress?.(done, paths.length, paths[msg.id]!);
            if (done === paths.length) resolve();
            else feed(w);
          }
        });
        w.on('error', (err) => reject(new Error(`evaluation worker failed: ${err.message}`, { cause: err })));
        w.on('exit', (code) => {
          if (done < paths.length)
            reject(new Error(`evaluation worker exited (code ${code}) before the end`));
        });
        w.postMessage(init);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return out;
}
