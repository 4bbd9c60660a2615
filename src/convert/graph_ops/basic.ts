/**
 * The other TF ops of tfjs graph models: elementwise math, activations, pooling, reductions
 * and shape ops. Operands that TF reads from tensors (axes, shapes, paddings, sizes) must be
 * constants here, as TFLite needs static shapes.
 */
import { ConversionError } from '../../errors.js';
import type { BuiltinOpName } from '../../ir/builtin_ops.js';
import { Padding } from '../../ir/builtin_options.js';
import { applyActivation } from '../activations.js';
import { broadcastShapes, normAxis, resolveReshape, sizeOf, windowOutputSize } from '../shapes.js';
import {
  type TfOpConverter,
  attrBool,
  attrFloat,
  attrInts,
  attrString,
  constInput,
  requireNhwc,
} from './context.js';

function binary(op: BuiltinOpName): TfOpConverter {
  return (ctx, [a, b]) => {
    const shape = broadcastShapes(ctx.g.value(a!).shape, ctx.g.value(b!).shape, `node ${ctx.node.name}`);
    return [ctx.g.op(op, ctx.name, [a!, b!], shape)];
  };
}

/** Add, AddV2, BiasAdd -> ADD. */
export const add = binary('ADD');
/** Sub -> SUB. */
export const sub = binary('SUB');
/** Mul -> MUL. */
export const mul = binary('MUL');
/** RealDiv -> DIV. */
export const realDiv = binary('DIV');
/** Maximum -> MAXIMUM. */
export const maximum = binary('MAXIMUM');
/** Minimum -> MINIMUM. */
export const minimum = binary('MINIMUM');

function activation(name: string): TfOpConverter {
  return (ctx, [x]) => {
    const y = applyActivation(ctx.g, x!, name, ctx.name);
    ctx.g.value(y).name = ctx.name;
    return [y];
  };
}

/** Relu, Relu6, Elu, Sigmoid, Tanh, Softmax. */
export const relu = activation('relu');
export const relu6 = activation('relu6');
export const elu = activation('elu');
export const sigmoid = activation('sigmoid');
export const tanh = activation('tanh');
export const softmax = activation('softmax');

/** LeakyRelu -> LEAKY_RELU. */
export const leakyRelu: TfOpConverter = (ctx, [x]) => [
  ctx.g.op('LEAKY_RELU', ctx.name, [x!], ctx.g.value(x!).shape, { alpha: attrFloat(ctx, 'alpha', 0.2) }),
];

/** Identity and friends: IDENTITY (dropped by drop-identity). */
export const identity: TfOpConverter = (ctx, [x]) => [
  ctx.g.op('IDENTITY', ctx.name, [x!], ctx.g.value(x!).shape),
];

function pool(op: BuiltinOpName): TfOpConverter {
  return (ctx, [x]) => {
    requireNhwc(ctx);
    const s = ctx.g.value(x!).shape;
    const k = attrInts(ctx, 'ksize', [1, 1, 1, 1]);
    const st = attrInts(ctx, 'strides', [1, 1, 1, 1]);
    const p = attrString(ctx, 'padding', 'VALID');
    if (p !== 'SAME' && p !== 'VALID')
      throw new ConversionError(`node ${ctx.node.name}: padding ${p} is not supported`);
    const mode = p === 'SAME' ? 'same' : 'valid';
    const oh = windowOutputSize(s[1]!, k[1]!, st[1]!, 1, mode);
    const ow = windowOutputSize(s[2]!, k[2]!, st[2]!, 1, mode);
    return [
      ctx.g.op(op, ctx.name, [x!], [s[0]!, oh, ow, s[3]!], {
        padding: p === 'SAME' ? Padding.SAME : Padding.VALID,
        strideH: st[1],
        strideW: st[2],
        filterHeight: k[1],
        filterWidth: k[2],
      }),
    ];
  };
}

/** AvgPool -> AVERAGE_POOL_2D. */
export const avgPool = pool('AVERAGE_POOL_2D');
/** MaxPool -> MAX_POOL_2D. */
export const maxPool = pool('MAX_POOL_2D');

