/**
 * `tflite-ts diff`: tensor matching (names, ":N" suffixes, positions through renamed tensors and
 * SQUEEZE vs RESHAPE, QUANTIZE/DEQUANTIZE copies), the error statistics against values computed
 * here by hand, and MobileNet v1 0.25/224 float vs its int8 form from our quantizer (every
 * quantized layer listed) and vs Google's quantized model of the same network.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { type DiffResult, ModelDiff } from '../../src/eval/tensor_diff.js';
import { longestCommonSubsequence, matchTensors } from '../../src/eval/tensor_match.js';
import { loadModel } from '../../src/format/load_model.js';
import { writeModel } from '../../src/format/model_writer.js';
import { type DType, dtypeFromCode } from '../../src/ir/dtype.js';
import type { Model } from '../../src/ir/model.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import { operatorName } from '../../src/ir/model_stats.js';
import { decodeImageFile } from '../../src/node/decode_image.js';
import { imageCalibration } from '../../src/quantize/calibration/calibration_source.js';
import { quantizeModel } from '../../src/quantize/quantize_model.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-diff-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SCALE = 0.1;

/**
 * Float: x -> RELU -> y. Quantized: x -> QUANTIZE (int8, scale 0.1) -> RELU -> DEQUANTIZE -> y,
 * with tensor names chosen by the caller (to exercise the matching rules).
 */
function reluPair(names: { relu: string; quantized: string; op?: 'RELU' | 'RELU6' }): [Model, Model] {
  const n = 8;
  const fb = new ModelBuilder();
  const fx = fb.addTensor({ name: 'x', dtype: 'float32', shape: [1, n] });
  const fr = fb.addTensor({ name: 'relu:0', dtype: 'float32', shape: [1, n] });
  fb.addOp({ op: 'RELU', inputs: [fx], outputs: [fr] });
  fb.setIO([fx], [fr]);
  const qb = new ModelBuilder();
  const q = { scale: [SCALE], zeroPoint: [0] };
  const qx = qb.addTensor({ name: 'x', dtype: 'float32', shape: [1, n] });
  const qq = qb.addTensor({ name: 'x_int8', dtype: 'int8', shape: [1, n], quant: q });
  const qr = qb.addTensor({ name: names.quantized, dtype: 'int8', shape: [1, n], quant: q });
  const qy = qb.addTensor({ name: names.relu, dtype: 'float32', shape: [1, n] });
  qb.addOp({ op: 'QUANTIZE', inputs: [qx], outputs: [qq] });
  qb.addOp({ op: 'RELU', inputs: [qq], outputs: [qr] });
  qb.addOp({ op: 'DEQUANTIZE', inputs: [qr], outputs: [qy] });
  qb.setIO([qx], [qy]);
  return [fb.build(), qb.build()];
}

/** Round half away from zero, as TFLite quantizes. */
const roundAway = (v: number) => (v < 0 ? -Math.round(-v) : Math.round(v));

async function cli(args: string[]) {
  const io = captureIO();
  const code = await run(args, io);
  return { code, out: io.stdout, err: io.stderr };
}

describe('tensor matching', () => {
  it('aligns op sequences as their longest common subsequence', () => {
    expect(
      longestCommonSubsequence(['C', 'D', 'C', 'P', 'R', 'S'], ['C', 'D', 'C', 'P', 'R', 'S']),
    ).toHaveLength(6);
    expect(longestCommonSubsequence(['C', 'D', 'C', 'S'], ['C', 'C', 'X', 'S'])).toEqual([
      [0, 0],
      [2, 1],
      [3, 3],
    ]);
  });

  it('matches by name (":N" suffix ignored), by position, and through QUANTIZE / DEQUANTIZE', () => {
    // Names: the int8 RELU output keeps the float name but with another suffix.
    const [f, q] = reluPair({ relu: 'y', quantized: 'relu:7' });
    expect(matchTensors(f, q).map((p) => [p.a, p.b, p.how])).toEqual([
      [0, 0, 'name'], // x
      [0, 1, 'conversion'], // x_int8 = QUANTIZE(x)
      [1, 2, 'name'], // relu:0 ~ relu:7
      [1, 3, 'conversion'], // y = DEQUANTIZE(relu:7)
    ]);
    // Positions: nothing but the input shares a name; RELU is aligned with RELU.
    const [f2, q2] = reluPair({ relu: 'out', quantized: 'act' });
    expect(matchTensors(f2, q2).map((p) => [p.a, p.b, p.how])).toEqual([
      [0, 0, 'name'],
      [0, 1, 'conversion'],
      [1, 2, 'position'],
      [1, 3, 'conversion'],
    ]);
  });

  it.skipIf(!HAVE_FIXTURES)(
    "pairs Google's float and quantized MobileNet (renamed tensors, SQUEEZE vs RESHAPE)",
    () => {
      const f = loadModel(
        new Uint8Array(
          readFileSync(fixturePath('models/classification/mobilenet_v1_0.25_224_1_default_1.tflite')),
        ),
      );
      const q = loadModel(
        new Uint8Array(readFileSync(fixturePath('models/classification/mobilenet_v1_0.25_224_quant.tflite'))),
      );
      const pairs = matchTensors(f, q);
      // The input and the 31 op outputs, each once.
      expect(pairs).toHaveLength(32);
      const sf = f.subgraphs[0]!;
      const sq = q.subgraphs[0]!;
      for (const p of pairs) {
        expect(sq.tensors[p.b]!.name.replace(/:\d+$/, '')).toBe(sf.tensors[p.a]!.name.replace(/:\d+$/, ''));
      }
    },
  );
});

