/**
 * The tensor / reduce kernels against Google's runtimes: a few models, each holding many
 * independent single ops, written with our writer and run on the same input bytes in our
 * Interpreter and in LiteRT.js (XNNPACK) and tfjs-tflite (TFLite + XNNPACK) under Node.
 *
 * - Data movement is bit-exact against both.
 * - Quantized ops: LiteRT/XNNPACK and TFLite's optimized kernels may differ from the reference
 *   kernels (our oracle) by one unit; each group states the largest difference it allows and
 *   the exact-match tests elsewhere pin the reference behaviour.
 * - Float ops: within the relative error stated per group.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import {
  compareTensors,
  ensurePeersHarness,
  peersAvailable,
  runPeer,
  type PeerRuntime,
} from '../../support/peers.js';
import { type OpCase, buildModel, count, i32, randomData, runModel, writeTemp } from './op_harness.js';

interface Group {
  name: string;
  ops: OpCase[];
  /** Allowed difference: integer units for integer outputs (LiteRT / tfjs-tflite). */
  intTol: number;
  /**
   * Per-output integer tolerances where a peer's kernel (XNNPACK, or TFLite's optimized rather than
   * reference kernel) rounds differently from TFLite's reference kernel, which we match.
   */
  intTolByOutput?: Record<string, { litert: number; tfjs: number; why: string }>;
  /**
   * Float outputs pass when |a - b| <= 1e-6 + floatRtol * max(|a|, |b|). The peers run float
   * RESIZE_BILINEAR, MEAN and SUM in XNNPACK (other formulas and summation orders): measured
   * max abs diff 7e-7 (resize), 2e-6 relative (sums); our kernels equal TFLite's reference
   * bit for bit (see resize.test.ts, reduce.test.ts).
   */
  floatRtol: number;
  /** Outputs not compared against LiteRT (XNNPACK), by output name, with the reason. */
  litertSkip?: Record<string, string>;
  /** Outputs not compared against tfjs-tflite, by output name, with the reason. */
  tfjsSkip?: Record<string, string>;
}

const q = (scale: number, zeroPoint: number) => ({ scale: [scale], zeroPoint: [zeroPoint] });
const t = (
  name: string,
  dtype: DType,
  shape: number[],
  quant?: TensorSpec['quant'],
  data?: TypedArray,
): TensorSpec => ({
  name,
  dtype,
  shape,
  ...(quant ? { quant } : {}),
  ...(data ? { data } : {}),
});

