import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/format/load_model.js';
import { writeModel } from '../../src/format/model_writer.js';
import { makeOptions } from '../../src/ir/builtin_options.js';
import { computeModelStats, operatorMacs } from '../../src/ir/model_stats.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';
import { buildMobileNetV1 } from './helpers/mobilenet.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import { f32, patternWeights } from './helpers/tensor_specs.js';

describe('multiply-accumulate counts', () => {
  it('MobileNet v1 1.0/224 built with the writer counts within 3% of the published 569 million', () => {
    const model = loadModel(writeModel(buildMobileNetV1(1.0)));
    const stats = computeModelStats(model);
    console.log(`MobileNet v1 1.0/224 (built): ${stats.macs} MACs, ${stats.parameters} parameters`);
    expect(Math.abs(stats.macs - 569e6) / 569e6).toBeLessThan(0.03);
    // The paper's 4.2 million parameters (ours include the 1001-way classifier and biases).
    expect(Math.abs(stats.parameters - 4.23e6) / 4.23e6).toBeLessThan(0.03);
    expect(stats.opHistogram).toEqual({
      CONV_2D: 15,
      DEPTHWISE_CONV_2D: 13,
      AVERAGE_POOL_2D: 1,
      RESHAPE: 1,
      SOFTMAX: 1,
    });
    expect(stats.weightBytesByDtype.float32).toBe(stats.weightBytes - 8);
    expect(stats.weightBytesByDtype.int32).toBe(8);
  });

  it('counts each op kind by its formula', () => {
    const b = new ModelBuilder();
    const x = b.addTensor(f32('x', [2, 8, 8, 3]));
    const c = b.addTensor(f32('conv', [2, 4, 4, 5]));
    b.addOp({
      op: 'CONV_2D',
      inputs: [x, b.addTensor(patternWeights('w', [5, 3, 3, 3])), -1],
      outputs: [c],
      options: makeOptions('Conv2DOptions', { strideW: 2, strideH: 2 }),
    });
    const d = b.addTensor(f32('dw', [2, 4, 4, 10]));
    b.addOp({
      op: 'DEPTHWISE_CONV_2D',
      inputs: [c, b.addTensor(patternWeights('dww', [1, 3, 3, 10])), -1],
      outputs: [d],
      options: makeOptions('DepthwiseConv2DOptions', { depthMultiplier: 2, strideW: 1, strideH: 1 }),
    });
    const flat = b.addTensor(f32('flat', [2, 160]));
    b.addOp({ op: 'RESHAPE', inputs: [d], outputs: [flat] });
    const fc = b.addTensor(f32('fc', [2, 7]));
    b.addOp({
      op: 'FULLY_CONNECTED',
      inputs: [flat, b.addTensor(patternWeights('fcw', [7, 160])), -1],
      outputs: [fc],
    });
    const m = b.addTensor(f32('m', [3, 4, 6]));
    const n = b.addTensor(f32('n', [3, 6, 5]));
    const mm = b.addTensor(f32('mm', [3, 4, 5]));
    b.addOp({
      op: 'BATCH_MATMUL',
      inputs: [m, n],
      outputs: [mm],
      options: makeOptions('BatchMatMulOptions', {}),
    });
    const mt = b.addTensor(f32('mt', [3, 6, 4]));
    const mm2 = b.addTensor(f32('mm2', [3, 4, 5]));
    b.addOp({
      op: 'BATCH_MATMUL',
      inputs: [mt, n],
      outputs: [mm2],
      options: makeOptions('BatchMatMulOptions', { adjX: true }),
    });
    const shape = b.addTensor({
      name: 'oshape',
      shape: [4],
      dtype: 'int32',
      data: new Int32Array([1, 8, 8, 4]),
    });
    const tin = b.addTensor(f32('tin', [1, 4, 4, 6]));
    const tc = b.addTensor(f32('tc', [1, 8, 8, 4]));
    b.addOp({
      op: 'TRANSPOSE_CONV',
      inputs: [shape, b.addTensor(patternWeights('tw', [4, 3, 3, 6])), tin],
      outputs: [tc],
      options: makeOptions('TransposeConvOptions', { strideW: 2, strideH: 2 }),
    });
    const model = b.setIO([x, m, n, mt, tin], [fc, mm, mm2, tc]).build();
    const sg = model.subgraphs[0]!;
    const macs = sg.operators.map((op) => operatorMacs(model, sg, op));
    expect(macs).toEqual([
      2 * 4 * 4 * 5 * 3 * 3 * 3, // conv
      2 * 4 * 4 * 10 * 3 * 3, // depthwise
      0, // reshape
      2 * 7 * 160, // fully connected
      3 * 4 * 5 * 6, // batch matmul
      3 * 4 * 5 * 6, // batch matmul, adj_x
      1 * 4 * 4 * 6 * 3 * 3 * 4, // transpose conv
    ]);
    const stats = computeModelStats(model);
    expect(stats.macs).toBe(macs.reduce((a, v) => a + v, 0));
    expect(stats.macsByOpType.BATCH_MATMUL).toBe(2 * 360);
    expect(stats.parameters).toBe(5 * 27 + 90 + 7 * 160 + 4 + 4 * 54);
  });
});

describe.skipIf(!HAVE_FIXTURES)('fixture model statistics', () => {
  it('MobileNet v1 0.25/224 quant: 31 ops, MACs within 3% of the published 41 million', () => {
    const model = loadModel(readFixture('models/classification/mobilenet_v1_0.25_224_quant.tflite'));
    const stats = computeModelStats(model);
    console.log(`MobileNet v1 0.25/224 quant: ${stats.macs} MACs, ${stats.parameters} parameters`);
    expect(Math.abs(stats.macs - 41e6) / 41e6).toBeLessThan(0.03);
    expect(stats.opHistogram).toEqual({
      CONV_2D: 15,
      DEPTHWISE_CONV_2D: 13,
      AVERAGE_POOL_2D: 1,
      RESHAPE: 1,
      SOFTMAX: 1,
    });
    expect(stats.subgraphs[0]!.macsPerOp.length).toBe(31);
    // 0.47 million parameters (published), uint8 weights and int32 biases.
    expect(Math.abs(stats.parameters - 0.47e6) / 0.47e6).toBeLessThan(0.03);
    expect(Object.keys(stats.weightBytesByDtype).sort()).toEqual(['int32', 'uint8']);
  });

  it('counts the SSD detector custom op by its custom code', () => {
    const stats = computeModelStats(
      loadModel(readFixture('models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite')),
    );
    expect(stats.opHistogram.TFLite_Detection_PostProcess).toBe(1);
    // Its backbone is MobileNet v1 at depth 0.75 on 300x300 input: the first conv makes
    // 150x150x24 outputs from 3x3x3 windows.
    expect(stats.subgraphs[0]!.macsPerOp[0]).toBe(150 * 150 * 24 * 27);
    expect(stats.macs).toBeGreaterThan(0.6e9);
    expect(stats.macs).toBeLessThan(0.9e9);
  });
});
