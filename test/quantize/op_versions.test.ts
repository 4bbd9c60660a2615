/**
 * Op versions: opVersion gives the versions TFLite's converter wrote in real quantized models
 * (read from the fixtures' operator codes, with each op's signature taken from its tensors), and
 * the table's hybrid / float16 / 16x8 rules.
 */
import { describe, expect, it } from 'vitest';
import { readModel } from '../../src/format/model_reader.js';
import { builtinOpName } from '../../src/ir/builtin_ops.js';
import { dtypeFromCode } from '../../src/ir/dtype.js';
import { makeOptions } from '../../src/ir/builtin_options.js';
import { opVersion } from '../../src/quantize/op_versions.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';

/** TFLite-converted full-integer models (MLIR converter, per-channel int8). */
const CONVERTED = [
  'models/classification/visual_wake_words/vww_96_int8.tflite',
  'models/classification/cifar10_resnet8/pretrainedResnet_quant.tflite',
  'models/classification/tf2_mobilenet_v2_1.0_224_ptq.tflite',
];

describe.skipIf(!HAVE_FIXTURES)('opVersion reproduces the converter', () => {
  for (const rel of CONVERTED) {
    it(rel, () => {
      const m = readModel(readFixture(rel));
      const sg = m.subgraphs[0]!;
      const seen = new Set<string>();
      for (const op of sg.operators) {
        const code = m.operatorCodes[op.opcodeIndex]!;
        const name = builtinOpName(code.builtinCode);
        const w = op.inputs[1] ?? -1;
        const v = opVersion({
          op: name,
          inputs: op.inputs.map((t) => (t < 0 ? undefined : dtypeFromCode(sg.tensors[t]!.type))),
          outputs: op.outputs.map((t) => dtypeFromCode(sg.tensors[t]!.type)!),
          ...(op.builtinOptions ? { options: op.builtinOptions } : {}),
          perChannel: w >= 0 && (sg.tensors[w]!.quantization?.scale?.length ?? 0) > 1,
          inputRank: sg.tensors[op.inputs[0]!]!.shape.length,
        });
        expect(`${name} v${v}`).toBe(`${name} v${code.version}`);
        seen.add(name);
      }
      expect(seen.size).toBeGreaterThanOrEqual(5);
    });
  }
});

describe('opVersion rules', () => {
  const conv = makeOptions('Conv2DOptions', {});
  it('hybrid conv / depthwise / fully connected', () => {
    const hybrid = { inputs: ['float32', 'int8', 'float32'] as const, outputs: ['float32'] as const };
    expect(opVersion({ op: 'CONV_2D', ...hybrid, options: conv, perChannel: true })).toBe(5);
    expect(opVersion({ op: 'CONV_2D', ...hybrid, options: conv, perChannel: false })).toBe(2);
    expect(opVersion({ op: 'DEPTHWISE_CONV_2D', ...hybrid, perChannel: true })).toBe(6);
    expect(opVersion({ op: 'DEPTHWISE_CONV_2D', ...hybrid, perChannel: false })).toBe(4);
    const fc = (asym: boolean) => makeOptions('FullyConnectedOptions', { asymmetricQuantizeInputs: asym });
    expect(opVersion({ op: 'FULLY_CONNECTED', ...hybrid, options: fc(true) })).toBe(9);
    expect(opVersion({ op: 'FULLY_CONNECTED', ...hybrid, options: fc(false) })).toBe(3);
  });

  it('float16 dequantize, int16 quantize, 16x8 ops', () => {
    expect(opVersion({ op: 'DEQUANTIZE', inputs: ['float16'], outputs: ['float32'] })).toBe(3);
    expect(opVersion({ op: 'DEQUANTIZE', inputs: ['int8'], outputs: ['float32'] })).toBe(2);
    expect(opVersion({ op: 'QUANTIZE', inputs: ['float32'], outputs: ['int16'] })).toBe(2);
    expect(opVersion({ op: 'QUANTIZE', inputs: ['float32'], outputs: ['int8'] })).toBe(1);
    const add = makeOptions('AddOptions', { potScaleInt16: false });
    expect(opVersion({ op: 'ADD', inputs: ['int16', 'int16'], outputs: ['int16'], options: add })).toBe(3);
    expect(opVersion({ op: 'SOFTMAX', inputs: ['int16'], outputs: ['int16'] })).toBe(3);
    expect(opVersion({ op: 'FULLY_CONNECTED', inputs: ['int16', 'int8', 'int64'], outputs: ['int16'] })).toBe(
      7,
    );
  });

  it('dilated float depthwise stays version 2, int8 depthwise is 3 either way', () => {
    const dil = makeOptions('DepthwiseConv2DOptions', { dilationWFactor: 2, dilationHFactor: 2 });
    expect(
      opVersion({
        op: 'DEPTHWISE_CONV_2D',
        inputs: ['float32', 'float32'],
        outputs: ['float32'],
        options: dil,
      }),
    ).toBe(2);
    expect(
      opVersion({
        op: 'DEPTHWISE_CONV_2D',
        inputs: ['int8', 'int8', 'int32'],
        outputs: ['int8'],
        options: dil,
      }),
    ).toBe(3);
  });
});
