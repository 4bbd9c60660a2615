/**
 * The ImageClassifier task: photo in, labelled top-k out, with the preprocessing the model's
 * metadata asks for. Platform neutral (decoding a file is the caller's: tflite-ts/node and
 * tflite-ts/browser turn files and blobs into RgbaImage).
 *
 *   const classifier = await ImageClassifier.create(modelBytes, { maxResults: 3 });
 *   const { categories } = classifier.classify(rgbaImage);
 *
 * Pipeline: region of interest (crop) -> resize to the input size (resampler of choice) ->
 * channels / normalization / quantization / layout -> invoke -> scores (dequantized; softmax when
 * the model outputs logits) -> labels -> top-k.
 */
import { InputError } from '../errors.js';
import { loadModel } from '../format/load_model.js';
import type { Model } from '../ir/model.js';
import { Interpreter, type InterpreterOptions } from '../runtime/interpreter.js';
import { type Category, outputNeedsSoftmax, softmax, topCategories } from './classification_scores.js';
import { type ImageTensorSpecs, buildImageTensorSpecs, expandNormalization } from './image_tensor_specs.js';
import { type ImageTensorData, imageToTensor } from './image_to_tensor.js';
import { type LabelMap, labelMapFor } from './label_map.js';
import { type CropOption, regionOfInterest } from './region_of_interest.js';
import { type ResizeMethod, resizeRegion } from './resize.js';
import { type Rect, type RgbaImage, checkRgbaImage } from './rgba_image.js';

/** Options of ImageClassifier.create. */
export interface ImageClassifierOptions {
  /** At most this many categories per image (default 3; 0 or less = all). */
  maxResults?: number;
  /** Drop categories scoring below this (default: none). */
  scoreThreshold?: number;
  /** Only these labels (or display names) may be returned. */
  allowList?: readonly string[];
  /** These labels (or display names) are never returned. */
  denyList?: readonly string[];
  /** Labels, one per class (e.g. the lines of a labels file); default: the model metadata's. */
  labels?: readonly string[];
  /** Locale of the metadata's display-names file (default 'en'). */
  displayNamesLocale?: string;
  /** Region to classify: 'center' square (default), 'none' (whole image, aspect not kept) or a rect. */
  crop?: CropOption;
  /** Resampler (default 'libyuv', the TFLite Task Library's); see resize.ts. */
  resize?: ResizeMethod;
  /** Area-average when shrinking by more than 2x (default false). */
  antialias?: boolean;
  /** Normalization mean (one value or one per channel), used when the metadata gives none. */
  mean?: number | readonly number[];
  /** Normalization std (one value or one per channel), used when the metadata gives none. */
  std?: number | readonly number[];
  /** Apply softmax to the output: 'auto' (default: when the model outputs logits), true or false. */
  softmax?: boolean | 'auto';
  /** Options of the underlying Interpreter (threads, kernel registry). */
  interpreter?: InterpreterOptions;
}

/** Per-call options of classify(). */
export interface ClassifyOptions {
  /** Overrides the classifier's crop for this image. */
  crop?: CropOption;
}

/** The result for one image. */
export interface ClassificationResult {
  categories: Category[];
  /** Milliseconds spent in preprocessing (crop, resize, tensor conversion) and in invoke(). */
  timings: { preprocessMs: number; inferenceMs: number };
  /** The region of the image that was classified. */
  roi: Rect;
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/** Classifies images with a TFLite image classification model. */
export class ImageClassifier {
  /** The interpreter running the model (for profiling or memory figures). */
  readonly interpreter: Interpreter;
  /** What the model's input expects. */
  readonly specs: ImageTensorSpecs;
  /** Labels of the output classes. */
  readonly labels: LabelMap;
  /** Number of output classes. */
  readonly classes: number;
  /** Whether softmax is applied to the output. */
  readonly appliesSoftmax: boolean;
  private readonly options: ImageClassifierOptions;
  private readonly normalization: { mean: number[]; std: number[] } | undefined;

