/**
 * The page's handle on the classifier worker: each call posts one request and resolves with its
 * reply (rejecting with a WorkerFailure carrying the worker's error name and message).
 */
import type { Rect } from '../../src/vision/rgba_image.js';
import type { ClassifyReply, ModelInfo, WorkerError, WorkerReply, WorkerRequest } from './worker_protocol.js';

/** An error the worker reported (name is the tflite-ts error class, e.g. ModelFormatError). */
export class WorkerFailure extends Error {
  readonly code: string | undefined;
  readonly op: string | undefined;
  constructor(e: WorkerError) {
    super(e.message);
    this.name = e.name;
    this.code = e.code;
    this.op = e.op;
  }
}

/** Distributes the Omit over the request union (a plain Omit would merge its members). */
type RequestBody<R> = R extends WorkerRequest ? Omit<R, 'id'> : never;

/** Talks to app/src/classifier_worker.ts. */
export class ClassifierClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, (reply: WorkerReply) => void>();

  constructor() {
    this.worker = new Worker(new URL('./classifier_worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<WorkerReply>) => {
      const done = this.pending.get(e.data.id);
      this.pending.delete(e.data.id);
      done?.(e.data);
    };
    this.worker.onerror = (e) => {
      // A worker that fails to start (or throws outside a request) fails every pending call.
      const failure: WorkerReply = {
        id: 0,
        ok: false,
        error: { name: 'Error', code: undefined, message: `the classifier worker failed: ${e.message}` },
      };
      for (const done of this.pending.values()) done(failure);
      this.pending.clear();
    };
  }

  private call(body: RequestBody<WorkerRequest>, transfer: Transferable[] = []): Promise<WorkerReply> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, (reply) => (reply.ok ? resolve(reply) : reject(new WorkerFailure(reply.error))));
      this.worker.postMessage({ ...body, id } as WorkerRequest, transfer);
    });
  }

  /** Loads a model (the bytes are moved to the worker); resolves with what to show about it. */
  async load(bytes: Uint8Array, fileName: string, labels?: string[]): Promise<ModelInfo> {
    const copy = bytes.slice().buffer;
    const reply = await this.call({ type: 'load', bytes: copy, fileName, ...(labels ? { labels } : {}) }, [
      copy,
    ]);
    if (reply.ok && (reply.type === 'load' || reply.type === 'setLabels')) return reply.info;
    throw new Error('unexpected reply to load');
  }

  /** Applies a labels file (one label per line) to the loaded model. */
  async setLabels(labels: string[], fileName: string): Promise<ModelInfo> {
    const reply = await this.call({ type: 'setLabels', labels, fileName });
    if (reply.ok && (reply.type === 'load' || reply.type === 'setLabels')) return reply.info;
    throw new Error('unexpected reply to setLabels');
  }

  /** Decodes (a file) or reads (a camera frame) the photo in the worker; resolves with its size. */
  async setImage(image: Blob | ImageBitmap, name: string): Promise<{ width: number; height: number }> {
    const reply = await this.call({ type: 'setImage', image, name }, image instanceof Blob ? [] : [image]);
    if (reply.ok && reply.type === 'setImage') return { width: reply.width, height: reply.height };
    throw new Error('unexpected reply to setImage');
  }

  /** Classifies the `crop` region of the current photo. */
  async classify(crop: Rect): Promise<ClassifyReply> {
    const reply = await this.call({ type: 'classify', crop: { ...crop } });
    if (reply.ok && reply.type === 'classify') return reply.result;
    throw new Error('unexpected reply to classify');
  }
}
