/**
 * Front end for TF.js Layers models (Keras topologies, Sequential and functional): walks the
 * layers in order, looks each class up in LAYER_CONVERTERS and lets it write TFLite ops into
 * the working graph. Every unsupported layer is collected first, so one error names them all.
 */
import { ConversionError } from '../errors.js';
import { ConvGraph, type ValueDType } from './graph.js';
import { LAYER_CONVERTERS, type LayerContext, type LayerNotes } from './layers/index.js';
import type { KerasLayerJson, KerasModelJson, TfjsModelJson } from './tfjs_format.js';
import type { WeightTensor } from './weights.js';

/** The result of a front end: the working graph plus what it learned on the way. */
export interface FrontEndResult {
  graph: ConvGraph;
  notes: LayerNotes;
  /** The model's own name, if it has one. */
  name?: string;
}

type TensorRef = [string, number, number];

/** Returns the Keras model JSON inside a Layers model.json. Throws ConversionError when absent. */
export function kerasTopology(json: TfjsModelJson): KerasModelJson {
  const t = json.modelTopology as { model_config?: KerasModelJson; class_name?: string } | null;
  const m = t && typeof t === 'object' && 'model_config' in t ? t.model_config : (t as KerasModelJson | null);
  if (!m || typeof m !== 'object' || typeof m.class_name !== 'string') {
    throw new ConversionError('model.json has no Keras model_config: not a TF.js Layers model');
  }
  return m;
}

function layersOf(m: KerasModelJson): KerasLayerJson[] {
  const c = m.config;
  return Array.isArray(c) ? c : ((c['layers'] as KerasLayerJson[] | undefined) ?? []);
}

function layerName(l: KerasLayerJson): string {
  return String(l.config['name'] ?? l.name ?? l.class_name);
}

function weightFinder(weights: Map<string, WeightTensor>) {
  const byKey = new Map<string, WeightTensor>();
  for (const [name, w] of weights) byKey.set(name.replace(/:\d+$/, ''), w);
  return (layer: string, suffix: string): WeightTensor | undefined => {
    const direct = byKey.get(`${layer}/${suffix}`);
    if (direct) return direct;
    // Nested name scopes (model/block/layer/kernel): match the last two segments.
    for (const [k, w] of byKey) if (k.endsWith(`/${layer}/${suffix}`)) return w;
    return undefined;
  };
}

function inputSpec(l: KerasLayerJson): { shape: number[]; dtype: ValueDType } {
  const shape = (l.config['batch_input_shape'] ?? l.config['batch_shape']) as (number | null)[] | undefined;
  if (!shape)
    throw new ConversionError(
      `layer ${layerName(l)}: no batch_input_shape; the model's input shape is unknown`,
    );
  const rest = shape.slice(1);
  if (rest.some((d) => d === null || d < 0)) {
    throw new ConversionError(
      `input ${layerName(l)}: shape [${shape.map((d) => d ?? 'None')}] has an unknown dimension besides the batch; TFLite needs static shapes (re-save the model with a fixed input shape)`,
    );
  }
  const dtype = l.config['dtype'] === 'int32' ? 'int32' : 'float32';
  return { shape: [1, ...(rest as number[])], dtype };
}

/** Returns "name (Class)" of every layer the table does not know. */
function unsupportedLayers(layers: readonly KerasLayerJson[]): string[] {
  return layers
    .filter((l) => l.class_name !== 'InputLayer' && !(l.class_name in LAYER_CONVERTERS))
    .map((l) => `${layerName(l)} (${l.class_name})`);
}

/**
 * Converts a Layers model topology with its decoded weights into the working graph. Throws
 * ConversionError listing every unsupported layer at once, or naming the layer that fails.
 */
