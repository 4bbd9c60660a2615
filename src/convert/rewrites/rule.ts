/**
 * A rewrite rule: a named, small graph transformation. `apply` makes one pass and returns how
 * many times it fired; the runner repeats a rule until it stops firing and logs the counts.
 */
import type { ConvGraph } from '../graph.js';

/** A named rewrite. */
export interface RewriteRule {
  /** Name shown in logs, reports and tests (e.g. "fold-batchnorm"). */
  readonly name: string;
  /** One line saying what it does. */
  readonly description: string;
  /** Makes one pass over `g`; returns the number of rewrites made. */
  apply(g: ConvGraph): number;
}
