/**
 * Size and cost figures of a model: parameter count and weight bytes (by dtype), op-type
 * histogram, and multiply-accumulate counts per operator, computed from the static tensor
 * shapes (a dynamic dimension counts as the size stored in `shape`, usually 1). Used by
 * `inspect`, and meant for `bench` (a model's MACs over the measured peak MAC rate is its
 * latency floor) and `compare`.
 *
 * MAC formulas (one MAC = one multiply and one add), with N batch, Ho x Wo output pixels:
 * - CONV_2D, filter [Co, Kh, Kw, Ci]:           N*Ho*Wo*Co * Kh*Kw*Ci
 * - DEPTHWISE_CONV_2D, filter [1, Kh, Kw, Co]:  N*Ho*Wo*Co * Kh*Kw
 * - CONV_3D, filter [Kd, Kh, Kw, Ci, Co]:       (output elements) * Kd*Kh*Kw*Ci
 * - FULLY_CONNECTED, weights [U, D]:            (output elements) * D
 * - BATCH_MATMUL, lhs [..., M, K] ([..., K, M] with adj_x): (output elements) * K
 * - TRANSPOSE_CONV, weights [Co, Kh, Kw, Ci], input [N, H, W, Ci]: N*H*W*Ci * Kh*Kw*Co
 *   (every input pixel is scattered through the whole kernel)
 * Other ops count 0: their cost is memory traffic, not arithmetic.
 */
import { CUSTOM_OP_CODE, builtinOpName } from './builtin_ops.js';
import { dtypeFromCode } from './dtype.js';
import type { Model, Operator, Subgraph } from './model.js';

/** Figures of one subgraph. */
export interface SubgraphStats {
  index: number;
  /** Operator count per op name, in order of first appearance. */
  opHistogram: Record<string, number>;
  /** MACs of each operator, by operator index. */
  macsPerOp: number[];
  macs: number;
}

/** Figures of a whole model. */
export interface ModelStats {
  /** Elements of all constant tensors (each buffer counted once). */
  parameters: number;
  /** Bytes of all constant tensor data (each buffer counted once). */
  weightBytes: number;
  /** Constant bytes per dtype name, e.g. { int8: 2_000_000, int32: 8_000 }. */
  weightBytesByDtype: Record<string, number>;
  /** Operator count per op name over all subgraphs. */
  opHistogram: Record<string, number>;
  /** MACs per op name over all subgraphs (only ops that have MACs). */
  macsByOpType: Record<string, number>;
  /** Total MACs over all subgraphs. */
  macs: number;
  subgraphs: SubgraphStats[];
}

/** Returns the display name of an operator: its builtin name, or the custom code of a custom op. */
export function operatorName(model: Model, op: Operator): string {
  const code = model.operatorCodes[op.opcodeIndex];
  if (!code) return `UNKNOWN_OPCODE_${op.opcodeIndex}`;
  if (code.builtinCode === CUSTOM_OP_CODE) return code.customCode ?? 'CUSTOM';
  return builtinOpName(code.builtinCode);
}

function product(dims: readonly number[], from = 0, to = dims.length): number {
  let n = 1;
  for (let i = from; i < to; i++) n *= dims[i]!;
  return n;
}

function shapeOf(sg: Subgraph, index: number | undefined): number[] | undefined {
  return index === undefined || index < 0 ? undefined : sg.tensors[index]?.shape;
}

/** Returns the multiply-accumulates of one operator (0 for ops without arithmetic or unknown shapes). */
export function operatorMacs(model: Model, sg: Subgraph, op: Operator): number {
  const name = operatorName(model, op);
  const out = shapeOf(sg, op.outputs[0]);
  if (!out) return 0;
  const outElems = product(out);
  switch (name) {
    case 'CONV_2D': {
      const f = shapeOf(sg, op.inputs[1]);
      return f && f.length === 4 ? outElems * product(f, 1) : 0;
    }
    case 'DEPTHWISE_CONV_2D': {
      const f = shapeOf(sg, op.inputs[1]);
      return f && f.length === 4 ? outElems * f[1]! * f[2]! : 0;
    }
    case 'CONV_3D': {
      const f = shapeOf(sg, op.inputs[1]);
      return f && f.length === 5 ? outElems * product(f, 0, 4) : 0;
    }
    case 'FULLY_CONNECTED': {
      const w = shapeOf(sg, op.inputs[1]);
      return w && w.length === 2 ? outElems * w[1]! : 0;
    }
    case 'BATCH_MATMUL': {
      const lhs = shapeOf(sg, op.inputs[0]);
      if (!lhs || lhs.length < 2) return 0;
      const adjX = op.builtinOptions?.values.adjX === true;
      const k = adjX ? lhs[lhs.length - 2]! : lhs[lhs.length - 1]!;
      return outElems * k;
    }
    case 'TRANSPOSE_CONV': {
      const w = shapeOf(sg, op.inputs[1]);
      const x = shapeOf(sg, op.inputs[2]);
      return w && x && w.length === 4 ? product(x) * product(w, 0, 3) : 0;
    }
    default:
      return 0;
  }
}

/** Returns parameter, weight, op-count and MAC figures of a model. Does not throw for a verified model. */
export function computeModelStats(model: Model): ModelStats {
  const stats: ModelStats = {
    parameters: 0,
    weightBytes: 0,
    weightBytesByDtype: {},
    opHistogram: {},
    macsByOpType: {},
    macs: 0,
    subgraphs: [],
  };
  const seen = new Set<number>();
  model.subgraphs.forEach((sg, index) => {
    for (const t of sg.tensors) {
      const data = model.buffers[t.buffer]?.data;
      if (!data || data.byteLength === 0 || seen.has(t.buffer)) continue;
      seen.add(t.buffer);
      stats.parameters += product(t.shape);
      stats.weightBytes += data.byteLength;
      const dtype = dtypeFromCode(t.type) ?? `type${t.type}`;
      stats.weightBytesByDtype[dtype] = (stats.weightBytesByDtype[dtype] ?? 0) + data.byteLength;
    }
    const s: SubgraphStats = { index, opHistogram: {}, macsPerOp: [], macs: 0 };
    for (const op of sg.operators) {
      const name = operatorName(model, op);
      s.opHistogram[name] = (s.opHistogram[name] ?? 0) + 1;
      stats.opHistogram[name] = (stats.opHistogram[name] ?? 0) + 1;
      const macs = operatorMacs(model, sg, op);
      s.macsPerOp.push(macs);
      s.macs += macs;
      if (macs > 0) stats.macsByOpType[name] = (stats.macsByOpType[name] ?? 0) + macs;
    }
    stats.macs += s.macs;
    stats.subgraphs.push(s);
  });
  return stats;
}
