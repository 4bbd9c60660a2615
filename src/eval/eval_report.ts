/**
 * What `tflite-ts eval` produces: the per-image results of one model on a labelled image set and
 * their summary. The JSON document is this object; `eval merge` reads such documents back, so
 * every field is plain data and the summary is a pure function of the per-image results
 * (metrics.ts), which is what makes a merge of shards equal to the unsharded run.
 */
import type { Shard } from './shard.js';

/** One of an image's best classes. */
export interface ImagePrediction {
  /** Class index in the model's output. */
  index: number;
  /** Label of the class ("#index" when the model has none). */
  label: string;
  /** Score (probability, as classify reports it). */
  score: number;
}

/** Milliseconds spent on one image. */
export interface ImageTimings {
  /** File read and decode to RGBA. */
  decodeMs: number;
  /** Crop, resize, normalization, quantization. */
  preprocessMs: number;
  /** invoke(). */
  inferenceMs: number;
}

/** The outcome for one image. */
export interface EvalImageResult {
  /** Position of the image in the full, sorted list (before sharding). */
  position: number;
  /** File, relative to the image folder. */
  file: string;
  /** True class index in the model's output, and its label. */
  label: number;
  labelName: string;
  /** The top-k classes, best first (absent when the image failed). */
  top?: ImagePrediction[];
  timings?: ImageTimings;
  /** Why the image could not be evaluated (it is then left out of the accuracy). */
  error?: { code: string; message: string };
}

/** Median and 90th percentile of a latency, in ms. */
export interface LatencySummary {
  medianMs: number;
  p90Ms: number;
  meanMs: number;
}

/** Accuracy of one class. */
export interface ClassAccuracy {
  index: number;
  label: string;
  images: number;
  top1: number;
  topK: number;
}

/** A true class mistaken for another as top-1, and how often. */
export interface Confusion {
  label: number;
  labelName: string;
  predicted: number;
  predictedName: string;
  count: number;
}

/** Figures computed from the per-image results. */
export interface EvalSummary {
  /** Images evaluated (failed images excluded). */
  images: number;
  failed: number;
  /** Images whose top-1 class is the true class, and their fraction. */
  top1: { correct: number; accuracy: number };
  /** Images whose true class is among the top k. */
  topK: { k: number; correct: number; accuracy: number };
  /** Per true class, by class index. */
  perClass: ClassAccuracy[];
  /** The most frequent top-1 confusions, most frequent first (ties: by class indices). */
  confusions: Confusion[];
  latency: { decode: LatencySummary; preprocess: LatencySummary; inference: LatencySummary };
}

/** The document of one evaluation (or of merged shards). */
export interface EvalReport {
  kind: 'tflite-ts-eval';
  version: 1;
  model: {
    /** Path as given. */
    file: string;
    bytes: number;
    /** SHA-256 of the file, hex: shards of different models are not merged. */
    sha256: string;
    classes: number;
  };
  dataset: {
    /** The image folder as given. */
    images: string;
    /** Where the labels came from and how they were read. */
    labels: { source: string; column: string; shift: number; kind: 'index' | 'name' };
    /** Images in the full list (after --limit, before sharding). */
    total: number;
  };
  options: { top: number; crop: string; limit: number | null };
  /** The slice evaluated; null for a full run or a complete merge. */
  shard: Shard | null;
  /** Worker threads used (the largest of the merged runs). */
  threads: number;
  summary: EvalSummary;
  /** Every image of the slice, by position. */
  results: EvalImageResult[];
}
