/**
 * Embedding -> GATHER of the embeddings table along axis 0. Keras models usually declare a
 * float32 input for the token ids; tfjs casts it to int32 (truncation), and so does the CAST
 * written here.
 */
import { TensorType } from '../../ir/dtype.js';
import type { LayerConverter } from './context.js';

/** Embedding -> [CAST float32 -> int32] + GATHER. */
export const embedding: LayerConverter = (ctx, [x]) => {
  const e = ctx.weight('embeddings');
  const [, dim] = e.shape as [number, number];
  const table = ctx.g.addConst(`${ctx.name}/embeddings`, e.shape, Float32Array.from(e.data));
  const xv = ctx.g.value(x!);
  let ids = x!;
  if (xv.dtype !== 'int32') {
    ids = ctx.g.op(
      'CAST',
      `${ctx.name}/ids`,
      [x!],
      xv.shape,
      { inDataType: TensorType.FLOAT32, outDataType: TensorType.INT32 },
      'int32',
    );
  }
  return [ctx.g.op('GATHER', ctx.name, [table, ids], [...xv.shape, dim], { axis: 0, batchDims: 0 })];
};
