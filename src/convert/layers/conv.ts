/**
 * Convolution layers: Conv2D, DepthwiseConv2D, SeparableConv2D, Conv2DTranspose. Kernels are
 * re-laid out for TFLite; a missing bias becomes zeros (so fold-batchnorm has one to fold
 * into); the activation is written as its own op and fused later by fuse-activation.
 */
import { ConversionError } from '../../errors.js';
import { Padding } from '../../ir/builtin_options.js';
import { applyActivation } from '../activations.js';
import { HWIO_TO_OHWI, HWOI_TO_OHWI, transposeData } from '../layout.js';
import { type PaddingMode, windowOutputSize } from '../shapes.js';
import {
  type LayerContext,
  type LayerConverter,
  activationOf,
  bool,
  num,
  pair,
  requireChannelsLast,
  str,
} from './context.js';

function paddingOf(ctx: LayerContext): PaddingMode {
  const p = str(ctx, 'padding', 'valid');
  if (p !== 'same' && p !== 'valid') {
    throw new ConversionError(
      `layer ${ctx.name} (${ctx.className}): padding ${JSON.stringify(p)} is not supported (same or valid)`,
    );
  }
  return p;
}

function input4d(ctx: LayerContext, x: number): [number, number, number, number] {
  const s = ctx.g.value(x).shape;
  if (s.length !== 4)
    throw new ConversionError(`layer ${ctx.name} (${ctx.className}): expects a 4-D NHWC input, got [${s}]`);
  return s as [number, number, number, number];
}

function biasOrZeros(ctx: LayerContext, channels: number): number {
  const b = bool(ctx, 'use_bias', true) ? ctx.optionalWeight('bias') : undefined;
  const data = b ? Float32Array.from(b.data) : new Float32Array(channels);
  return ctx.g.addConst(`${ctx.name}/bias`, [channels], data);
}

function checkStridesWithDilation(
  ctx: LayerContext,
  strides: [number, number],
  dilation: [number, number],
): void {
  if ((strides[0] > 1 || strides[1] > 1) && (dilation[0] > 1 || dilation[1] > 1)) {
    throw new ConversionError(
      `layer ${ctx.name}: strides > 1 together with dilation > 1 is not supported (TF forbids it too)`,
    );
  }
}

/** Conv2D -> CONV_2D (kernel HWIO -> OHWI). */
export const conv2d: LayerConverter = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const [n, h, w] = input4d(ctx, x!);
  const k = ctx.weight('kernel');
  const [kh, kw, , out] = k.shape as [number, number, number, number];
  if ((num(ctx, 'groups', 1) ?? 1) !== 1)
    throw new ConversionError(`layer ${ctx.name}: grouped convolution is not supported`);
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilation = pair(ctx, 'dilation_rate', [1, 1]);
  checkStridesWithDilation(ctx, strides, dilation);
  const padding = paddingOf(ctx);
  const t = transposeData(Float32Array.from(k.data), k.shape, HWIO_TO_OHWI);
  const filter = ctx.g.addConst(`${ctx.name}/kernel`, t.shape, t.data);
  const bias = biasOrZeros(ctx, out);
  const oh = windowOutputSize(h, kh, strides[0], dilation[0], padding);
  const ow = windowOutputSize(w, kw, strides[1], dilation[1], padding);
  const y = ctx.g.op('CONV_2D', ctx.name, [x!, filter, bias], [n, oh, ow, out], {
    padding: padding === 'same' ? Padding.SAME : Padding.VALID,
    strideH: strides[0],
    strideW: strides[1],
    dilationHFactor: dilation[0],
    dilationWFactor: dilation[1],
  });
  return [applyActivation(ctx.g, y, activationOf(ctx), ctx.name)];
};

