/**
 * QUANTIZE: float32 -> int8/uint8/int16 (per tensor or per axis), and requantization between
 * integer types (int8, uint8, int16, int32 in, the same out: every pair TFLite's quantize.cc or
 * TFLite Micro's quantize_common.cc accepts, e.g. int8 <-> uint8, int16 -> int8/int32,
 * int32 -> int16).
 *
 *   float:     q = clamp(round(x / scale) + zero_point)          (float32 division, ties away)
 *   requant:   q = clamp(MultiplyByQuantizedMultiplier(x - in_zp, M, shift) + out_zp)
 *              with (M, shift) = QuantizeMultiplier(double(in_scale) / double(out_scale))
 *
 * TFLite's xor-0x80 fast path for int8 <-> uint8 with equal scales gives the same values as the
 * general formula (M = 2^30, shift 1 is exact). 8-bit inputs go through a 256-entry table built
 * in prepare.
 */
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  expectDtype,
  input,
  output,
  unsupported,
} from '../kernel.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { quantizeValue } from '../internal/quantize.js';
import { quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { intRange } from './int_range.js';

type QuantizeData =
  | {
      readonly kind: 'float';
      /** One entry per channel (or one for per-tensor). */
      readonly scales: Float64Array;
      readonly zeroPoints: Int32Array;
      /** Elements per channel step (product of dims after the quantized axis), 0 for per-tensor. */
      readonly inner: number;
      readonly channels: number;
      readonly min: number;
      readonly max: number;
    }
  | { readonly kind: 'table'; readonly table: Int32Array; readonly offset: number }
  | {
      readonly kind: 'requant';
      readonly multiplier: number;
      readonly shift: number;
      readonly inZero: number;
      readonly outZero: number;
      readonly min: number;
      readonly max: number;
    };

/** Returns a tensor's quantization, throwing UnsupportedOpError when it has none. */
function quantOf(t: KernelTensor, role: string, node: KernelNode) {
  if (!t.quant || t.quant.scale.length === 0)
    throw unsupported(node, `the ${role} has no quantization parameters`);
  return t.quant;
}

/** QUANTIZE: one input, one output of the same shape. */
export const quantizeKernel: Kernel<QuantizeData> = {
  op: 'QUANTIZE',
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, x, ['float32', 'int8', 'uint8', 'int16', 'int32'], 'input');
    y.shape = [...x.shape];
    const yq = quantOf(y, 'output', node);
    if (x.dtype === 'float32') {
      expectDtype(node, y, ['int8', 'uint8', 'int16'], 'output');
      const [min, max] = intRange(y.dtype);
      const channels = yq.scale.length;
      let inner = 0;
      if (channels > 1) {
        const axis = yq.axis;
        if (x.shape[axis] !== channels) {
          throw unsupported(
            node,
            `per-axis output has ${channels} scales for dim ${axis} of size ${x.shape[axis]}`,
          );
        }
        inner = x.shape.slice(axis + 1).reduce((a, d) => a * d, 1);
      }
      return {
        kind: 'float',
        scales: Float64Array.from(yq.scale, (s) => Math.fround(s)),
        zeroPoints: Int32Array.from(yq.scale.map((_, c) => yq.zeroPoint[c] ?? 0)),
        inner,
        channels,
        min,
        max,
      };
    }
    expectDtype(node, y, ['int8', 'uint8', 'int16', 'int32'], 'output');
    const xq = quantOf(x, 'input', node);
    if (xq.scale.length !== 1 || yq.scale.length !== 1) {
      throw unsupported(node, 'requantization of per-axis quantized tensors');
    }
    const { multiplier, shift } = quantizeMultiplier(Math.fround(xq.scale[0]!) / Math.fround(yq.scale[0]!));
    const inZero = xq.zeroPoint[0] ?? 0;
    const outZero = yq.zeroPoint[0] ?? 0;
    const [min, max] = intRange(y.dtype);
    const requant = (v: number) => {
      const q = multiplyByQuantizedMultiplier((v - inZero) | 0, multiplier, shift) + outZero;
      return q < min ? min : q > max ? max : q;
    };
    if (x.dtype === 'int8' || x.dtype === 'uint8') {
      const offset = x.dtype === 'int8' ? 128 : 0;
      const table = new Int32Array(256);
      for (let k = 0; k < 256; k++) table[k] = requant(k - offset);
      return { kind: 'table', table, offset };
    }
    return { kind: 'requant', multiplier, shift, inZero, outZero, min, max };
  },
  eval(node, d) {
    const x = input(node, 0);
    const y = output(node, 0);
    const dst = y.data as Int32Array;
    const n = x.shape.reduce((a, v) => a * v, 1);
    if (d.kind === 'float') {
      const src = x.data as Float32Array;
      const { scales, zeroPoints, channels, min, max } = d;
      // One block of elements per channel step, channels repeating (per tensor: one block).
      const block = channels === 1 ? n : d.inner;
      for (let o = 0, c = 0; o < n; o += block, c = c + 1 === channels ? 0 : c + 1) {
        const s = scales[c]!;
        const z = zeroPoints[c]!;
        const end = o + block;
        for (let i = o; i < end; i++) dst[i] = quantizeValue(src[i]!, s, z, min, max);
      }
      return;
    }
    if (d.kind === 'table') {
      const src = x.data as Uint8Array;
      const { table, offset } = d;
      for (let i = 0; i < n; i++) dst[i] = table[src[i]! + offset]!;
      return;
    }
    const src = x.data as Int16Array | Int32Array;
    const { multiplier, shift, inZero, outZero, min, max } = d;
    for (let i = 0; i < n; i++) {
      const q = multiplyByQuantizedMultiplier((src[i]! - inZero) | 0, multiplier, shift) + outZero;
      dst[i] = q < min ? min : q > max ? max : q;
    }
  },
};
