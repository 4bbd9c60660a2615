/**
 * Where a quantized model loses accuracy: both models run on the same inputs, every activation
 * the two share (tensor_match.ts) is read after the node producing it (the runtime's observer
 * hook, tensor_observer.ts), the quantized value is dequantized (real = scale * (q - zero point))
 * and compared with the float value.
 *
 * Per tensor, over all elements of all samples: mean and max of |quantized - float|, the RMS
 * error, and the float tensor's range (max - min); errors relative to that range make layers of
 * different scales comparable (one int8 step is 1/255 of the range, about 0.0039). `growth` is
 * how much a layer adds: its relative mean error minus the largest relative mean error among the
 * activations feeding it (looking through unmatched tensors to the nearest matched ones), so the
 * layers that lose accuracy stand out even though errors accumulate downstream.
 *
 * Per output, as TFLite's inference_diff tool: for each sample the mean |diff| over the output's
 * elements, then the mean, standard deviation (population), min and max of that over samples.
 */
import { InputError } from '../errors.js';
import { dtypeFromCode, type DType, type TypedArray } from '../ir/dtype.js';
import type { Model } from '../ir/model.js';
import type { KernelNode, KernelTensor } from '../kernels/kernel.js';
import type { KernelRegistry } from '../kernels/registry.js';
import { dequantizeValues, quantizeInto } from '../runtime/tensor_quantization.js';
import { ObservedExecutor } from '../runtime/tensor_observer.js';
import { type MatchKind, type TensorPair, activations, matchTensors } from './tensor_match.js';

/** The error of one tensor of the quantized model against the float model's. */
export interface TensorError {
  /** Position in the float model's execution order (-1: a graph input). */
  node: number;
  /** Op producing the float tensor ('INPUT' for a graph input). */
  op: string;
  /** The float model's tensor. */
  float: { index: number; name: string; shape: number[] };
  /** The quantized model's tensor: its dtype and (per-tensor or first) scale. */
  quant: {
    index: number;
    name: string;
    dtype: DType;
    op: string;
    scale: number | null;
    zeroPoint: number | null;
  };
  how: MatchKind;
  elements: number;
  meanAbs: number;
  maxAbs: number;
  rmse: number;
  floatMin: number;
  floatMax: number;
  /** meanAbs / (floatMax - floatMin); null when the float tensor is constant. */
  relMean: number | null;
  /** maxAbs / (floatMax - floatMin). */
  relMax: number | null;
  /** relMean minus the largest relMean among the matched activations feeding this one. */
  growth: number | null;
}

/** inference_diff's figures for one output: statistics over samples of the mean |diff|. */
export interface OutputError {
  output: number;
  name: string;
  avg: number;
  std: number;
  min: number;
  max: number;
}

/** The result of a diff. */
export interface DiffResult {
  samples: number;
  /** Matched tensors in the float model's execution order. */
  tensors: TensorError[];
  outputs: OutputError[];
  /** Activations of each model that matched nothing in the other. */
  unmatched: { float: string[]; quant: string[] };
}

/** Options of ModelDiff. */
export interface ModelDiffOptions {
  /** Kernel registry for both models (default: every built-in kernel). */
  registry?: KernelRegistry;
}

interface Accum {
  pair: TensorPair;
  n: number;
  sumAbs: number;
  sumSq: number;
  maxAbs: number;
  min: number;
  max: number;
}

/** Runs a float model and its quantized form side by side and accumulates their differences. */
export class ModelDiff {
  private readonly fa: ObservedExecutor;
  private readonly fb: ObservedExecutor;
  private readonly pairs: TensorPair[];
  private readonly acc: Accum[];
  private readonly byA = new Map<number, Accum[]>();
  private readonly byB = new Map<number, Accum>();
  private readonly outputStats: { sum: number; sumSq: number; min: number; max: number }[];
  private samples = 0;

