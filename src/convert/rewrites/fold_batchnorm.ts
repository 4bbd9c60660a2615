/**
 * fold-batchnorm: a per-channel affine y = x * s + t (BatchNormalization written as MUL + ADD,
 * or a bare ADD/MUL with a per-channel constant, as graph models have after a conv) that
 * directly follows a CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV or FULLY_CONNECTED without a
 * fused activation is folded into that op's weights and bias:
 *   W'[o, ...] = W[o, ...] * s[o],  b'[o] = b[o] * s[o] + t[o]
 * (o is the output channel: the first axis of CONV_2D / TRANSPOSE_CONV / FULLY_CONNECTED
 * weights, the last axis of DEPTHWISE_CONV_2D's). New constants are written, so weights shared
 * with another op are never changed. Products are rounded once to float32.
 */
import type { ConvGraph, GraphNode } from '../graph.js';
import type { RewriteRule } from './rule.js';

const HOSTS = new Set(['CONV_2D', 'DEPTHWISE_CONV_2D', 'TRANSPOSE_CONV', 'FULLY_CONNECTED']);

/** Returns the per-channel values of constant `id` for `channels` channels, or undefined. */
function perChannel(g: ConvGraph, id: number, channels: number): Float32Array | undefined {
  const v = g.values[id];
  if (!v?.data || v.dtype !== 'float32') return undefined;
  // only the last axis may be > 1: [C], [1, 1, 1, C], or a scalar
  if (v.shape.slice(0, -1).some((d) => d !== 1)) return undefined;
  if (v.data.length === channels) return v.data as Float32Array;
  if (v.data.length === 1) return new Float32Array(channels).fill(v.data[0]!);
  return undefined;
}

/** The constant operand of a binary op whose other operand is `x`, or undefined. */
function otherConst(g: ConvGraph, n: GraphNode, x: number): number | undefined {
  if (n.inputs.length !== 2) return undefined;
  const [a, b] = n.inputs as [number, number];
  if (a === x && g.isConst(b)) return b;
  if (b === x && g.isConst(a) && n.op !== 'SUB') return a;
  return undefined;
}

function fold(
  g: ConvGraph,
  host: GraphNode,
  scale: Float32Array | undefined,
  shift: Float32Array | undefined,
): void {
  const wId = host.op === 'TRANSPOSE_CONV' ? host.inputs[1]! : host.inputs[1]!;
  const bIndex = host.op === 'TRANSPOSE_CONV' ? 3 : 2;
  const w = g.value(wId);
  const oldB = g.value(host.inputs[bIndex]!);
  const channels = oldB.shape[0]!;
  const wData = Float32Array.from(w.data!);
  if (scale) {
    if (host.op === 'DEPTHWISE_CONV_2D') {
      for (let i = 0; i < wData.length; i++) wData[i]! *= scale[i % channels]!;
    } else {
      const per = wData.length / channels;
      for (let i = 0; i < wData.length; i++) wData[i]! *= scale[Math.floor(i / per)]!;
    }
    host.inputs[1] = g.addConst(w.name, w.shape, wData);
  }
  const bData = new Float32Array(channels);
  for (let o = 0; o < channels; o++)
    bData[o] = oldB.data![o]! * (scale ? scale[o]! : 1) + (shift ? shift[o]! : 0);
  host.inputs[bIndex] = g.addConst(oldB.name, oldB.shape, bData);
}

/** The fold-batchnorm rule. */
export const foldBatchnorm: RewriteRule = {
  name: 'fold-batchnorm',
  description:
    'fold a per-channel MUL / ADD (BatchNormalization, BiasAdd) into the conv or dense op before it',
  apply(g) {
    let count = 0;
    for (const host of [...g.nodes]) {
      if (!HOSTS.has(host.op) || (host.options['fusedActivationFunction'] ?? 0) !== 0) continue;
      const bIndex = host.op === 'TRANSPOSE_CONV' ? 3 : 2;
      const wIndex = 1;
      if (!g.isConst(host.inputs[wIndex]!) || !g.isConst(host.inputs[bIndex] ?? -1)) continue;
      const channels = g.value(host.inputs[bIndex]!).shape[0]!;
      let y = host.outputs[0]!;
      if (!g.hasSingleUse(y)) continue;
      let next = g.consumers(y)[0]!;
      let scale: Float32Array | undefined;
      let shift: Float32Array | undefined;
      const sameShape = (n: GraphNode) => g.value(n.outputs[0]!).shape.join() === g.value(y).shape.join();
      if (next.op === 'MUL' && sameShape(next)) {
        const c = otherConst(g, next, y);
        scale = c === undefined ? undefined : perChannel(g, c, channels);
        if (scale) {
          y = next.outputs[0]!;
          g.remove(next);
          host.outputs = [y];
          const after = g.hasSingleUse(y) ? g.consumers(y)[0] : undefined;
          if (after) next = after;
        }
      }
      if (
        (next.op === 'ADD' || next.op === 'SUB') &&
        next.inputs.includes(y) &&
        sameShape(next) &&
        (next.options['fusedActivationFunction'] ?? 0) === 0
      ) {
        const c = otherConst(g, next, y);
        const t = c === undefined ? undefined : perChannel(g, c, channels);
        if (t) {
          shift = next.op === 'SUB' ? t.map((v) => -v) : t;
          y = next.outputs[0]!;
          g.remove(next);
          host.outputs = [y];
        }
      }
      if (scale || shift) {
        fold(g, host, scale, shift);
        count++;
      }
    }
    return count;
  },
};
