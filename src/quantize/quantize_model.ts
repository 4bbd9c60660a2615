/**
 * Post-training quantization of a float `.tflite` model: the one entry point the CLI, the
 * converter and the API use.
 *
 *   const { model, report } = await quantizeModel(floatModel, {
 *     mode: 'int8',
 *     calibration: imageCalibration(images),
 *     calibrationMethod: 'mse',
 *   });
 *   writeModel(model);
 *
 * Modes: 'dynamic' (int8 weights, float activations, hybrid kernels), 'float16' (float16
 * weights + DEQUANTIZE), 'int8' (full integer from calibration) and 'int16x8' (int16 activations,
 * int8 weights). The result keeps the metadata, signatures and associated files; its description
 * (and the TFLite Metadata's, when present) records how it was quantized.
 */
import { QuantizationError } from '../errors.js';
import { getModelMetadata, getNormalization, setModelMetadata } from '../format/model_metadata.js';
import { writeModel } from '../format/model_writer.js';
import { builtinOpName } from '../ir/builtin_ops.js';
import { dtypeFromCode } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { type CalibrationStats, calibrate } from './calibration/calibrate.js';
import type { CalibrationSource } from './calibration/calibration_source.js';
import type { CalibrationMethod } from './calibration/range_estimators.js';
import { dynamicRangePass } from './dynamic_range_pass.js';
import { float16Pass } from './float16_pass.js';
import { cloneModel, compactModel } from './graph/model_editor.js';
import { empiricalBiasCorrection } from './integer/bias_correction.js';
import { type IoType, type NodeOutcome, integerPass } from './integer/integer_pass.js';

/** Kinds of bias correction. */
export type BiasCorrection = 'none' | 'analytic' | 'empirical';

/** Every kind of bias correction, for option parsing. */
export const BIAS_CORRECTIONS: readonly BiasCorrection[] = ['none', 'analytic', 'empirical'];

/** The quantization modes. */
export type QuantizationMode = 'int8' | 'dynamic' | 'float16' | 'int16x8';

/** Every mode, for option parsing. */
export const QUANTIZATION_MODES: readonly QuantizationMode[] = ['int8', 'dynamic', 'float16', 'int16x8'];

/** Options of quantizeModel. */
export interface QuantizeOptions {
  mode: QuantizationMode;
  /** Representative inputs (required for int8 and int16x8 unless `stats` is given). */
  calibration?: CalibrationSource;
  /** Statistics of an earlier calibration of the same float model (skips calibration). */
  stats?: CalibrationStats;
  /** At most this many calibration samples (default 200). */
  samples?: number;
  /** How activation ranges are chosen (default 'minmax', as TFLite). */
  calibrationMethod?: CalibrationMethod;
  /** Percentile kept by 'percentile' (default 99.99). */
  percentile?: number;
  /**
   * Bias correction (int8 / int16x8): 'analytic' removes the mean error the weights' rounding
   * causes (from calibration statistics); 'empirical' also measures how upstream quantization moves
   * each layer's inputs, by running the quantized model over the calibration samples again
   * (needs `calibration`); default 'none'.
   */
  biasCorrection?: BiasCorrection;
  /**
   * Samples run per corrected layer by 'empirical' bias correction (default 32, at most
   * `samples`). It runs the quantized model up to each conv / fully connected node in turn, so
   * its cost is about layers / 2 x samples inferences.
   */
  biasCorrectionSamples?: number;
  /** One weight scale per tensor instead of per channel (default false). */
  perTensor?: boolean;
  /** Type of the model's inputs and outputs (int8 / int16x8 only; default float32). */
  io?: IoType;
  /** Op types (e.g. 'SOFTMAX') or tensor names whose nodes stay float. */
  keepFloat?: readonly string[];
  /**
   * Normalization of input 0, real = (pixel - mean) / std, used to give uint8/int8 inputs the
   * parameters that take raw pixels; default: the model metadata's.
   */
  inputNormalization?: { mean: number; std: number };
  /** Kernel registry for the calibration run. */
  registry?: KernelRegistry;
  /** Progress over calibration samples. */
  onProgress?: (done: number, total: number) => void;
}

/** What quantization did. */
export interface QuantizationReport {
  mode: QuantizationMode;
  /** How the model was quantized, one sentence (also stored as the model's description). */
  summary: string;
  io: IoType;
  weights: 'per-channel' | 'per-tensor' | 'float16' | 'none';
  calibration?: {
    method: CalibrationMethod;
    samples: number;
    source: string;
    skipped: { name: string; reason: string }[];
    biasCorrection: BiasCorrection;
  };
  /** Nodes quantized / left float, with reasons, by node index of the float model. */
  nodes: NodeOutcome[];
  opsQuantized: number;
  opsFloat: number;
  /** QUANTIZE / DEQUANTIZE ops added. */
  conversions: number;
  /** Milliseconds spent calibrating, correcting biases empirically, and rewriting the graph. */
  timeMs: { calibration: number; biasCorrection: number; quantization: number };
}

