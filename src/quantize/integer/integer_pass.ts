/**
 * Full-integer quantization of subgraph 0 (int8, or 16x8: int16 activations with int8 weights),
 * from calibration statistics. Steps:
 *
 *  1. plan: each node is quantized when its op has an integer kernel (op_rules.ts), its data is
 *     float32, its weights are constant and it is not in --keep-float; otherwise it stays float,
 *     with the reason recorded.
 *  2. parameters: every activation a quantized node reads or writes gets a calibrated range
 *     (min/max, percentile or MSE over its histogram); "same" ops merge their tensors into one
 *     group and fixed-output ops pin theirs (param_groups.ts).
 *  3. rewrite: a tensor may be needed in several representations — float for a float node,
 *     quantized for an integer node, a requantized copy where two pinned groups meet, uint8 at a
 *     uint8 model boundary. The node that writes a tensor writes one; every other needed
 *     representation is a new tensor made by a QUANTIZE or DEQUANTIZE placed right after the
 *     writer (model inputs: at the start). The original tensor index keeps the representation
 *     the model boundary needs (float32 inputs and outputs for --io float32), so signatures and
 *     metadata still point at the right tensors. Weights become int8 (per channel unless
 *     per-tensor is asked), biases int32 (int64 in 16x8) with scale input x weight scale,
 *     optionally shifted by bias correction.
 */
import { QuantizationError } from '../../errors.js';
import { roundHalfAwayFromZero } from '../../kernels/internal/rounding.js';
import type { BuiltinOptions } from '../../ir/builtin_options.js';
import type { BuiltinOpName } from '../../ir/builtin_ops.js';
import { builtinOpName } from '../../ir/builtin_ops.js';
import { type DType, dtypeCode, dtypeFromCode } from '../../ir/dtype.js';
import type { Model, Operator, Tensor } from '../../ir/model.js';
import type { CalibrationStats } from '../calibration/calibrate.js';
import { meanResponse } from '../calibration/patch_means.js';
import { type CalibrationMethod, estimateRange } from '../calibration/range_estimators.js';
import { GraphEditor, bytesOf } from '../graph/model_editor.js';
import { assignVersions } from '../graph/assign_versions.js';
import {
  type ActivationType,
  type AffineParams,
  dequantizeSymmetricWeights,
  quantizeBias,
  quantizeSymmetricWeights,
} from '../quant_params.js';
import { type OpRule, OP_RULES, dataInputs, ruleSupports } from './op_rules.js';
import { ParamGroups } from './param_groups.js';

/** Types of a model's inputs and outputs after full-integer quantization. */
export type IoType = 'float32' | 'uint8' | 'int8' | 'int16';

/** Options of the integer pass. */
export interface IntegerPassOptions {
  /** Activation type: int8, or int16 for 16x8. */
  type: ActivationType;
  /** Type of the model's inputs and outputs. */
  io: IoType;
  method: CalibrationMethod;
  /** Percentile for method 'percentile' (percent, default 99.99). */
  percentile?: number;
  /** One weight scale per tensor instead of per output channel. */
  perTensor: boolean;
  /** Shift biases by the expected error of the quantized weights (needs patch statistics). */
  biasCorrection: boolean;
  /** Ops (builtin names) or tensor names whose nodes stay float. */
  keepFloat: readonly string[];
  /**
   * Input normalization (from the metadata) used to give uint8/int8 inputs the parameters that
   * take raw pixels: real = (pixel - mean) / std. Ignored unless one mean and one std.
   */
  inputNormalization?: { mean: number; std: number };
}

/** What happened to one node. */
export interface NodeOutcome {
  readonly index: number;
  readonly op: string;
  /** Name of the node's first output. */
  readonly output: string;
  readonly quantized: boolean;
  /** Why it stayed float. */
  readonly reason?: string;
}

/** Result of the integer pass. */
export interface IntegerPassResult {
  readonly nodes: NodeOutcome[];
  /** QUANTIZE / DEQUANTIZE / requantize ops inserted. */
  readonly conversions: number;
  /** Nodes whose bias was corrected. */
  readonly biasCorrected: number;
  /** Position in the rewritten subgraph of each node of the float one (conversions shift them). */
  readonly nodeMap: number[];
}

/** A representation of a tensor: float32, or an integer type with parameters. */
type Rep =
  { readonly kind: 'float' } | { readonly kind: 'int'; readonly dtype: DType; readonly params: AffineParams };

