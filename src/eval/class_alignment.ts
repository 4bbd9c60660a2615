/**
 * Comparing the outputs of two classifiers of the same classes. ImageNet models come with 1000
 * classes or 1001 (index 0 = "background", then the same 1000): when the class counts differ by
 * exactly one, the larger output is read from index 1. Any other difference has no alignment.
 */

/**
 * Returns the offset to add to an index of a `classes`-class output to get the index of the same
 * class in a `reference`-class output: 0 (same count), +1 (1000 -> 1001), -1 (1001 -> 1000), or
 * undefined when the outputs cannot be aligned.
 */
export function classOffset(classes: number, reference: number): number | undefined {
  const d = reference - classes;
  return Math.abs(d) <= 1 ? d : undefined;
}

/**
 * Returns the mean absolute difference between the scores of two outputs over the classes both
 * have (background excluded when only one has it), or undefined when they cannot be aligned.
 */
export function meanAbsScoreDiff(
  scores: ArrayLike<number>,
  reference: ArrayLike<number>,
): number | undefined {
  const off = classOffset(scores.length, reference.length);
  if (off === undefined) return undefined;
  // Classes i of `scores` with i + off inside `reference`.
  const from = Math.max(0, -off);
  const to = Math.min(scores.length, reference.length - off);
  if (to <= from) return undefined;
  let sum = 0;
  for (let i = from; i < to; i++) sum += Math.abs(scores[i]! - reference[i + off]!);
  return sum / (to - from);
}