describe('error statistics', () => {
  it('equal the errors computed by hand (per tensor and, as inference_diff, per output)', () => {
    const [f, q] = reluPair({ relu: 'y', quantized: 'relu:7' });
    const diff = new ModelDiff(f, q);
    const samples = [
      Float32Array.from([-1, -0.26, 0.04, 0.052, 0.149, 0.26, 0.5, 0.97]),
      Float32Array.from([0.31, 0.33, -0.5, 0.94, 0.06, 0.12, 0.02, 0.56]),
      Float32Array.from([0.9, 0.153, 0.247, -0.36, 0.01, 0.44, 0.76, 0.08]),
    ];
    for (const s of samples) diff.add([s]);
    const r = diff.result();
    // By hand: x quantized to int8 steps of 0.1 (round half away), RELU, dequantized.
    const fq = (v: number) => Math.fround(v);
    const xq = (v: number) => SCALE * Math.max(-128, Math.min(127, roundAway(fq(fq(v) / fq(SCALE)))));
    const errs = (g: (v: number) => number) => samples.flatMap((s) => [...s].map(g));
    const inErr = errs((v) => Math.abs(xq(v) - v));
    const reluErr = errs((v) => Math.abs(Math.max(0, xq(v)) - Math.max(0, v)));
    const mean = (a: number[]) => a.reduce((p, v) => p + v, 0) / a.length;
    const relus = errs((v) => Math.max(0, v));
    const range = Math.max(...relus) - Math.min(...relus);

    expect(r.samples).toBe(3);
    expect(r.tensors.map((t) => [t.node, t.op, t.quant.name, t.quant.dtype])).toEqual([
      [-1, 'INPUT', 'x', 'float32'],
      [-1, 'INPUT', 'x_int8', 'int8'],
      [0, 'RELU', 'relu:7', 'int8'],
      [0, 'RELU', 'y', 'float32'],
    ]);
    const [x, xi, relu] = r.tensors;
    expect(x!.meanAbs).toBe(0);
    expect(xi!.meanAbs).toBeCloseTo(mean(inErr), 6);
    expect(xi!.maxAbs).toBeCloseTo(Math.max(...inErr), 6);
    expect(relu!.meanAbs).toBeCloseTo(mean(reluErr), 6);
    expect(relu!.maxAbs).toBeCloseTo(Math.max(...reluErr), 6);
    expect(relu!.rmse).toBeCloseTo(Math.sqrt(mean(reluErr.map((e) => e * e))), 6);
    expect(relu!.floatMax - relu!.floatMin).toBeCloseTo(range, 6);
    expect(relu!.relMean).toBeCloseTo(mean(reluErr) / range, 6);
    // The RELU adds nothing to the error of its (matched) input relative to the ranges.
    const inRange = Math.max(...errs((v) => v)) - Math.min(...errs((v) => v));
    expect(relu!.growth).toBeCloseTo(mean(reluErr) / range - mean(inErr) / inRange, 6);

    // Per output: mean |diff| of each sample, then mean / population std / min / max.
    const perSample = samples.map((s) =>
      mean([...s].map((v) => Math.abs(Math.max(0, xq(v)) - Math.max(0, v)))),
    );
    const avg = mean(perSample);
    expect(r.outputs).toHaveLength(1);
    expect(r.outputs[0]!.avg).toBeCloseTo(avg, 6);
    expect(r.outputs[0]!.std).toBeCloseTo(Math.sqrt(mean(perSample.map((v) => (v - avg) ** 2))), 6);
    expect(r.outputs[0]!.min).toBeCloseTo(Math.min(...perSample), 6);
    expect(r.outputs[0]!.max).toBeCloseTo(Math.max(...perSample), 6);
  });

  it('refuses models whose inputs differ', () => {
    const [f] = reluPair({ relu: 'y', quantized: 'r' });
    const b = new ModelBuilder();
    const x = b.addTensor({ name: 'x', dtype: 'float32', shape: [1, 3] });
    const y = b.addTensor({ name: 'y', dtype: 'float32', shape: [1, 3] });
    b.addOp({ op: 'RELU', inputs: [x], outputs: [y] });
    b.setIO([x], [y]);
    expect(() => new ModelDiff(f, b.build())).toThrow(/inputs differ \(8 vs 3 elements\)/);
  });
});

