/**
 * Output scores -> ranked categories: deciding whether the model already outputs probabilities,
 * softmax when it outputs logits, and top-k with a score threshold and allow / deny lists.
 */
import { builtinOpName } from '../ir/builtin_ops.js';
import type { Model } from '../ir/model.js';

/** One ranked class. */
export interface Category {
  /** Index in the model's output. */
  index: number;
  /** Label from the labels file or metadata; `#index` when there is none. */
  label: string;
  /** Display name (metadata display-names file for the chosen locale), else the label. */
  displayName: string;
  /** Probability (or the model's own score when softmax is off). */
  score: number;
}

/** Ops that pass scores through without changing what they mean. */
const PASS_THROUGH = new Set(['RESHAPE', 'SQUEEZE', 'QUANTIZE', 'DEQUANTIZE', 'EXPAND_DIMS']);
/** Ops whose output already is a probability. */
const PROBABILITY_OPS = new Set(['SOFTMAX', 'LOGISTIC']);

/**
 * Returns true when output `output` of subgraph 0 holds logits that need a softmax: it is not
 * produced by SOFTMAX or LOGISTIC (looking through reshapes and (de)quantization), and, when it
 * is quantized, its quantization is not the probability encoding TFLite gives softmax outputs
 * (scale 1/256 with zero point 0 for uint8 or -128 for int8).
 */
export function outputNeedsSoftmax(model: Model, output = 0): boolean {
  const sg = model.subgraphs[0];
  if (!sg) return false;
  let tensor = sg.outputs[output];
  if (tensor === undefined) return false;
  const first = sg.tensors[tensor];
  const q = first?.quantization;
  if (q?.scale?.length === 1 && Math.abs(q.scale[0]! - 1 / 256) < 1e-9) {
    const zp = q.zeroPoint?.[0] ?? 0;
    if (zp === 0 || zp === -128) return false;
  }
  for (let hops = 0; hops < 8; hops++) {
    const op = sg.operators.find((o) => o.outputs.includes(tensor!));
    if (!op) return true;
    const code = model.operatorCodes[op.opcodeIndex];
    const name = code ? builtinOpName(code.builtinCode) : '';
    if (PROBABILITY_OPS.has(name)) return false;
    if (!PASS_THROUGH.has(name) || op.inputs[0] === undefined || op.inputs[0] < 0) return true;
    tensor = op.inputs[0];
  }
  return true;
}

/** Returns softmax(x) in double precision (max-subtracted for stability) as float32. */
export function softmax(x: ArrayLike<number>): Float32Array {
  let max = -Infinity;
  for (let i = 0; i < x.length; i++) if (x[i]! > max) max = x[i]!;
  const e = new Float64Array(x.length);
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += e[i] = Math.exp(x[i]! - max);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = e[i]! / sum;
  return out;
}

/** Options of topCategories. */
export interface TopOptions {
  /** At most this many results (default 3; <= 0 means all). */
  maxResults?: number;
  /** Only scores >= this (default: none). */
  scoreThreshold?: number;
  /** Keep only these labels (compared with label and display name). */
  allowList?: readonly string[];
  /** Drop these labels. */
  denyList?: readonly string[];
}

/**
 * Returns the best classes by descending score (ties: lower index first, as a stable sort), after
 * the threshold and allow / deny lists, at most maxResults of them.
 */
export function topCategories(
  scores: ArrayLike<number>,
  names: { label(i: number): string | undefined; displayName(i: number): string | undefined },
  options: TopOptions = {},
): Category[] {
  const allow = options.allowList && options.allowList.length > 0 ? new Set(options.allowList) : undefined;
  const deny = new Set(options.denyList ?? []);
  const threshold = options.scoreThreshold ?? -Infinity;
  const max = options.maxResults === undefined ? 3 : options.maxResults <= 0 ? Infinity : options.maxResults;
  const picked: Category[] = [];
  for (let i = 0; i < scores.length; i++) {
    const score = scores[i]!;
    if (!(score >= threshold)) continue;
    const label = names.label(i) ?? `#${i}`;
    const displayName = names.displayName(i) ?? label;
    if (allow && !allow.has(label) && !allow.has(displayName)) continue;
    if (deny.has(label) || deny.has(displayName)) continue;
    picked.push({ index: i, label, displayName, score });
  }
  picked.sort((a, b) => b.score - a.score || a.index - b.index);
  return picked.slice(0, max);
}
