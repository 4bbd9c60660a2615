/**
 * CONCATENATION along any axis. Inputs with the output's quantization are copied as words;
 * 8-bit inputs whose scale or zero point differ from the output's are requantized as TFLite's
 * ConcatenationWithScaling does for uint8 (float path, the default), through a 256-entry table
 * per input computed in prepare:
 *
 *   scale = in_scale * (1 / out_scale)          (float32)
 *   bias  = -in_zero_point * scale              (float32)
 *   q_out = clamp(round(q_in * scale + bias) + out_zero_point)   (round: half away from zero)
 *
 * TFLite itself rejects int8 inputs whose params differ from the output's; we apply the same
 * formula with the int8 range instead of failing.
 */
import { Activation } from '../../ir/builtin_options.js';
import { type Kernel, input, optionsOf, output, shapeError, unsupported } from '../kernel.js';
import { normalizeAxis } from '../internal/shape.js';
import { tfliteRound } from '../internal/rounding.js';
import { type CopyPlan, planCopy, runCopy } from './strided_copy.js';
import { expectMovable, wordView } from './word_view.js';

interface ConcatData {
  /** Per input: a copy plan, or a requantization table with the block layout. */
  readonly parts: readonly (
    | { readonly kind: 'copy'; readonly plan: CopyPlan }
    | {
        readonly kind: 'requant';
        readonly table: Int32Array;
        readonly outer: number;
        readonly block: number;
        readonly outRow: number;
        readonly offset: number;
      }
  )[];
}

/** Builds the uint8/int8 requantization table of one input (see the file comment). */
function requantTable(
  inScale: number,
  inZero: number,
  outScale: number,
  outZero: number,
  signed: boolean,
): Int32Array {
  const f = Math.fround;
  const scale = f(inScale * f(1 / outScale));
  const bias = f(-inZero * scale);
  const lo = signed ? -128 : 0;
  const hi = signed ? 127 : 255;
  const table = new Int32Array(256);
  for (let k = 0; k < 256; k++) {
    const q = signed ? k - 128 : k;
    const v = tfliteRound(f(f(q * scale) + bias)) + outZero;
    table[k] = v < lo ? lo : v > hi ? hi : v;
  }
  return table;
}

/** CONCATENATION: joins inputs of equal rank along `axis` (negative counts from the end). */
export const concatenationKernel: Kernel<ConcatData> = {
  op: 'CONCATENATION',
  prepare(node) {
    const opts = optionsOf(node, 'ConcatenationOptions');
    if (opts.fusedActivationFunction !== Activation.NONE) {
      throw unsupported(node, 'a fused activation on CONCATENATION (TFLite supports none either)');
    }
    const y = output(node, 0);
    const x0 = input(node, 0);
    const rank = x0.shape.length;
    const axis = normalizeAxis(opts.axis, rank, `node ${node.index} (CONCATENATION)`);
    const w = expectMovable(node, y, 'output');
    let total = 0;
    for (let i = 0; i < node.inputs.length; i++) {
      const x = input(node, i);
      if (x.dtype !== y.dtype) {
        throw unsupported(node, `input ${i} has dtype ${x.dtype} but the output has ${y.dtype}`);
      }
      if (x.shape.length !== rank || x.shape.some((d, k) => k !== axis && d !== x0.shape[k])) {
        throw shapeError(
          node,
          `input ${i} has shape [${x.shape}], incompatible with [${x0.shape}] on axis ${axis}`,
        );
      }
      total += x.shape[axis]!;
    }
    const outShape = [...x0.shape];
    outShape[axis] = total;
    y.shape = outShape;
    let outer = 1;
    for (let k = 0; k < axis; k++) outer *= outShape[k]!;
    let inner = 1;
    for (let k = axis + 1; k < rank; k++) inner *= outShape[k]!;
    const outRow = total * inner;
    const eightBit = y.dtype === 'uint8' || y.dtype === 'int8';
    const parts: ConcatData['parts'][number][] = [];
    let offset = 0;
    for (let i = 0; i < node.inputs.length; i++) {
      const x = input(node, i);
      const block = x.shape[axis]! * inner;
      const xq = x.quant;
      const yq = y.quant;
      const sameParams = !xq || !yq || (xq.scale[0] === yq.scale[0] && xq.zeroPoint[0] === yq.zeroPoint[0]);
      if (eightBit && !sameParams) {
        const table = requantTable(
          xq!.scale[0]!,
          xq!.zeroPoint[0]!,
          yq!.scale[0]!,
          yq!.zeroPoint[0]!,
          y.dtype === 'int8',
        );
        parts.push({ kind: 'requant', table, outer, block, outRow, offset });
      } else {
        const plan = planCopy([outer, block], [block, 1], [outRow, 1], 0, offset, w);
        parts.push({ kind: 'copy', plan });
      }
      offset += block;
    }
    return { parts };
  },
  eval(node, data) {
    const y = output(node, 0);
    const dst = wordView(y);
    data.parts.forEach((p, i) => {
      const x = input(node, i);
      if (p.kind === 'copy') {
        runCopy(p.plan, wordView(x), dst);
        return;
      }
      // 8-bit requantization through the table; int8 indexes with +128.
      const src = x.data as Uint8Array | Int8Array;
      const out = y.data as Uint8Array | Int8Array;
      const bias = x.dtype === 'int8' ? 128 : 0;
      const { table, outer, block, outRow, offset } = p;
      for (let o = 0; o < outer; o++) {
        const s = o * block;
        const d = o * outRow + offset;
        for (let j = 0; j < block; j++) out[d + j] = table[src[s + j]! + bias]!;
      }
    });
  },
};
