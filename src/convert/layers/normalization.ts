/**
 * BatchNormalization at inference: y = (x - mean) / sqrt(var + eps) * gamma + beta, written as
 * y = x * scale + shift with scale = gamma / sqrt(var + eps) and shift = beta - mean * scale
 * (MUL then ADD over the channel axis). The fold-batchnorm rule folds the pair into the conv or
 * dense op before it when there is one.
 */
import { ConversionError } from '../../errors.js';
import { normAxis } from '../shapes.js';
import { type LayerConverter, bool, num } from './context.js';

/** BatchNormalization -> MUL + ADD with per-channel constants. */
export const batchNormalization: LayerConverter = (ctx, [x]) => {
  const shape = ctx.g.value(x!).shape;
  const rawAxis = ctx.config['axis'];
  const axis = normAxis(
    typeof rawAxis === 'number'
      ? rawAxis
      : Array.isArray(rawAxis) && rawAxis.length === 1
        ? Number(rawAxis[0])
        : -1,
    shape.length,
  );
  if (axis !== shape.length - 1) {
    throw new ConversionError(
      `layer ${ctx.name}: BatchNormalization over axis ${JSON.stringify(rawAxis)} is not supported (channels last only)`,
    );
  }
  const c = shape[axis]!;
  const eps = num(ctx, 'epsilon', 1e-3);
  const mean = ctx.weight('moving_mean').data;
  const variance = ctx.weight('moving_variance').data;
  const gamma = bool(ctx, 'scale', true) ? ctx.optionalWeight('gamma')?.data : undefined;
  const beta = bool(ctx, 'center', true) ? ctx.optionalWeight('beta')?.data : undefined;
  const scale = new Float32Array(c);
  const shift = new Float32Array(c);
  for (let i = 0; i < c; i++) {
    // in float64, then rounded once to float32
    const s = (gamma ? gamma[i]! : 1) / Math.sqrt(variance[i]! + eps);
    scale[i] = s;
    shift[i] = (beta ? beta[i]! : 0) - mean[i]! * s;
  }
  const sc = ctx.g.addConst(`${ctx.name}/scale`, [c], scale);
  const sh = ctx.g.addConst(`${ctx.name}/shift`, [c], shift);
  const m = ctx.g.op('MUL', `${ctx.name}/mul`, [x!, sc], shape);
  return [ctx.g.op('ADD', ctx.name, [m, sh], shape)];
};