/** Result of quantizeModel. */
export interface QuantizeResult {
  model: Model;
  report: QuantizationReport;
}

/**
 * Throws QuantizationError when `model` is already quantized: a tensor with quantization scales,
 * a float16 tensor, or a QUANTIZE / DEQUANTIZE op. Returns nothing for a float model.
 */
export function assertFloatModel(model: Model): void {
  const found: string[] = [];
  for (const sg of model.subgraphs) {
    for (const t of sg.tensors) {
      const dtype = dtypeFromCode(t.type);
      if ((t.quantization?.scale?.length ?? 0) > 0 || dtype === 'float16') {
        found.push(
          `${JSON.stringify(t.name)} (${dtype}${t.quantization?.scale?.length ? ', quantized' : ''})`,
        );
      }
    }
    for (const op of sg.operators) {
      const name = builtinOpName(model.operatorCodes[op.opcodeIndex]!.builtinCode);
      if (name === 'QUANTIZE' || name === 'DEQUANTIZE') found.push(`a ${name} op`);
    }
  }
  if (found.length > 0) {
    throw new QuantizationError(
      `the model is already quantized (${found.length} quantized tensors or ops, e.g. ${found.slice(0, 2).join(', ')}); ` +
        'quantize the float model it was made from',
    );
  }
}

/** Returns the uniform normalization of input 0 from the metadata (one mean, one std), if any. */
function metadataNormalization(model: Model): { mean: number; std: number } | undefined {
  const n = getNormalization(model, 0);
  if (!n || n.mean.length === 0 || n.std.length === 0) return undefined;
  if (n.mean.some((m) => m !== n.mean[0]) || n.std.some((s) => s !== n.std[0])) return undefined;
  return { mean: n.mean[0]!, std: n.std[0]! };
}

/**
 * Returns the quantized model and a report. Throws QuantizationError for an already quantized
 * model, missing or unusable calibration data, or options that do not fit the mode; the
 * runtime's errors when the float model cannot run for calibration.
 */
