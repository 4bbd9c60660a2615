/**
 * Spatial reshaping layers: ZeroPadding2D -> PAD, Cropping2D -> SLICE, UpSampling2D ->
 * RESIZE_NEAREST_NEIGHBOR / RESIZE_BILINEAR (align_corners and half_pixel_centers off, as
 * tfjs's upSampling2d calls tf.image.resize*).
 */
import { ConversionError } from '../../errors.js';
import { requireChannelsLast, type LayerContext, type LayerConverter, pair, str } from './context.js';

/** Reads a Keras 2-D padding/cropping spec: int, [h, w], or [[top, bottom], [left, right]]. */
function spec2d(ctx: LayerContext, key: string): [[number, number], [number, number]] {
  const v = ctx.config[key];
  if (typeof v === 'number')
    return [
      [v, v],
      [v, v],
    ];
  if (Array.isArray(v) && v.length === 2) {
    if (typeof v[0] === 'number' && typeof v[1] === 'number')
      return [
        [v[0], v[0]],
        [v[1], v[1]],
      ];
    if (Array.isArray(v[0]) && Array.isArray(v[1])) {
      return [
        [Number(v[0][0]), Number(v[0][1])],
        [Number(v[1][0]), Number(v[1][1])],
      ];
    }
  }
  throw new ConversionError(`layer ${ctx.name}: cannot read ${key} ${JSON.stringify(v)}`);
}

function input4d(ctx: LayerContext, x: number): number[] {
  const s = ctx.g.value(x).shape;
  if (s.length !== 4) throw new ConversionError(`layer ${ctx.name}: expects a 4-D NHWC input, got [${s}]`);
  return s;
}

/** ZeroPadding2D -> PAD with paddings [[0,0],[top,bottom],[left,right],[0,0]]. */
export const zeroPadding2d: LayerConverter = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const s = input4d(ctx, x!);
  const [[t, b], [l, r]] = spec2d(ctx, 'padding');
  const pads = ctx.g.addConst(`${ctx.name}/paddings`, [4, 2], new Int32Array([0, 0, t, b, l, r, 0, 0]));
  return [ctx.g.op('PAD', ctx.name, [x!, pads], [s[0]!, s[1]! + t + b, s[2]! + l + r, s[3]!])];
};

/** Cropping2D -> SLICE from [0, top, left, 0]. */
export const cropping2d: LayerConverter = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const s = input4d(ctx, x!);
  const [[t, b], [l, r]] = spec2d(ctx, 'cropping');
  const out = [s[0]!, s[1]! - t - b, s[2]! - l - r, s[3]!];
  if (out[1]! <= 0 || out[2]! <= 0)
    throw new ConversionError(`layer ${ctx.name}: cropping removes the whole input [${s}]`);
  const begin = ctx.g.addConst(`${ctx.name}/begin`, [4], new Int32Array([0, t, l, 0]));
  const size = ctx.g.addConst(`${ctx.name}/size`, [4], Int32Array.from(out));
  return [ctx.g.op('SLICE', ctx.name, [x!, begin, size], out)];
};

/** UpSampling2D -> RESIZE_NEAREST_NEIGHBOR or RESIZE_BILINEAR to [h * sh, w * sw]. */
export const upSampling2d: LayerConverter = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const s = input4d(ctx, x!);
  const [sh, sw] = pair(ctx, 'size', [2, 2]);
  const interp = str(ctx, 'interpolation', 'nearest');
  const out = [s[0]!, s[1]! * sh, s[2]! * sw, s[3]!];
  const size = ctx.g.addConst(`${ctx.name}/size`, [2], new Int32Array([out[1]!, out[2]!]));
  const options = { alignCorners: false, halfPixelCenters: false };
  if (interp === 'nearest') return [ctx.g.op('RESIZE_NEAREST_NEIGHBOR', ctx.name, [x!, size], out, options)];
  if (interp === 'bilinear') return [ctx.g.op('RESIZE_BILINEAR', ctx.name, [x!, size], out, options)];
  throw new ConversionError(
    `layer ${ctx.name}: UpSampling2D interpolation ${interp} is not supported (nearest or bilinear)`,
  );
};
