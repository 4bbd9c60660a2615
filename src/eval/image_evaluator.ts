/**
 * Classifies one decoded image with one or more models (each through its own ImageClassifier:
 * the same preprocessing and postprocessing as `classify`), and compares every model's scores
 * with the first model's. Decoding is the caller's, so one decode serves every model; this is
 * platform neutral (the Node worker pool runs one ImageEvaluator per worker).
 */
import { ImageClassifier, type ImageClassifierOptions } from '../vision/image_classifier.js';
import type { RgbaImage } from '../vision/rgba_image.js';
import { meanAbsScoreDiff } from './class_alignment.js';
import type { ImagePrediction } from './eval_report.js';

/** Options of ImageEvaluator.create. */
export interface ImageEvaluatorOptions {
  /** Classes kept per image (default 5). */
  top?: number;
  /** Classifier options shared by every model (crop, resize, mean/std, softmax, interpreter). */
  classifier?: Omit<ImageClassifierOptions, 'maxResults' | 'labels'>;
  /** Labels per model (index as in `models`); default: each model's metadata. */
  labels?: readonly (readonly string[] | undefined)[];
}

/** One model's outcome for one image. */
export interface ModelImageOutcome {
  top: ImagePrediction[];
  preprocessMs: number;
  inferenceMs: number;
  /**
   * Mean absolute difference of this model's scores from the first model's (0 for the first
   * model; null when the class counts cannot be aligned).
   */
  meanAbsDiff: number | null;
}

/** Classifies images with a list of models. */
export class ImageEvaluator {
  /** One classifier per model. */
  readonly classifiers: readonly ImageClassifier[];
  private readonly top: number;

  private constructor(classifiers: ImageClassifier[], top: number) {
    this.classifiers = classifiers;
    this.top = top;
  }

  /**
   * Returns an evaluator for the models (bytes). Throws as ImageClassifier.create: ModelFormatError,
   * InputError (not an image classifier, labels that do not fit), UnsupportedOpError.
   */
  static async create(
    models: readonly Uint8Array[],
    options: ImageEvaluatorOptions = {},
  ): Promise<ImageEvaluator> {
    const top = options.top ?? 5;
    const classifiers: ImageClassifier[] = [];
    for (const [i, bytes] of models.entries()) {
      const labels = options.labels?.[i];
      classifiers.push(
        await ImageClassifier.create(bytes, {
          ...options.classifier,
          maxResults: top,
          ...(labels ? { labels } : {}),
        }),
      );
    }
    return new ImageEvaluator(classifiers, top);
  }

  /** Returns each model's top classes and timings for `image`. Throws InputError for a malformed image. */
  evaluate(image: RgbaImage): ModelImageOutcome[] {
    let reference: Float32Array | undefined;
    return this.classifiers.map((c, m) => {
      const r = c.classify(image);
      const scores = c.scores();
      if (m === 0) reference = scores;
      const diff = m === 0 ? 0 : meanAbsScoreDiff(scores, reference!);
      return {
        top: r.categories.slice(0, this.top).map((k) => ({ index: k.index, label: k.label, score: k.score })),
        preprocessMs: r.timings.preprocessMs,
        inferenceMs: r.timings.inferenceMs,
        meanAbsDiff: diff ?? null,
      };
    });
  }

  /** Stops the interpreters' threads. */
  dispose(): void {
    for (const c of this.classifiers) c.interpreter.dispose();
  }
}
