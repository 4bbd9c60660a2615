/**
 * RESHAPE, SQUEEZE, EXPAND_DIMS: same bytes, new shape. The runtime usually lets the output
 * share the input's memory (see ALIAS_OPS in the executor); eval copies only when it does not.
 */
import { type Kernel, type KernelNode, input, optionsOf, output, shapeError } from '../kernel.js';
import { normalizeAxis, numElements } from '../internal/shape.js';
import { readIndexValues, readScalarIndex } from '../tensor/index_values.js';

/** Copies input bytes to output bytes unless both already share memory. */
export function copyIfNotAliased(node: KernelNode): void {
  const a = input(node, 0).bytes;
  const b = output(node, 0).bytes;
  if (a.buffer === b.buffer && a.byteOffset === b.byteOffset) return;
  b.set(a.subarray(0, b.byteLength));
}

/** Resolves one -1 entry so that the element count matches `count`. */
function inferShape(node: KernelNode, shape: readonly number[], count: number): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (out.indexOf(-1, unknown + 1) >= 0) throw shapeError(node, `new shape [${shape}] has more than one -1`);
  if (unknown >= 0) {
    const known = out.reduce((p, d, i) => (i === unknown ? p : p * d), 1);
    if (known === 0 || count % known !== 0) {
      throw shapeError(node, `cannot reshape ${count} elements to [${shape}]`);
    }
    out[unknown] = count / known;
  }
  if (numElements(out) !== count) throw shapeError(node, `cannot reshape ${count} elements to [${shape}]`);
  return out;
}

/** RESHAPE: the new shape comes from the shape input (1-D), else the options, else the model. */
export const reshapeKernel: Kernel<{ dynamic: boolean }> = {
  op: 'RESHAPE',
  prepare(node, ctx) {
    const x = input(node, 0);
    const y = output(node, 0);
    const count = numElements(x.shape);
    const shapeInput = node.inputs[1];
    let target: readonly number[] | null = null;
    if (shapeInput && shapeInput.shape.length === 1) {
      if (!shapeInput.isConst) {
        ctx.markDynamic(y);
        return { dynamic: true };
      }
      target = readIndexValues(node, shapeInput, 'shape');
    } else {
      target = node.builtinOptions ? optionsOf(node, 'ReshapeOptions').newShape : null;
    }
    y.shape = inferShape(node, target ?? y.shape, count);
    return { dynamic: false };
  },
  eval(node, data, ctx) {
    if (data.dynamic) {
      const count = numElements(input(node, 0).shape);
      const target = readIndexValues(node, input(node, 1), 'shape');
      ctx.resizeOutput(output(node, 0), inferShape(node, target, count));
    }
    copyIfNotAliased(node);
  },
};

/** SQUEEZE: drops the listed size-1 dims (all size-1 dims when none are listed). */
export const squeezeKernel: Kernel<null> = {
  op: 'SQUEEZE',
  prepare(node) {
    const x = input(node, 0);
    const dims = optionsOf(node, 'SqueezeOptions').squeezeDims ?? [];
    const rank = x.shape.length;
    const drop = new Set(dims.map((d) => normalizeAxis(d, rank, `node ${node.index} (SQUEEZE)`)));
    for (const d of drop) {
      if (x.shape[d] !== 1) throw shapeError(node, `cannot squeeze dim ${d} of size ${x.shape[d]}`);
    }
    output(node, 0).shape = x.shape.filter((d, i) => (drop.size === 0 ? d !== 1 : !drop.has(i)));
    return null;
  },
  eval(node) {
    copyIfNotAliased(node);
  },
};

/** Returns EXPAND_DIMS's output shape for the current axis input. */
function expandedShape(node: KernelNode): number[] {
  const x = input(node, 0);
  const raw = readScalarIndex(node, input(node, 1), 'axis');
  const axis = normalizeAxis(raw, x.shape.length + 1, `node ${node.index} (EXPAND_DIMS)`);
  const shape = [...x.shape];
  shape.splice(axis, 0, 1);
  return shape;
}

/** EXPAND_DIMS: inserts a size-1 dim at the axis given by the second input (negative counts from the end). */
export const expandDimsKernel: Kernel<{ dynamic: boolean }> = {
  op: 'EXPAND_DIMS',
  prepare(node, ctx) {
    if (!input(node, 1).isConst) {
      ctx.markDynamic(output(node, 0));
      return { dynamic: true };
    }
    output(node, 0).shape = expandedShape(node);
    return { dynamic: false };
  },
  eval(node, data, ctx) {
    if (data.dynamic) ctx.resizeOutput(output(node, 0), expandedShape(node));
    copyIfNotAliased(node);
  },
};
