/**
 * Parsing of option values that several commands take (numbers, lists, choices, crops). Each
 * helper returns the parsed value or throws UsageError naming the flag and what it expects.
 */
import { availableParallelism } from 'node:os';
import { type CropOption, parseCropOption } from '../vision/region_of_interest.js';
import { UsageError } from './command.js';

/** Returns the integer of a flag value; throws UsageError for a non-integer or one below `min`. */
export function integerOption(value: string, flag: string, min = 1): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min)
    throw new UsageError(`${flag} needs an integer >= ${min}, got ${value}`);
  return n;
}

/** Returns the worker thread count of `--threads` (default: one per core); throws UsageError below 1. */
export function threadsOption(value: string | undefined): number {
  return value === undefined ? availableParallelism() : integerOption(value, '--threads');
}

/** Returns the numbers of "127.5" or "123.7,116.3,103.5"; throws UsageError otherwise. */
export function numberList(text: string, flag: string): number[] {
  const values = text.split(',').map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((v) => !Number.isFinite(v))) {
    throw new UsageError(
      `${flag} ${JSON.stringify(text)}: expected a number or comma-separated numbers, e.g. 127.5 or 123.7,116.3,103.5`,
    );
  }
  return values;
}

/** Returns `value` when it is one of `allowed`; throws UsageError listing them otherwise. */
export function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!allowed.includes(value as T))
    throw new UsageError(`${flag} ${JSON.stringify(value)}: expected one of ${allowed.join(', ')}`);
  return value as T;
}

/** Returns the crop of a --crop value (center, none or x,y,w,h); throws UsageError when malformed. */
export function cropOption(text: string): CropOption {
  try {
    return parseCropOption(text);
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err));
  }
}
