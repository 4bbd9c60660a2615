/**
 * TF convolutions and matrix products: Conv2D, _FusedConv2D, DepthwiseConv2dNative,
 * FusedDepthwiseConv2dNative, MatMul, _FusedMatMul. Fused ops (tfjs-converter's fusion of
 * BiasAdd / FusedBatchNorm and an activation) are unfused here into conv + ADD (+ activation)
 * and fused again by the rewrite rules, so one code path does the folding.
 */
import { ConversionError } from '../../errors.js';
import { Padding } from '../../ir/builtin_options.js';
import { applyActivation } from '../activations.js';
import { HWIO_TO_OHWI, IO_TO_OI, transposeData } from '../layout.js';
import { windowOutputSize } from '../shapes.js';
import {
  type TfOpContext,
  type TfOpConverter,
  attrFloat,
  attrInts,
  attrString,
  attrStrings,
  constInput,
  requireNhwc,
} from './context.js';

/** TF activation op names (as in fused_ops) -> activation names of ACTIVATIONS. */
export const TF_ACTIVATIONS: Readonly<Record<string, string>> = {
  Relu: 'relu',
  Relu6: 'relu6',
  Elu: 'elu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
};

interface Window {
  padding: number;
  strides: [number, number];
  dilations: [number, number];
  x: number;
}

/** Reads strides/dilations/padding; EXPLICIT padding becomes a PAD before a VALID op. */
function window(ctx: TfOpContext, x: number): Window {
  requireNhwc(ctx);
  const s = attrInts(ctx, 'strides', [1, 1, 1, 1]);
  const d = attrInts(ctx, 'dilations', [1, 1, 1, 1]);
  const p = attrString(ctx, 'padding', 'VALID');
  let input = x;
  let padding: number = p === 'SAME' ? Padding.SAME : Padding.VALID;
  if (p === 'EXPLICIT') {
    const e = attrInts(ctx, 'explicit_paddings');
    const shape = ctx.g.value(x).shape;
    const pads = ctx.g.addConst(`${ctx.name}/paddings`, [4, 2], Int32Array.from(e));
    input = ctx.g.op(
      'PAD',
      `${ctx.name}/pad`,
      [x, pads],
      shape.map((v, i) => v + e[2 * i]! + e[2 * i + 1]!),
    );
    padding = Padding.VALID;
  } else if (p !== 'SAME' && p !== 'VALID') {
    throw new ConversionError(`node ${ctx.node.name}: padding ${p} is not supported`);
  }
  return { padding, strides: [s[1]!, s[2]!], dilations: [d[1]!, d[2]!], x: input };
}

/** Applies tfjs's fused_ops after `y`: BiasAdd / FusedBatchNorm, then an activation. */
function fusedTail(ctx: TfOpContext, y: number, extra: number[]): number {
  const ops = attrStrings(ctx, 'fused_ops');
  const g = ctx.g;
  const shape = g.value(y).shape;
  let out = y;
  let k = 0;
  for (const op of ops) {
    if (op === 'BiasAdd') {
      out = g.op('ADD', `${ctx.name}/bias_add`, [out, extra[k++]!], shape);
    } else if (op === 'FusedBatchNorm' || op === 'FusedBatchNormV3') {
      const [scale, offset, mean, variance] = extra
        .slice(k, k + 4)
        .map((i) => constInput(ctx, i, 'batch norm parameter'));
      k += 4;
      const eps = attrFloat(ctx, 'epsilon', 1e-3);
      const c = scale!.length;
      const s = new Float32Array(c);
      const t = new Float32Array(c);
      for (let i = 0; i < c; i++) {
        s[i] = scale![i]! / Math.sqrt(variance![i]! + eps);
        t[i] = offset![i]! - mean![i]! * s[i]!;
      }
      out = g.op('MUL', `${ctx.name}/bn_mul`, [out, g.addConst(`${ctx.name}/bn_scale`, [c], s)], shape);
      out = g.op('ADD', `${ctx.name}/bn_add`, [out, g.addConst(`${ctx.name}/bn_shift`, [c], t)], shape);
    } else if (op in TF_ACTIVATIONS) {
      out = applyActivation(g, out, TF_ACTIVATIONS[op]!, ctx.name);
    } else if (op === 'LeakyRelu') {
      out = g.op('LEAKY_RELU', `${ctx.name}/leaky_relu`, [out], shape, {
        alpha: attrFloat(ctx, 'leakyrelu_alpha', 0.2),
      });
    } else {
      throw new ConversionError(`node ${ctx.node.name} (${ctx.node.op}): fused op ${op} is not supported`);
    }
  }
  return out;
}

