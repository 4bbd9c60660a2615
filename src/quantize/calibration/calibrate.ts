/**
 * Calibration: run the float model over representative inputs and record, for every float
 * activation of subgraph 0 (model inputs included), a histogram of the values it took; and, when
 * asked, the mean input patch of every convolution / fully connected node for bias correction.
 * One pass gives everything every calibration method needs, so several quantized variants can be
 * derived from one calibration.
 */
import { QuantizationError } from '../../errors.js';
import type { TypedArray } from '../../ir/dtype.js';
import type { Model } from '../../ir/model.js';
import type { KernelNode } from '../../kernels/kernel.js';
import type { KernelRegistry } from '../../kernels/registry.js';
import { ObservedExecutor } from '../../runtime/tensor_observer.js';
import { type CalibrationSource, calibrationInputs } from './calibration_source.js';
import { Histogram } from './histogram.js';
import { PATCH_MEAN_OPS, PatchMeanAccumulator, accumulatePatches } from './patch_means.js';

/** What calibration recorded. */
export interface CalibrationStats {
  /** Samples run. */
  readonly samples: number;
  /** Per tensor index of subgraph 0: the values every float activation took. */
  readonly tensors: ReadonlyMap<number, Histogram>;
  /** Per node index (CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED): the mean input patch. */
  readonly patchMeans: ReadonlyMap<number, Float64Array>;
  /** What the samples were, for the report. */
  readonly description: string;
  /** Samples the source skipped, with reasons. */
  readonly skipped: readonly { name: string; reason: string }[];
}

/** Options of calibrate. */
export interface CalibrateOptions {
  /** Use at most this many samples (default 200). */
  maxSamples?: number;
  /** Also collect mean input patches for bias correction (default false). */
  patchMeans?: boolean;
  /** Kernel registry of the float run (default: every built-in kernel). */
  registry?: KernelRegistry;
  /** Called after each sample with the samples done and the total expected. */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Returns the statistics of `model`'s activations over the samples of `source`. Throws
 * QuantizationError when the source yields no sample or a sample that does not fit the inputs,
 * and the runtime's errors (UnsupportedOpError) when the float model cannot run.
 */
export async function calibrate(
  model: Model,
  source: CalibrationSource,
  options: CalibrateOptions = {},
): Promise<CalibrationStats> {
  const maxSamples = options.maxSamples ?? 200;
  if (!(maxSamples >= 1)) throw new QuantizationError(`--samples must be at least 1, got ${maxSamples}`);
  const inputs = calibrationInputs(model);
  const runner = new ObservedExecutor(model, options.registry ? { registry: options.registry } : {});
  const tensors = new Map<number, Histogram>();
  const patches = new Map<number, PatchMeanAccumulator | undefined>();
  const histogram = (i: number) => {
    let h = tensors.get(i);
    if (!h) tensors.set(i, (h = new Histogram()));
    return h;
  };
  const observe = (node: KernelNode) => {
    for (const o of node.outputs) if (o.dtype === 'float32') histogram(o.index).add(o.data as Float32Array);
    if (options.patchMeans && PATCH_MEAN_OPS.has(node.op)) {
      const prev = patches.get(node.index);
      if (prev !== undefined || !patches.has(node.index))
        patches.set(node.index, accumulatePatches(node, prev));
    }
  };
  const total = Math.min(maxSamples, source.size ?? maxSamples);
  let done = 0;
  for await (const sample of source.samples(model, inputs)) {
    const typed = sample.map((values, i) => {
      const t = runner.tensor(runner.inputs[i]!);
      if (values.length !== t.data.length) {
        throw new QuantizationError(
          `calibration sample ${done} has ${values.length} values for input ${i} (${JSON.stringify(t.name)} [${t.shape.join(', ')}]), which needs ${t.data.length}`,
        );
      }
      if (t.dtype === 'float32') histogram(t.index).add(values);
      return toInputArray(values, t.data);
    });
    runner.run(typed, observe);
    done++;
    options.onProgress?.(done, total);
    if (done >= maxSamples) break;
  }
  if (done === 0) {
    throw new QuantizationError(
      `no calibration samples in ${source.description}; give representative inputs`,
    );
  }
  const patchMeans = new Map<number, Float64Array>();
  for (const [k, acc] of patches) if (acc) patchMeans.set(k, acc.mean());
  return {
    samples: done,
    tensors,
    patchMeans,
    description: source.description,
    skipped: [...source.skipped],
  };
}

/** Returns `values` as the typed array kind of `like` (integer inputs are rounded). */
function toInputArray(values: Float32Array, like: TypedArray): TypedArray {
  if (like instanceof Float32Array) return values;
  if (like instanceof BigInt64Array) return BigInt64Array.from(values, (v) => BigInt(Math.round(v)));
  if (like instanceof BigUint64Array) return BigUint64Array.from(values, (v) => BigInt(Math.round(v)));
  const Kind = like.constructor as new (src: ArrayLike<number>) => TypedArray;
  return new Kind(Array.from(values, (v) => Math.round(v)));
}
