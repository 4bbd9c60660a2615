/**
 * Structural equality of IR models for tests. Byte arrays are compared with Buffer.equals and
 * replaced by a short marker before the deep comparison, which is much faster than vitest's
 * element-wise walk over megabytes of weights and gives readable diffs.
 */
import { expect } from 'vitest';
import type { Model } from '../../src/ir/model.js';

function summarize(value: unknown): unknown {
  if (value instanceof Uint8Array) {
    const h = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    let sum = 0;
    for (let i = 0; i < h.length; i += 97) sum = (sum * 31 + h[i]!) >>> 0;
    return `<${value.byteLength} bytes ${sum.toString(16)}>`;
  }
  if (Array.isArray(value)) return value.map(summarize);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = summarize(v);
    return out;
  }
  return value;
}

function collectBytes(value: unknown, out: Uint8Array[]): Uint8Array[] {
  if (value instanceof Uint8Array) out.push(value);
  else if (Array.isArray(value)) for (const v of value) collectBytes(v, out);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) collectBytes(v, out);
  return out;
}

/** Asserts that two models are equal, byte arrays included. */
export function expectModelsEqual(actual: Model, expected: Model): void {
  expect(summarize(actual)).toEqual(summarize(expected));
  const a = collectBytes(actual, []);
  const b = collectBytes(expected, []);
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) {
    const x = Buffer.from(a[i]!.buffer, a[i]!.byteOffset, a[i]!.byteLength);
    const y = Buffer.from(b[i]!.buffer, b[i]!.byteOffset, b[i]!.byteLength);
    expect(x.equals(y), `byte array ${i} differs`).toBe(true);
  }
}