const FLOAT: Rep = { kind: 'float' };
const repKey = (r: Rep) =>
  r.kind === 'float' ? 'f' : `${r.dtype}:${Math.fround(r.params.scale)}:${r.params.zeroPoint}`;
const sameRep = (a: Rep, b: Rep) => repKey(a) === repKey(b);

/** A node's plan. */
interface Plan {
  readonly rule: OpRule | undefined;
  readonly quantized: boolean;
  readonly reason?: string;
}

/**
 * Quantizes subgraph 0 of `model` (a clone the caller owns: it is changed in place) with the
 * statistics of calibration. Throws QuantizationError for a --keep-float entry that matches no
 * op or tensor.
 */
export function integerPass(
  model: Model,
  stats: CalibrationStats,
  options: IntegerPassOptions,
): IntegerPassResult {
  const ed = new GraphEditor(model, 0);
  const sg = ed.sg;
  const type = options.type;
  const qDtype: DType = type;
  const original = sg.operators;
  const opName = (op: Operator) => builtinOpName(model.operatorCodes[op.opcodeIndex]!.builtinCode);
  const dtypeOf = (t: number): DType | undefined => (t < 0 ? undefined : dtypeFromCode(sg.tensors[t]!.type));
  const isFloatActivation = (t: number) => t >= 0 && dtypeOf(t) === 'float32' && !ed.isConstant(t);

  // --- 1. plan ----------------------------------------------------------------------------
  const keep = new Set(options.keepFloat);
  const matched = new Set<string>();
  const plans: Plan[] = original.map((op) => {
    const name = opName(op);
    const rule = OP_RULES[name];
    const keepHits = [name, ...op.outputs.map((o) => sg.tensors[o]!.name)].filter((k) => keep.has(k));
    keepHits.forEach((k) => matched.add(k));
    if (keepHits.length > 0) return { rule, quantized: false, reason: `--keep-float ${keepHits[0]}` };
    if (!rule) return { rule, quantized: false, reason: `no ${type} kernel for ${name} in TFLite` };
    if (!ruleSupports(rule, type))
      return { rule, quantized: false, reason: `${name} has no 16x8 kernel in TFLite` };
    for (const i of dataInputs(rule, op.inputs.length)) {
      const t = op.inputs[i]!;
      if (t < 0) continue;
      if (dtypeOf(t) !== 'float32')
        return { rule, quantized: false, reason: `input ${i} is ${dtypeOf(t)}, not float32` };
      if (!ed.isConstant(t) && !stats.tensors.has(t) && !sg.inputs.includes(t))
        return { rule, quantized: false, reason: `input ${i} was never computed during calibration` };
    }
    for (const o of op.outputs) {
      if (dtypeOf(o) !== 'float32')
        return { rule, quantized: false, reason: `output is ${dtypeOf(o)}, not float32` };
    }
    if (rule.kind === 'weighted') {
      const w = op.inputs[rule.weights] ?? -1;
      const b = op.inputs[rule.bias] ?? -1;
      if (w < 0 || !ed.isConstant(w) || dtypeOf(w) !== 'float32')
        return { rule, quantized: false, reason: 'its weights are not constant float32' };
      if (b >= 0 && (!ed.isConstant(b) || dtypeOf(b) !== 'float32'))
        return { rule, quantized: false, reason: 'its bias is not constant float32' };
      if (sg.tensors[w]!.shape.length <= rule.weightAxis)
        return { rule, quantized: false, reason: `its weights have rank ${sg.tensors[w]!.shape.length}` };
    }
    return { rule, quantized: true };
  });
  const unmatched = [...keep].filter((k) => !matched.has(k));
  if (unmatched.length > 0) {
    throw new QuantizationError(
      `--keep-float ${unmatched.map((k) => JSON.stringify(k)).join(', ')} matches no op type or tensor name of the model; ` +
        `op types here: ${[...new Set(original.map(opName))].join(', ')}`,
    );
  }

  // --- 2. parameters ------------------------------------------------------------------------
  const groups = new ParamGroups();
  const rangeOf = (t: number): [number, number] => {
    if (ed.isConstant(t)) {
      const v = ed.constantFloats(t);
      let lo = Infinity;
      let hi = -Infinity;
      for (const x of v) {
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      return v.length ? [lo, hi] : [0, 0];
    }
    const h = stats.tensors.get(t);
    if (!h) return [0, 0];
    return estimateRange(h, { method: options.method, type, percentile: options.percentile });
  };
  const member = (t: number) => {
    if (!groups.has(t)) {
      const [lo, hi] = rangeOf(t);
      groups.addRange(t, lo, hi);
    }
  };
  // Model inputs with uint8/int8 io and a known normalization take raw pixels: real =
  // (pixel - mean) / std, i.e. scale 1/std and zero point mean (rounded half away from zero, as
  // Google's MobileNets use 1/128 and 128 for mean = std = 127.5), minus 128 for int8.
  const norm = options.inputNormalization;
  if (norm && (options.io === 'uint8' || options.io === 'int8') && sg.inputs.length === 1) {
    const mean = roundHalfAwayFromZero(norm.mean);
    if (mean >= 0 && mean <= 255 && norm.std > 0) {
      const t = sg.inputs[0]!;
      member(t);
      groups.pin(t, { scale: Math.fround(1 / norm.std), zeroPoint: mean - 128 });
    }
  }
  original.forEach((op, k) => {
    const plan = plans[k]!;
    if (!plan.quantized || !plan.rule) return;
    const rule = plan.rule;
    const data = dataInputs(rule, op.inputs.length)
      .map((i) => op.inputs[i]!)
      .filter((t) => t >= 0);
    for (const t of [...data, ...op.outputs]) member(t);
    if (rule.kind === 'fixed') {
      const p = type === 'int8' ? rule.int8 : rule.int16!;
      for (const o of op.outputs) groups.pin(o, p);
    } else if (rule.kind === 'same') {
      const out = op.outputs[0]!;
      for (const o of op.outputs.slice(1)) groups.union(out, o);
      for (const t of data) {
        // A pinned input (a SOFTMAX / LOGISTIC / TANH output) of an op joining several inputs
        // must not impose its fixed range on the others (a TANH output concatenated with a
        // LOGISTIC one, or with a conv output): the output takes parameters covering every input
        // and the pinned input is read through a requantize.
        if (data.length > 1 && groups.pinOf(t)) {
          const r = groups.rangeOf(t);
          if (r) groups.addRange(out, r[0], r[1]);
        } else if (!groups.union(out, t)) {
          const r = groups.rangeOf(t);
          if (r) groups.addRange(out, r[0], r[1]);
        }
      }
    }
  });
  // Model boundary tensors with integer io need parameters even when only float nodes touch them.
  if (options.io !== 'float32') for (const t of [...sg.inputs, ...sg.outputs]) member(t);
  groups.resolve(type);

  // --- 3. rewrite ---------------------------------------------------------------------------
  const producer = new Map<number, number>();
  original.forEach((op, k) => op.outputs.forEach((o) => producer.set(o, k)));
  const inputSet = new Set(sg.inputs);
  const outputSet = new Set(sg.outputs);
  const quantRep = (t: number): Rep => ({ kind: 'int', dtype: qDtype, params: groups.paramsOf(t) });
  const ioRep = (t: number): Rep => {
    if (options.io === 'float32') return FLOAT;
    const p = groups.paramsOf(t);
    if (options.io === 'uint8')
      return { kind: 'int', dtype: 'uint8', params: { scale: p.scale, zeroPoint: p.zeroPoint + 128 } };
    return { kind: 'int', dtype: options.io, params: p };
  };
  const written = (t: number): Rep => {
    if (inputSet.has(t)) return ioRep(t);
    const k = producer.get(t);
    return k !== undefined && plans[k]!.quantized ? quantRep(t) : FLOAT;
  };
  const home = (t: number): Rep => (inputSet.has(t) || outputSet.has(t) ? ioRep(t) : written(t));

  // Every representation a tensor is needed in, beyond the one its writer produces.
  const needed = new Map<number, Map<string, Rep>>();
  const need = (t: number, r: Rep) => {
    let m = needed.get(t);
    if (!m) needed.set(t, (m = new Map()));
    m.set(repKey(r), r);
  };
  // The representation node k reads its input at position i in.
  const readRep = (k: number, i: number): Rep | undefined => {
    const op = original[k]!;
    const t = op.inputs[i]!;
    const plan = plans[k]!;
    if (t < 0) return undefined;
    if (!plan.quantized || !plan.rule) return isFloatActivation(t) ? FLOAT : undefined;
    const rule = plan.rule;
    if (rule.kind === 'weighted') return i === rule.input ? quantRep(t) : undefined;
    if (!dataInputs(rule, op.inputs.length).includes(i)) return undefined;
    // A "same" op reads every data input with its output's parameters.
    return rule.kind === 'same' ? quantRep(op.outputs[0]!) : quantRep(t);
  };
  original.forEach((op, k) => {
    op.inputs.forEach((t, i) => {
      const r = readRep(k, i);
      if (r && !ed.isConstant(t)) need(t, r);
    });
  });
  for (const t of [...sg.inputs, ...sg.outputs]) need(t, home(t));

  // Tensor index holding representation r of t (the original index for its home representation).
  const twins = new Map<string, number>();
  const tensorFor = (t: number, r: Rep): number => {
    if (sameRep(r, home(t))) return t;
    const key = `${t}|${repKey(r)}`;
    const found = twins.get(key);
    if (found !== undefined) return found;
    const src = sg.tensors[t]!;
    const w = written(t);
    // Names: x_float (dequantized copy), x_int8 / x_uint8 / x_int16, x_requantized (other params).
    const name =
      r.kind === 'float'
        ? `${src.name}_float`
        : w.kind === 'int' && w.dtype === r.dtype && !sameRep(w, r)
          ? `${src.name}_requantized`
          : `${src.name}_${r.dtype}`;
    const idx = ed.addTensor({
      name,
      shape: [...src.shape],
      type: r.kind === 'float' ? dtypeCode('float32') : dtypeCode(r.dtype),
      buffer: 0,
      ...(src.shapeSignature ? { shapeSignature: [...src.shapeSignature] } : {}),
      ...(r.kind === 'int' ? { quantization: quantization(r.params) } : {}),
    });
    twins.set(key, idx);
    return idx;
  };

  let conversions = 0;
  const newOps: Operator[] = [];
  const emitConversions = (t: number) => {
    const w = written(t);
    const reps = needed.get(t);
    if (!reps) return;
    const from = tensorFor(t, w);
    for (const r of reps.values()) {
      if (sameRep(r, w)) continue;
      const to = tensorFor(t, r);
      const opName: BuiltinOpName = r.kind === 'float' ? 'DEQUANTIZE' : 'QUANTIZE';
      newOps.push(ed.makeOp(opName, 1, [from], [to]));
      conversions++;
    }
  };

  // Constants read by integer nodes: quantized copies with the reader's parameters.
  const constCopies = new Map<string, number>();
  const quantizedConstant = (t: number, r: Rep & { kind: 'int' }): number => {
    const key = `${t}|${repKey(r)}`;
    const found = constCopies.get(key);
    if (found !== undefined) return found;
    const src = sg.tensors[t]!;
    const v = ed.constantFloats(t);
    const [qmin, qmax] = r.dtype === 'int16' ? [-32768, 32767] : r.dtype === 'uint8' ? [0, 255] : [-128, 127];
    const q =
      r.dtype === 'int16'
        ? new Int16Array(v.length)
        : r.dtype === 'uint8'
          ? new Uint8Array(v.length)
          : new Int8Array(v.length);
    const s = Math.fround(r.params.scale);
    for (let i = 0; i < v.length; i++) {
      const x = roundHalfAwayFromZero(v[i]! / s) + r.params.zeroPoint;
      q[i] = x < qmin ? qmin : x > qmax ? qmax : x;
    }
    const idx = ed.addTensor({
      name: `${src.name}_${r.dtype}`,
      shape: [...src.shape],
      type: dtypeCode(r.dtype),
      buffer: ed.addBuffer(bytesOf(q)),
      quantization: quantization(r.params),
    });
    constCopies.set(key, idx);
    return idx;
  };

  for (const t of sg.inputs) emitConversions(t);
  const outcomes: NodeOutcome[] = [];
  const nodeMap: number[] = [];
  let biasCorrected = 0;
  original.forEach((op, k) => {
    const plan = plans[k]!;
    const name = opName(op);
    outcomes.push({
      index: k,
      op: name,
      output: sg.tensors[op.outputs[0] ?? -1]?.name ?? '',
      quantized: plan.quantized,
      ...(plan.reason ? { reason: plan.reason } : {}),
    });
    const next: Operator = { ...op, inputs: [...op.inputs], outputs: [...op.outputs] };
    op.inputs.forEach((t, i) => {
      const r = readRep(k, i);
      if (!r) return;
      if (ed.isConstant(t)) {
        if (r.kind === 'int') next.inputs[i] = quantizedConstant(t, r);
      } else next.inputs[i] = tensorFor(t, r);
    });
    next.outputs = op.outputs.map((o) => tensorFor(o, written(o)));
    if (plan.quantized && plan.rule?.kind === 'weighted') {
      if (quantizeWeighted(next, op, k, plan.rule)) biasCorrected++;
    }
    if (plan.quantized && type === 'int16' && (name === 'ADD' || name === 'SUB') && op.builtinOptions) {
      // The general int16 path (any scales); the default POT path needs power-of-two scales.
      next.builtinOptions = withValue(op.builtinOptions, 'potScaleInt16', false);
    }
    nodeMap.push(newOps.length);
    newOps.push(next);
    for (const o of op.outputs) emitConversions(o);
  });

  /** Replaces weights and bias of a weighted node by their quantized forms; returns true if the bias was corrected. */
  function quantizeWeighted(
    next: Operator,
    op: Operator,
    k: number,
    rule: OpRule & { kind: 'weighted' },
  ): boolean {
    const wIdx = op.inputs[rule.weights]!;
    const bIdx = op.inputs[rule.bias] ?? -1;
    const wt = sg.tensors[wIdx]!;
    const w = ed.constantFloats(wIdx);
    const wq = quantizeSymmetricWeights(w, wt.shape, options.perTensor ? undefined : rule.weightAxis);
    const xParams = groups.paramsOf(op.inputs[rule.input]!);
    const channels = wt.shape[rule.weightAxis]!;
    let bias: Float32Array | undefined = bIdx >= 0 ? ed.constantFloats(bIdx) : undefined;
    let corrected = false;
    const mean = stats.patchMeans.get(k);
    if (options.biasCorrection && mean) {
      const deq = dequantizeSymmetricWeights(wq, wt.shape);
      const dW = new Float32Array(w.length);
      for (let i = 0; i < w.length; i++) dW[i] = deq[i]! - w[i]!;
      const shift = meanResponse(opName(op), dW, wt.shape, mean);
      const b = new Float32Array(channels);
      if (bias) b.set(bias);
      for (let c = 0; c < channels; c++) b[c] = b[c]! - shift[c]!;
      bias = b;
      corrected = true;
    }
    // The quantized weights take the float tensor's name (the float one, now unused, is dropped).
    const wName = wt.name;
    ed.renameAway(wIdx, `${wName}_float`);
    next.inputs[rule.weights] = ed.addTensor({
      name: wName,
      shape: [...wt.shape],
      type: dtypeCode('int8'),
      buffer: ed.addBuffer(bytesOf(wq.data)),
      quantization: {
        scale: wq.scales,
        zeroPoint: wq.scales.map(() => 0),
        quantizedDimension: wq.scales.length > 1 ? wq.axis : 0,
      },
    });
    if (bias) {
      const biasType = type === 'int16' ? 'int64' : 'int32';
      const qb = quantizeBias(bias, xParams.scale, wq.scales, biasType);
      const name = bIdx >= 0 ? sg.tensors[bIdx]!.name : `${wName}_bias`;
      if (bIdx >= 0) ed.renameAway(bIdx, `${name}_float`);
      while (next.inputs.length <= rule.bias) next.inputs.push(-1);
      next.inputs[rule.bias] = ed.addTensor({
        name,
        shape: [channels],
        type: dtypeCode(biasType),
        buffer: ed.addBuffer(bytesOf(qb.data)),
        quantization: { scale: qb.scales, zeroPoint: qb.scales.map(() => 0), quantizedDimension: 0 },
      });
    }
    return corrected;
  }

  // Original indices take their home representation.
  const touched = new Set<number>([...needed.keys(), ...producer.keys()]);
  for (const t of touched) {
    const r = home(t);
    const tensor = sg.tensors[t]!;
    if (r.kind === 'int') {
      tensor.type = dtypeCode(r.dtype);
      tensor.quantization = quantization(r.params);
    }
  }
  sg.operators = newOps;
  assignVersions(ed);
  return { nodes: outcomes, conversions, biasCorrected, nodeMap };
}

/** The schema form of per-tensor parameters. */
function quantization(p: AffineParams): Tensor['quantization'] {
  return { scale: [Math.fround(p.scale)], zeroPoint: [p.zeroPoint], quantizedDimension: 0 };
}

/** Returns options with one field changed (the field must belong to the options table). */
function withValue(o: BuiltinOptions, field: string, value: boolean | number): BuiltinOptions {
  return { ...o, values: { ...o.values, [field]: value } };
}