  /**
   * Prepares both models. Throws InputError when their inputs or outputs differ in number or
   * size, and UnsupportedOpError when an op has no kernel.
   */
  constructor(
    readonly floatModel: Model,
    readonly quantModel: Model,
    options: ModelDiffOptions = {},
  ) {
    const opts = options.registry ? { registry: options.registry } : {};
    this.fa = new ObservedExecutor(floatModel, opts);
    this.fb = new ObservedExecutor(quantModel, opts);
    const size = (ex: ObservedExecutor, i: number) => ex.tensor(i).data.length;
    for (const [what, la, lb] of [
      ['inputs', this.fa.inputs, this.fb.inputs],
      ['outputs', this.fa.outputs, this.fb.outputs],
    ] as const) {
      if (la.length !== lb.length || la.some((t, i) => size(this.fa, t) !== size(this.fb, lb[i]!))) {
        throw new InputError(
          `the models' ${what} differ (${la.map((t) => size(this.fa, t)).join(', ')} vs ${lb.map((t) => size(this.fb, t)).join(', ')} elements): diff needs two forms of the same model`,
        );
      }
    }
    this.pairs = matchTensors(floatModel, quantModel);
    this.acc = this.pairs.map((pair) => ({
      pair,
      n: 0,
      sumAbs: 0,
      sumSq: 0,
      maxAbs: 0,
      min: Infinity,
      max: -Infinity,
    }));
    for (const a of this.acc) {
      this.byA.set(a.pair.a, [...(this.byA.get(a.pair.a) ?? []), a]);
      this.byB.set(a.pair.b, a);
    }
    this.outputStats = this.fa.outputs.map(() => ({ sum: 0, sumSq: 0, min: Infinity, max: -Infinity }));
  }

  /** Element counts of the float model's inputs. */
  get inputSizes(): number[] {
    return this.fa.inputs.map((t) => this.fa.tensor(t).data.length);
  }

  /**
   * Runs both models on one sample, given as the float model's input values (real numbers; each
   * model's quantized inputs get them quantized with their own parameters), and accumulates.
   * Throws InputError for a wrongly sized input.
   */
  add(inputs: readonly Float32Array[]): void {
    const feed = (ex: ObservedExecutor): TypedArray[] =>
      ex.inputs.map((t, i) => {
        const rt = ex.tensor(t);
        const v = inputs[i];
        if (!v || v.length !== rt.data.length) {
          throw new InputError(`input ${i}: expected ${rt.data.length} values, got ${v?.length ?? 0}`);
        }
        if (rt.dtype === 'float32') return v;
        quantizeInto(rt, v);
        return rt.data.slice() as TypedArray;
      });
    // Float run: keep a copy of every matched tensor (the arena reuses its bytes later).
    const floats = new Map<number, Float32Array>();
    const keep = (t: KernelTensor) => {
      if (this.byA.has(t.index) && !floats.has(t.index)) floats.set(t.index, dequantizeValues(...args(t)));
    };
    this.fa.run(feed(this.fa), (node: KernelNode) => node.outputs.forEach(keep));
    for (const t of this.byA.keys()) if (!floats.has(t)) keep(this.fa.tensor(t));
    const floatOutputs = this.fa.outputs.map((t) => dequantizeValues(...args(this.fa.tensor(t))));

    const seen = new Set<number>();
    const compare = (t: KernelTensor) => {
      const a = this.byB.get(t.index);
      if (!a || seen.has(t.index)) return;
      seen.add(t.index);
      const ref = floats.get(a.pair.a)!;
      const q = dequantizeValues(...args(t));
      for (let i = 0; i < ref.length; i++) {
        const f = ref[i]!;
        const d = Math.abs(q[i]! - f);
        a.sumAbs += d;
        a.sumSq += d * d;
        if (d > a.maxAbs) a.maxAbs = d;
        if (f < a.min) a.min = f;
        if (f > a.max) a.max = f;
      }
      a.n += ref.length;
    };
    this.fb.run(feed(this.fb), (node: KernelNode) => node.outputs.forEach(compare));
    for (const t of this.byB.keys()) if (!seen.has(t)) compare(this.fb.tensor(t));

    this.fb.outputs.forEach((t, k) => {
      const q = dequantizeValues(...args(this.fb.tensor(t)));
      const f = floatOutputs[k]!;
      let s = 0;
      for (let i = 0; i < f.length; i++) s += Math.abs(q[i]! - f[i]!);
      const mean = f.length ? s / f.length : 0;
      const o = this.outputStats[k]!;
      o.sum += mean;
      o.sumSq += mean * mean;
      o.min = Math.min(o.min, mean);
      o.max = Math.max(o.max, mean);
    });
    this.samples++;
  }

