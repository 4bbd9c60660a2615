/**
 * CUMSUM along one axis, optionally exclusive (each output excludes its own input) and/or
 * reversed (summing from the end), as TFLite's cumsum.cc: float32 (float32 additions in scan
 * order: exact against TFLite's sequential scan), int32 (wrapping), int64 (wrapping).
 */
import {
  type Kernel,
  type KernelNode,
  expectDtype,
  input,
  optionsOf,
  output,
  shapeError,
} from '../kernel.js';
import { normalizeAxis } from '../internal/shape.js';
import { readScalarIndex } from '../tensor/index_values.js';

function geometry(node: KernelNode): { outer: number; axisSize: number; inner: number } {
  const x = input(node, 0);
  const axis = normalizeAxis(
    readScalarIndex(node, input(node, 1), 'axis'),
    x.shape.length,
    `node ${node.index} (CUMSUM)`,
  );
  const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);
  return {
    outer: prod(x.shape.slice(0, axis)),
    axisSize: x.shape[axis]!,
    inner: prod(x.shape.slice(axis + 1)),
  };
}

/** CUMSUM: inputs (input, axis); exclusive and reverse options. */
export const cumsumKernel: Kernel<null> = {
  op: 'CUMSUM',
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, x, ['float32', 'int32', 'int64'], 'input');
    expectDtype(node, input(node, 1), ['int32', 'int64'], 'axis');
    expectDtype(node, y, [x.dtype], 'output');
    if (x.shape.length === 0) throw shapeError(node, 'the input must have rank >= 1');
    if (input(node, 1).isConst) geometry(node); // validate the axis early
    y.shape = [...x.shape];
    return null;
  },
  eval(node) {
    const { exclusive, reverse } = optionsOf(node, 'CumsumOptions');
    const { outer, axisSize, inner } = geometry(node);
    const x = input(node, 0);
    const y = output(node, 0);
    if (x.dtype === 'int64') {
      const src = x.data as BigInt64Array;
      const dst = y.data as BigInt64Array;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          let acc = 0n;
          for (let k = 0; k < axisSize; k++) {
            const i = (o * axisSize + (reverse ? axisSize - 1 - k : k)) * inner + j;
            if (exclusive) {
              dst[i] = acc;
              acc = BigInt.asIntN(64, acc + src[i]!);
            } else {
              acc = BigInt.asIntN(64, acc + src[i]!);
              dst[i] = acc;
            }
          }
        }
      }
      return;
    }
    const float = x.dtype === 'float32';
    const src = x.data as Float32Array;
    const dst = y.data as Float32Array;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let acc = 0;
        for (let k = 0; k < axisSize; k++) {
          const i = (o * axisSize + (reverse ? axisSize - 1 - k : k)) * inner + j;
          const v = src[i]!;
          if (exclusive) dst[i] = acc;
          acc = float ? Math.fround(acc + v) : (acc + v) | 0;
          if (!exclusive) dst[i] = acc;
        }
      }
    }
  },
};