export function convertLayersModel(json: TfjsModelJson, weights: Map<string, WeightTensor>): FrontEndResult {
  const m = kerasTopology(json);
  const layers = layersOf(m);
  const bad = unsupportedLayers(layers);
  if (bad.length > 0) {
    throw new ConversionError(
      `${bad.length} unsupported layer${bad.length > 1 ? 's' : ''}: ${bad.join(', ')}. ` +
        'Replace them, or open an issue asking for their mapping (src/convert/layers/index.ts).',
    );
  }
  const g = new ConvGraph();
  const notes: LayerNotes = {};
  const find = weightFinder(weights);
  const context = (l: KerasLayerJson, callIndex: number): LayerContext => {
    const name = layerName(l);
    const tensorName = callIndex === 0 ? name : `${name}_${callIndex}`;
    return {
      g,
      name: tensorName,
      className: l.class_name,
      config: l.config,
      notes,
      optionalWeight: (suffix) => find(name, suffix),
      weight: (suffix) => {
        const w = find(name, suffix);
        if (!w)
          throw new ConversionError(
            `layer ${name} (${l.class_name}): weight ${name}/${suffix} is missing from the weights manifest`,
          );
        return w;
      },
    };
  };
  const run = (l: KerasLayerJson, callIndex: number, inputs: number[]): number[] => {
    try {
      return LAYER_CONVERTERS[l.class_name]!(context(l, callIndex), inputs);
    } catch (e) {
      if (e instanceof ConversionError) throw e;
      throw new ConversionError(`layer ${layerName(l)} (${l.class_name}): ${(e as Error).message}`);
    }
  };
  const modelName = Array.isArray(m.config) ? undefined : (m.config['name'] as string | undefined);

  if (m.class_name === 'Sequential') {
    let x: number | undefined;
    for (const l of layers) {
      if (x === undefined) {
        const spec = inputSpec(l);
        x = g.addValue(
          l.class_name === 'InputLayer' ? layerName(l) : `${layerName(l)}_input`,
          spec.shape,
          spec.dtype,
        );
        g.inputs = [x];
        if (l.class_name === 'InputLayer') continue;
      }
      const out = run(l, 0, [x]);
      if (out.length !== 1)
        throw new ConversionError(`layer ${layerName(l)}: a Sequential layer must have one output`);
      x = out[0]!;
    }
    if (x === undefined) throw new ConversionError('the Sequential model has no layers');
    g.outputs = [x];
    return { graph: g, notes, ...(modelName ? { name: modelName } : {}) };
  }

  // Functional: tensors are keyed "layer:node:tensor" as in Keras's inbound_nodes.
  const cfg = m.config as Record<string, unknown>;
  const values = new Map<string, number>();
  const key = (r: TensorRef) => `${r[0]}:${r[1]}:${r[2]}`;
  for (const l of layers.filter((l) => l.class_name === 'InputLayer')) {
    const spec = inputSpec(l);
    values.set(`${layerName(l)}:0:0`, g.addValue(layerName(l), spec.shape, spec.dtype));
  }
  g.inputs = [...values.values()]; // ordered as input_layers below
  const pending: { layer: KerasLayerJson; call: number; refs: TensorRef[] }[] = [];
  for (const l of layers) {
    if (l.class_name === 'InputLayer') continue;
    (l.inbound_nodes ?? []).forEach((node, call) => {
      const refs = (node as unknown[][]).map((r) => [String(r[0]), Number(r[1]), Number(r[2])] as TensorRef);
      pending.push({ layer: l, call, refs });
    });
  }
  // Keras lists layers in topological order; the loop also copes with files that do not.
  while (pending.length > 0) {
    const i = pending.findIndex((p) => p.refs.every((r) => values.has(key(r))));
    if (i < 0) {
      const p = pending[0]!;
      throw new ConversionError(
        `layer ${layerName(p.layer)}: its inputs ${p.refs.map((r) => r[0]).join(', ')} are never computed`,
      );
    }
    const p = pending.splice(i, 1)[0]!;
    const out = run(
      p.layer,
      p.call,
      p.refs.map((r) => values.get(key(r))!),
    );
    out.forEach((v, t) => values.set(`${layerName(p.layer)}:${p.call}:${t}`, v));
  }
  const refList = (k: string) =>
    ((cfg[k] as unknown[][] | undefined) ?? []).map(
      (r) => [String(r[0]), Number(r[1]), Number(r[2])] as TensorRef,
    );
  const lookup = (r: TensorRef) => {
    const v = values.get(key(r));
    if (v === undefined)
      throw new ConversionError(`model ${r[0]}: tensor ${key(r)} is not produced by any layer`);
    return v;
  };
  g.inputs = refList('input_layers').map(lookup);
  g.outputs = refList('output_layers').map(lookup);
  return { graph: g, notes, ...(modelName ? { name: modelName } : {}) };
}
