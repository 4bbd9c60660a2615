/**
 * The single entry point for turning bytes into a checked model: read (bounds-checked
 * FlatBuffer + associated files zip), verify (graph-level checks) and parse the TFLite
 * Metadata if present, so that every later layer can trust the IR it gets.
 */
import type { Model } from '../ir/model.js';
import { getModelMetadata } from './model_metadata.js';
import { readModel } from './model_reader.js';
import { type VerifyOptions, verifyModel } from './verifier.js';

/** Options of loadModel. */
export interface LoadOptions extends VerifyOptions {
  /** Skip the graph-level checks (default false: verify). */
  skipVerify?: boolean;
  /** Skip parsing the TFLite Metadata (default false: a malformed TFLITE_METADATA buffer throws). */
  skipMetadata?: boolean;
}

/**
 * Returns the model read from `bytes`, verified, its metadata checked (read it with
 * getModelMetadata). Throws ModelFormatError for a malformed file or metadata (naming the
 * field) and LimitError for a tensor over `maxTensorBytes`.
 */
export function loadModel(bytes: Uint8Array, options: LoadOptions = {}): Model {
  const model = readModel(bytes);
  if (!options.skipVerify) verifyModel(model, options);
  if (!options.skipMetadata) getModelMetadata(model);
  return model;
}
