/**
 * Which activation tensors of two models of the same network hold the same values: a float model
 * and its quantized form (ours, which keeps tensor names, or another converter's, which may rename
 * them and swap ops such as SQUEEZE for RESHAPE). Activation = a graph input or a non-constant
 * output of an operator of subgraph 0. Matching, in this order:
 *
 *  1. by name: equal names, then equal names without the ":N" suffix TensorFlow's converters add
 *     ("Conv2d_0/Relu6:0" vs "Conv2d_0/Relu6:3"), where that name is unique in both models;
 *  2. by position: the operators of both graphs, without QUANTIZE / DEQUANTIZE (they change the
 *     type, not the value) and with the reshape family counted as one kind, are aligned as the
 *     longest common subsequence of their op kinds; the outputs of aligned operators pair up, and
 *     graph input i pairs with graph input i;
 *  3. through conversions: the output of a QUANTIZE / DEQUANTIZE of the second model pairs with
 *     whatever its input paired with (so the quantized copy of a float input shows the input's
 *     quantization error).
 * A pair needs the same element count; a tensor of the first model may pair with several of the
 * second when those are joined by QUANTIZE / DEQUANTIZE (its float and its int8 copy), never the
 * reverse.
 */
import type { Model, Subgraph } from '../ir/model.js';
import { operatorName } from '../ir/model_stats.js';

/** How a pair was found. */
export type MatchKind = 'name' | 'position' | 'conversion';

/** Two tensors holding the same value in both models. */
export interface TensorPair {
  /** Tensor index in the first (float) model's subgraph 0. */
  a: number;
  /** Tensor index in the second (quantized) model's subgraph 0. */
  b: number;
  how: MatchKind;
}

/** An activation tensor of a model and where it comes from. */
export interface Activation {
  tensor: number;
  /** Index of the operator producing it in execution order; -1 for a graph input. */
  producer: number;
  /** Name of that operator ('INPUT' for a graph input). */
  op: string;
}

const CONVERSIONS = new Set(['QUANTIZE', 'DEQUANTIZE']);
const RESHAPES = new Set(['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS']);

const elements = (sg: Subgraph, t: number) => sg.tensors[t]!.shape.reduce((p, d) => p * d, 1);

/** Returns true when tensor t of subgraph 0 holds constant data. */
function isConstant(model: Model, t: number): boolean {
  const buf = model.buffers[model.subgraphs[0]!.tensors[t]!.buffer];
  return (buf?.data?.byteLength ?? 0) > 0;
}

/** Returns the activations of subgraph 0: graph inputs, then operator outputs in execution order. */
export function activations(model: Model): Activation[] {
  const sg = model.subgraphs[0]!;
  const out: Activation[] = sg.inputs.map((t) => ({ tensor: t, producer: -1, op: 'INPUT' }));
  sg.operators.forEach((op, i) => {
    const name = operatorName(model, op);
    for (const t of op.outputs)
      if (t >= 0 && !isConstant(model, t)) out.push({ tensor: t, producer: i, op: name });
  });
  return out;
}

