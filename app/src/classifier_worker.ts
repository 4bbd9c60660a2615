/**
 * The classifier Web Worker: holds the model (a tflite-ts ImageClassifier) and the current photo,
 * so parsing, decoding and inference never block the page. Requests are handled one at a time in
 * arrival order (see worker_protocol.ts).
 *
 * Photos from files are decoded here with tflite-ts/browser's decodeImageBlob, the decoder the
 * Node/Chromium parity test checks, so the app classifies the same pixels as the CLI.
 */
import { decodeImageBlob, pixelsOf } from '../../src/browser/decode_image.js';
import { InputError, TfliteError, UnsupportedOpError } from '../../src/errors.js';
import { loadModel } from '../../src/format/load_model.js';
import { getModelMetadata } from '../../src/format/model_metadata.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { ImageClassifier } from '../../src/vision/image_classifier.js';
import type { RgbaImage } from '../../src/vision/rgba_image.js';
import { precisionOf } from './model_precision.js';
import type { ModelInfo, WorkerError, WorkerReply, WorkerRequest } from './worker_protocol.js';

/** The slice of DedicatedWorkerGlobalScope this file uses (the DOM lib types `self` as a Window). */
interface WorkerScope {
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
  postMessage(message: WorkerReply): void;
  crossOriginIsolated?: boolean;
  navigator: { hardwareConcurrency?: number };
}
const scope = self as unknown as WorkerScope;

/** Threads for inference: the cores there are (up to 4) where SharedArrayBuffer is allowed, else 1. */
function threadCount(): number {
  if (!scope.crossOriginIsolated) return 1;
  return Math.max(1, Math.min(4, scope.navigator.hardwareConcurrency ?? 1));
}

let current: { bytes: Uint8Array; fileName: string; classifier: ImageClassifier } | undefined;
let photo: RgbaImage | undefined;

/** Builds a classifier for `bytes`; the previous one is kept until this one succeeds. */
async function load(bytes: Uint8Array, fileName: string, labels: string[] | undefined): Promise<ModelInfo> {
  const model = loadModel(bytes);
  const interpreter = await Interpreter.create(model, { threads: threadCount() });
  let classifier: ImageClassifier;
  try {
    classifier = new ImageClassifier(interpreter, {
      maxResults: 3,
      crop: 'center',
      ...(labels ? { labels } : {}),
    });
  } catch (err) {
    interpreter.dispose(); // stop its threads: this model is not going to be used
    throw err;
  }
  current?.classifier.interpreter.dispose();
  current = { bytes, fileName, classifier };
  const meta = getModelMetadata(model);
  const precision = precisionOf(model);
  const specs = classifier.specs;
  return {
    name: meta?.name?.trim() || fileName,
    description: meta?.description?.trim() || undefined,
    fileName,
    bytes: bytes.byteLength,
    inputWidth: specs.width,
    inputHeight: specs.height,
    channels: specs.channels,
    inputType: specs.dtype,
    weightType: precision.weightType,
    precision: precision.label,
    quantized: precision.quantized,
    classes: classifier.classes,
    labelSource: classifier.labels.source,
    threads: classifier.interpreter.threadCount,
  };
}

async function handle(req: WorkerRequest): Promise<WorkerReply> {
  switch (req.type) {
    case 'load':
      return {
        id: req.id,
        ok: true,
        type: 'load',
        info: await load(new Uint8Array(req.bytes), req.fileName, req.labels),
      };
    case 'setLabels': {
      if (!current) throw new InputError('open a model before its labels file');
      const info = await load(current.bytes, current.fileName, req.labels);
      return { id: req.id, ok: true, type: 'setLabels', info };
    }
    case 'setImage': {
      photo = undefined;
      if (req.image instanceof Blob) {
        photo = await decodeImageBlob(req.image, req.name);
      } else {
        photo = pixelsOf(req.image, req.name);
        req.image.close();
      }
      return { id: req.id, ok: true, type: 'setImage', width: photo.width, height: photo.height };
    }
    case 'classify': {
      if (!current) throw new InputError('no model is loaded: open one or pick one from the list');
      if (!photo) throw new InputError('no photo: take or choose one first');
      const r = current.classifier.classify(photo, { crop: req.crop });
      return {
        id: req.id,
        ok: true,
        type: 'classify',
        result: {
          predictions: r.categories.map((c) => ({
            index: c.index,
            label: c.displayName ?? c.label ?? `class ${c.index}`,
            score: c.score,
          })),
          preprocessMs: r.timings.preprocessMs,
          inferenceMs: r.timings.inferenceMs,
          crop: r.roi,
        },
      };
    }
  }
}

/**
 * Class names by error code: a minified build renames classes, so `err.name` (taken from the
 * constructor) is not stable there; the codes are.
 */
const ERROR_NAMES: Record<string, string> = {
  MODEL_FORMAT: 'ModelFormatError',
  UNSUPPORTED_OP: 'UnsupportedOpError',
  SHAPE: 'ShapeError',
  INPUT: 'InputError',
  IMAGE_DECODE: 'ImageDecodeError',
  LIMIT: 'LimitError',
};

function toWorkerError(err: unknown): WorkerError {
  if (err instanceof TfliteError) {
    const name = ERROR_NAMES[err.code] ?? err.name;
    if (err instanceof UnsupportedOpError) return { name, code: err.code, message: err.message, op: err.op };
    return { name, code: err.code, message: err.message };
  }
  if (err instanceof Error) return { name: err.name, code: undefined, message: err.message };
  return { name: 'Error', code: undefined, message: String(err) };
}

// One request at a time, in order: a classify sent right after a load waits for the load.
let queue: Promise<void> = Promise.resolve();
scope.onmessage = (e) => {
  const req = e.data;
  queue = queue.then(async () => {
    try {
      scope.postMessage(await handle(req));
    } catch (err) {
      scope.postMessage({ id: req.id, ok: false, error: toWorkerError(err) });
    }
  });
};