/** Movement ops on one dtype (exact everywhere). */
function movement(dtype: DType, qu?: TensorSpec['quant']): OpCase[] {
  const x = (n: string, s: number[]) => t(n, dtype, s, qu);
  return [
    {
      op: 'TRANSPOSE',
      inputs: [x('a', [2, 3, 4, 5]), i32('p', [3, 1, 0, 2])],
      outputs: [x('ta', [5, 3, 2, 4])],
    },
    {
      op: 'TRANSPOSE',
      inputs: [x('b', [1, 11, 13, 8]), i32('p', [0, 3, 1, 2])],
      outputs: [x('tb', [1, 8, 11, 13])],
    },
    {
      op: 'CONCATENATION',
      inputs: [x('c0', [2, 3, 2]), x('c1', [2, 1, 2])],
      outputs: [x('tc', [2, 4, 2])],
      options: { axis: 1 },
    },
    {
      op: 'PACK',
      inputs: [x('d0', [3, 2]), x('d1', [3, 2])],
      outputs: [x('td', [3, 2, 2])],
      options: { valuesCount: 2, axis: -1 },
    },
    {
      op: 'UNPACK',
      inputs: [x('e', [3, 2, 4])],
      outputs: [x('te0', [3, 4]), x('te1', [3, 4])],
      options: { num: 2, axis: 1 },
    },
    {
      op: 'SPLIT',
      inputs: [i32('ax', [-1], []), x('f', [2, 6])],
      outputs: [x('tf0', [2, 3]), x('tf1', [2, 3])],
      options: { numSplits: 2 },
    },
    {
      op: 'SPLIT_V',
      inputs: [x('g', [7, 2]), i32('sz', [2, -1, 1]), i32('ax', [0], [])],
      outputs: [x('tg0', [2, 2]), x('tg1', [4, 2]), x('tg2', [1, 2])],
      options: { numSplits: 3 },
    },
    {
      op: 'SLICE',
      inputs: [x('h', [3, 4, 5]), i32('b', [1, 0, 2]), i32('s', [2, -1, 2])],
      outputs: [x('th', [2, 4, 2])],
    },
    {
      op: 'STRIDED_SLICE',
      inputs: [x('i', [3, 4, 5]), i32('b', [2, 0, 4]), i32('e', [0, 4, 0]), i32('s', [-1, 2, -2])],
      outputs: [x('ti', [3, 2, 2])],
      options: { endMask: 1 },
    },
    {
      op: 'STRIDED_SLICE',
      inputs: [x('j', [2, 3, 4]), i32('b', [0, 1]), i32('e', [0, 3]), i32('s', [1, 1])],
      outputs: [x('tj', [2, 3, 2])],
      options: { ellipsisMask: 1 },
    },
    {
      op: 'STRIDED_SLICE',
      inputs: [x('k', [2, 3]), i32('b', [0, 0, 1]), i32('e', [2, 0, 2]), i32('s', [1, 1, 1])],
      outputs: [x('tk', [2, 1, 1])],
      options: { newAxisMask: 2, shrinkAxisMask: 0, endMask: 0, beginMask: 0 },
    },
    {
      op: 'GATHER',
      inputs: [x('l', [2, 3, 4]), i32('ix', [2, 0, 1, 1], [2, 2])],
      outputs: [x('tl', [2, 2, 4])],
      options: { axis: 1, batchDims: 1 },
    },
    {
      op: 'GATHER_ND',
      inputs: [x('m', [3, 4, 2]), i32('ix', [2, 1, 0, 3], [2, 2])],
      outputs: [x('tm', [2, 2])],
    },
    { op: 'TILE', inputs: [x('n', [2, 1, 3]), i32('mu', [2, 3, 1])], outputs: [x('tn', [4, 3, 3])] },
    {
      op: 'BROADCAST_TO',
      version: 2,
      inputs: [x('o', [3, 1]), i32('sh', [2, 3, 4])],
      outputs: [x('to', [2, 3, 4])],
    },
    {
      op: 'PAD',
      inputs: [x('pa', [1, 3, 3, 2]), i32('pd', [0, 0, 1, 1, 2, 0, 0, 0], [4, 2])],
      outputs: [x('tpa', [1, 5, 5, 2])],
    },
    {
      op: 'MIRROR_PAD',
      inputs: [x('mr', [2, 4]), i32('pd', [1, 1, 3, 2], [2, 2])],
      outputs: [x('tmr', [4, 9])],
      options: { mode: 0 },
    },
    {
      op: 'MIRROR_PAD',
      inputs: [x('ms', [2, 4]), i32('pd', [2, 0, 4, 1], [2, 2])],
      outputs: [x('tms', [4, 9])],
      options: { mode: 1 },
    },
    {
      op: 'SPACE_TO_DEPTH',
      inputs: [x('sd', [1, 4, 6, 3])],
      outputs: [x('tsd', [1, 2, 3, 12])],
      options: { blockSize: 2 },
    },
    {
      op: 'DEPTH_TO_SPACE',
      inputs: [x('ds', [1, 2, 3, 8])],
      outputs: [x('tds', [1, 4, 6, 2])],
      options: { blockSize: 2 },
    },
    {
      op: 'SPACE_TO_BATCH_ND',
      inputs: [x('sb', [2, 3, 5, 3]), i32('bl', [2, 3]), i32('pd', [1, 0, 2, 2], [2, 2])],
      outputs: [x('tsb', [12, 2, 3, 3])],
    },
    {
      op: 'BATCH_TO_SPACE_ND',
      inputs: [x('bs', [12, 2, 3, 3]), i32('bl', [2, 3]), i32('cr', [1, 0, 2, 2], [2, 2])],
      outputs: [x('tbs', [2, 3, 5, 3])],
    },
    {
      op: 'RESIZE_NEAREST_NEIGHBOR',
      inputs: [x('rn', [1, 3, 5, 2]), i32('sz', [7, 4])],
      outputs: [x('trn', [1, 7, 4, 2])],
      options: { halfPixelCenters: true },
    },
  ];
}

