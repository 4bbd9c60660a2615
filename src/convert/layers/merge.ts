/**
 * Merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum (chains of the binary op,
 * Average then scaled by 1/n as tfjs does) and Concatenate.
 */
import { ConversionError } from '../../errors.js';
import type { BuiltinOpName } from '../../ir/builtin_ops.js';
import { broadcastShapes, normAxis } from '../shapes.js';
import { type LayerConverter, type LayerContext, num } from './context.js';

function chain(ctx: LayerContext, op: BuiltinOpName, inputs: number[], lastName: string): number {
  if (inputs.length < 2)
    throw new ConversionError(
      `layer ${ctx.name} (${ctx.className}): needs at least 2 inputs, got ${inputs.length}`,
    );
  let acc = inputs[0]!;
  for (let i = 1; i < inputs.length; i++) {
    const shape = broadcastShapes(ctx.g.value(acc).shape, ctx.g.value(inputs[i]!).shape, `layer ${ctx.name}`);
    acc = ctx.g.op(op, i === inputs.length - 1 ? lastName : `${ctx.name}/${i}`, [acc, inputs[i]!], shape);
  }
  return acc;
}

function merge(op: BuiltinOpName): LayerConverter {
  return (ctx, inputs) => [chain(ctx, op, inputs, ctx.name)];
}

/** Add -> ADD chain. */
export const add = merge('ADD');
/** Multiply -> MUL chain. */
export const multiply = merge('MUL');
/** Maximum -> MAXIMUM chain. */
export const maximum = merge('MAXIMUM');
/** Minimum -> MINIMUM chain. */
export const minimum = merge('MINIMUM');

/** Subtract -> SUB (exactly two inputs). */
export const subtract: LayerConverter = (ctx, inputs) => {
  if (inputs.length !== 2)
    throw new ConversionError(`layer ${ctx.name}: Subtract needs exactly 2 inputs, got ${inputs.length}`);
  return [chain(ctx, 'SUB', inputs, ctx.name)];
};

/** Average -> ADD chain, then MUL by 1/n. */
export const average: LayerConverter = (ctx, inputs) => {
  const sum = chain(ctx, 'ADD', inputs, `${ctx.name}/sum`);
  const k = ctx.g.addConst(`${ctx.name}/inv_n`, [], new Float32Array([1 / inputs.length]));
  return [ctx.g.op('MUL', ctx.name, [sum, k], ctx.g.value(sum).shape)];
};

/** Concatenate -> CONCATENATION along `axis` (default -1). */
export const concatenate: LayerConverter = (ctx, inputs) => {
  const shapes = inputs.map((i) => ctx.g.value(i).shape);
  const rank = shapes[0]!.length;
  const axis = normAxis(num(ctx, 'axis', -1), rank);
  if (axis === 0)
    throw new ConversionError(`layer ${ctx.name}: concatenation along the batch axis is not supported`);
  const out = [...shapes[0]!];
  out[axis] = shapes.reduce((s, sh) => s + sh[axis]!, 0);
  return [ctx.g.op('CONCATENATION', ctx.name, inputs, out, { axis })];
};
