/**
 * TFLite_Detection_PostProcess against
 * (a) the expectations of TFLite's own kernel tests (tensorflow/lite/kernels/
 *     detection_postprocess_test.cc: fast and regular NMS, float and uint8, two classes per
 *     detection, no background class, keypoints in the box code, a degenerate box), and
 * (b) tfjs-tflite on random single-op models (fast/regular NMS, float/uint8, 1 and 3 classes per
 *     detection) and on the post-process node of the COCO SSD fixture: the rows up to the count
 *     must agree exactly (float32 decoding and IoU reproduce TFLite's arithmetic).
 */
import { describe, expect, it } from 'vitest';
import { encodeFlexBuffer, type FlexMap } from '../../../src/format/flexbuffers.js';
import { readModel } from '../../../src/format/model_reader.js';
import type { Model } from '../../../src/ir/model.js';
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { HAVE_FIXTURES, readFixture } from '../../support/fixtures.js';
import { peersAvailable } from '../../support/peers.js';
import { rng, runSteps, runTfjsTflite } from '../rnn/helpers.js';

type Scalar = number | boolean;

const BASE_OPTIONS: Record<string, Scalar> = {
  max_detections: 3,
  max_classes_per_detection: 1,
  nms_score_threshold: 0.0,
  nms_iou_threshold: 0.5,
  num_classes: 2,
  y_scale: 10.0,
  x_scale: 10.0,
  h_scale: 5.0,
  w_scale: 5.0,
};

/** Quantization of TFLite's test util for a [min, max] range on uint8. */
function uint8Params(min: number, max: number): { scale: number; zeroPoint: number } {
  const scale = (max - min) / 255;
  const zeroPoint = Math.min(255, Math.max(0, Math.round(0 - min / scale)));
  return { scale, zeroPoint };
}

function quantize(values: readonly number[], p: { scale: number; zeroPoint: number }): Uint8Array {
  return Uint8Array.from(values, (v) => Math.min(255, Math.max(0, Math.round(v / p.scale) + p.zeroPoint)));
}

interface OpInputs {
  boxes: readonly number[];
  scores: readonly number[];
  anchors: readonly number[];
  numBoxes: number;
  codeSize: number;
  numClassesWithBg: number;
}

/** Adds one post-process op; returns its model inputs (enc, scores) and four outputs. */
function addPostprocess(
  b: ModelBuilder,
  name: string,
  x: OpInputs,
  options: Record<string, Scalar>,
  uint8?: { boxes: [number, number]; scores: [number, number]; anchors: [number, number] },
): { inputs: number[]; outputs: number[]; feed: (Float32Array | Uint8Array)[] } {
  const q = uint8 && {
    boxes: uint8Params(...uint8.boxes),
    scores: uint8Params(...uint8.scores),
    anchors: uint8Params(...uint8.anchors),
  };
  const tensor = (
    n: string,
    shape: number[],
    values: readonly number[],
    p: { scale: number; zeroPoint: number } | undefined,
    constant: boolean,
  ) =>
    b.addTensor({
      name: `${name}/${n}`,
      dtype: p ? 'uint8' : 'float32',
      shape,
      ...(p ? { quant: { scale: [p.scale], zeroPoint: [p.zeroPoint] } } : {}),
      ...(constant ? { data: p ? quantize(values, p) : Float32Array.from(values) } : {}),
    });
  const enc = tensor('boxes', [1, x.numBoxes, x.codeSize], x.boxes, q?.boxes, false);
  const cls = tensor('scores', [1, x.numBoxes, x.numClassesWithBg], x.scores, q?.scores, false);
  const anc = tensor('anchors', [x.numBoxes, 4], x.anchors, q?.anchors, true);
  const outs = ['boxes_out', 'classes', 'scores_out', 'count'].map((n) =>
    b.addTensor({ name: `${name}/${n}`, dtype: 'float32', shape: [] }),
  );
  b.addOp({
    op: 'TFLite_Detection_PostProcess',
    custom: true,
    inputs: [enc, cls, anc],
    outputs: outs,
    customOptions: encodeFlexBuffer(options as FlexMap),
  });
  const feed = q
    ? [quantize(x.boxes, q.boxes), quantize(x.scores, q.scores)]
    : [Float32Array.from(x.boxes), Float32Array.from(x.scores)];
  return { inputs: [enc, cls], outputs: outs, feed };
}