/** Writes a DEPTHWISE_CONV_2D from a [kh, kw, C, M] kernel; returns its (pre-activation) output. */
function depthwise(
  ctx: LayerContext,
  x: number,
  kernelName: string,
  withBias: boolean,
  suffix: string,
): number {
  const [n, h, w, c] = input4d(ctx, x);
  const k = ctx.weight(kernelName);
  const [kh, kw, kc, m] = k.shape as [number, number, number, number];
  if (kc !== c)
    throw new ConversionError(`layer ${ctx.name}: depthwise kernel has ${kc} input channels, the input ${c}`);
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilation = pair(ctx, 'dilation_rate', [1, 1]);
  checkStridesWithDilation(ctx, strides, dilation);
  const padding = paddingOf(ctx);
  // [kh, kw, C, M] and [1, kh, kw, C*M] hold the same bytes: output channel c*M + m.
  const filter = ctx.g.addConst(`${ctx.name}/${kernelName}`, [1, kh, kw, c * m], Float32Array.from(k.data));
  const bias = withBias
    ? biasOrZeros(ctx, c * m)
    : ctx.g.addConst(`${ctx.name}/${suffix}_bias`, [c * m], new Float32Array(c * m));
  const oh = windowOutputSize(h, kh, strides[0], dilation[0], padding);
  const ow = windowOutputSize(w, kw, strides[1], dilation[1], padding);
  return ctx.g.op(
    'DEPTHWISE_CONV_2D',
    withBias ? ctx.name : `${ctx.name}/${suffix}`,
    [x, filter, bias],
    [n, oh, ow, c * m],
    {
      padding: padding === 'same' ? Padding.SAME : Padding.VALID,
      strideH: strides[0],
      strideW: strides[1],
      depthMultiplier: m,
      dilationHFactor: dilation[0],
      dilationWFactor: dilation[1],
    },
  );
}

/** DepthwiseConv2D -> DEPTHWISE_CONV_2D (kernel [kh, kw, C, M] -> [1, kh, kw, C*M]). */
export const depthwiseConv2d: LayerConverter = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const y = depthwise(ctx, x!, 'depthwise_kernel', true, '');
  return [applyActivation(ctx.g, y, activationOf(ctx), ctx.name)];
};

/** SeparableConv2D -> DEPTHWISE_CONV_2D (no bias) then a 1x1 CONV_2D with the bias. */
export const separableConv2d: LayerConverter = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const d = depthwise(ctx, x!, 'depthwise_kernel', false, 'depthwise');
  const [n, h, w, cm] = ctx.g.value(d).shape as [number, number, number, number];
  const p = ctx.weight('pointwise_kernel');
  const out = p.shape[3]!;
  const t = transposeData(Float32Array.from(p.data), p.shape, HWIO_TO_OHWI);
  if (t.shape[3] !== cm)
    throw new ConversionError(
      `layer ${ctx.name}: pointwise kernel expects ${t.shape[3]} channels, got ${cm}`,
    );
  const filter = ctx.g.addConst(`${ctx.name}/pointwise_kernel`, t.shape, t.data);
  const bias = biasOrZeros(ctx, out);
  const y = ctx.g.op('CONV_2D', ctx.name, [d, filter, bias], [n, h, w, out], {
    padding: Padding.VALID,
    strideH: 1,
    strideW: 1,
  });
  return [applyActivation(ctx.g, y, activationOf(ctx), ctx.name)];
};

/**
 * Conv2DTranspose -> TRANSPOSE_CONV (kernel [kh, kw, out, in] -> [out, kh, kw, in]) with the
 * bias as its fourth input. Output size: SAME in * stride, VALID (in - 1) * stride + k.
 */
export const conv2dTranspose: LayerConverter = (ctx, [x]) => {
  requireChannelsLast(ctx);
  const [n, h, w] = input4d(ctx, x!);
  const k = ctx.weight('kernel');
  const [kh, kw, out] = k.shape as [number, number, number, number];
  const strides = pair(ctx, 'strides', [1, 1]);
  const dilation = pair(ctx, 'dilation_rate', [1, 1]);
  if (dilation[0] !== 1 || dilation[1] !== 1)
    throw new ConversionError(`layer ${ctx.name}: dilated Conv2DTranspose is not supported`);
  if (ctx.config['output_padding'] != null)
    throw new ConversionError(`layer ${ctx.name}: output_padding is not supported`);
  const padding = paddingOf(ctx);
  const oh = padding === 'same' ? h * strides[0] : (h - 1) * strides[0] + kh;
  const ow = padding === 'same' ? w * strides[1] : (w - 1) * strides[1] + kw;
  const t = transposeData(Float32Array.from(k.data), k.shape, HWOI_TO_OHWI);
  const filter = ctx.g.addConst(`${ctx.name}/kernel`, t.shape, t.data);
  const outShape = ctx.g.addConst(`${ctx.name}/output_shape`, [4], new Int32Array([n, oh, ow, out]));
  const bias = biasOrZeros(ctx, out);
  const y = ctx.g.op('TRANSPOSE_CONV', ctx.name, [outShape, filter, x!, bias], [n, oh, ow, out], {
    padding: padding === 'same' ? Padding.SAME : Padding.VALID,
    strideH: strides[0],
    strideW: strides[1],
  });
  return [applyActivation(ctx.g, y, activationOf(ctx), ctx.name)];
};
