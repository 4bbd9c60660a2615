/**
 * Deterministic slices of an evaluation, so a large image set can be spread over machines by any
 * job runner: `--shard i/n` (1-based, as Jest and Playwright number shards) takes the images at
 * positions p with p mod n = i - 1 of the full, sorted list. Taking every n-th image rather than
 * a contiguous block keeps each slice's class mix close to the whole when the list is grouped by
 * class, so slices take similar time. `eval merge` reassembles the slices by position.
 */
import { InputError } from '../errors.js';

/** Slice `index` (1-based) of `count`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

/** Returns the shard of "i/n". Throws InputError unless 1 <= i <= n. */
export function parseShard(text: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InputError(`shard ${JSON.stringify(text)}: expected i/n with 1 <= i <= n, e.g. 2/4`);
  }
  return { index, count };
}

/** Returns the positions (in the full list of `total` items) that belong to `shard`, ascending. */
export function shardPositions(total: number, shard: Shard | undefined): number[] {
  const out: number[] = [];
  const step = shard?.count ?? 1;
  for (let p = (shard?.index ?? 1) - 1; p < total; p += step) out.push(p);
  return out;
}