function runSingle(
  x: OpInputs,
  options: Record<string, Scalar>,
  uint8?: Parameters<typeof addPostprocess>[4],
) {
  const b = new ModelBuilder();
  const op = addPostprocess(b, 'pp', x, options, uint8);
  b.setIO(op.inputs, op.outputs);
  const [boxes, classes, scores, count] = runSteps(b.build(), [op.feed])[0]! as Float32Array[];
  return { boxes: boxes!, classes: classes!, scores: scores!, count: count! };
}

// The six boxes of TFLite's tests (center-size, relative to the anchors) and their scores.
const SIX: OpInputs = {
  boxes: [0, 0, 0, 0, 0, 1, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0],
  scores: [0, 0.9, 0.8, 0, 0.75, 0.72, 0, 0.6, 0.5, 0, 0.93, 0.95, 0, 0.5, 0.4, 0, 0.3, 0.2],
  anchors: [
    0.5, 0.5, 1, 1, 0.5, 0.5, 1, 1, 0.5, 0.5, 1, 1, 0.5, 10.5, 1, 1, 0.5, 10.5, 1, 1, 0.5, 100.5, 1, 1,
  ],
  numBoxes: 6,
  codeSize: 4,
  numClassesWithBg: 3,
};
const UINT8_RANGES = { boxes: [-1, 1], scores: [0, 1], anchors: [0, 100.5] } as {
  boxes: [number, number];
  scores: [number, number];
  anchors: [number, number];
};

