/**
 * Core layers: Dense, Flatten, Reshape, Permute, Activation, Rescaling, and the layers that do
 * nothing at inference (Dropout and the noise layers), written as IDENTITY for drop-identity.
 */
import { ConversionError } from '../../errors.js';
import { applyActivation } from '../activations.js';
import { IO_TO_OI, transposeData } from '../layout.js';
import { resolveReshape, sizeOf } from '../shapes.js';
import { type LayerConverter, activationOf, bool, list, num } from './context.js';

/** Dense -> FULLY_CONNECTED (kernel [in, out] -> [out, in]; keepNumDims for inputs of rank > 2). */
export const dense: LayerConverter = (ctx, [x]) => {
  const shape = ctx.g.value(x!).shape;
  const k = ctx.weight('kernel');
  const [inDim, units] = k.shape as [number, number];
  if (shape[shape.length - 1] !== inDim) {
    throw new ConversionError(
      `layer ${ctx.name}: kernel expects ${inDim} input features, the input has shape [${shape}]`,
    );
  }
  const t = transposeData(Float32Array.from(k.data), k.shape, IO_TO_OI);
  const w = ctx.g.addConst(`${ctx.name}/kernel`, t.shape, t.data);
  const b = bool(ctx, 'use_bias', true) ? ctx.optionalWeight('bias') : undefined;
  const bias = ctx.g.addConst(
    `${ctx.name}/bias`,
    [units],
    b ? Float32Array.from(b.data) : new Float32Array(units),
  );
  const keep = shape.length > 2;
  const y = ctx.g.op('FULLY_CONNECTED', ctx.name, [x!, w, bias], [...shape.slice(0, -1), units], {
    keepNumDims: keep,
  });
  return [applyActivation(ctx.g, y, activationOf(ctx), ctx.name)];
};

function reshapeTo(ctx: Parameters<LayerConverter>[0], x: number, target: number[]): number {
  const shapeConst = ctx.g.addConst(`${ctx.name}/shape`, [target.length], Int32Array.from(target));
  return ctx.g.op('RESHAPE', ctx.name, [x, shapeConst], target, { newShape: target });
}

/** Flatten -> RESHAPE to [batch, everything else] (NHWC row-major order, as Keras flattens). */
export const flatten: LayerConverter = (ctx, [x]) => {
  const s = ctx.g.value(x!).shape;
  if (s.length === 2) return [x!];
  return [reshapeTo(ctx, x!, [s[0]!, sizeOf(s.slice(1))])];
};

/** Reshape -> RESHAPE to [batch, ...target_shape]. */
export const reshape: LayerConverter = (ctx, [x]) => {
  const s = ctx.g.value(x!).shape;
  const target = list(ctx, 'target_shape') ?? list(ctx, 'targetShape');
  if (!target) throw new ConversionError(`layer ${ctx.name}: Reshape has no target_shape`);
  const rest = resolveReshape(target, sizeOf(s.slice(1)), `layer ${ctx.name}`);
  return [reshapeTo(ctx, x!, [s[0]!, ...rest])];
};

/** Permute -> TRANSPOSE with [0, ...dims] (Keras dims are 1-based, batch excluded). */
export const permute: LayerConverter = (ctx, [x]) => {
  const s = ctx.g.value(x!).shape;
  const dims = list(ctx, 'dims');
  if (!dims || dims.length !== s.length - 1)
    throw new ConversionError(
      `layer ${ctx.name}: Permute dims ${JSON.stringify(dims)} do not fit input [${s}]`,
    );
  const perm = [0, ...dims];
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

/** Activation -> the activation's op(s). */
export const activation: LayerConverter = (ctx, [x]) => [
  applyActivation(ctx.g, x!, activationOf(ctx), ctx.name),
];

/** Dropout, SpatialDropout, GaussianNoise, GaussianDropout, AlphaDropout: identity at inference. */
export const inferenceIdentity: LayerConverter = (ctx, [x]) => [
  ctx.g.op('IDENTITY', ctx.name, [x!], ctx.g.value(x!).shape),
];

/**
 * Rescaling -> MUL by scale then ADD offset: y = x * scale + offset. When it reads the model
 * input directly, the rescaling-to-metadata rule may later turn it into input normalization.
 */
export const rescaling: LayerConverter = (ctx, [x]) => {
  const shape = ctx.g.value(x!).shape;
  const scale = num(ctx, 'scale');
  const offset = num(ctx, 'offset', 0);
  if (ctx.g.inputs.includes(x!) && !ctx.notes.normalization) {
    // The model scales raw values itself: classifiers should feed pixels unchanged.
    ctx.notes.normalization = { mean: [0], std: [1], from: ctx.name };
  }
  const s = ctx.g.addConst(`${ctx.name}/scale`, [], new Float32Array([scale]));
  let y = ctx.g.op('MUL', `${ctx.name}/scaled`, [x!, s], shape);
  if (offset !== 0) {
    const o = ctx.g.addConst(`${ctx.name}/offset`, [], new Float32Array([offset]));
    y = ctx.g.op('ADD', ctx.name, [y, o], shape);
  }
  return [y];
};