function convCore(ctx: TfOpContext, x: number, filterId: number): number {
  const w = window(ctx, x);
  const [n, h, wd] = ctx.g.value(w.x).shape as [number, number, number, number];
  const f = ctx.g.value(filterId);
  const data = constInput(ctx, filterId, 'filter');
  const [kh, kw, , out] = f.shape as [number, number, number, number];
  const t = transposeData(Float32Array.from(data), f.shape, HWIO_TO_OHWI);
  const filter = ctx.g.addConst(`${ctx.name}/filter`, t.shape, t.data);
  const bias = ctx.g.addConst(`${ctx.name}/bias`, [out], new Float32Array(out));
  const same = w.padding === Padding.SAME ? 'same' : 'valid';
  const oh = windowOutputSize(h, kh, w.strides[0], w.dilations[0], same);
  const ow = windowOutputSize(wd, kw, w.strides[1], w.dilations[1], same);
  return ctx.g.op('CONV_2D', `${ctx.name}/conv`, [w.x, filter, bias], [n, oh, ow, out], {
    padding: w.padding,
    strideH: w.strides[0],
    strideW: w.strides[1],
    dilationHFactor: w.dilations[0],
    dilationWFactor: w.dilations[1],
  });
}

function depthwiseCore(ctx: TfOpContext, x: number, filterId: number): number {
  const w = window(ctx, x);
  const [n, h, wd, c] = ctx.g.value(w.x).shape as [number, number, number, number];
  const f = ctx.g.value(filterId);
  const data = constInput(ctx, filterId, 'filter');
  const [kh, kw, , m] = f.shape as [number, number, number, number];
  // [kh, kw, C, M] and [1, kh, kw, C*M] hold the same bytes
  const filter = ctx.g.addConst(`${ctx.name}/filter`, [1, kh, kw, c * m], Float32Array.from(data));
  const bias = ctx.g.addConst(`${ctx.name}/bias`, [c * m], new Float32Array(c * m));
  const same = w.padding === Padding.SAME ? 'same' : 'valid';
  const oh = windowOutputSize(h, kh, w.strides[0], w.dilations[0], same);
  const ow = windowOutputSize(wd, kw, w.strides[1], w.dilations[1], same);
  return ctx.g.op('DEPTHWISE_CONV_2D', `${ctx.name}/depthwise`, [w.x, filter, bias], [n, oh, ow, c * m], {
    padding: w.padding,
    strideH: w.strides[0],
    strideW: w.strides[1],
    depthMultiplier: m,
    dilationHFactor: w.dilations[0],
    dilationWFactor: w.dilations[1],
  });
}

function matMulCore(ctx: TfOpContext, a: number, b: number): number {
  if (attrInts(ctx, 'transpose_a').length > 0 || ctx.node.attr?.['transpose_a']?.b === true) {
    throw new ConversionError(`node ${ctx.node.name}: MatMul with transpose_a is not supported`);
  }
  const bv = ctx.g.value(b);
  const data = constInput(ctx, b, 'weight matrix');
  const transposed = ctx.node.attr?.['transpose_b']?.b === true;
  const w = transposed
    ? { data: Float32Array.from(data), shape: bv.shape }
    : transposeData(Float32Array.from(data), bv.shape, IO_TO_OI);
  const units = w.shape[0]!;
  const weights = ctx.g.addConst(`${ctx.name}/weights`, w.shape, w.data);
  const bias = ctx.g.addConst(`${ctx.name}/bias`, [units], new Float32Array(units));
  const as = ctx.g.value(a).shape;
  return ctx.g.op('FULLY_CONNECTED', `${ctx.name}/matmul`, [a, weights, bias], [...as.slice(0, -1), units], {
    keepNumDims: as.length > 2,
  });
}

function renameLast(ctx: TfOpContext, id: number): number {
  ctx.g.value(id).name = ctx.name;
  return id;
}

/** Conv2D -> CONV_2D. */
export const conv2D: TfOpConverter = (ctx, [x, f]) => [renameLast(ctx, convCore(ctx, x!, f!))];
/** _FusedConv2D -> CONV_2D + its fused ops. */
export const fusedConv2D: TfOpConverter = (ctx, [x, f, ...rest]) => [
  renameLast(ctx, fusedTail(ctx, convCore(ctx, x!, f!), rest)),
];
/** DepthwiseConv2dNative -> DEPTHWISE_CONV_2D. */
export const depthwiseConv2dNative: TfOpConverter = (ctx, [x, f]) => [
  renameLast(ctx, depthwiseCore(ctx, x!, f!)),
];
/** FusedDepthwiseConv2dNative -> DEPTHWISE_CONV_2D + its fused ops. */
export const fusedDepthwiseConv2dNative: TfOpConverter = (ctx, [x, f, ...rest]) => [
  renameLast(ctx, fusedTail(ctx, depthwiseCore(ctx, x!, f!), rest)),
];
/** MatMul (constant right operand) -> FULLY_CONNECTED. */
export const matMul: TfOpConverter = (ctx, [a, b]) => [renameLast(ctx, matMulCore(ctx, a!, b!))];
/** _FusedMatMul -> FULLY_CONNECTED + its fused ops. */
export const fusedMatMul: TfOpConverter = (ctx, [a, b, ...rest]) => [
  renameLast(ctx, fusedTail(ctx, matMulCore(ctx, a!, b!), rest)),
];
