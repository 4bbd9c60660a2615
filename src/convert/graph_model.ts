/**
 * Front end for TF.js graph models (a TensorFlow GraphDef from tensorflowjs_converter): Const
 * nodes become constants (their values from the weights manifest, or inline), Placeholders
 * the inputs (batch fixed at 1), and every other node goes through TF_OP_CONVERTERS in
 * dependency order. Outputs come from the signature in userDefinedMetadata, else the nodes
 * nothing reads. Every unsupported op is collected first, so one error names them all.
 */
import { ConversionError } from '../errors.js';
import { ConvGraph } from './graph.js';
import { TF_OP_CONVERTERS, TF_SOURCE_OPS, type TfOpContext } from './graph_ops/index.js';
import type { FrontEndResult } from './layers_model.js';
import type { GraphDefJson, GraphNodeJson, TfjsModelJson } from './tfjs_format.js';
import type { WeightTensor } from './weights.js';

/** "name:1" -> ["name", 1]; "^name" (control input) -> undefined. */
function parseInput(s: string): [string, number] | undefined {
  if (s.startsWith('^')) return undefined;
  const m = /^(.*):(\d+)$/.exec(s);
  return m ? [m[1]!, Number(m[2])] : [s, 0];
}

function dims(shape: { dim?: { size?: string | number }[] } | undefined): number[] {
  return (shape?.dim ?? []).map((d) => Number(d.size ?? -1));
}

function inlineConst(node: GraphNodeJson): { shape: number[]; data: Float32Array | Int32Array } | undefined {
  const t = node.attr?.['value']?.tensor;
  if (!t) return undefined;
  const shape = dims(t.tensorShape);
  const n = shape.reduce((a, b) => a * b, 1);
  const isInt = t.dtype === 'DT_INT32';
  const vals = (isInt ? t.intVal : t.floatVal) ?? [];
  if (vals.length === 0) return undefined;
  const data = isInt ? new Int32Array(n) : new Float32Array(n);
  // TF stores a repeated value once when all elements are equal
  for (let i = 0; i < n; i++) data[i] = Number(vals[Math.min(i, vals.length - 1)]);
  return { shape, data };
}

/** Signature outputs ("Identity:0") of userDefinedMetadata, if any. */
function signatureNames(json: TfjsModelJson, kind: 'inputs' | 'outputs'): string[] | undefined {
  const sig = (json.userDefinedMetadata?.['signature'] ?? json.signature) as
    Record<string, Record<string, unknown>> | undefined;
  const part = sig?.[kind];
  return part ? Object.keys(part) : undefined;
}

/**
 * Converts a tfjs graph model with its decoded weights into the working graph. Throws
 * ConversionError listing every unsupported op at once, or naming the node that fails.
 */
export function convertGraphModel(json: TfjsModelJson, weights: Map<string, WeightTensor>): FrontEndResult {
  const def = json.modelTopology as GraphDefJson;
  const nodes = def.node ?? [];
  if ((def.library?.function ?? []).length > 0) {
    throw new ConversionError(
      'the graph model has functions (control flow: If/While); they are not supported',
    );
  }
  const bad = nodes.filter((n) => !TF_SOURCE_OPS.includes(n.op) && !(n.op in TF_OP_CONVERTERS));
  if (bad.length > 0) {
    const list = bad.map((n) => `${n.name} (${n.op})`);
    throw new ConversionError(
      `${bad.length} unsupported op${bad.length > 1 ? 's' : ''}: ${list.join(', ')}. ` +
        'Open an issue asking for their mapping (src/convert/graph_ops/index.ts).',
    );
  }
  const g = new ConvGraph();
  const values = new Map<string, number>(); // "node:output" -> value id
  for (const n of nodes) {
    if (n.op === 'Const') {
      const w = weights.get(n.name);
      const c = w
        ? { shape: w.shape, data: w.dtype === 'float32' ? (w.data as Float32Array) : Int32Array.from(w.data) }
        : inlineConst(n);
      if (!c)
        throw new ConversionError(
          `node ${n.name} (Const): its value is neither in the weights manifest nor inline`,
        );
      values.set(`${n.name}:0`, g.addConst(n.name, c.shape, c.data));
    } else if (n.op === 'Placeholder') {
      const shape = dims(n.attr?.['shape']?.shape);
      if (shape.slice(1).some((d) => d < 0)) {
        throw new ConversionError(
          `input ${n.name}: shape [${shape}] has an unknown dimension besides the batch; TFLite needs static shapes`,
        );
      }
      const dtype = n.attr?.['dtype']?.type === 'DT_INT32' ? 'int32' : 'float32';
      const id = g.addValue(n.name, [1, ...shape.slice(1)], dtype);
      values.set(`${n.name}:0`, id);
      g.inputs.push(id);
    }
  }
  let pending = nodes.filter((n) => !TF_SOURCE_OPS.includes(n.op));
  while (pending.length > 0) {
    const ready = pending.filter((n) =>
      (n.input ?? []).every((s) => {
        const r = parseInput(s);
        return !r || values.has(`${r[0]}:${r[1]}`);
      }),
    );
    if (ready.length === 0) {
      throw new ConversionError(
        `node ${pending[0]!.name} (${pending[0]!.op}): its inputs are never computed (a cycle or a missing node)`,
      );
    }
    for (const n of ready) {
      const ins = (n.input ?? []).flatMap((s) => {
        const r = parseInput(s);
        return r ? [values.get(`${r[0]}:${r[1]}`)!] : [];
      });
      const ctx: TfOpContext = { g, node: n, name: n.name };
      let outs: number[];
      try {
        outs = TF_OP_CONVERTERS[n.op]!(ctx, ins);
      } catch (e) {
        if (e instanceof ConversionError) throw e;
        throw new ConversionError(`node ${n.name} (${n.op}): ${(e as Error).message}`);
      }
      outs.forEach((v, i) => values.set(`${n.name}:${i}`, v));
    }
    pending = pending.filter((n) => !ready.includes(n));
  }
  const sigOut = signatureNames(json, 'outputs');
  const outNames = sigOut ?? nodesNobodyReads(nodes);
  g.outputs = outNames.map((s) => {
    const r = parseInput(s)!;
    const v = values.get(`${r[0]}:${r[1]}`);
    if (v === undefined) throw new ConversionError(`output ${s} is not produced by any node`);
    return v;
  });
  const sigIn = signatureNames(json, 'inputs');
  if (sigIn) {
    g.inputs = sigIn.map((s) => {
      const r = parseInput(s)!;
      const v = values.get(`${r[0]}:${r[1]}`);
      if (v === undefined)
        throw new ConversionError(`signature input ${s} is not a Placeholder of the graph`);
      return v;
    });
  }
  return { graph: g, notes: {} };
}

function nodesNobodyReads(nodes: readonly GraphNodeJson[]): string[] {
  const read = new Set<string>();
  for (const n of nodes) for (const s of n.input ?? []) read.add(parseInput(s)?.[0] ?? '');
  return nodes.filter((n) => !TF_SOURCE_OPS.includes(n.op) && !read.has(n.name)).map((n) => `${n.name}:0`);
}
