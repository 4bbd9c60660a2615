/**
 * Pooling layers: MaxPooling2D / AveragePooling2D -> MAX_POOL_2D / AVERAGE_POOL_2D (TF and
 * TFLite both leave padded cells out of SAME averages), global pooling -> MEAN / REDUCE_MAX
 * over H and W.
 */
import { ConversionError } from '../../errors.js';
import type { BuiltinOpName } from '../../ir/builtin_ops.js';
import { Padding } from '../../ir/builtin_options.js';
import { windowOutputSize } from '../shapes.js';
import { type LayerConverter, bool, pair, requireChannelsLast, str } from './context.js';

function pool2d(op: BuiltinOpName): LayerConverter {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const s = ctx.g.value(x!).shape;
    if (s.length !== 4) throw new ConversionError(`layer ${ctx.name}: expects a 4-D NHWC input, got [${s}]`);
    const size = pair(ctx, 'pool_size', [2, 2]);
    const strides = pair(ctx, 'strides', size);
    const padding = str(ctx, 'padding', 'valid');
    if (padding !== 'same' && padding !== 'valid')
      throw new ConversionError(`layer ${ctx.name}: padding ${padding} is not supported`);
    const oh = windowOutputSize(s[1]!, size[0], strides[0], 1, padding);
    const ow = windowOutputSize(s[2]!, size[1], strides[1], 1, padding);
    return [
      ctx.g.op(op, ctx.name, [x!], [s[0]!, oh, ow, s[3]!], {
        padding: padding === 'same' ? Padding.SAME : Padding.VALID,
        strideH: strides[0],
        strideW: strides[1],
        filterHeight: size[0],
        filterWidth: size[1],
      }),
    ];
  };
}

function globalPool(op: BuiltinOpName): LayerConverter {
  return (ctx, [x]) => {
    requireChannelsLast(ctx);
    const s = ctx.g.value(x!).shape;
    if (s.length !== 4) throw new ConversionError(`layer ${ctx.name}: expects a 4-D NHWC input, got [${s}]`);
    const keep = bool(ctx, 'keepdims', false);
    const axes = ctx.g.addConst(`${ctx.name}/axes`, [2], new Int32Array([1, 2]));
    const out = keep ? [s[0]!, 1, 1, s[3]!] : [s[0]!, s[3]!];
    return [ctx.g.op(op, ctx.name, [x!, axes], out, { keepDims: keep })];
  };
}

/** MaxPooling2D -> MAX_POOL_2D. */
export const maxPooling2d = pool2d('MAX_POOL_2D');
/** AveragePooling2D -> AVERAGE_POOL_2D. */
export const averagePooling2d = pool2d('AVERAGE_POOL_2D');
/** GlobalAveragePooling2D -> MEAN over axes 1, 2. */
export const globalAveragePooling2d = globalPool('MEAN');
/** GlobalMaxPooling2D -> REDUCE_MAX over axes 1, 2. */
export const globalMaxPooling2d = globalPool('REDUCE_MAX');
