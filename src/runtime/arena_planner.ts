/**
 * Arena planning: give every activation buffer an offset in one arena so that buffers whose
 * lifetimes overlap never share bytes, using as few bytes as possible.
 *
 * Algorithm (greedy by size with best fit, as TFLite's ArenaPlanner + SimpleMemoryArena and
 * TFLite Micro's GreedyMemoryPlanner do):
 *  1. Sort buffers by size, largest first (ties: earlier first use first, then id).
 *  2. For each buffer, collect the already-placed buffers whose lifetimes overlap its own,
 *     ordered by offset, and scan the gaps between them (and after the last one).
 *  3. Take the smallest gap that fits; if none does, place it after the highest end.
 * Large buffers placed first leave small holes that later, short-lived buffers fill.
 *
 * The lower bound reported beside the arena size is the largest total of bytes live at any one
 * step: no placement can use less.
 */

/** A buffer to place: live from step `first` to step `last` inclusive. */
export interface PlanRequest {
  readonly id: number;
  readonly size: number;
  readonly first: number;
  readonly last: number;
}

/** The result of planning. */
export interface ArenaPlan {
  /** Offset of each request, by id. */
  readonly offsets: Map<number, number>;
  /** Bytes the arena needs. */
  readonly size: number;
  /** Largest sum of (aligned) bytes live at once. */
  readonly lowerBound: number;
  /** The same bound over the requested sizes before alignment. */
  readonly rawLowerBound: number;
}

/** Rounds n up to a multiple of `alignment` (a power of two). */
export function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

/** Plans offsets for the requests; sizes are rounded up to `alignment`. */
export function planArena(requests: readonly PlanRequest[], alignment = 64): ArenaPlan {
  const reqs = requests
    .filter((r) => r.size > 0)
    .map((r) => ({ ...r, size: alignUp(r.size, alignment) }))
    .sort((a, b) => b.size - a.size || a.first - b.first || a.id - b.id);
  const placed: { offset: number; size: number; first: number; last: number }[] = [];
  const offsets = new Map<number, number>();
  let arenaSize = 0;
  for (const r of reqs) {
    const live = placed
      .filter((p) => p.first <= r.last && r.first <= p.last)
      .sort((a, b) => a.offset - b.offset);
    let best = -1;
    let bestGap = Infinity;
    let cursor = 0;
    for (const p of live) {
      const gap = p.offset - cursor;
      if (gap >= r.size && gap < bestGap) {
        best = cursor;
        bestGap = gap;
      }
      cursor = Math.max(cursor, p.offset + p.size);
    }
    if (best < 0) best = cursor;
    placed.push({ offset: best, size: r.size, first: r.first, last: r.last });
    offsets.set(r.id, best);
    arenaSize = Math.max(arenaSize, best + r.size);
  }
  for (const r of requests) if (!offsets.has(r.id)) offsets.set(r.id, 0);
  return {
    offsets,
    size: arenaSize,
    lowerBound: liveBytesLowerBound(reqs),
    rawLowerBound: liveBytesLowerBound(requests),
  };
}

/** Returns the largest sum of sizes of requests live at the same step. */
export function liveBytesLowerBound(requests: readonly PlanRequest[]): number {
  // Sweep over step boundaries: +size at first, -size after last.
  const events: [number, number][] = [];
  for (const r of requests) {
    if (r.size <= 0) continue;
    events.push([r.first, r.size]);
    events.push([r.last + 1, -r.size]);
  }
  events.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let cur = 0;
  let max = 0;
  for (const [, delta] of events) {
    cur += delta;
    if (cur > max) max = cur;
  }
  return max;
}
