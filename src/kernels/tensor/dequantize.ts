/**
 * DEQUANTIZE: int8/uint8/int16/int32 -> float32 (per tensor, or per axis), and float16 -> float32
 * for float16-quantized models. As TFLite's reference kernels:
 *   x = float(scale * (q - zero_point))
 * (product in double, rounded once: exact against the reference). 8-bit per-tensor inputs go
 * through a 256-entry table built in prepare.
 */
import { type Kernel, expectDtype, input, output, unsupported } from '../kernel.js';
import { float16BitsToFloat32 } from '../internal/float16.js';
import { dequantizeValue } from '../internal/quantize.js';

type DequantizeData =
  | { readonly kind: 'half' }
  | { readonly kind: 'table'; readonly table: Float32Array; readonly offset: number }
  | {
      readonly kind: 'affine';
      readonly scales: Float64Array;
      readonly zeroPoints: Int32Array;
      /** Elements per channel step, 0 for per-tensor. */
      readonly inner: number;
      readonly channels: number;
    };

/** DEQUANTIZE: one input, one float32 output of the same shape. */
export const dequantizeKernel: Kernel<DequantizeData> = {
  op: 'DEQUANTIZE',
  prepare(node) {
    const x = input(node, 0);
    const y = output(node, 0);
    expectDtype(node, x, ['int8', 'uint8', 'int16', 'int32', 'float16'], 'input');
    expectDtype(node, y, ['float32'], 'output');
    y.shape = [...x.shape];
    if (x.dtype === 'float16') return { kind: 'half' };
    const q = x.quant;
    if (!q || q.scale.length === 0) throw unsupported(node, 'the input has no quantization parameters');
    const channels = q.scale.length;
    const scales = Float64Array.from(q.scale, (s) => Math.fround(s));
    const zeroPoints = Int32Array.from(q.scale.map((_, c) => q.zeroPoint[c] ?? 0));
    if (channels === 1 && (x.dtype === 'int8' || x.dtype === 'uint8')) {
      const offset = x.dtype === 'int8' ? 128 : 0;
      const table = new Float32Array(256);
      for (let k = 0; k < 256; k++) table[k] = dequantizeValue(k - offset, scales[0]!, zeroPoints[0]!);
      return { kind: 'table', table, offset };
    }
    let inner = 0;
    if (channels > 1) {
      if (x.shape[q.axis] !== channels) {
        throw unsupported(
          node,
          `per-axis input has ${channels} scales for dim ${q.axis} of size ${x.shape[q.axis]}`,
        );
      }
      inner = x.shape.slice(q.axis + 1).reduce((a, d) => a * d, 1);
    }
    return { kind: 'affine', scales, zeroPoints, inner, channels };
  },
  eval(node, d) {
    const x = input(node, 0);
    const dst = output(node, 0).data as Float32Array;
    const n = x.shape.reduce((a, v) => a * v, 1);
    if (d.kind === 'half') {
      const src = x.data as Uint16Array;
      for (let i = 0; i < n; i++) dst[i] = float16BitsToFloat32(src[i]!);
      return;
    }
    if (d.kind === 'table') {
      const src = x.data as Uint8Array;
      const { table, offset } = d;
      for (let i = 0; i < n; i++) dst[i] = table[src[i]! + offset]!;
      return;
    }
    const src = x.data as Int32Array;
    const { scales, zeroPoints, inner, channels } = d;
    if (channels === 1) {
      const s = scales[0]!;
      const z = zeroPoints[0]!;
      for (let i = 0; i < n; i++) dst[i] = dequantizeValue(src[i]!, s, z);
      return;
    }
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / inner) % channels;
      dst[i] = dequantizeValue(src[i]!, scales[c]!, zeroPoints[c]!);
    }
  },
};
