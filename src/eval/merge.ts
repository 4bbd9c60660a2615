/**
 * `eval merge`: reassembles the slices of a sharded evaluation. The slices must be runs of the
 * same model file (SHA-256), on the same image list (folder, labels column, size) with the same
 * options, each a distinct shard of the same count. Their per-image results are put back in
 * position order and the summary is recomputed from them (metrics.ts), so merging all n slices
 * gives the document of the unsharded run, except for the measured times.
 */
import { InputError } from '../errors.js';
import type { EvalReport } from './eval_report.js';
import { summarizeResults } from './metrics.js';

/** Options of mergeEvalReports. */
export interface MergeOptions {
  /** Allow missing slices (the result then keeps the shard count it came from in `shard`). */
  allowPartial?: boolean;
}

/** Returns a canonical JSON text of a value (object keys sorted) for equality checks. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)),
        )
      : v,
  );
}

/**
 * Returns one report from the slices `reports` (named `names[i]` in messages). Throws InputError
 * when they are not slices of one evaluation, when two overlap, or (unless allowPartial) when a
 * slice is missing.
 */
export function mergeEvalReports(
  reports: readonly EvalReport[],
  names: readonly string[] = reports.map((_, i) => `document ${i + 1}`),
  options: MergeOptions = {},
): EvalReport {
  const first = reports[0];
  if (!first) throw new InputError('eval merge needs at least one eval --json document');
  reports.forEach((r, i) => {
    if (r?.kind !== 'tflite-ts-eval' || r.version !== 1 || !Array.isArray(r.results)) {
      throw new InputError(`${names[i]}: not a tflite-ts eval --json document`);
    }
  });
  const same = (what: string, pick: (r: EvalReport) => unknown) => {
    reports.forEach((r, i) => {
      if (canonical(pick(r)) !== canonical(pick(first))) {
        throw new InputError(
          `${names[i]} and ${names[0]} differ in ${what}: ${canonical(pick(r))} vs ${canonical(pick(first))}; ` +
            'only slices of one evaluation can be merged',
        );
      }
    });
  };
  same('model', (r) => r.model);
  same('dataset', (r) => r.dataset);
  same('options', (r) => r.options);
  same('shard count', (r) => r.shard?.count ?? 1);

  const count = first.shard?.count ?? 1;
  const seen = new Map<number, string>();
  reports.forEach((r, i) => {
    const index = r.shard?.index ?? 1;
    const prev = seen.get(index);
    if (prev !== undefined) throw new InputError(`${names[i]} and ${prev} are both shard ${index}/${count}`);
    seen.set(index, names[i]!);
  });
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length > 0 && !options.allowPartial) {
    throw new InputError(
      `shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')} missing; pass them too (or --allow-partial)`,
    );
  }

  const byPosition = new Map<number, EvalReport['results'][number]>();
  for (const [i, r] of reports.entries()) {
    for (const res of r.results) {
      if (byPosition.has(res.position)) {
        throw new InputError(`${names[i]}: image ${res.file} (position ${res.position}) is in two documents`);
      }
      byPosition.set(res.position, res);
    }
  }
  const results = [...byPosition.values()].sort((a, b) => a.position - b.position);
  const complete = missing.length === 0;
  return {
    kind: 'tflite-ts-eval',
    version: 1,
    model: first.model,
    dataset: first.dataset,
    options: first.options,
    shard: complete ? null : first.shard,
    threads: Math.max(...reports.map((r) => r.threads)),
    summary: summarizeResults(results, first.options.top),
    results,
  };
}
