/**
 * Advanced activation layers: ReLU (max_value, negative_slope), LeakyReLU, PReLU, ELU, Softmax.
 */
import { ConversionError } from '../../errors.js';
import { applyActivation } from '../activations.js';
import { normAxis } from '../shapes.js';
import { type LayerConverter, list, num } from './context.js';

/**
 * ReLU -> RELU / RELU6 / RELU_0_TO_1 when max_value is 6 or 1, else RELU then MINIMUM; a
 * negative slope gives LEAKY_RELU. A non-zero threshold is not expressible and is rejected.
 */
export const relu: LayerConverter = (ctx, [x]) => {
  const shape = ctx.g.value(x!).shape;
  const max = ctx.config['max_value'] ?? ctx.config['maxValue'];
  const slope = num(ctx, 'negative_slope', 0);
  if (num(ctx, 'threshold', 0) !== 0)
    throw new ConversionError(`layer ${ctx.name}: ReLU with a threshold is not supported`);
  let y: number;
  if (slope !== 0) y = ctx.g.op('LEAKY_RELU', ctx.name, [x!], shape, { alpha: slope });
  else if (max === 6) return [ctx.g.op('RELU6', ctx.name, [x!], shape)];
  else if (max === 1) return [ctx.g.op('RELU_0_TO_1', ctx.name, [x!], shape)];
  else y = ctx.g.op('RELU', ctx.name, [x!], shape);
  if (typeof max === 'number') {
    const m = ctx.g.addConst(`${ctx.name}/max_value`, [], new Float32Array([max]));
    y = ctx.g.op('MINIMUM', `${ctx.name}/clip`, [y, m], shape);
  }
  return [y];
};

/** ReLU6 (tfjs has no such layer class, Keras 2 applications used one) -> RELU6. */
export const relu6: LayerConverter = (ctx, [x]) => [ctx.g.op('RELU6', ctx.name, [x!], ctx.g.value(x!).shape)];

/** LeakyReLU -> LEAKY_RELU (alpha; tfjs and Keras default 0.3). */
export const leakyRelu: LayerConverter = (ctx, [x]) => [
  ctx.g.op('LEAKY_RELU', ctx.name, [x!], ctx.g.value(x!).shape, {
    alpha: num(ctx, 'alpha', num(ctx, 'negative_slope', 0.3)),
  }),
];

/** PReLU -> PRELU with the learned alpha (shape = input shape without batch, shared axes 1). */
export const prelu: LayerConverter = (ctx, [x]) => {
  const shape = ctx.g.value(x!).shape;
  const a = ctx.weight('alpha');
  const shared = list(ctx, 'shared_axes') ?? [];
  const aShape = shape.slice(1).map((d, i) => (shared.includes(i + 1) ? 1 : d));
  if (aShape.reduce((p, d) => p * d, 1) !== a.data.length) {
    throw new ConversionError(`layer ${ctx.name}: PReLU alpha [${a.shape}] does not fit input [${shape}]`);
  }
  const alpha = ctx.g.addConst(`${ctx.name}/alpha`, aShape, Float32Array.from(a.data));
  return [ctx.g.op('PRELU', ctx.name, [x!, alpha], shape)];
};

/** ELU -> ELU (TFLite's ELU has alpha 1; other alphas are rejected). */
export const elu: LayerConverter = (ctx, [x]) => {
  const alpha = num(ctx, 'alpha', 1);
  if (alpha !== 1)
    throw new ConversionError(
      `layer ${ctx.name}: ELU alpha ${alpha} is not supported (TFLite ELU has alpha 1)`,
    );
  return [ctx.g.op('ELU', ctx.name, [x!], ctx.g.value(x!).shape)];
};

/** Softmax -> SOFTMAX over the last axis. */
export const softmax: LayerConverter = (ctx, [x]) => {
  const shape = ctx.g.value(x!).shape;
  const axis = ctx.config['axis'];
  const ax = Array.isArray(axis) ? axis : [axis ?? -1];
  if (ax.length !== 1 || normAxis(Number(ax[0]), shape.length) !== shape.length - 1) {
    throw new ConversionError(
      `layer ${ctx.name}: Softmax over axis ${JSON.stringify(axis)} is not supported (last axis only)`,
    );
  }
  return [applyActivation(ctx.g, x!, 'softmax', ctx.name)];
};
