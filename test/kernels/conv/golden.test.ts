/**
 * Upstream expectations for the convolution family (golden.json): TFLite Micro's hello_world
 * (three FULLY_CONNECTED, float32 and int8: |sin(x) - y| <= 0.05), the SEANet int16 x int8
 * CONV_2D (CSV input and golden; upstream allows |diff| <= 1, we require exact) and person
 * detection (int8 MobileNet: CONV_2D, DEPTHWISE_CONV_2D with multiplier 8, AVERAGE_POOL_2D).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createBuiltinRegistry } from '../../../src/kernels/builtin_registry.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, fixturePath, readFixture } from '../../support/fixtures.js';

interface GoldenCase {
  id: string;
  model: string;
  inputs?: string[] | Record<string, string>;
  golden_file?: string;
  expected: Record<string, unknown>;
  tolerance: { abs?: number };
}

function goldenCase(id: string): GoldenCase {
  const g = JSON.parse(readFileSync(fixturePath('golden.json'), 'utf8')) as { cases: GoldenCase[] };
  const c = g.cases.find((x) => x.id === id);
  if (!c) throw new Error(`golden.json has no case ${id}`);
  return c;
}

/** Each golden runs on the reference kernels and on the default (WebAssembly where selected) ones. */
const BACKENDS = [
  ['reference kernels', createBuiltinRegistry({ optimized: false })],
  ['default kernels', createBuiltinRegistry()],
] as const;

function csv(rel: string): number[] {
  return readFileSync(fixturePath(rel), 'utf8').trim().split(',').map(Number);
}

describe.skipIf(!HAVE_FIXTURES).each(BACKENDS)('golden.json: convolution family (%s)', (_, registry) => {
  it('tflm_hello_world_float: y ~ sin(x) within 0.05', () => {
    const c = goldenCase('tflm_hello_world_float');
    const e = c.expected as { inputs: number[] };
    const it = new Interpreter(readFixture(c.model), { registry });
    it.allocateTensors();
    for (const x of e.inputs) {
      it.setInputFloat(0, [x]);
      it.invoke();
      const y = it.outputFloat(0)[0]!;
      expect(Math.abs(y - Math.sin(x))).toBeLessThanOrEqual(c.tolerance.abs!);
    }
  });

  it('tflm_hello_world_int8: dequantized y ~ sin(x) within 0.05 (int8 inputs verbatim)', () => {
    const c = goldenCase('tflm_hello_world_int8');
    const e = c.expected as { inputs_float: number[]; inputs_int8: number[] };
    const it = new Interpreter(readFixture(c.model), { registry });
    it.allocateTensors();
    const q = it.output(0).quantization!;
    e.inputs_int8.forEach((xq, i) => {
      it.input(0).set(new Int8Array([xq]));
      it.invoke();
      const yq = (it.output(0).data as Int8Array)[0]!;
      const y = (yq - q.zeroPoint[0]!) * q.scale[0]!;
      expect(Math.abs(y - Math.sin(e.inputs_float[i]!))).toBeLessThanOrEqual(c.tolerance.abs!);
    });
  });

  it('tflm_seanet_conv0: int16 x int8 CONV_2D (int64 bias) equals the TFLM golden exactly', () => {
    const c = goldenCase('tflm_seanet_conv0');
    const it = new Interpreter(readFixture(c.model), { registry });
    it.allocateTensors();
    it.input(0).set(new Int16Array(csv((c.inputs as string[])[0]!)));
    it.invoke();
    const golden = csv(c.golden_file!);
    const out = Array.from(it.output(0).data as Int16Array);
    expect(out.length).toBe(golden.length);
    expect(out).toEqual(golden);
  });
});

/**
 * The 8-bit pixel indices of a 96x96 palette BMP, top row first (what PIL's Image.tobytes()
 * gives for the TFLM person-detection images): rows are stored bottom-up for a positive height.
 */
function bmpIndices(bytes: Uint8Array): Uint8Array {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = dv.getUint32(10, true);
  const width = dv.getInt32(18, true);
  const height = dv.getInt32(22, true);
  const bits = dv.getUint16(28, true);
  if (bits !== 8) throw new Error(`expected an 8-bit BMP, got ${bits} bits`);
  const rows = Math.abs(height);
  const stride = (width + 3) & ~3;
  const out = new Uint8Array(width * rows);
  for (let y = 0; y < rows; y++) {
    const src = offset + (height > 0 ? rows - 1 - y : y) * stride;
    out.set(bytes.subarray(src, src + width), y * width);
  }
  return out;
}

describe.skipIf(!HAVE_FIXTURES).each(BACKENDS)(
  'golden.json: person detection, int8 CONV_2D / DEPTHWISE_CONV_2D / AVERAGE_POOL_2D (%s)',
  (_, registry) => {
    it('tflm_person_detection: person.bmp scores person higher, no_person.bmp the other way', () => {
      const c = goldenCase('tflm_person_detection');
      const images = c.inputs as Record<'person' | 'no_person', string>;
      const it = new Interpreter(readFixture(c.model), { registry });
      it.allocateTensors();
      const scores = (image: string): Int8Array => {
        const px = bmpIndices(readFixture(image));
        // The bytes are reinterpreted as int8 (no -128 offset), as the upstream test does.
        it.input(0).set(new Int8Array(px.buffer, px.byteOffset, px.byteLength));
        it.invoke();
        return (it.output(0).data as Int8Array).slice();
      };
      const person = scores(images.person);
      const noPerson = scores(images.no_person);
      expect(person[1]!).toBeGreaterThan(person[0]!);
      expect(noPerson[0]!).toBeGreaterThan(noPerson[1]!);
    });
  },
);
