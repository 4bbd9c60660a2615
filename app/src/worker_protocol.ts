/**
 * Messages between the page and the classifier worker (app/src/classifier_worker.ts). Every
 * request carries an id; the worker answers each with exactly one reply carrying the same id.
 */
import type { Rect } from '../../src/vision/rgba_image.js';

/** What the page shows about the loaded model. */
export interface ModelInfo {
  /** Name from the metadata, else the file name. */
  name: string;
  /** The metadata's description, if any. */
  description: string | undefined;
  /** File name the bytes came from. */
  fileName: string;
  /** File size in bytes. */
  bytes: number;
  inputWidth: number;
  inputHeight: number;
  /** 1 (grayscale) or 3 (RGB). */
  channels: number;
  /** Element type of the input tensor. */
  inputType: string;
  /** How the weights are stored: 'int8', 'uint8', 'float16' or 'float32' (the dtype holding most weight bytes). */
  weightType: string;
  /** How it computes, as shown: "int8 quantized", "int8 weights", "float16 weights", "float32". */
  precision: string;
  /** True when the model computes with 8-bit integers (activations or weights). */
  quantized: boolean;
  classes: number;
  /** Where the labels came from: 'metadata:<file>', 'file' or 'none'. */
  labelSource: string;
  /** Threads the interpreter uses. */
  threads: number;
}

/** One ranked label. */
export interface Prediction {
  index: number;
  /** Display name, else label, else `class <index>`. */
  label: string;
  score: number;
}

/** The answer to a classify request. */
export interface ClassifyReply {
  predictions: Prediction[];
  preprocessMs: number;
  inferenceMs: number;
  /** The region classified, in image pixels. */
  crop: Rect;
}

/** A request from the page. */
export type WorkerRequest =
  | { id: number; type: 'load'; bytes: ArrayBuffer; fileName: string; labels?: string[] }
  | { id: number; type: 'setLabels'; labels: string[]; fileName: string }
  | { id: number; type: 'setImage'; image: Blob | ImageBitmap; name: string }
  | { id: number; type: 'classify'; crop: Rect };

/** A serialisable error: the class name (e.g. ModelFormatError) and its message. */
export interface WorkerError {
  name: string;
  code: string | undefined;
  message: string;
  /** The op an UnsupportedOpError names. */
  op?: string;
}

/** A reply from the worker. */
export type WorkerReply =
  | { id: number; ok: true; type: 'load' | 'setLabels'; info: ModelInfo }
  | { id: number; ok: true; type: 'setImage'; width: number; height: number }
  | { id: number; ok: true; type: 'classify'; result: ClassifyReply }
  | { id: number; ok: false; error: WorkerError };
