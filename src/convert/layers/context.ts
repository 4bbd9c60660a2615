/**
 * What a layer converter sees: the working graph, the layer's name and config, its weights,
 * and typed accessors for config fields (Keras serializes them in snake_case).
 */
import { ConversionError } from '../../errors.js';
import type { ConvGraph } from '../graph.js';
import type { WeightTensor } from '../weights.js';

/** Notes a converter leaves for the rest of the pipeline (e.g. a Rescaling turned into metadata). */
export interface LayerNotes {
  /** Input normalization found in the model: (x - mean) / std. */
  normalization?: { mean: number[]; std: number[]; from: string };
}

/** The context of one layer call. */
export interface LayerContext {
  readonly g: ConvGraph;
  /** Layer name (unique in the model; used to name tensors). */
  readonly name: string;
  readonly className: string;
  readonly config: Record<string, unknown>;
  /** Shared notes of the whole conversion. */
  readonly notes: LayerNotes;
  /** The layer's weight `suffix` (kernel, bias, gamma, ...). Throws ConversionError when absent. */
  weight(suffix: string): WeightTensor;
  /** The layer's weight `suffix`, or undefined when the model has none. */
  optionalWeight(suffix: string): WeightTensor | undefined;
}

/** A layer converter: writes ops for one call of a layer; returns its output values. */
export type LayerConverter = (ctx: LayerContext, inputs: number[]) => number[];

/** Returns config field `key` as a number (or `def`). Throws ConversionError when it is not a number. */
export function num(ctx: LayerContext, key: string, def?: number): number {
  const v = ctx.config[key];
  if (v === undefined || v === null) {
    if (def !== undefined) return def;
    throw new ConversionError(`layer ${ctx.name} (${ctx.className}): config has no ${key}`);
  }
  if (typeof v !== 'number')
    throw new ConversionError(`layer ${ctx.name}: ${key} must be a number, got ${JSON.stringify(v)}`);
  return v;
}

/** Returns config field `key` as a string (or `def`). */
export function str(ctx: LayerContext, key: string, def: string): string {
  const v = ctx.config[key];
  return typeof v === 'string' ? v : def;
}

/** Returns config field `key` as a boolean (or `def`). */
export function bool(ctx: LayerContext, key: string, def: boolean): boolean {
  const v = ctx.config[key];
  return typeof v === 'boolean' ? v : def;
}

/** Returns config field `key` as a pair of numbers (a single number applies to both). */
export function pair(ctx: LayerContext, key: string, def?: [number, number]): [number, number] {
  const v = ctx.config[key];
  if (v === undefined || v === null) {
    if (def) return def;
    throw new ConversionError(`layer ${ctx.name} (${ctx.className}): config has no ${key}`);
  }
  if (typeof v === 'number') return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number')) return [v[0], v[1]];
  throw new ConversionError(`layer ${ctx.name}: ${key} must be a number or a pair, got ${JSON.stringify(v)}`);
}

/** Returns config field `key` as a list of numbers (a single number becomes a one-entry list). */
export function list(ctx: LayerContext, key: string): number[] | undefined {
  const v = ctx.config[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || x === null))
    return v.map((x) => (x === null ? -1 : x));
  throw new ConversionError(`layer ${ctx.name}: ${key} must be a list of numbers, got ${JSON.stringify(v)}`);
}

/** Throws ConversionError unless the layer works on channels_last data (as TFLite does). */
export function requireChannelsLast(ctx: LayerContext): void {
  const f = ctx.config['data_format'];
  if (f !== undefined && f !== null && f !== 'channels_last') {
    throw new ConversionError(
      `layer ${ctx.name} (${ctx.className}): data_format ${String(f)} is not supported; TFLite is NHWC, retrain or re-save the model with channels_last`,
    );
  }
}

/** Returns the activation name of the layer's `activation` field ('linear' when absent). */
export function activationOf(ctx: LayerContext, key = 'activation'): string {
  const v = ctx.config[key];
  if (v === undefined || v === null) return 'linear';
  if (typeof v === 'string') return v;
  // Keras 3 / newer tfjs may serialize {class_name, config}
  if (typeof v === 'object' && 'class_name' in v) return String((v as { class_name: unknown }).class_name);
  throw new ConversionError(`layer ${ctx.name}: cannot read activation ${JSON.stringify(v)}`);
}
