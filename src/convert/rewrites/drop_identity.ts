/**
 * drop-identity: removes IDENTITY ops (Dropout and noise layers, linear activations, TF
 * Identity). Readers of the identity's output read its input instead; when the output is a
 * model output, the producer of the input writes the output directly so its name survives.
 */
import type { RewriteRule } from './rule.js';

/** The drop-identity rule. */
export const dropIdentity: RewriteRule = {
  name: 'drop-identity',
  description: 'remove ops that do nothing at inference (Dropout, noise layers, Identity)',
  apply(g) {
    let count = 0;
    for (const n of [...g.nodes]) {
      if (n.op !== 'IDENTITY') continue;
      const [x] = n.inputs;
      const [y] = n.outputs;
      const producer = g.producer(x!);
      g.remove(n);
      if (g.outputs.includes(y!) && producer && g.consumers(x!).length === 0 && !g.outputs.includes(x!)) {
        // x had this identity as its only reader: let its producer write y
        producer.outputs = producer.outputs.map((o) => (o === x ? y! : o));
      } else {
        g.replaceUses(y!, x!);
      }
      count++;
    }
    return count;
  },
};
