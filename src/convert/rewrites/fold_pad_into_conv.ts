/**
 * fold-pad-into-conv: a zero PAD whose only reader is a VALID CONV_2D / DEPTHWISE_CONV_2D is
 * dropped and the conv made SAME, when the pad amounts are exactly what SAME padding implies
 * for that kernel, stride and dilation (TF's rule: total = max((out - 1) * stride + eff - in, 0),
 * the odd unit after). Keras MobileNets write ZeroPadding2D + VALID conv for their strided
 * layers; this gives the single SAME conv that TFLite's own converter produces.
 */
import { Padding } from '../../ir/builtin_options.js';
import { samePadding } from '../shapes.js';
import type { RewriteRule } from './rule.js';

/** The fold-pad-into-conv rule. */
export const foldPadIntoConv: RewriteRule = {
  name: 'fold-pad-into-conv',
  description: 'turn a zero PAD + VALID conv into a SAME conv when the pads match SAME padding',
  apply(g) {
    let count = 0;
    for (const pad of [...g.nodes]) {
      if (pad.op !== 'PAD' || !g.isConst(pad.inputs[1]!)) continue;
      const y = pad.outputs[0]!;
      if (!g.hasSingleUse(y)) continue;
      const conv = g.consumers(y)[0]!;
      if ((conv.op !== 'CONV_2D' && conv.op !== 'DEPTHWISE_CONV_2D') || conv.inputs[0] !== y) continue;
      if (conv.options['padding'] !== Padding.VALID) continue;
      const p = g.value(pad.inputs[1]!).data!;
      if (p.length !== 8 || p[0] !== 0 || p[1] !== 0 || p[6] !== 0 || p[7] !== 0) continue;
      const x = pad.inputs[0]!;
      const inShape = g.value(x).shape;
      const filter = g.value(conv.inputs[1]!).shape;
      const kh = filter[1]!;
      const kw = filter[2]!;
      const sh = Number(conv.options['strideH'] ?? 1);
      const sw = Number(conv.options['strideW'] ?? 1);
      const dh = Number(conv.options['dilationHFactor'] ?? 1);
      const dw = Number(conv.options['dilationWFactor'] ?? 1);
      const [ht, hb] = samePadding(inShape[1]!, kh, sh, dh);
      const [wl, wr] = samePadding(inShape[2]!, kw, sw, dw);
      if (p[2] !== ht || p[3] !== hb || p[4] !== wl || p[5] !== wr) continue;
      conv.inputs[0] = x;
      conv.options['padding'] = Padding.SAME;
      g.remove(pad);
      count++;
    }
    return count;
  },
};