  /** Returns the figures accumulated so far. */
  result(): DiffResult {
    const sa = this.floatModel.subgraphs[0]!;
    const sb = this.quantModel.subgraphs[0]!;
    const actA = new Map(activations(this.floatModel).map((x) => [x.tensor, x]));
    const actB = new Map(activations(this.quantModel).map((x) => [x.tensor, x]));
    const tensors: TensorError[] = this.acc.map((a) => {
      const range = a.max - a.min;
      const meanAbs = a.n ? a.sumAbs / a.n : 0;
      const maxAbs = a.maxAbs;
      const tb = sb.tensors[a.pair.b]!;
      const q = tb.quantization;
      const from = actA.get(a.pair.a)!;
      return {
        node: from.producer,
        op: from.op,
        float: { index: a.pair.a, name: sa.tensors[a.pair.a]!.name, shape: [...sa.tensors[a.pair.a]!.shape] },
        quant: {
          index: a.pair.b,
          name: tb.name,
          dtype: dtypeFromCode(tb.type) ?? 'uint8',
          op: actB.get(a.pair.b)?.op ?? '?',
          scale: q?.scale?.[0] ?? null,
          zeroPoint: q?.scale?.length ? (q.zeroPoint?.[0] ?? 0) : null,
        },
        how: a.pair.how,
        elements: a.n / Math.max(1, this.samples),
        meanAbs,
        maxAbs,
        rmse: a.n ? Math.sqrt(a.sumSq / a.n) : 0,
        floatMin: a.min,
        floatMax: a.max,
        relMean: range > 0 ? meanAbs / range : null,
        relMax: range > 0 ? maxAbs / range : null,
        growth: null,
      };
    });
    this.fillGrowth(tensors);
    const n = Math.max(1, this.samples);
    const outputs = this.outputStats.map((o, k) => {
      const avg = o.sum / n;
      return {
        output: k,
        name: sa.tensors[this.fa.outputs[k]!]!.name,
        avg,
        std: Math.sqrt(Math.max(0, o.sumSq / n - avg * avg)),
        min: this.samples ? o.min : 0,
        max: this.samples ? o.max : 0,
      };
    });
    const matchedA = new Set(this.pairs.map((p) => p.a));
    const matchedB = new Set(this.pairs.map((p) => p.b));
    return {
      samples: this.samples,
      tensors,
      outputs,
      unmatched: {
        float: [...actA.keys()].filter((t) => !matchedA.has(t)).map((t) => sa.tensors[t]!.name),
        quant: [...actB.keys()].filter((t) => !matchedB.has(t)).map((t) => sb.tensors[t]!.name),
      },
    };
  }

  /** Sets `growth` of each tensor from the errors of the nearest matched activations upstream. */
  private fillGrowth(tensors: TensorError[]): void {
    const model = this.floatModel;
    const sg = model.subgraphs[0]!;
    const producer = new Map<number, number>();
    sg.operators.forEach((op, i) => op.outputs.forEach((t) => producer.set(t, i)));
    // The error of a float tensor: the largest relMean among its matched quantized copies.
    const errorOf = new Map<number, number>();
    for (const t of tensors) {
      if (t.relMean !== null)
        errorOf.set(t.float.index, Math.max(errorOf.get(t.float.index) ?? 0, t.relMean));
    }
    const memo = new Map<number, number>();
    // Error reaching tensor t: its own if matched, else the largest upstream error.
    const upstream = (t: number, depth = 0): number => {
      const own = errorOf.get(t);
      if (own !== undefined) return own;
      const hit = memo.get(t);
      if (hit !== undefined) return hit;
      const p = producer.get(t);
      let e = 0;
      if (p !== undefined && depth < 64) {
        for (const i of sg.operators[p]!.inputs) if (i >= 0) e = Math.max(e, upstream(i, depth + 1));
      }
      memo.set(t, e);
      return e;
    };
    for (const t of tensors) {
      if (t.relMean === null || t.node < 0) continue;
      const op = sg.operators[t.node]!;
      let inErr = 0;
      for (const i of op.inputs) if (i >= 0) inErr = Math.max(inErr, upstream(i));
      t.growth = t.relMean - inErr;
    }
  }
}

/** Arguments of dequantizeValues for a tensor. */
function args(t: KernelTensor): Parameters<typeof dequantizeValues> {
  return [t.data, t.dtype, t.shape, t.quant];
}
