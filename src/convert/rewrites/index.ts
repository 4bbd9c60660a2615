/**
 * The rewrite pipeline: the named rules in the order they run. Each runs until it stops firing;
 * the counts go into the conversion report (and the CLI's log), so every rewrite is visible.
 */
import type { ConvGraph } from '../graph.js';
import { dropIdentity } from './drop_identity.js';
import { foldBatchnorm } from './fold_batchnorm.js';
import { foldPadIntoConv } from './fold_pad_into_conv.js';
import { fuseActivation } from './fuse_activation.js';
import type { RewriteRule } from './rule.js';

export type { RewriteRule } from './rule.js';
export { dropIdentity, foldBatchnorm, foldPadIntoConv, fuseActivation };

/** The default rules, in order: folding before fusing, so a BN between conv and ReLU does not block the fusion. */
export const DEFAULT_REWRITES: readonly RewriteRule[] = [
  dropIdentity,
  foldPadIntoConv,
  foldBatchnorm,
  fuseActivation,
];

/**
 * Runs `rules` on `g` (each until it stops firing); returns how often each fired, by name.
 * `log` receives one line per rule that fired.
 */
export function runRewrites(
  g: ConvGraph,
  rules: readonly RewriteRule[] = DEFAULT_REWRITES,
  log?: (line: string) => void,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const rule of rules) {
    let total = 0;
    for (let n = rule.apply(g); n > 0; n = rule.apply(g)) total += n;
    counts[rule.name] = total;
    if (total > 0) log?.(`rewrite ${rule.name}: ${total}`);
  }
  return counts;
}