/** Returns the longest common subsequence of two sequences as index pairs, in order. */
export function longestCommonSubsequence<T>(x: readonly T[], y: readonly T[]): [number, number][] {
  const n = x.length;
  const m = y.length;
  // len[i][j] = LCS length of x[i..] and y[j..], filled backwards.
  const len = Array.from({ length: n + 1 }, () => new Int32Array(m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      len[i]![j] = x[i] === y[j] ? len[i + 1]![j + 1]! + 1 : Math.max(len[i + 1]![j]!, len[i]![j + 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (x[i] === y[j]) {
      pairs.push([i, j]);
      i++;
      j++;
    } else if (len[i + 1]![j]! >= len[i]![j + 1]!) i++;
    else j++;
  }
  return pairs;
}

/** Returns the pairs of activation tensors of `a` (float) and `b` (quantized), in a's order. */
export function matchTensors(a: Model, b: Model): TensorPair[] {
  const sa = a.subgraphs[0]!;
  const sb = b.subgraphs[0]!;
  const actA = activations(a);
  const actB = activations(b);
  // Tensors of b joined by QUANTIZE / DEQUANTIZE hold one value in different types: a tensor of
  // a may pair with several of b only within one such group.
  const group = new Map<number, number>();
  const root = (t: number): number => {
    const g = group.get(t);
    return g === undefined || g === t ? t : root(g);
  };
  for (const op of sb.operators) {
    const i = op.inputs[0];
    const o = op.outputs[0];
    if (CONVERSIONS.has(operatorName(b, op)) && i !== undefined && i >= 0 && o !== undefined && o >= 0) {
      group.set(root(o), root(i));
    }
  }
  const pairedB = new Map<number, TensorPair>();
  const partners = new Map<number, number[]>();
  const pair = (ta: number, tb: number, how: MatchKind) => {
    if (pairedB.has(tb) || elements(sa, ta) !== elements(sb, tb)) return;
    const prev = partners.get(ta) ?? [];
    if (prev.some((pb) => root(pb) !== root(tb))) return;
    pairedB.set(tb, { a: ta, b: tb, how });
    partners.set(ta, [...prev, tb]);
  };

  // 1. Names: exact, then without the ":N" suffix, unique on both sides.
  const byName = (acts: Activation[], sg: Subgraph, key: (n: string) => string) => {
    const m = new Map<string, number[]>();
    for (const x of acts) {
      const k = key(sg.tensors[x.tensor]!.name);
      m.set(k, [...(m.get(k) ?? []), x.tensor]);
    }
    return m;
  };
  for (const key of [(n: string) => n, (n: string) => n.replace(/:\d+$/, '')]) {
    const na = byName(actA, sa, key);
    const nb = byName(actB, sb, key);
    for (const [k, ts] of na) {
      const other = nb.get(k);
      if (k !== '' && ts.length === 1 && other?.length === 1) pair(ts[0]!, other[0]!, 'name');
    }
  }

  // 2. Positions: graph inputs, then outputs of operators aligned by op kind.
  sa.inputs.forEach((t, i) => {
    const tb = sb.inputs[i];
    if (tb !== undefined) pair(t, tb, 'position');
  });
  const layers = (model: Model) =>
    model.subgraphs[0]!.operators.map((op, i) => ({ i, kind: operatorName(model, op) }))
      .filter((o) => !CONVERSIONS.has(o.kind))
      .map((o) => ({ ...o, kind: RESHAPES.has(o.kind) ? 'RESHAPE' : o.kind }));
  const la = layers(a);
  const lb = layers(b);
  for (const [i, j] of longestCommonSubsequence(
    la.map((l) => l.kind),
    lb.map((l) => l.kind),
  )) {
    const oa = sa.operators[la[i]!.i]!.outputs;
    const ob = sb.operators[lb[j]!.i]!.outputs;
    if (oa.length !== ob.length) continue;
    oa.forEach((t, k) => {
      if (t >= 0 && ob[k]! >= 0 && !isConstant(a, t) && !isConstant(b, ob[k]!)) pair(t, ob[k]!, 'position');
    });
  }

  // 3. Through QUANTIZE / DEQUANTIZE of the second model, in execution order (chains follow).
  sb.operators.forEach((op) => {
    if (!CONVERSIONS.has(operatorName(b, op))) return;
    const src = pairedB.get(op.inputs[0] ?? -1);
    const out = op.outputs[0];
    if (src && out !== undefined && out >= 0) pair(src.a, out, 'conversion');
  });

  const orderA = new Map(actA.map((x, k) => [x.tensor, k]));
  const orderB = new Map(actB.map((x, k) => [x.tensor, k]));
  return [...pairedB.values()]
    .filter((p) => orderA.has(p.a) && orderB.has(p.b))
    .sort((p, q) => orderA.get(p.a)! - orderA.get(q.a)! || orderB.get(p.b)! - orderB.get(q.b)!);
}
