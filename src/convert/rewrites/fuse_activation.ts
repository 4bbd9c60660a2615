/**
 * fuse-activation: an op with a fusedActivationFunction field (conv, depthwise, fully
 * connected, add/sub/mul/div, pooling) followed by RELU, RELU6 or RELU_N1_TO_1 as the only
 * reader of its output takes the activation into that field; the activation op goes away.
 * (CONCATENATION and TRANSPOSE_CONV are left out: several runtimes reject a fused activation
 * there.)
 */
import { FUSABLE_ACTIVATIONS } from '../activations.js';
import type { RewriteRule } from './rule.js';

const HOSTS = new Set([
  'CONV_2D',
  'DEPTHWISE_CONV_2D',
  'FULLY_CONNECTED',
  'ADD',
  'SUB',
  'MUL',
  'DIV',
  'AVERAGE_POOL_2D',
  'MAX_POOL_2D',
]);

/** The fuse-activation rule. */
export const fuseActivation: RewriteRule = {
  name: 'fuse-activation',
  description: 'fuse RELU / RELU6 / RELU_N1_TO_1 into the conv, dense, elementwise or pooling op before it',
  apply(g) {
    let count = 0;
    for (const act of [...g.nodes]) {
      const code = FUSABLE_ACTIVATIONS[act.op as keyof typeof FUSABLE_ACTIVATIONS];
      if (code === undefined) continue;
      const x = act.inputs[0]!;
      const host = g.producer(x);
      if (!host || !HOSTS.has(host.op) || !g.hasSingleUse(x)) continue;
      if ((host.options['fusedActivationFunction'] ?? 0) !== 0) continue;
      host.options['fusedActivationFunction'] = code;
      host.outputs = host.outputs.map((o) => (o === x ? act.outputs[0]! : o));
      g.remove(act);
      count++;
    }
    return count;
  },
};