describe.skipIf(!HAVE_FIXTURES)('diff on MobileNet v1 0.25/224', () => {
  const FLOAT = 'models/classification/mobilenet_v1_0.25_224_1_default_1.tflite';
  const photos = HAVE_FIXTURES ? fixturePath('imagenet_samples') : '';

  it('lists every quantized layer of our int8 model', async () => {
    // Calibrated on the last 8 photos; the diff runs on the first 3 (disjoint).
    const floatModel = loadModel(new Uint8Array(readFileSync(fixturePath(FLOAT))));
    const jpegs = readdirSync(photos)
      .filter((f) => f.endsWith('.JPEG'))
      .sort();
    const { model } = await quantizeModel(floatModel, {
      mode: 'int8',
      calibration: imageCalibration(
        jpegs.slice(-8).map((f) => ({ name: f, load: () => decodeImageFile(join(photos, f)) })),
      ),
    });
    const int8Path = join(tmp, 'mobilenet_int8.tflite');
    writeFileSync(int8Path, writeModel(model));

    const r = await cli([
      'diff',
      fixturePath(FLOAT),
      int8Path,
      '--images',
      photos,
      '--samples',
      '3',
      '--json',
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as DiffResult;
    expect(d.samples).toBe(3);

    // Every op of the int8 model computing in an integer type (QUANTIZE / DEQUANTIZE aside).
    const q = loadModel(new Uint8Array(readFileSync(int8Path)));
    const sg = q.subgraphs[0]!;
    const integer: (DType | undefined)[] = ['int8', 'uint8', 'int16'];
    const quantizedOutputs = sg.operators
      .filter((op) => !['QUANTIZE', 'DEQUANTIZE'].includes(operatorName(q, op)))
      .map((op) => op.outputs[0]!)
      .filter((t) => integer.includes(dtypeFromCode(sg.tensors[t]!.type)));
    expect(quantizedOutputs.length).toBe(31);
    const listed = new Set(d.tensors.map((t) => t.quant.index));
    for (const t of quantizedOutputs) expect(listed.has(t), sg.tensors[t]!.name).toBe(true);
    expect(d.tensors.filter((t) => integer.includes(t.quant.dtype)).length).toBe(32); // + the int8 input
    expect(d.unmatched.quant).toEqual([]);
    // In float graph order, with sane errors: int8 steps are ~0.4% of a range, so each layer's
    // mean error stays within a few percent of its range and the output's within 1e-2.
    const nodes = d.tensors.map((t) => t.node);
    expect(nodes).toEqual([...nodes].sort((a, b) => a - b));
    for (const t of d.tensors) {
      expect(t.relMean).not.toBeNull();
      expect(t.relMean!).toBeLessThan(0.1);
    }
    expect(d.outputs[0]!.avg).toBeGreaterThan(0);
    expect(d.outputs[0]!.avg).toBeLessThan(1e-2);

    const text = await cli(['diff', fixturePath(FLOAT), int8Path, '--random', '7', '--samples', '1']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/1 sample\(s\), random inputs in \[-1, 1\) \(seed 7\)/);
    expect(text.out).toMatch(/Where the error grows most:\n {2}node \d+ /);
  });

  it("runs against Google's quantized model of the same network", async () => {
    const r = await cli([
      'diff',
      fixturePath(FLOAT),
      fixturePath('models/classification/mobilenet_v1_0.25_224_quant.tflite'),
      '--random',
      '1',
      '--samples',
      '2',
      '--json',
    ]);
    expect(r.code).toBe(0);
    const d = JSON.parse(r.out) as DiffResult;
    expect(d.tensors).toHaveLength(32);
    expect(d.tensors.every((t) => t.how === 'name')).toBe(true);
    expect(d.unmatched).toEqual({ float: [], quant: [] });
  });
});