const GROUPS: Group[] = [
  { name: 'movement float32', ops: movement('float32'), intTol: 0, floatRtol: 0 },
  { name: 'movement int8 (quantized)', ops: movement('int8', q(0.05, 3)), intTol: 0, floatRtol: 0 },
  {
    name: 'quantized numerics',
    intTol: 0,
    intTolByOutput: {
      tc: { litert: 1, tfjs: 0, why: "XNNPACK's uint8 concatenation requantizes with its own rounding" },
      tra: {
        litert: 1,
        tfjs: 1,
        why: 'both peers run int8 RESIZE_BILINEAR in XNNPACK / optimized kernels; the reference ResizeBilinearInteger differs by 1 on ~5% of elements',
      },
      trb: { litert: 1, tfjs: 1, why: 'as tra' },
    },
    floatRtol: 1e-6,
    tfjsSkip: {
      tc: "tfjs-tflite's XNNPACK delegate concatenates uint8 inputs without requantizing them (it returns the raw bytes); LiteRT matches us exactly",
    },
    litertSkip: {
      tsa: "XNNPACK's qs8 SUM differs from TFLite's kernel by up to 32 units here; tfjs-tflite (TFLite's kernel) is matched exactly",
    },
    ops: [
      {
        op: 'CONCATENATION',
        inputs: [t('ca', 'uint8', [2, 3], q(0.1, 128)), t('cb', 'uint8', [2, 2], q(0.07, 100))],
        outputs: [t('tc', 'uint8', [2, 5], q(0.12, 120))],
        options: { axis: 1 },
      },
      {
        op: 'PAD',
        inputs: [t('pa', 'uint8', [2, 3], q(0.1, 77)), i32('pd', [1, 0, 0, 2], [2, 2])],
        outputs: [t('tp', 'uint8', [3, 5], q(0.1, 77))],
      },
      {
        op: 'QUANTIZE',
        inputs: [t('qa', 'float32', [64])],
        outputs: [t('tqa', 'int8', [64], q(0.0078125, -1))],
      },
      {
        op: 'QUANTIZE',
        inputs: [t('qb', 'float32', [64])],
        outputs: [t('tqb', 'uint8', [64], q(0.01, 128))],
      },
      {
        op: 'QUANTIZE',
        inputs: [t('qc', 'float32', [64])],
        outputs: [t('tqc', 'int16', [64], q(3.0517578125e-5, 0))],
      },
      {
        op: 'QUANTIZE',
        inputs: [t('qd', 'int8', [64], q(0.05, 3))],
        outputs: [t('tqd', 'uint8', [64], q(0.05, 131))],
      },
      {
        op: 'QUANTIZE',
        inputs: [t('qe', 'uint8', [64], q(0.02, 128))],
        outputs: [t('tqe', 'int8', [64], q(0.03, -5))],
      },
      {
        op: 'QUANTIZE',
        inputs: [t('qf', 'int8', [64], q(0.05, 3))],
        outputs: [t('tqf', 'int8', [64], q(0.037, -7))],
      },
      {
        op: 'QUANTIZE',
        inputs: [t('qg', 'int16', [64], q(0.001, 0))],
        outputs: [t('tqg', 'int8', [64], q(0.1, 2))],
      },
      { op: 'DEQUANTIZE', inputs: [t('da', 'int8', [64], q(0.05, 3))], outputs: [t('tda', 'float32', [64])] },
      {
        op: 'DEQUANTIZE',
        inputs: [t('db', 'uint8', [64], q(0.1, 128))],
        outputs: [t('tdb', 'float32', [64])],
      },
      {
        op: 'RESIZE_BILINEAR',
        inputs: [t('ra', 'int8', [1, 6, 6, 8], q(0.05, 3)), i32('sz', [12, 12])],
        outputs: [t('tra', 'int8', [1, 12, 12, 8], q(0.05, 3))],
        options: { halfPixelCenters: true },
      },
      {
        op: 'RESIZE_BILINEAR',
        inputs: [t('rb', 'int8', [1, 5, 3, 4], q(0.05, 3)), i32('sz', [7, 8])],
        outputs: [t('trb', 'int8', [1, 7, 8, 4], q(0.05, 3))],
      },
      {
        op: 'RESIZE_BILINEAR',
        inputs: [t('rc', 'uint8', [1, 5, 3, 4], q(0.05, 128)), i32('sz', [9, 2])],
        outputs: [t('trc', 'uint8', [1, 9, 2, 4], q(0.05, 128))],
        options: { alignCorners: true },
      },
      {
        op: 'MEAN',
        inputs: [t('ma', 'int8', [1, 7, 7, 16], q(0.02, -3)), i32('ax', [1, 2])],
        outputs: [t('tma', 'int8', [1, 1, 1, 16], q(0.01, 5))],
        options: { keepDims: true },
      },
      {
        op: 'MEAN',
        inputs: [t('mb', 'uint8', [4, 5, 6], q(0.02, 128)), i32('ax', [0, 2])],
        outputs: [t('tmb', 'uint8', [5], q(0.03, 120))],
      },
      {
        op: 'SUM',
        inputs: [t('sa', 'int8', [3, 8], q(0.02, 1)), i32('ax', [1])],
        outputs: [t('tsa', 'int8', [3], q(0.2, -1))],
      },
      {
        op: 'REDUCE_MAX',
        inputs: [t('xa', 'int8', [3, 8], q(0.02, 1)), i32('ax', [0])],
        outputs: [t('txa', 'int8', [8], q(0.02, 1))],
      },
      {
        op: 'ARG_MAX',
        inputs: [t('aa', 'int8', [1, 50, 17], q(0.02, 1)), i32('ax', [1], [])],
        outputs: [t('taa', 'int32', [1, 17])],
        options: { outputType: 2 },
      },
    ],
  },
  {
    name: 'float numerics',
    intTol: 0,
    floatRtol: 1e-5,
    ops: [
      {
        op: 'RESIZE_BILINEAR',
        inputs: [t('ra', 'float32', [1, 1, 1, 8]), i32('sz', [5, 5])],
        outputs: [t('tra', 'float32', [1, 5, 5, 8])],
      },
      {
        op: 'RESIZE_BILINEAR',
        inputs: [t('rb', 'float32', [1, 5, 5, 3]), i32('sz', [17, 17])],
        outputs: [t('trb', 'float32', [1, 17, 17, 3])],
        options: { alignCorners: true },
      },
      {
        op: 'RESIZE_BILINEAR',
        inputs: [t('rc', 'float32', [2, 4, 3, 3]), i32('sz', [8, 7])],
        outputs: [t('trc', 'float32', [2, 8, 7, 3])],
        options: { halfPixelCenters: true },
      },
      {
        op: 'MEAN',
        inputs: [t('ma', 'float32', [1, 16, 4]), i32('ax', [-1], [])],
        outputs: [t('tma', 'float32', [1, 16])],
      },
      {
        op: 'MEAN',
        inputs: [t('mb', 'float32', [2, 7, 7, 5]), i32('ax', [1, 2])],
        outputs: [t('tmb', 'float32', [2, 1, 1, 5])],
        options: { keepDims: true },
      },
      {
        op: 'SUM',
        inputs: [t('sa', 'float32', [3, 4, 5]), i32('ax', [0, 2])],
        outputs: [t('tsa', 'float32', [4])],
      },
      {
        op: 'REDUCE_PROD',
        inputs: [t('pa', 'float32', [3, 4]), i32('ax', [1])],
        outputs: [t('tpa', 'float32', [3])],
      },
      {
        op: 'REDUCE_MIN',
        inputs: [t('na', 'float32', [3, 4]), i32('ax', [0])],
        outputs: [t('tna', 'float32', [4])],
      },
      {
        op: 'ARG_MIN',
        inputs: [t('aa', 'float32', [4, 6]), i32('ax', [0], [])],
        outputs: [t('taa', 'int64', [6])],
        options: { outputType: 4 },
      },
      {
        op: 'CUMSUM',
        inputs: [t('cs', 'float32', [3, 5]), i32('ax', [1], [])],
        outputs: [t('tcs', 'float32', [3, 5])],
        options: { exclusive: true, reverse: true },
      },
      { op: 'CAST', inputs: [t('c1', 'float32', [16])], outputs: [t('tc1', 'int32', [16])] },
      { op: 'CAST', inputs: [t('c2', 'int32', [16])], outputs: [t('tc2', 'float32', [16])] },
      { op: 'CAST', inputs: [t('c3', 'uint8', [16])], outputs: [t('tc3', 'float32', [16])] },
      { op: 'CAST', inputs: [t('c4', 'int16', [16])], outputs: [t('tc4', 'int32', [16])] },
    ],
  },
];

