/**
 * Entry of an evaluation worker (worker_threads): builds its own ImageEvaluator (own
 * interpreters) from the init message, then answers one job message per image.
 */
import { parentPort } from 'node:worker_threads';
import { ImageEvaluator } from '../eval/image_evaluator.js';
import type { JobMessage, InitMessage, ResultMessage, StatusMessage } from './eval_protocol.js';
import { errorInfo, evaluateFile } from './evaluate_file.js';

const port = parentPort;
if (!port) throw new Error('eval_worker runs as a worker thread');

let evaluator: ImageEvaluator | undefined;
// Jobs are answered in arrival order: a job waits for the previous one (the interpreters are
// not re-entrant, and decoding overlaps with nothing else in this thread anyway).
let queue: Promise<void> = Promise.resolve();

port.on('message', (msg: InitMessage | JobMessage) => {
  if (msg.type === 'init') {
    ImageEvaluator.create(msg.models, msg.options).then(
      (e) => {
        evaluator = e;
        port.postMessage({ type: 'ready' } satisfies StatusMessage);
      },
      (err: unknown) => port.postMessage({ type: 'failed', error: errorInfo(err) } satisfies StatusMessage),
    );
    return;
  }
  queue = queue.then(async () => {
    const r = await evaluateFile(evaluator!, msg.path);
    port.postMessage({ type: 'result', id: msg.id, ...r } satisfies ResultMessage);
  });
});
