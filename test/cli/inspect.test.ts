import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keyOptionsText, renderInspectText } from '../../src/cli/commands/inspect.js';
import { type InspectReport, buildInspectReport } from '../../src/cli/inspect_report.js';
import { TfliteError } from '../../src/errors.js';
import { loadModel } from '../../src/format/load_model.js';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { writeModel } from '../../src/format/model_writer.js';
import { HAVE_FIXTURES, allFixtureModels, fixturePath, readFixture } from '../support/fixtures.js';
import { buildMobileNetV1 } from '../format/helpers/mobilenet.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-inspect-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await run(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function writeTemp(name: string, bytes: Uint8Array): string {
  const p = join(tmp, name);
  writeFileSync(p, bytes);
  return p;
}

const MOBILENET_QUANT = 'models/classification/mobilenet_v1_0.25_224_quant.tflite';

describe.skipIf(!HAVE_FIXTURES)('inspect on MobileNet v1 0.25/224 quant', () => {
  it('--json reports 31 operators, a uint8 [1,224,224,3] input, ~41 million MACs and the metadata', async () => {
    const { code, stdout, stderr } = await cli('inspect', fixturePath(MOBILENET_QUANT), '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as InspectReport;
    expect(r.schema).toBe('tflite-ts.inspect/1');
    expect(r.file.bytes).toBe(508786);
    expect(r.model.schemaVersion).toBe(3);
    const sg = r.subgraphs[0]!;
    expect(sg.operators.length).toBe(31);
    expect(sg.opHistogram).toEqual({
      CONV_2D: 15,
      DEPTHWISE_CONV_2D: 13,
      AVERAGE_POOL_2D: 1,
      RESHAPE: 1,
      SOFTMAX: 1,
    });
    expect(sg.inputs).toEqual([
      {
        index: 88,
        name: 'input',
        shape: [1, 224, 224, 3],
        dtype: 'uint8',
        quantization: { kind: 'per-tensor', scale: 0.0078125, zeroPoint: 128 },
      },
    ]);
    expect(sg.outputs[0]!.shape).toEqual([1, 1001]);
    expect(Math.abs(r.macs.total - 41e6) / 41e6).toBeLessThan(0.03);
    expect(sg.operators.reduce((a, op) => a + op.macs, 0)).toBe(r.macs.total);
    expect(sg.operators[0]).toMatchObject({ op: 'CONV_2D', version: 1, inputs: [88, 8, 6], outputs: [7] });
    expect(sg.operators[0]!.options).toMatchObject({
      padding: 'SAME',
      strideW: 2,
      strideH: 2,
      fusedActivationFunction: 'NONE',
    });
    expect(r.weights.parameters).toBe(467595);
    expect(Object.keys(r.weights.byDtype).sort()).toEqual(['int32', 'uint8']);
    // The planner packs the activations into the arena within 10% of the lower bound.
    expect(r.memory!.error).toBeUndefined();
    expect(r.memory!.lowerBoundBytes).toBeGreaterThan(224 * 224 * 3);
    expect(r.memory!.arenaBytes).toBeGreaterThanOrEqual(r.memory!.lowerBoundBytes);
    expect(r.memory!.arenaBytes).toBeLessThanOrEqual(1.1 * r.memory!.lowerBoundBytes);
    expect(r.metadata!.name).toBe('MobileNetV1 image classifier (quantized)');
    expect(r.metadata!.inputs[0]!.normalization).toEqual({ mean: [127.5], std: [127.5] });
    expect(r.metadata!.inputs[0]!.content).toBe('image (RGB)');
    expect(r.associatedFiles).toEqual([
      {
        name: 'labels.txt',
        bytes: 10484,
        type: 'TENSOR_AXIS_LABELS',
        description: 'Labels for objects that the model can recognize.',
        lines: 1001,
      },
    ]);
    expect(r.signatures).toEqual([]);
  });

  it('prints aligned text within 100 columns', async () => {
    const { code, stdout } = await cli('inspect', fixturePath(MOBILENET_QUANT));
    expect(code).toBe(0);
    expect(stdout).toContain('Subgraph 0: 89 tensors, 31 operators, 41.0M MACs');
    expect(stdout).toMatch(/88 {2}input {2}\[1,224,224,3\] {2}uint8 {2}scale 0\.0078125 zp 128/);
    expect(stdout).toMatch(/\n {4}CONV_2D +15 {2}36\.7M {2}89\.4%\n/);
    expect(stdout).toMatch(/\n {5}0 {2}CONV_2D +1 {2}88,8,6 -> 7 +SAME stride 2x2 +2\.7M\n/);
    expect(stdout).toMatch(/\n {4}27 {2}AVERAGE_POOL_2D +1 {2}31 -> 0 +VALID filter 7x7 stride 2x2\n/);
    expect(stdout).toContain('labels.txt  TENSOR_AXIS_LABELS  10,484  1,001');
    expect(stdout).toContain('normalize mean [127.5] std [127.5]');
    for (const line of stdout.split('\n')) expect(line.length, line).toBeLessThanOrEqual(100);
  });

  it('shows signatures and custom options', async () => {
    const multi = JSON.parse(
      (await cli('inspect', fixturePath('models/ops/tflite_testdata/multi_add.bin'), '--json')).stdout,
    ) as InspectReport;
    expect(multi.signatures).toEqual([
      {
        key: 'serving_default',
        subgraph: 0,
        inputs: [
          { name: 'a', tensor: 0 },
          { name: 'b', tensor: 1 },
          { name: 'c', tensor: 2 },
          { name: 'd', tensor: 3 },
        ],
        outputs: [
          { name: 'x', tensor: 5 },
          { name: 'y', tensor: 6 },
        ],
      },
    ]);
    const ssd = await cli(
      'inspect',
      fixturePath('models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite'),
      '--json',
    );
    const r = JSON.parse(ssd.stdout) as InspectReport;
    const post = r.subgraphs[0]!.operators[63]!;
    expect(post.op).toBe('TFLite_Detection_PostProcess');
    expect(post.custom).toBe(true);
    expect(post.customOptions).toMatchObject({
      num_classes: 90,
      max_detections: 10,
      nms_iou_threshold: 0.6,
      nms_score_threshold: 1e-8,
    });
    expect(r.associatedFiles[0]).toMatchObject({
      name: 'labelmap.txt',
      type: 'TENSOR_VALUE_LABELS',
      lines: 90,
    });
  });

  it('every fixture model inspects with exit code 0 in text and JSON', async () => {
    for (const rel of allFixtureModels()) {
      const text = await cli('inspect', fixturePath(rel));
      expect(text.code, `${rel}: ${text.stderr}`).toBe(0);
      for (const line of text.stdout.split('\n'))
        expect(line.length, `${rel}: ${line}`).toBeLessThanOrEqual(100);
      const json = await cli('inspect', fixturePath(rel), '--json');
      expect(json.code).toBe(0);
      expect((JSON.parse(json.stdout) as InspectReport).subgraphs.length).toBeGreaterThan(0);
    }
  }, 60_000);
});

describe.skipIf(!HAVE_FIXTURES)('inspect on damaged models', () => {
  it('500 seeded byte mutations of small fixtures: a report or a typed error, never an internal error', () => {
    const models = allFixtureModels()
      .map((rel) => readFixture(rel))
      .filter((b) => b.length < 400_000);
    let s = 12345;
    const rand = () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    let reports = 0;
    for (let i = 0; i < 500; i++) {
      const bytes = models[Math.floor(rand() * models.length)]!.slice();
      for (let f = 0; f < 4; f++)
        bytes[Math.floor(rand() * Math.min(bytes.length, 4096))] = Math.floor(rand() * 256);
      try {
        const report = buildInspectReport(loadModel(bytes), 'm.tflite', bytes.length);
        renderInspectText(report);
        reports++;
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(TfliteError);
      }
    }
    expect(reports).toBeGreaterThan(10);
  });
});

describe('inspect on models built with the writer', () => {
  it('counts MobileNet v1 1.0/224 within 3% of 569 million MACs', async () => {
    const path = writeTemp('mobilenet_v1_1.0_224.tflite', writeModel(buildMobileNetV1(1.0)));
    const { code, stdout } = await cli('inspect', path, '--json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as InspectReport;
    expect(Math.abs(r.macs.total - 569e6) / 569e6).toBeLessThan(0.03);
    expect(r.subgraphs[0]!.operators.length).toBe(31);
    expect(r.weights.byDtype.float32).toBeGreaterThan(16e6);
  });

  it('shows -1 for dynamic dimensions and summarizes per-axis quantization', async () => {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: 'x', shape: [1, 4], dtype: 'float32', shapeSignature: [-1, 4] });
    const q = b.addTensor({
      name: 'q',
      shape: [32, 3],
      dtype: 'int8',
      quant: {
        scale: Array.from({ length: 32 }, (_, i) => (i + 1) / 64),
        zeroPoint: new Array(32).fill(0),
        axis: 0,
      },
    });
    const y = b.addTensor({ name: 'y', shape: [1, 4], dtype: 'float32', shapeSignature: [-1, 4] });
    b.addOp({ op: 'RELU', inputs: [x], outputs: [y] });
    const path = writeTemp('dynamic.tflite', writeModel(b.setIO([x, q], [y]).build()));
    const { code, stdout } = await cli('inspect', path, '--json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as InspectReport;
    expect(r.subgraphs[0]!.inputs[0]!.shape).toEqual([-1, 4]);
    expect(r.subgraphs[0]!.inputs[1]!.quantization).toEqual({
      kind: 'per-axis',
      axis: 0,
      count: 32,
      scaleMin: 0.015625,
      scaleMax: 0.5,
      zeroPoints: 'all-zero',
    });
    const text = await cli('inspect', path);
    expect(text.stdout).toContain('[-1,4]');
    expect(text.stdout).toContain('per-axis(dim 0, 32 scales 0.015625..0.5)');
  });

  it('summarizes key options', () => {
    expect(
      keyOptionsText({
        padding: 'VALID',
        strideW: 2,
        strideH: 1,
        dilationWFactor: 2,
        dilationHFactor: 2,
        fusedActivationFunction: 'RELU6',
        depthMultiplier: 4,
      }),
    ).toBe('VALID stride 1x2 dilation 2x2 mult 4 RELU6');
    expect(keyOptionsText(null)).toBe('');
  });
});

describe('exit codes and errors', () => {
  it('exits 1 with one line on stderr for a file that is not a .tflite model', async () => {
    const path = writeTemp('notes.txt', new TextEncoder().encode('these are notes, not a model\n'));
    const { code, stdout, stderr } = await cli('inspect', path);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.split('\n').filter((l) => l).length).toBe(1);
    expect(stderr).toMatch(
      /^tflite-ts inspect: file identifier is "e ar", expected "TFL3" \(is this a \.tflite file\?\)\. The model file is malformed/,
    );
  });

  it('exits 1 for a missing file, naming it', async () => {
    const { code, stderr } = await cli('inspect', join(tmp, 'nope.tflite'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^tflite-ts inspect: cannot read .*nope\.tflite: no such file or directory\n$/);
  });

  it('with --json also prints an error document; with --debug the stack', async () => {
    const path = writeTemp('short.tflite', new Uint8Array(5));
    const json = await cli('inspect', path, '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({
      error: { code: 'MODEL_FORMAT', message: expect.stringMatching(/too short for a FlatBuffer/) },
    });
    const debug = await cli('inspect', path, '--debug');
    expect(debug.code).toBe(1);
    expect(debug.stderr.split('\n').length).toBeGreaterThan(3);
    expect(debug.stderr).toMatch(/ModelFormatError/);
  });

  it('exits 2 for usage errors', async () => {
    for (const argv of [
      [],
      ['inspect'],
      ['inspect', 'a', 'b'],
      ['inspect', 'x.tflite', '--bogus'],
      ['frobnicate'],
    ]) {
      const { code, stderr, stdout } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(2);
      expect(stderr.length + stdout.length, argv.join(' ')).toBeGreaterThan(0);
    }
    const unknown = await cli('inspect', 'x.tflite', '--bogus');
    expect(unknown.stderr).toBe(
      "tflite-ts inspect: error: unknown option '--bogus' (see 'tflite-ts inspect --help')\n",
    );
  });

  it('exits 0 for --help and --version', async () => {
    const help = await cli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/inspect \[options\] <model>/);
    const sub = await cli('inspect', '--help');
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--json');
    expect(sub.stdout).toContain('--debug');
    const version = await cli('--version');
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});
