/**
 * Empirical bias correction: make each quantized convolution's mean output per channel equal the
 * float model's.
 *
 * For a conv / depthwise / fully connected node the mean output of channel c before the
 * activation is linear in the mean input patch: y_c = sum_k W[c,k] * E[x_k] + b_c. In the float
 * model that is W_f . m_f + b_f (m_f from calibration). In the quantized model the weights are
 * W_q and the inputs differ too — every upstream layer's rounding and clipping moves their mean —
 * so its mean is W_q . m_q + b. Choosing b'_c = W_f . m_f + b_f - W_q . m_q (m_q measured by running
 * the quantized model over the calibration samples, inputs dequantized) cancels both systematic
 * errors at once: the weights' rounding bias (what the analytic correction removes) and the
 * drift of the activations' means. This is the empirical bias correction of Nagel et al. (2019,
 * section 4.2), layer by layer.
 */
import { builtinOpName } from '../../ir/builtin_ops.js';
import { dtypeFromCode } from '../../ir/dtype.js';
import type { Model } from '../../ir/model.js';
import { quantizeValue } from '../../kernels/internal/quantize.js';
import { roundHalfAwayFromZero } from '../../kernels/internal/rounding.js';
import type { KernelNode } from '../../kernels/kernel.js';
import type { KernelRegistry } from '../../kernels/registry.js';
import { ObservedExecutor } from '../../runtime/tensor_observer.js';
import { type CalibrationSource, calibrationInputs } from '../calibration/calibration_source.js';
import {
  PATCH_MEAN_OPS,
  PatchMeanAccumulator,
  accumulatePatches,
  meanResponse,
} from '../calibration/patch_means.js';
import { bytesOf } from '../graph/model_editor.js';

/** Options of empiricalBiasCorrection. */
export interface EmpiricalCorrectionOptions {
  /** Samples per corrected layer (default 200). */
  maxSamples?: number;
  registry?: KernelRegistry;
  /** Called after each sample run with the runs done and the total (layers x samples). */
  onProgress?: (done: number, total: number) => void;
}

/** A quantized node to correct. */
interface Target {
  /** Position of the node in the quantized subgraph. */
  readonly node: number;
  readonly op: string;
  /** Float mean output per channel (W_f . m_f + b_f). */
  readonly floatMean: Float64Array;
}

const floats = (model: Model, t: number): Float32Array => {
  const tensor = model.subgraphs[0]!.tensors[t]!;
  const d = model.buffers[tensor.buffer]?.data;
  return d ? new Float32Array(bytesOf(d).buffer) : new Float32Array(0);
};

/**
 * Replaces the biases of the quantized conv / depthwise / fully connected nodes of `quantized`
 * (in place) so their mean outputs match the float model's over the first `maxSamples` samples
 * of `source`; `nodeMap[k]` is the position of float node k in the quantized subgraph. Returns
 * the number of nodes corrected. Throws the runtime's errors when a model cannot run.
 */
