/**
 * SELECT_V2 (TFLite `kernels/select.cc`, `reference/select.h`): y = condition ? x : y-input, with
 * the condition, x and y all broadcast to a common shape (ranks up to 6 in TFLite; any rank here).
 * x and y must share a dtype (any fixed-size dtype; values are copied, not requantized). Exact.
 */
import { type Kernel, type KernelNode, expectDtype, input, output, unsupported } from '../kernel.js';
import { type BroadcastPlan, type TernaryRow, walkTernary } from './broadcast.js';
import { prepareBroadcast } from './common.js';

interface SelectData {
  plan: BroadcastPlan;
}

/** Copies x or y per condition byte; works for every typed array (bigints included). */
const selectRow: TernaryRow = (c, ic, sc, a, ia, sa, b, ib, sb, y, iy, n) => {
  const C = c as Uint8Array;
  const A = a as Float64Array; // any typed array at run time; values are copied as they are
  const B = b as Float64Array;
  const Y = y as Float64Array;
  for (let i = 0; i < n; i++, ic += sc, ia += sa, ib += sb) Y[iy + i] = C[ic] !== 0 ? A[ia]! : B[ib]!;
};

const SUPPORTED = [
  'bool',
  'float32',
  'uint8',
  'int8',
  'int16',
  'int32',
  'int64',
  'float16',
  'uint32',
  'uint16',
] as const;

function prepareSelect(node: KernelNode): SelectData {
  const cond = input(node, 0);
  const x = input(node, 1);
  const y = input(node, 2);
  const out = output(node, 0);
  expectDtype(node, cond, ['bool'], 'condition');
  expectDtype(node, x, SUPPORTED, 'input x');
  if (x.dtype !== y.dtype)
    throw unsupported(node, `x is ${x.dtype} and y is ${y.dtype}; they must have the same dtype`);
  out.dtype = x.dtype;
  return { plan: prepareBroadcast(node, [cond, x, y], out) };
}

/** SELECT_V2: y = condition ? x : y, broadcasting all three. */
export const selectV2Kernel: Kernel<SelectData> = {
  op: 'SELECT_V2',
  prepare: prepareSelect,
  eval(node, d) {
    walkTernary(
      d.plan,
      input(node, 0).data,
      input(node, 1).data,
      input(node, 2).data,
      output(node, 0).data,
      selectRow,
    );
  },
};
