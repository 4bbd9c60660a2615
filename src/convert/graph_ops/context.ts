/**
 * What a TF op converter sees: the working graph, the GraphDef node, typed attribute readers
 * (tfjs stores string attributes base64-encoded and integers as strings) and the constant
 * values of its inputs.
 */
import { ConversionError } from '../../errors.js';
import type { ConvGraph } from '../graph.js';
import type { GraphAttrJson, GraphNodeJson } from '../tfjs_format.js';

/** The context of one GraphDef node. */
export interface TfOpContext {
  readonly g: ConvGraph;
  readonly node: GraphNodeJson;
  /** Value name for the node's output. */
  readonly name: string;
}

/** A TF op converter: writes ops for one node; returns its outputs (output i = `name:i`). */
export type TfOpConverter = (ctx: TfOpContext, inputs: number[]) => number[];

function attr(ctx: TfOpContext, key: string): GraphAttrJson | undefined {
  return ctx.node.attr?.[key];
}

function decodeBase64(s: string): string {
  const bin = atob(s);
  return bin;
}

/** Returns string attribute `key` (decoded from base64), or `def`. */
export function attrString(ctx: TfOpContext, key: string, def: string): string {
  const a = attr(ctx, key);
  return a?.s !== undefined ? decodeBase64(a.s) : def;
}

/** Returns the string list attribute `key` (decoded), or []. */
export function attrStrings(ctx: TfOpContext, key: string): string[] {
  return (attr(ctx, key)?.list?.s ?? []).map(decodeBase64);
}

/** Returns integer list attribute `key`, or `def`. */
export function attrInts(ctx: TfOpContext, key: string, def: number[] = []): number[] {
  const l = attr(ctx, key)?.list?.i;
  return l ? l.map(Number) : def;
}

/** Returns float attribute `key`, or `def`. */
export function attrFloat(ctx: TfOpContext, key: string, def: number): number {
  const f = attr(ctx, key)?.f;
  return f === undefined ? def : Number(f);
}

/** Returns bool attribute `key`, or `def`. */
export function attrBool(ctx: TfOpContext, key: string, def: boolean): boolean {
  const b = attr(ctx, key)?.b;
  return b === undefined ? def : b;
}

/** Returns the data of constant input `id`. Throws ConversionError when it is not a constant. */
export function constInput(ctx: TfOpContext, id: number, what: string): Float32Array | Int32Array {
  const v = ctx.g.value(id);
  if (!v.data) {
    throw new ConversionError(
      `node ${ctx.node.name} (${ctx.node.op}): its ${what} must be a constant; computed ${what}s are not supported`,
    );
  }
  return v.data;
}

/** Throws ConversionError unless the node's data_format is NHWC. */
export function requireNhwc(ctx: TfOpContext): void {
  const f = attrString(ctx, 'data_format', 'NHWC');
  if (f !== 'NHWC')
    throw new ConversionError(
      `node ${ctx.node.name} (${ctx.node.op}): data_format ${f} is not supported (NHWC only)`,
    );
}
