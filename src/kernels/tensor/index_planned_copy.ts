/**
 * The kernel shape of TRANSPOSE, TILE and BROADCAST_TO: output 0 is one strided copy of input 0,
 * planned from the values of input 1 (perm, multiples or target shape). The plan is made in
 * prepare when input 1 is constant; otherwise the output is dynamic and eval plans the copy.
 */
import { type Kernel, type KernelNode, type KernelTensor, input, output, unsupported } from '../kernel.js';
import { expectIndexDtype, readIndexValues } from './index_values.js';
import { type CopyPlan, runCopy } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

/** The output shape and copy plan for input 0 and the values of input 1; throws ShapeError. */
export type PlanCopy = (
  node: KernelNode,
  x: KernelTensor,
  values: readonly number[],
) => { shape: number[]; plan: CopyPlan };

/** Per-node data: the copy plan, null when input 1 is only known in eval. */
export interface PlannedCopyData {
  plan: CopyPlan | null;
}

/**
 * Returns the kernel of `op` whose copy `planFor` plans from input 1 (named `role` in errors).
 * Its prepare throws UnsupportedOpError for a non-integer input 1, an element type that cannot be
 * moved or an output dtype other than the input's, and whatever `planFor` throws.
 */
export function indexPlannedCopyKernel(op: string, planFor: PlanCopy, role: string): Kernel<PlannedCopyData> {
  return {
    op,
    prepare(node, ctx) {
      const x = input(node, 0);
      const v = input(node, 1);
      const y = output(node, 0);
      expectIndexDtype(node, v, role);
      expectMovable(node, x, 'input');
      if (y.dtype !== x.dtype)
        throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
      if (!v.isConst) {
        ctx.markDynamic(y);
        return { plan: null };
      }
      const p = planFor(node, x, readIndexValues(node, v, role));
      y.shape = p.shape;
      return { plan: p.plan };
    },
    eval(node, data, ctx) {
      const x = input(node, 0);
      let plan = data.plan;
      if (!plan) {
        const p = planFor(node, x, readIndexValues(node, input(node, 1), role));
        ctx.resizeOutput(output(node, 0), p.shape);
        plan = p.plan;
      }
      runCopy(plan, wordView(x), wordView(output(node, 0)));
    },
  };
}