export async function quantizeModel(model: Model, options: QuantizeOptions): Promise<QuantizeResult> {
  const mode = options.mode;
  if (!QUANTIZATION_MODES.includes(mode)) {
    throw new QuantizationError(
      `unknown mode ${JSON.stringify(mode)}; use one of ${QUANTIZATION_MODES.join(', ')}`,
    );
  }
  assertFloatModel(model);
  const integer = mode === 'int8' || mode === 'int16x8';
  const io: IoType = options.io ?? 'float32';
  if (!integer && io !== 'float32') {
    throw new QuantizationError(
      `--io ${io} needs full-integer quantization (--mode int8); ${mode} models keep float32 inputs and outputs`,
    );
  }
  if (mode === 'int16x8' && (io === 'uint8' || io === 'int8')) {
    throw new QuantizationError(`--io ${io} does not fit --mode int16x8; use --io float32 (or int16)`);
  }
  if (mode === 'int8' && io === 'int16') throw new QuantizationError('--io int16 needs --mode int16x8');
  const keepFloat = options.keepFloat ?? [];
  const t0 = performance.now();
  let stats = options.stats;
  if (integer && !stats) {
    if (!options.calibration) {
      throw new QuantizationError(
        `--mode ${mode} needs calibration data: representative inputs (--calibration DIR of images, or --calibration-data FILE.npy)`,
      );
    }
    stats = await calibrate(model, options.calibration, {
      maxSamples: options.samples ?? 200,
      patchMeans: (options.biasCorrection ?? 'none') !== 'none',
      ...(options.registry ? { registry: options.registry } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }
  const t1 = performance.now();
  let biasCorrectionMs = 0;
  const out = cloneModel(model);
  let nodes: NodeOutcome[];
  let conversions = 0;
  const method = options.calibrationMethod ?? 'minmax';
  const biasCorrection = options.biasCorrection ?? 'none';
  if (!BIAS_CORRECTIONS.includes(biasCorrection)) {
    throw new QuantizationError(
      `unknown bias correction ${JSON.stringify(biasCorrection)}; use one of ${BIAS_CORRECTIONS.join(', ')}`,
    );
  }
  if (integer) {
    if (
      biasCorrection !== 'none' &&
      stats!.patchMeans.size === 0 &&
      model.subgraphs[0]!.operators.length > 0
    ) {
      throw new QuantizationError(
        'bias correction needs calibration statistics collected with patchMeans (calibrate(..., { patchMeans: true }))',
      );
    }
    if (biasCorrection === 'empirical' && !options.calibration) {
      throw new QuantizationError(
        'empirical bias correction runs the quantized model over the calibration samples: pass `calibration`',
      );
    }
    const inputNormalization = options.inputNormalization ?? metadataNormalization(model);
    const r = integerPass(out, stats!, {
      type: mode === 'int8' ? 'int8' : 'int16',
      io,
      method,
      ...(options.percentile !== undefined ? { percentile: options.percentile } : {}),
      perTensor: options.perTensor ?? false,
      biasCorrection: biasCorrection !== 'none',
      keepFloat,
      ...(inputNormalization ? { inputNormalization } : {}),
    });
    nodes = r.nodes;
    conversions = r.conversions;
    if (biasCorrection === 'empirical') {
      const tb = performance.now();
      await empiricalBiasCorrection(model, out, r.nodeMap, options.calibration!, {
        maxSamples: options.biasCorrectionSamples ?? Math.min(32, options.samples ?? 200),
        ...(options.registry ? { registry: options.registry } : {}),
        ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      });
      biasCorrectionMs = performance.now() - tb;
    }
  } else if (mode === 'dynamic') {
    nodes = dynamicRangePass(out, { perTensor: options.perTensor ?? false, keepFloat });
  } else {
    const before = out.subgraphs[0]!.operators.length;
    nodes = float16Pass(out, { keepFloat });
    conversions = out.subgraphs[0]!.operators.length - before;
  }
  compactModel(out);
  const opsQuantized = nodes.filter((n) => n.quantized).length;
  const opsFloat = nodes.length - opsQuantized;
  const report: QuantizationReport = {
    mode,
    summary: '',
    io,
    weights: mode === 'float16' ? 'float16' : options.perTensor ? 'per-tensor' : 'per-channel',
    nodes,
    opsQuantized,
    opsFloat,
    conversions,
    timeMs: {
      calibration: t1 - t0,
      biasCorrection: biasCorrectionMs,
      quantization: performance.now() - t1 - biasCorrectionMs,
    },
  };
  if (integer && stats) {
    report.calibration = {
      method,
      samples: stats.samples,
      source: stats.description,
      skipped: [...stats.skipped],
      biasCorrection,
    };
  }
  report.summary = describe(report);
  recordDescription(out, report.summary);
  return { model: out, report };
}

/** Returns quantizeModel's result with the written file's bytes and both sizes. */
export async function quantizeModelBytes(
  model: Model,
  options: QuantizeOptions,
  floatBytes?: number,
): Promise<QuantizeResult & { bytes: Uint8Array; sizes: { float: number; quantized: number } }> {
  const result = await quantizeModel(model, options);
  const bytes = writeModel(result.model);
  return {
    ...result,
    bytes,
    sizes: { float: floatBytes ?? writeModel(model).length, quantized: bytes.length },
  };
}

/** One sentence saying how the model was quantized. */
function describe(r: QuantizationReport): string {
  const floatOps = [
    ...new Set(
      r.nodes
        .filter((n) => !n.quantized && n.reason && !/no weights|no float32 constants/.test(n.reason))
        .map((n) => n.op),
    ),
  ];
  const parts: string[] = [];
  if (r.mode === 'dynamic') parts.push(`dynamic range (${r.weights} int8 weights, float32 activations)`);
  else if (r.mode === 'float16') parts.push('float16 weights (DEQUANTIZE to float32)');
  else {
    const c = r.calibration!;
    parts.push(
      `${r.mode === 'int8' ? 'full-integer int8' : '16x8 (int16 activations, int8 weights)'}, ${r.weights} weights, ` +
        `${c.method} calibration on ${c.samples} samples (${c.source})${c.biasCorrection !== 'none' ? `, ${c.biasCorrection} bias correction` : ''}, io ${r.io}`,
    );
  }
  if (r.mode !== 'float16' && floatOps.length > 0 && r.mode !== 'dynamic')
    parts.push(`float ops: ${floatOps.join(', ')}`);
  return `Quantized by tflite-ts: ${parts.join('; ')}.`;
}

/** Appends the summary to the model's description and to its TFLite Metadata description. */
function recordDescription(model: Model, summary: string): void {
  model.description = model.description ? `${model.description} ${summary}` : summary;
  const meta = getModelMetadata(model);
  if (meta) {
    setModelMetadata(model, {
      ...meta,
      description: meta.description ? `${meta.description} ${summary}` : summary,
    });
  }
}