/** Seeded inputs for the model's inputs (floats scaled so CASTs and products stay in range). */
function feedsFor(ops: OpCase[], seed: number): TypedArray[] {
  const feeds: TypedArray[] = [];
  let k = 0;
  for (const c of ops) {
    for (const s of c.inputs) {
      if (!s || s.data) continue;
      feeds.push(randomData(s.dtype, count(s.shape), seed * 100 + k++, -3, 3));
    }
  }
  return feeds;
}

const bytesOf = (a: TypedArray) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const RUNTIMES: PeerRuntime[] = ['litert', 'tfjs-tflite'];

describe.skipIf(!peersAvailable('node'))('tensor and reduce kernels vs LiteRT.js and tfjs-tflite', () => {
  beforeAll(async () => {
    await ensurePeersHarness();
  });
  for (const g of GROUPS) {
    it(`${g.name}`, async () => {
      const model = buildModel(g.ops);
      const path = writeTemp(model, g.name.replace(/\W+/g, '_'));
      const feeds = feedsFor(g.ops, 3);
      const ours = runModel(model, feeds);
      const names = g.ops.flatMap((c) => c.outputs.map((o) => `${c.op}:${o.name}`));
      // LiteRT allocates outputs from the declared shapes: they must be what the kernels compute.
      const declared = g.ops.flatMap((c) => c.outputs.map((o) => [...o.shape]));
      ours.forEach((o, i) => expect(o.shape, names[i]).toEqual(declared[i]));
      const outDtypes = g.ops.flatMap((c) => c.outputs.map((o) => o.dtype));
      const outNames = g.ops.flatMap((c) => c.outputs.map((o) => o.name));
      const problems: string[] = [];
      for (const runtime of RUNTIMES) {
        const r = await runPeer({ runtime, model: path, inputs: feeds.map(bytesOf) });
        expect(r.outputs.length).toBe(ours.length);
        r.outputs.forEach((o, i) => {
          const mine = ours[i]!;
          expect(o.shape, `${runtime} ${names[i]} shape`).toEqual(mine.shape);
          const dtype = outDtypes[i]!;
          if (o.dtype === 'unknown') return; // tfjs-tflite cannot return int64 outputs
          if (runtime === 'litert' && g.litertSkip?.[outNames[i]!]) return;
          if (runtime === 'tfjs-tflite' && g.tfjsSkip?.[outNames[i]!]) return;
          if (!['float32', 'int8', 'uint8', 'int16', 'int32'].includes(dtype)) {
            if (Buffer.compare(bytesOf(mine.data), o.data) !== 0)
              problems.push(`${runtime} ${names[i]}: bytes differ`);
            return;
          }
          const isFloat = dtype === 'float32';
          const c = compareTensors(bytesOf(mine.data), o.data, {
            dtype: dtype as 'float32',
            ...(isFloat
              ? { rtol: g.floatRtol, atol: 1e-6 }
              : {
                  maxUlpDiff:
                    g.intTolByOutput?.[outNames[i]!]?.[runtime === 'litert' ? 'litert' : 'tfjs'] ?? g.intTol,
                }),
            name: names[i]!,
            shape: mine.shape,
          });
          if (!c.ok) problems.push(`${runtime} ${names[i]}: ${JSON.stringify(c).slice(0, 300)}`);
        });
      }
      expect(problems).toEqual([]);
    }, 120_000);
  }
});
