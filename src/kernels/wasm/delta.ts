/**
 * The binary delta build.mjs stores the relaxed-SIMD kernel module as: the module differs from
 * the plain-SIMD one only in the float kernels' multiply-adds (assembly/fma.ts), so it is written
 * as copies from the plain module and a few literal bytes (~0.7 KB deflated instead of ~13 KB).
 * Format: varint target length, then ops until the end: varint t; t even: copy varint-length bytes
 * of the base from offset t / 2; t odd: (t - 1) / 2 literal bytes follow. Varints are LEB128.
 */
import { TfliteError } from '../../errors.js';

/** Returns `base` with the delta applied. Throws a TfliteError if the delta is malformed. */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Uint8Array<ArrayBuffer> {
  let p = 0;
  const varint = (): number => {
    let v = 0;
    let scale = 1;
    let b: number;
    do {
      b = delta[p++] ?? 0;
      v += (b & 127) * scale;
      scale *= 128;
    } while (b & 128 && p < delta.length);
    return v;
  };
  const out = new Uint8Array(varint());
  let o = 0;
  while (p < delta.length) {
    const t = varint();
    const len = t % 2 === 0 ? varint() : (t - 1) / 2;
    if (o + len > out.length) break;
    if (t % 2 === 0) out.set(base.subarray(t / 2, t / 2 + len), o);
    else out.set(delta.subarray(p, (p += len)), o);
    o += len;
  }
  if (o !== out.length || p !== delta.length) {
    throw new TfliteError('WASM', 'kernel module delta is malformed; rebuild it with `npm run build:wasm`');
  }
  return out;
}