function expectNear(got: Float32Array, want: readonly number[], tol: number): void {
  expect(got.length).toBe(want.length);
  want.forEach((w, i) =>
    expect(Math.abs(got[i]! - w), `element ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(tol),
  );
}

describe('TFLite_Detection_PostProcess: TFLite kernel test expectations', () => {
  const FAST_BOXES = [0, 10, 1, 11, 0, 0, 1, 1, 0, 100, 1, 101];
  it('FloatTest (fast NMS)', () => {
    const r = runSingle(SIX, BASE_OPTIONS);
    expectNear(r.boxes, FAST_BOXES, 1e-1);
    expectNear(r.classes, [1, 0, 0], 1e-4);
    expectNear(r.scores, [0.95, 0.9, 0.3], 1e-4);
    expectNear(r.count, [3], 1e-4);
  });
  it('QuantizedTest (uint8, fast NMS)', () => {
    const r = runSingle(SIX, BASE_OPTIONS, UINT8_RANGES);
    expectNear(r.boxes, FAST_BOXES, 3e-1);
    expectNear(r.classes, [1, 0, 0], 1e-1);
    expectNear(r.scores, [0.95, 0.9, 0.3], 1e-1);
    expectNear(r.count, [3], 1e-1);
  });
  it('MaxClass2Test (two classes per detection)', () => {
    const r = runSingle(SIX, { ...BASE_OPTIONS, max_classes_per_detection: 2 });
    expectNear(
      r.boxes,
      [0, 10, 1, 11, 0, 10, 1, 11, 0, 0, 1, 1, 0, 0, 1, 1, 0, 100, 1, 101, 0, 100, 1, 101],
      1e-1,
    );
    expectNear(r.classes, [1, 0, 0, 1, 0, 1], 1e-4);
    expectNear(r.scores, [0.95, 0.93, 0.9, 0.8, 0.3, 0.2], 1e-4);
    expectNear(r.count, [3], 1e-4);
  });
  it('FloatTestWithDegeneratedBox', () => {
    const two: OpInputs = {
      boxes: [0, 0, 0, 0, 0, 0, 0, 0],
      scores: [0, 0.9, 0.8, 0, 0.2, 0.7],
      anchors: [0.5, 0.5, 1, 1, 0.5, 0.5, 0, 0],
      numBoxes: 2,
      codeSize: 4,
      numClassesWithBg: 3,
    };
    const r = runSingle(two, BASE_OPTIONS);
    expect(r.count[0]).toBe(2);
    expectNear(r.boxes.subarray(0, 8), [0, 0, 1, 1, 0.5, 0.5, 0.5, 0.5], 1e-1);
    expectNear(r.classes.subarray(0, 2), [0, 1], 1e-4);
    expectNear(r.scores.subarray(0, 2), [0.9, 0.7], 1e-4);
  });
  const REGULAR = { ...BASE_OPTIONS, detections_per_class: 1, use_regular_nms: true };
  it('RegularNMS (float)', () => {
    const r = runSingle(SIX, REGULAR);
    expectNear(r.boxes, [0, 10, 1, 11, 0, 10, 1, 11, 0, 0, 0, 0], 3e-4);
    expectNear(r.classes, [1, 0, 0], 1e-4);
    expectNear(r.scores, [0.95, 0.93, 0.0], 1e-4);
    expectNear(r.count, [2], 1e-4);
  });
  it('RegularNMS (uint8)', () => {
    const r = runSingle(SIX, REGULAR, UINT8_RANGES);
    expectNear(r.boxes, [0, 10, 1, 11, 0, 10, 1, 11, 0, 0, 0, 0], 3e-1);
    expectNear(r.classes, [1, 0, 0], 1e-1);
    expectNear(r.scores, [0.95, 0.9, 0.0], 1e-1);
    expectNear(r.count, [2], 1e-1);
  });
  it('FloatTestwithNoBackgroundClassAndNoKeypoints', () => {
    const noBg = {
      ...SIX,
      numClassesWithBg: 2,
      scores: [0.9, 0.8, 0.75, 0.72, 0.6, 0.5, 0.93, 0.95, 0.5, 0.4, 0.3, 0.2],
    };
    const r = runSingle(noBg, { ...BASE_OPTIONS, detections_per_class: 1, use_regular_nms: false });
    expectNear(r.boxes, FAST_BOXES, 1e-1);
    expectNear(r.classes, [1, 0, 0], 1e-1);
    expectNear(r.scores, [0.95, 0.9, 0.3], 1e-1);
    expectNear(r.count, [3], 1e-1);
  });
  it('FloatTestwithBackgroundClassAndKeypoints (box code size 5)', () => {
    const kp = { ...SIX, codeSize: 5, boxes: SIX.boxes.flatMap((v, i) => (i % 4 === 3 ? [v, 1] : [v])) };
    const r = runSingle(kp, BASE_OPTIONS);
    expectNear(r.boxes, FAST_BOXES, 1e-1);
    expectNear(r.classes, [1, 0, 0], 1e-4);
    expectNear(r.scores, [0.95, 0.9, 0.3], 1e-4);
    expectNear(r.count, [3], 1e-4);
  });
  it('output shapes follow the options: [1, N, 4], [1, N], [1, N], [1]', () => {
    const b = new ModelBuilder();
    const op = addPostprocess(b, 'pp', SIX, {
      ...BASE_OPTIONS,
      max_detections: 5,
      max_classes_per_detection: 2,
    });
    b.setIO(op.inputs, op.outputs);
    const it = new Interpreter(b.build());
    it.allocateTensors();
    expect([0, 1, 2, 3].map((i) => it.output(i).shape)).toEqual([[1, 10, 4], [1, 10], [1, 10], [1]]);
  });
});

/** Random SSD-like inputs: anchors on a grid with overlapping boxes, scores in [0, 1). */
function randomInputs(seed: number, numBoxes: number, numClassesWithBg: number): OpInputs {
  const r = rng(seed);
  const anchors: number[] = [];
  const boxes: number[] = [];
  for (let i = 0; i < numBoxes; i++) {
    anchors.push(0.1 + 0.8 * r(), 0.1 + 0.8 * r(), 0.1 + 0.3 * r(), 0.1 + 0.3 * r());
    boxes.push(2 * r() - 1, 2 * r() - 1, 2 * r() - 1, 2 * r() - 1);
  }
  const scores = Array.from({ length: numBoxes * numClassesWithBg }, () => r());
  return { boxes, scores, anchors, numBoxes, codeSize: 4, numClassesWithBg };
}

// Option values are exact in float32: the flatbuffers package's FlexBuffers reader fails on maps
// whose values need 8 bytes (a double such as 0.3), see the report of this folder's author.
interface PeerCase {
  name: string;
  options: Record<string, Scalar>;
  uint8: boolean;
  seed: number;
}

const PEER_CASES: PeerCase[] = [
  {
    name: 'fast float',
    options: { ...BASE_OPTIONS, max_detections: 10, num_classes: 4, nms_score_threshold: 0.375 },
    uint8: false,
    seed: 1,
  },
  {
    name: 'fast float, 3 classes per detection',
    options: {
      ...BASE_OPTIONS,
      max_detections: 8,
      max_classes_per_detection: 3,
      num_classes: 4,
      nms_iou_threshold: 0.4375,
    },
    uint8: false,
    seed: 2,
  },
  {
    name: 'fast uint8',
    options: { ...BASE_OPTIONS, max_detections: 10, num_classes: 4, nms_score_threshold: 0.25 },
    uint8: true,
    seed: 3,
  },
  {
    name: 'fast uint8, 3 classes per detection',
    options: {
      ...BASE_OPTIONS,
      max_detections: 6,
      max_classes_per_detection: 3,
      num_classes: 4,
      nms_score_threshold: 0.25,
    },
    uint8: true,
    seed: 6,
  },
  {
    name: 'regular float',
    options: {
      ...BASE_OPTIONS,
      max_detections: 12,
      num_classes: 4,
      use_regular_nms: true,
      detections_per_class: 4,
      nms_score_threshold: 0.5,
    },
    uint8: false,
    seed: 4,
  },
  {
    name: 'regular uint8',
    options: {
      ...BASE_OPTIONS,
      max_detections: 10,
      num_classes: 4,
      use_regular_nms: true,
      detections_per_class: 3,
      nms_score_threshold: 0.4375,
    },
    uint8: true,
    seed: 5,
  },
];

/** Rows 0..count of each output, for comparison (TFLite leaves later rows unwritten). */
function validRows(outs: Float32Array[], maxClasses: number): number[][] {
  const count = outs[3]![0]!;
  const n = count * maxClasses;
  return [
    Array.from(outs[0]!.subarray(0, 4 * n)),
    Array.from(outs[1]!.subarray(0, n)),
    Array.from(outs[2]!.subarray(0, n)),
    [count],
  ];
}

describe.skipIf(!peersAvailable())('TFLite_Detection_PostProcess vs tfjs-tflite', () => {
  it('random single-op models: fast and regular NMS, float and uint8', async () => {
    const b = new ModelBuilder();
    const ops = PEER_CASES.map((c) =>
      addPostprocess(
        b,
        c.name,
        randomInputs(c.seed, 60, 5),
        c.options,
        c.uint8 ? { boxes: [-1, 1], scores: [0, 1], anchors: [0, 1] } : undefined,
      ),
    );
    b.setIO(
      ops.flatMap((o) => o.inputs),
      ops.flatMap((o) => o.outputs),
    );
    const model = b.build();
    const feed = ops.flatMap((o) => o.feed);
    const ours = runSteps(model, [feed])[0]! as Float32Array[];
    const peer = await runTfjsTflite(model, feed);
    const theirs = peer.outputs.map(
      (t) => new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4),
    );
    PEER_CASES.forEach((c, k) => {
      const mc = c.options.use_regular_nms ? 1 : Number(c.options.max_classes_per_detection);
      const a = validRows(ours.slice(4 * k, 4 * k + 4), mc);
      const t = validRows(theirs.slice(4 * k, 4 * k + 4), mc);
      expect(a[3]![0], `${c.name}: detections`).toBeGreaterThan(2);
      expect(a, c.name).toEqual(t);
    });
  }, 120_000);

  it.skipIf(!HAVE_FIXTURES)(
    'COCO SSD post-process node on 3 random inputs',
    async () => {
      const m: Model = readModel(
        readFixture('models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite'),
      );
      const sg = m.subgraphs[0]!;
      const pp = sg.operators[sg.operators.length - 1]!;
      sg.operators = [pp];
      sg.inputs = [pp.inputs[0]!, pp.inputs[1]!];
      sg.outputs = [...pp.outputs];
      for (const seed of [1, 2, 3]) {
        const r = rng(seed);
        const enc = Uint8Array.from({ length: 1917 * 4 }, () => Math.floor(256 * r()));
        // Sparse high scores, as real SSD outputs after the logistic.
        const scores = Uint8Array.from({ length: 1917 * 91 }, () =>
          r() < 0.01 ? Math.floor(256 * r()) : Math.floor(20 * r()),
        );
        const ours = runSteps(m, [[enc, scores]])[0]! as Float32Array[];
        const peer = await runTfjsTflite(m, [enc, scores]);
        const theirs = peer.outputs.map(
          (t) => new Float32Array(t.data.buffer, t.data.byteOffset, t.data.byteLength / 4),
        );
        expect(ours[3]![0]).toBe(10);
        expect(validRows(ours, 1)).toEqual(validRows(theirs, 1));
      }
    },
    120_000,
  );
});
