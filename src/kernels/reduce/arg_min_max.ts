/**
 * ARG_MAX and ARG_MIN along one axis (reference/arg_min_max.h): the first element is the
 * initial best and a later element replaces it only when strictly greater (smaller), so ties
 * give the first index and NaNs never win (unless first). The output (int32 or int64) drops the
 * axis.
 */
import { type Kernel, type KernelNode, expectDtype, input, output, shapeError } from '../kernel.js';
import { normalizeAxis } from '../internal/shape.js';
import { readScalarIndex } from '../tensor/index_values.js';

interface ArgGeometry {
  readonly outShape: number[];
  readonly outer: number;
  readonly axisSize: number;
  readonly inner: number;
}

function argGeometry(node: KernelNode): ArgGeometry {
  const x = input(node, 0);
  const rank = x.shape.length;
  const axis = normalizeAxis(
    readScalarIndex(node, input(node, 1), 'axis'),
    rank,
    `node ${node.index} (${node.op})`,
  );
  const axisSize = x.shape[axis]!;
  if (axisSize === 0) throw shapeError(node, `axis ${axis} of [${x.shape}] is empty`);
  const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);
  return {
    outShape: x.shape.filter((_, i) => i !== axis),
    outer: prod(x.shape.slice(0, axis)),
    axisSize,
    inner: prod(x.shape.slice(axis + 1)),
  };
}

function makeArgKernel(op: 'ARG_MAX' | 'ARG_MIN'): Kernel<{ geom: ArgGeometry | null }> {
  const isMax = op === 'ARG_MAX';
  return {
    op,
    prepare(node, ctx) {
      const x = input(node, 0);
      const y = output(node, 0);
      expectDtype(node, x, ['float32', 'uint8', 'int8', 'int16', 'int32', 'int64', 'bool'], 'input');
      expectDtype(node, input(node, 1), ['int32', 'int64'], 'axis');
      expectDtype(node, y, ['int32', 'int64'], 'output');
      if (x.shape.length === 0) throw shapeError(node, 'the input must have rank >= 1');
      if (!input(node, 1).isConst) {
        ctx.markDynamic(y);
        return { geom: null };
      }
      const geom = argGeometry(node);
      y.shape = geom.outShape;
      return { geom };
    },
    eval(node, data, ctx) {
      const y = output(node, 0);
      let g = data.geom;
      if (!g) {
        g = argGeometry(node);
        ctx.resizeOutput(y, g.outShape);
      }
      const { outer, axisSize, inner } = g;
      const src = input(node, 0).data as Float32Array | BigInt64Array;
      const out = y.data;
      const wide = out instanceof BigInt64Array;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          const base = o * axisSize * inner + j;
          let best = src[base]!;
          let bestIndex = 0;
          for (let i = 1; i < axisSize; i++) {
            const v = src[base + i * inner]!;
            if (isMax ? v > best : v < best) {
              best = v;
              bestIndex = i;
            }
          }
          if (wide) (out as BigInt64Array)[o * inner + j] = BigInt(bestIndex);
          else (out as Int32Array)[o * inner + j] = bestIndex;
        }
      }
    },
  };
}

/** ARG_MAX: inputs (input, axis). */
export const argMaxKernel = makeArgKernel('ARG_MAX');
/** ARG_MIN: inputs (input, axis). */
export const argMinKernel = makeArgKernel('ARG_MIN');
