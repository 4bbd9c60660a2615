/**
 * One image file through an ImageEvaluator: decode (sharp) and classify with every model. Used
 * by the pool's workers and by the single-thread path alike, so both give the same results.
 */
import { TfliteError } from '../errors.js';
import type { ImageEvaluator } from '../eval/image_evaluator.js';
import { decodeImageFile, loadImageDecoder } from './decode_image.js';
import type { ResultMessage } from './eval_protocol.js';

/** Returns the code and message of an error (TfliteErrors keep theirs; others are INTERNAL). */
export function errorInfo(err: unknown): { code: string; message: string } {
  if (err instanceof TfliteError) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

/**
 * Returns the decode time and every model's outcome for the image at `path`, or the error that
 * stopped it (an undecodable file is a per-image error, not a thrown one). Never throws.
 */
export async function evaluateFile(
  evaluator: ImageEvaluator,
  path: string,
): Promise<Pick<ResultMessage, 'decodeMs' | 'outcomes' | 'error'>> {
  await loadImageDecoder(); // once per process: the decode times exclude loading sharp
  const t0 = performance.now();
  try {
    const pixels = await decodeImageFile(path);
    const decodeMs = performance.now() - t0;
    return { decodeMs, outcomes: evaluator.evaluate(pixels) };
  } catch (err) {
    return { decodeMs: performance.now() - t0, error: errorInfo(err) };
  }
}
