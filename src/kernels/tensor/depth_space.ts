/**
 * SPACE_TO_DEPTH and DEPTH_TO_SPACE on NHWC tensors (TF's "DCR" channel order): with block b,
 *
 *   SPACE_TO_DEPTH: out[n, y, x, (dy*b + dx)*C + c] = in[n, y*b + dy, x*b + dx, c]
 *   DEPTH_TO_SPACE: out[n, y*b + dy, x*b + dx, c]   = in[n, y, x, (dy*b + dx)*C' + c]
 *
 * Each is one strided copy over a 6-D view.
 */
import {
  type Kernel,
  type KernelNode,
  expectRank,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { type CopyPlan, contiguousStrides, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

/** The output shape, and the 6-D view of the (contiguous) output with the input stride of each dim. */
interface BlockView {
  shape: number[];
  dims: number[];
  src: number[];
}

/** Returns the kernel of `op` that copies its [N, H, W, C] input through `view`. */
function blockKernel(
  op: string,
  view: (node: KernelNode, x: readonly [number, number, number, number]) => BlockView,
): Kernel<CopyPlan> {
  return {
    op,
    prepare(node) {
      const x = input(node, 0);
      const y = output(node, 0);
      expectRank(node, x, 4, 'input');
      const w = expectMovable(node, x, 'input');
      if (y.dtype !== x.dtype)
        throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
      const v = view(node, x.shape as [number, number, number, number]);
      y.shape = v.shape;
      return planCopy(v.dims, v.src, contiguousStrides(v.dims), 0, 0, w);
    },
    eval(node, plan) {
      runCopy(plan, wordView(input(node, 0)), wordView(output(node, 0)));
    },
  };
}

/** SPACE_TO_DEPTH: [N, H, W, C] -> [N, H/b, W/b, C*b*b]. */
export const spaceToDepthKernel = blockKernel('SPACE_TO_DEPTH', (node, [n, h, wd, c]) => {
  const b = optionsOf(node, 'SpaceToDepthOptions').blockSize;
  if (b < 1 || h % b !== 0 || wd % b !== 0) {
    throw shapeError(node, `block size ${b} must be >= 1 and divide height ${h} and width ${wd}`);
  }
  const oh = h / b;
  const ow = wd / b;
  // Output viewed as [n, oh, ow, dy, dx, c] (contiguous); the input strides of each.
  return {
    shape: [n, oh, ow, c * b * b],
    dims: [n, oh, ow, b, b, c],
    src: [h * wd * c, b * wd * c, b * c, wd * c, c, 1],
  };
});

/** DEPTH_TO_SPACE: [N, H, W, C] -> [N, H*b, W*b, C/(b*b)]. */
export const depthToSpaceKernel = blockKernel('DEPTH_TO_SPACE', (node, [n, h, wd, c]) => {
  const b = optionsOf(node, 'DepthToSpaceOptions').blockSize;
  if (b < 1 || c % (b * b) !== 0)
    throw shapeError(node, `block size ${b} squared must divide the depth ${c}`);
  const oc = c / (b * b);
  // Output viewed as [n, h, dy, w, dx, oc] (contiguous); the input strides of each.
  return {
    shape: [n, h * b, wd * b, oc],
    dims: [n, h, b, wd, b, oc],
    src: [h * wd * c, wd * c, b * oc, c, oc, 1],
  };
});
