/**
 * `tflite-ts quantize`: writes a model that loads, prints the summary (sizes, ops quantized and
 * left float, calibration, time) or the JSON report, reads a folder of images (skipping files
 * it cannot decode) or a .npy array, and fails with exit 1 (bad input) or 2 (bad options) and one
 * line saying why.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { loadModel } from '../../src/format/load_model.js';
import { writeModel } from '../../src/format/model_writer.js';
import { writeNpy } from '../../src/format/npy.js';
import { dtypeFromCode } from '../../src/ir/dtype.js';
import { convNet, samples } from './helpers/models.js';

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-quantize-'));
const model = join(tmp, 'float.tflite');
const photos = join(tmp, 'photos');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

beforeAll(async () => {
  writeFileSync(model, writeModel(convNet()));
  mkdirSync(join(photos, 'class_a'), { recursive: true });
  for (let i = 0; i < 3; i++) {
    const raw = Buffer.from(Array.from({ length: 20 * 12 * 3 }, (_, k) => (k * (7 + i)) % 256));
    await sharp(raw, { raw: { width: 20, height: 12, channels: 3 } })
      .png()
      .toFile(join(photos, i === 0 ? 'class_a/p0.png' : `p${i}.png`));
  }
  writeFileSync(join(photos, 'broken.jpg'), 'not a jpeg');
  writeFileSync(join(photos, 'notes.txt'), 'ignored: not an image extension');
  mkdirSync(join(tmp, 'empty'));
});

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await run(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('tflite-ts quantize', () => {
  it('int8 from a folder of images: writes the model and prints the summary', async () => {
    const out = join(tmp, 'int8.tflite');
    const r = await cli(
      'quantize',
      model,
      '-o',
      out,
      '--mode',
      'int8',
      '--calibration',
      photos,
      '--keep-float',
      'SOFTMAX',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/mode +int8 \(io float32\), per-channel weights/);
    expect(r.stdout).toMatch(/ops +5 quantized, 1 left float; 2 QUANTIZE\/DEQUANTIZE added/);
    expect(r.stdout).toMatch(/calibration +3 samples \(4 images from .*photos\), minmax; 1 skipped/);
    expect(r.stdout).toMatch(/SOFTMAX +probs +--keep-float SOFTMAX/);
    expect(r.stdout).toMatch(/skipped: .*broken\.jpg: cannot decode image/);
    const m = loadModel(new Uint8Array(readFileSync(out)));
    expect(m.subgraphs[0]!.tensors.some((t) => dtypeFromCode(t.type) === 'int8')).toBe(true);
    expect(m.description).toMatch(
      /Quantized by tflite-ts: full-integer int8.*minmax calibration on 3 samples/,
    );
  });

  it('--json with a .npy array, MSE ranges and empirical bias correction', async () => {
    const npy = join(tmp, 'cal.npy');
    writeFileSync(
      npy,
      writeNpy(Float32Array.from(samples(5, 192).flatMap((s) => [...s])), 'float32', [5, 8, 8, 3]),
    );
    const out = join(tmp, 'mse.tflite');
    const r = await cli(
      'quantize',
      model,
      '-o',
      out,
      '--mode',
      'int8',
      '--calibration-data',
      npy,
      '--calibration-method',
      'mse',
      '--bias-correction',
      '--io',
      'uint8',
      '--json',
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as {
      mode: string;
      io: string;
      sizes: { float: number; quantized: number; ratio: number };
      opsQuantized: number;
      opsFloat: number;
      calibration: { method: string; samples: number; biasCorrection: string };
      nodes: { op: string; quantized: boolean }[];
    };
    expect(j.mode).toBe('int8');
    expect(j.io).toBe('uint8');
    expect(j.sizes.float).toBe(readFileSync(model).length);
    expect(j.sizes.quantized).toBe(readFileSync(out).length);
    expect(j.sizes.ratio).toBeCloseTo(j.sizes.quantized / j.sizes.float, 12);
    expect(j.calibration).toMatchObject({ method: 'mse', samples: 5, biasCorrection: 'empirical' });
    expect(j.opsQuantized).toBe(6);
    expect(j.nodes.map((n) => n.op)).toEqual([
      'CONV_2D',
      'DEPTHWISE_CONV_2D',
      'AVERAGE_POOL_2D',
      'RESHAPE',
      'FULLY_CONNECTED',
      'SOFTMAX',
    ]);
  });

  it('dynamic and float16 need no calibration and shrink the file', async () => {
    for (const mode of ['dynamic', 'float16']) {
      const out = join(tmp, `${mode}.tflite`);
      const r = await cli('quantize', model, '-o', out, '--mode', mode);
      expect(r.code).toBe(0);
      expect(readFileSync(out).length).toBeLessThan(readFileSync(model).length);
      expect(r.stdout).toContain(`mode          ${mode}`);
    }
  });

  it('exit 1 with one line for bad input', async () => {
    const noCal = await cli('quantize', model, '-o', join(tmp, 'x.tflite'), '--mode', 'int8');
    expect(noCal.code).toBe(1);
    expect(noCal.stderr).toMatch(/^tflite-ts quantize: --mode int8 needs calibration data/);
    const empty = await cli(
      'quantize',
      model,
      '-o',
      join(tmp, 'x.tflite'),
      '--mode',
      'int8',
      '--calibration',
      join(tmp, 'empty'),
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/holds no images/);
    const again = await cli(
      'quantize',
      join(tmp, 'int8.tflite'),
      '-o',
      join(tmp, 'y.tflite'),
      '--mode',
      'dynamic',
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/already quantized/);
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exit 2 for options that make no sense', async () => {
    const cases = [
      ['--mode', 'int4'],
      ['--mode', 'int8', '--calibration-method', 'kl'],
      ['--mode', 'int8', '--io', 'float64'],
      ['--mode', 'dynamic', '--calibration', photos],
      ['--mode', 'int8', '--calibration', photos, '--calibration-data', 'x.npy'],
      ['--mode', 'int8', '--samples', '0'],
    ];
    for (const c of cases) {
      const r = await cli('quantize', model, '-o', join(tmp, 'z.tflite'), ...c);
      expect(r.code, c.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^tflite-ts quantize: /);
    }
    expect((await cli('quantize', model, '--mode', 'int8')).code).toBe(2); // no -o
  });
});