  /**
   * Returns a classifier for the model (bytes or a parsed Model). Throws ModelFormatError for a
   * malformed model, InputError when its input is not an image or its labels do not fit, and
   * UnsupportedOpError when an op has no kernel.
   */
  static async create(
    model: Uint8Array | Model,
    options: ImageClassifierOptions = {},
  ): Promise<ImageClassifier> {
    const parsed = model instanceof Uint8Array ? loadModel(model) : model;
    const interpreter = await Interpreter.create(parsed, options.interpreter);
    return new ImageClassifier(interpreter, options);
  }

  /** Wraps an existing interpreter (its model's input 0 must be an image, output 0 the scores). */
  constructor(interpreter: Interpreter, options: ImageClassifierOptions = {}) {
    this.interpreter = interpreter;
    this.options = options;
    interpreter.allocateTensors();
    const input = interpreter.inputs[0];
    const output = interpreter.outputs[0];
    if (!input || !output)
      throw new InputError('an image classifier needs at least one input and one output');
    this.specs = buildImageTensorSpecs(interpreter.model, input);
    this.classes = output.shape.length === 0 ? 1 : output.shape[output.shape.length - 1]!;
    const rows = output.shape.slice(0, -1).reduce((a, b) => a * b, 1);
    if (rows !== 1) {
      throw new InputError(
        `output 0 has shape [${output.shape.join(', ')}]: expected one row of class scores, e.g. [1, ${this.classes}]`,
      );
    }
    this.labels = labelMapFor(interpreter.model, this.classes, {
      labels: options.labels,
      displayNamesLocale: options.displayNamesLocale,
    });
    const sm = options.softmax ?? 'auto';
    this.appliesSoftmax = sm === 'auto' ? outputNeedsSoftmax(interpreter.model, 0) : sm;
    if (options.mean !== undefined || options.std !== undefined) {
      const arr = (v: number | readonly number[] | undefined, d: number) =>
        v === undefined ? [d] : typeof v === 'number' ? [v] : [...v];
      const fallback = this.specs.dtype === 'float32' ? 127.5 : 0;
      this.normalization = expandNormalization(
        {
          mean: arr(options.mean, fallback),
          std: arr(options.std, this.specs.dtype === 'float32' ? 127.5 : 1),
        },
        this.specs.channels,
        'mean/std options',
      );
    }
  }

  /**
   * Returns the input tensor values for `image` (crop, resize, normalize, quantize, layout) and
   * the region used. Throws InputError for a malformed image or a region outside it.
   */
  preprocess(image: RgbaImage, options: ClassifyOptions = {}): { tensor: ImageTensorData; roi: Rect } {
    checkRgbaImage(image);
    const roi = regionOfInterest(image.width, image.height, options.crop ?? this.options.crop ?? 'center');
    const resized = resizeRegion(image, roi, this.specs.width, this.specs.height, {
      method: this.options.resize ?? 'libyuv',
      antialias: this.options.antialias ?? false,
    });
    // The metadata's normalization wins for float inputs; options apply when it has none.
    // Quantized inputs take raw pixels unless the caller asks for a normalization explicitly.
    const norm =
      this.specs.dtype === 'float32' ? (this.specs.normalization ?? this.normalization) : this.normalization;
    return { tensor: imageToTensor(resized, this.specs, norm), roi };
  }

  /**
   * Returns the ranked categories for `image` with timings. Throws InputError for a malformed
   * image or region.
   */
  classify(image: RgbaImage, options: ClassifyOptions = {}): ClassificationResult {
    const t0 = now();
    const { tensor, roi } = this.preprocess(image, options);
    const t1 = now();
    this.interpreter.input(0).set(tensor);
    this.interpreter.invoke();
    const t2 = now();
    const categories = topCategories(this.scores(), this.labels, this.options);
    return { categories, timings: { preprocessMs: t1 - t0, inferenceMs: t2 - t1 }, roi };
  }

  /** Returns every class score of the last classify() (dequantized, softmaxed when it applies). */
  scores(): Float32Array {
    const raw = this.interpreter.outputFloat(0);
    return this.appliesSoftmax ? softmax(raw) : raw;
  }
}
