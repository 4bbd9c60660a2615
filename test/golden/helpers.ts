/**
 * Helpers of the model-level golden tests (../shared/fixtures/golden.json): the case table, an
 * interpreter that skips its test (one line naming the op) while a kernel the model needs is
 * still unwritten, and the small readers the cases' preprocessing needs (CSV rows, raw 8-bit BMP
 * pixels, PNG/BMP decoding through the project's decoder, WAV PCM samples).
 */
import { readFileSync } from 'node:fs';
import { UnsupportedOpError } from '../../src/errors.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../support/fixtures.js';

/** One golden.json case (fields as the file has them; each test reads what its case needs). */
export interface GoldenCase {
  id: string;
  task: string;
  model?: string;
  models?: Record<string, string>;
  input?: string;
  inputs?: Record<string, string> | string[];
  golden_file?: string;
  reference_file?: string;
  preprocessing?: string;
  expected: Record<string, unknown>;
  tolerance?: Record<string, unknown>;
  labels_inline?: string[];
}

let cached: GoldenCase[] | undefined;

/** Returns the golden case with this id (throws when the fixtures have no such case). */
export function goldenCase(id: string): GoldenCase {
  cached ??= (JSON.parse(readFileSync(fixturePath('golden.json'), 'utf8')) as { cases: GoldenCase[] }).cases;
  const c = cached.find((k) => k.id === id);
  if (!c) throw new Error(`golden.json has no case ${id}`);
  return c;
}

/** Something with vitest's ctx.skip(). */
export interface Skippable {
  skip(note?: string): void;
}

/**
 * Returns an allocated interpreter for a fixture model, or skips the test (ctx.skip, with a line
 * naming the op) when a kernel the model needs is missing. `prepare` runs before allocation
 * (e.g. resizeInput). Other errors propagate.
 */
export function interpreterOrSkip(
  ctx: Skippable,
  model: string,
  prepare?: (it: Interpreter) => void,
): Interpreter {
  const it = new Interpreter(readFixture(model));
  try {
    prepare?.(it);
    it.allocateTensors();
  } catch (err) {
    if (err instanceof UnsupportedOpError) {
      console.warn(`skipped: ${model} needs op ${err.op}, which has no kernel yet`);
      ctx.skip(`kernel ${err.op} missing`);
    }
    throw err;
  }
  return it;
}

/** Numbers of a one-line CSV fixture (the TFLM seanet golden files). */
export function readCsvNumbers(rel: string): number[] {
  return readFileSync(fixturePath(rel), 'utf8')
    .split(/[,\s]+/)
    .filter((s) => s.length > 0)
    .map(Number);
}

/**
 * Raw pixel bytes of an uncompressed 8-bit BMP, top row first (what PIL's Image.tobytes() gives
 * for a palette/greyscale BMP): row padding removed, bottom-up rows flipped.
 */
export function bmp8Pixels(rel: string): { width: number; height: number; pixels: Uint8Array } {
  const b = readFixture(rel);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b[0] !== 0x42 || b[1] !== 0x4d) throw new Error(`${rel}: not a BMP`);
  const offset = v.getUint32(10, true);
  const width = v.getInt32(18, true);
  const rawHeight = v.getInt32(22, true);
  const bpp = v.getUint16(28, true);
  const compression = v.getUint32(30, true);
  if (bpp !== 8 || compression !== 0) throw new Error(`${rel}: expected an uncompressed 8-bit BMP`);
  const height = Math.abs(rawHeight);
  const stride = Math.ceil(width / 4) * 4;
  const pixels = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    const src = offset + (rawHeight > 0 ? height - 1 - y : y) * stride;
    pixels.set(b.subarray(src, src + width), y * width);
  }
  return { width, height, pixels };
}

/** 16-bit PCM samples of a WAV fixture (first channel), with its sample rate. */
export function wavSamples(rel: string): { sampleRate: number; samples: Int16Array } {
  const b = readFixture(rel);
  const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let p = 12;
  let sampleRate = 0;
  let channels = 1;
  while (p + 8 <= b.byteLength) {
    const id = String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
    const size = v.getUint32(p + 4, true);
    if (id === 'fmt ') {
      channels = v.getUint16(p + 10, true);
      sampleRate = v.getUint32(p + 12, true);
      if (v.getUint16(p + 22, true) !== 16) throw new Error(`${rel}: expected 16-bit PCM`);
    } else if (id === 'data') {
      const n = Math.floor(size / 2 / channels);
      const samples = new Int16Array(n);
      for (let i = 0; i < n; i++) samples[i] = v.getInt16(p + 8 + i * 2 * channels, true);
      return { sampleRate, samples };
    }
    p += 8 + size + (size & 1);
  }
  throw new Error(`${rel}: no data chunk`);
}

/** Index of the largest value (first on ties). */
export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export { HAVE_FIXTURES };