export async function empiricalBiasCorrection(
  floatModel: Model,
  quantized: Model,
  nodeMap: readonly number[],
  source: CalibrationSource,
  options: EmpiricalCorrectionOptions = {},
): Promise<number> {
  const fsg = floatModel.subgraphs[0]!;
  const qsg = quantized.subgraphs[0]!;
  const maxSamples = options.maxSamples ?? 200;
  const registry = options.registry ? { registry: options.registry } : {};
  const samples = async function* () {
    let n = 0;
    for await (const sample of source.samples(floatModel, calibrationInputs(floatModel))) {
      yield sample;
      if (++n >= maxSamples) return;
    }
  };
  // Candidates: quantized conv / depthwise / fully connected nodes with int8 weights and a bias.
  const candidates = new Map<number, number>();
  fsg.operators.forEach((op, k) => {
    const name = builtinOpName(floatModel.operatorCodes[op.opcodeIndex]!.builtinCode);
    const j = nodeMap[k];
    if (!PATCH_MEAN_OPS.has(name) || j === undefined) return;
    const qop = qsg.operators[j]!;
    const w = qop.inputs[1] ?? -1;
    const b = qop.inputs[2] ?? -1;
    if (w < 0 || b < 0 || dtypeFromCode(qsg.tensors[w]!.type) !== 'int8') return;
    const bt = dtypeFromCode(qsg.tensors[b]!.type);
    if (bt === 'int32' || bt === 'int64') candidates.set(k, j);
  });
  if (candidates.size === 0) return 0;
  // The float side over exactly the samples the quantized side will see: a mean over other
  // samples would bake their sampling difference into the biases.
  const floatRunner = new ObservedExecutor(floatModel, registry);
  const floatAcc = new Map<number, PatchMeanAccumulator | undefined>();
  let floatRuns = 0;
  for await (const sample of samples()) {
    floatRunner.run(sample, (node) => {
      if (candidates.has(node.index))
        floatAcc.set(node.index, accumulatePatches(node, floatAcc.get(node.index)));
    });
    floatRuns++;
  }
  const targets: Target[] = [];
  for (const [k, j] of candidates) {
    const acc = floatAcc.get(k);
    if (!acc) continue;
    const op = fsg.operators[k]!;
    const name = builtinOpName(floatModel.operatorCodes[op.opcodeIndex]!.builtinCode);
    const response = meanResponse(
      name,
      floats(floatModel, op.inputs[1]!),
      fsg.tensors[op.inputs[1]!]!.shape,
      acc.mean(),
    );
    const fb = op.inputs[2] ?? -1;
    if (fb >= 0) {
      const bf = floats(floatModel, fb);
      for (let c = 0; c < response.length; c++) response[c]! += bf[c]!;
    }
    targets.push({ node: j, op: name, floatMean: response });
  }
  // Layer by layer, in execution order: each node is corrected with the inputs its already
  // corrected predecessors produce (correcting all at once from one run would count each upstream
  // drift twice: once where it arises, once downstream). Every run stops after the node.
  const total = (targets.length + 1) * floatRuns;
  let done = floatRuns;
  options.onProgress?.(done, total);
  for (const target of targets) {
    const runner = new ObservedExecutor(quantized, registry);
    let acc: PatchMeanAccumulator | undefined;
    const observe = (node: KernelNode) => {
      if (node.index === target.node) acc = accumulatePatches(node, acc);
    };
    for await (const sample of samples()) {
      runner.run(toModelInputs(runner, sample), observe, target.node);
      options.onProgress?.(++done, total);
    }
    if (acc) rewriteBias(quantized, target, acc.mean());
  }
  return targets.length;
}

/** The sample as the quantized model's input types (integer inputs quantized with their parameters). */
function toModelInputs(runner: ObservedExecutor, sample: readonly Float32Array[]) {
  return sample.map((values, i) => {
    const t = runner.tensor(runner.inputs[i]!);
    if (t.dtype === 'float32' || !t.quant) return values;
    const out = new (t.data.constructor as new (n: number) => Int8Array)(values.length);
    const [lo, hi] = t.dtype === 'uint8' ? [0, 255] : t.dtype === 'int16' ? [-32768, 32767] : [-128, 127];
    for (let e = 0; e < values.length; e++)
      out[e] = quantizeValue(values[e]!, t.quant.scale[0]!, t.quant.zeroPoint[0]!, lo, hi);
    return out;
  });
}

/** Sets the node's int32/int64 bias to floatMean - W_q . m_q, in its bias scales. */
function rewriteBias(model: Model, target: Target, meanQ: Float64Array): void {
  const sg = model.subgraphs[0]!;
  const op = sg.operators[target.node]!;
  const wt = sg.tensors[op.inputs[1]!]!;
  const bt = sg.tensors[op.inputs[2]!]!;
  const wq = new Int8Array(bytesOf(model.buffers[wt.buffer]!.data!).buffer);
  const scales = wt.quantization!.scale!;
  const channels = wt.shape[target.op === 'DEPTHWISE_CONV_2D' ? 3 : 0]!;
  const inner = target.op === 'DEPTHWISE_CONV_2D' ? 1 : wq.length / channels;
  const real = new Float32Array(wq.length);
  for (let i = 0; i < wq.length; i++) {
    const c = target.op === 'DEPTHWISE_CONV_2D' ? i % channels : Math.floor(i / inner);
    real[i] = wq[i]! * (scales.length === 1 ? scales[0]! : scales[c]!);
  }
  const response = meanResponse(target.op, real, wt.shape, meanQ);
  const bScales = bt.quantization!.scale!;
  const values = Array.from({ length: channels }, (_, c) => {
    const s = bScales.length === 1 ? bScales[0]! : bScales[c]!;
    return roundHalfAwayFromZero((target.floatMean[c]! - response[c]!) / s);
  });
  const data =
    dtypeFromCode(bt.type) === 'int64'
      ? BigInt64Array.from(values, (v) => BigInt(v))
      : Int32Array.from(values, (v) => Math.max(-2147483648, Math.min(2147483647, v)));
  model.buffers[bt.buffer] = { data: bytesOf(data), offset: 0n, size: 0n };
}