function reduce(op: BuiltinOpName): TfOpConverter {
  return (ctx, [x, axesId]) => {
    const s = ctx.g.value(x!).shape;
    const axes = [...constInput(ctx, axesId!, 'axes')].map((a) => normAxis(a, s.length));
    const keep = attrBool(ctx, 'keep_dims', false);
    const out = keep ? s.map((d, i) => (axes.includes(i) ? 1 : d)) : s.filter((_, i) => !axes.includes(i));
    const a = ctx.g.addConst(`${ctx.name}/axes`, [axes.length], Int32Array.from(axes));
    return [ctx.g.op(op, ctx.name, [x!, a], out, { keepDims: keep })];
  };
}

/** Mean -> MEAN. */
export const mean = reduce('MEAN');
/** Max -> REDUCE_MAX. */
export const max = reduce('REDUCE_MAX');

/** Reshape (constant shape; -1 resolved, batch kept at 1) -> RESHAPE. */
export const reshape: TfOpConverter = (ctx, [x, shapeId]) => {
  const count = sizeOf(ctx.g.value(x!).shape);
  const target = resolveReshape([...constInput(ctx, shapeId!, 'shape')], count, `node ${ctx.node.name}`);
  const s = ctx.g.addConst(`${ctx.name}/shape`, [target.length], Int32Array.from(target));
  return [ctx.g.op('RESHAPE', ctx.name, [x!, s], target, { newShape: target })];
};

/** Squeeze (squeeze_dims, or every 1) -> SQUEEZE. */
export const squeeze: TfOpConverter = (ctx, [x]) => {
  const s = ctx.g.value(x!).shape;
  const given = attrInts(ctx, 'squeeze_dims', attrInts(ctx, 'axis'));
  const dims =
    given.length > 0
      ? given.map((d) => normAxis(d, s.length))
      : s.flatMap((d, i) => (d === 1 && i > 0 ? [i] : []));
  if (dims.some((d) => s[d] !== 1))
    throw new ConversionError(`node ${ctx.node.name}: cannot squeeze dims [${dims}] of [${s}]`);
  return [
    ctx.g.op(
      'SQUEEZE',
      ctx.name,
      [x!],
      s.filter((_, i) => !dims.includes(i)),
      { squeezeDims: dims },
    ),
  ];
};

/** ConcatV2 (axis is the last input) -> CONCATENATION. */
export const concatV2: TfOpConverter = (ctx, inputs) => {
  const xs = inputs.slice(0, -1);
  const rank = ctx.g.value(xs[0]!).shape.length;
  const axis = normAxis(constInput(ctx, inputs[inputs.length - 1]!, 'axis')[0]!, rank);
  const out = [...ctx.g.value(xs[0]!).shape];
  out[axis] = xs.reduce((s, i) => s + ctx.g.value(i).shape[axis]!, 0);
  return [ctx.g.op('CONCATENATION', ctx.name, xs, out, { axis })];
};

/** Pad (constant paddings) -> PAD. */
export const pad: TfOpConverter = (ctx, [x, p]) => {
  const s = ctx.g.value(x!).shape;
  const pads = constInput(ctx, p!, 'paddings');
  const out = s.map((d, i) => d + pads[2 * i]! + pads[2 * i + 1]!);
  const pc = ctx.g.addConst(`${ctx.name}/paddings`, [s.length, 2], Int32Array.from(pads));
  return [ctx.g.op('PAD', ctx.name, [x!, pc], out)];
};

/** ResizeBilinear (constant size) -> RESIZE_BILINEAR. */
export const resizeBilinear: TfOpConverter = (ctx, [x, sizeId]) => {
  const s = ctx.g.value(x!).shape;
  const size = constInput(ctx, sizeId!, 'size');
  const sz = ctx.g.addConst(`${ctx.name}/size`, [2], Int32Array.from(size));
  return [
    ctx.g.op('RESIZE_BILINEAR', ctx.name, [x!, sz], [s[0]!, size[0]!, size[1]!, s[3]!], {
      alignCorners: attrBool(ctx, 'align_corners', false),
      halfPixelCenters: attrBool(ctx, 'half_pixel_centers', false),
    }),
  ];
};

/** Transpose (constant perm) -> TRANSPOSE. */
export const transpose: TfOpConverter = (ctx, [x, permId]) => {
  const s = ctx.g.value(x!).shape;
  const perm = [...constInput(ctx, permId!, 'perm')];
  const p = ctx.g.addConst(`${ctx.name}/perm`, [perm.length], Int32Array.from(perm));
  return [
    ctx.g.op(
      'TRANSPOSE',
      ctx.name,
      [x!, p],
      perm.map((d) => s[d]!),
    ),
  ];
};
