/**
 * The JSON writer of `--json`: one document on stdout, two-space indented, keys in the order the
 * command built them (so documents diff well), bigints as numbers when exact (else strings),
 * byte arrays as their length, non-finite numbers as null.
 */
import type { CliIO } from './io.js';

/** Returns the JSON text of a value, following the rules above. */
export function toJsonText(value: unknown): string {
  return JSON.stringify(
    value,
    (_key, v: unknown) => {
      if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
      if (v instanceof Uint8Array) return { bytes: v.byteLength };
      if (typeof v === 'number' && !Number.isFinite(v)) return null;
      return v;
    },
    2,
  );
}

/** Writes a value as one JSON document (with a final newline) to stdout. */
export function writeJson(io: CliIO, value: unknown): void {
  io.out(`${toJsonText(value)}\n`);
}
