import { describe, expect, it } from 'vitest';
import { LimitError, ModelFormatError } from '../../src/errors.js';
import { loadModel } from '../../src/format/load_model.js';
import { writeModel } from '../../src/format/model_writer.js';
import { verifyModel } from '../../src/format/verifier.js';
import { Activation, Padding, makeOptions } from '../../src/ir/builtin_options.js';
import type { Model } from '../../src/ir/model.js';
import { HAVE_FIXTURES, allFixtureModels, readFixture } from '../support/fixtures.js';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import { f32, patternWeights } from './helpers/tensor_specs.js';

/** input -> CONV_2D -> RELU -> output, with constant weights and bias. */
function smallModel(): Model {
  const b = new ModelBuilder();
  const input = b.addTensor(f32('input', [1, 4, 4, 2]));
  const w = b.addTensor(patternWeights('w', [3, 1, 1, 2]));
  const bias = b.addTensor(patternWeights('bias', [3]));
  const conv = b.addTensor(f32('conv', [1, 4, 4, 3]));
  b.addOp({
    op: 'CONV_2D',
    inputs: [input, w, bias],
    outputs: [conv],
    options: makeOptions('Conv2DOptions', { padding: Padding.SAME, strideW: 1, strideH: 1 }),
  });
  const out = b.addTensor(f32('out', [1, 4, 4, 3]));
  b.addOp({ op: 'RELU', inputs: [conv], outputs: [out] });
  return b.setIO([input], [out]).build();
}

/** Writes the model with the real writer and loads the bytes back: the error a user would see. */
function loadBuilt(model: Model, options = {}): Model {
  return loadModel(writeModel(model), options);
}

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('verifyModel', () => {
  it('accepts a well-formed graph', () => {
    const m = loadBuilt(smallModel());
    expect(m.subgraphs[0]!.operators.length).toBe(2);
  });

  it('names an out-of-range buffer index by path', () => {
    const m = smallModel();
    m.subgraphs[0]!.tensors[1]!.buffer = 412;
    const e = errorOf(() => loadBuilt(m));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect((e as ModelFormatError).path).toBe('subgraphs[0].tensors[1].buffer');
    expect(e.message).toContain('subgraphs[0].tensors[1].buffer: 412 is out of range (3 buffers)');
  });

  it('rejects an operator that reads a tensor nobody writes', () => {
    const m = smallModel();
    const sg = m.subgraphs[0]!;
    sg.tensors.push({
      name: 'orphan',
      shape: [1, 4, 4, 3],
      type: 0,
      buffer: 0,
      isVariable: false,
      hasRank: true,
    });
    sg.operators[1]!.inputs = [sg.tensors.length - 1];
    const e = errorOf(() => loadBuilt(m));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(
      /subgraphs\[0\]\.operators\[1\]\.inputs\[0\]: tensor 5 \("orphan"\) is read but nothing writes it/,
    );
  });

  it('rejects a cycle (an input produced by a later operator)', () => {
    const b = new ModelBuilder();
    const input = b.addTensor(f32('input', [1, 4]));
    const a = b.addTensor(f32('a', [1, 4]));
    const c = b.addTensor(f32('c', [1, 4]));
    const add = makeOptions('AddOptions', { fusedActivationFunction: Activation.NONE });
    b.addOp({ op: 'ADD', inputs: [input, c], outputs: [a], options: add }); // reads c, produced by the next op
    b.addOp({ op: 'ADD', inputs: [a, input], outputs: [c], options: add }); // reads a: a cycle a -> c -> a
    const e = errorOf(() => loadBuilt(b.setIO([input], [c]).build()));
    expect(e).toBeInstanceOf(ModelFormatError);
    expect(e.message).toMatch(
      /operators\[0\]\.inputs\[1\]: tensor 2 \("c"\) is produced by a later operator \(operators\[1\]\): the graph has a cycle/,
    );
  });

  it('rejects a tensor written by two operators', () => {
    const m = smallModel();
    m.subgraphs[0]!.operators[1]!.outputs = [3];
    expect(() => verifyModel(m)).toThrow(
      /outputs\[0\]: tensor 3 \("conv"\) is already written by operators\[0\]/,
    );
  });

  it('rejects a subgraph output nobody produces', () => {
    const m = smallModel();
    const sg = m.subgraphs[0]!;
    sg.tensors.push({ name: 'ghost', shape: [1], type: 0, buffer: 0, isVariable: false, hasRank: true });
    sg.outputs.push(sg.tensors.length - 1);
    expect(() => loadBuilt(m)).toThrow(
      /subgraphs\[0\]\.outputs\[1\]: tensor 5 \("ghost"\) is a subgraph output but nothing produces it/,
    );
  });

  it('accepts variable tensors and optional (-1) inputs', () => {
    const m = smallModel();
    const sg = m.subgraphs[0]!;
    sg.operators[0]!.inputs[2] = -1;
    sg.tensors.push({
      name: 'state',
      shape: [1, 4, 4, 3],
      type: 0,
      buffer: 0,
      isVariable: true,
      hasRank: true,
    });
    sg.operators[1]!.inputs = [3];
    const add = sg.tensors.length;
    sg.tensors.push({
      name: 'sum',
      shape: [1, 4, 4, 3],
      type: 0,
      buffer: 0,
      isVariable: false,
      hasRank: true,
    });
    m.operatorCodes.push({ builtinCode: 0, deprecatedBuiltinCode: 0, version: 1 });
    sg.operators.push({
      opcodeIndex: 2,
      inputs: [4, add - 1],
      outputs: [add],
      customOptionsFormat: 0,
      largeCustomOptionsOffset: 0n,
      largeCustomOptionsSize: 0n,
    });
    expect(() => loadBuilt(m)).not.toThrow();
  });

  it('checks index ranges of operators, subgraphs and signatures', () => {
    const cases: [string, (m: Model) => void, RegExp][] = [
      [
        'opcode',
        (m) => (m.subgraphs[0]!.operators[0]!.opcodeIndex = 9),
        /operators\[0\]\.opcode_index: 9 is out of range \(2 operator codes\)/,
      ],
      [
        'op input',
        (m) => (m.subgraphs[0]!.operators[0]!.inputs[0] = 99),
        /operators\[0\]\.inputs\[0\]: 99 is out of range \(5 tensors\)/,
      ],
      [
        'op output -1',
        (m) => (m.subgraphs[0]!.operators[1]!.outputs[0] = -1),
        /operators\[1\]\.outputs\[0\]: -1 is out of range/,
      ],
      [
        'intermediate',
        (m) => (m.subgraphs[0]!.operators[1]!.intermediates = [7]),
        /operators\[1\]\.intermediates\[0\]: 7 is out of range/,
      ],
      ['sg input', (m) => (m.subgraphs[0]!.inputs = [-1]), /subgraphs\[0\]\.inputs\[0\]: -1 is out of range/],
      [
        'sg output',
        (m) => (m.subgraphs[0]!.outputs = [5]),
        /subgraphs\[0\]\.outputs\[0\]: 5 is out of range/,
      ],
      [
        'metadata buffer',
        (m) => (m.metadataBuffer = [0, 77]),
        /metadata_buffer\[1\]: 77 is out of range \(3 buffers\)/,
      ],
      [
        'metadata entry',
        (m) => (m.metadata = [{ name: 'min_runtime_version', buffer: 3 }]),
        /metadata\[0\]\.buffer: 3 is out of range/,
      ],
      [
        'signature subgraph',
        (m) => (m.signatureDefs = [{ signatureKey: 's', subgraphIndex: 1, inputs: [], outputs: [] }]),
        /signature_defs\[0\]\.subgraph_index: 1 is out of range \(1 subgraphs\)/,
      ],
      [
        'signature tensor',
        (m) =>
          (m.signatureDefs = [
            {
              signatureKey: 's',
              subgraphIndex: 0,
              inputs: [{ name: 'x', tensorIndex: 0 }],
              outputs: [{ name: 'y', tensorIndex: 40 }],
            },
          ]),
        /signature_defs\[0\]\.outputs\[0\]\.tensor_index: 40 is out of range/,
      ],
      ['version', (m) => (m.version = 2), /version: schema version 2 is not supported/],
      ['no subgraph', (m) => (m.subgraphs = []), /subgraphs: the model has no subgraph/],
    ];
    for (const [name, mutate, re] of cases) {
      const m = smallModel();
      mutate(m);
      const e = errorOf(() => loadBuilt(m));
      expect(e, name).toBeInstanceOf(ModelFormatError);
      expect(e.message, name).toMatch(re);
    }
  });

  it('checks tensor types, shapes, sizes and constant buffers', () => {
    const cases: [string, (m: Model) => void, RegExp][] = [
      [
        'type',
        (m) => (m.subgraphs[0]!.tensors[3]!.type = 42),
        /tensors\[3\]\.type: unknown TensorType code 42/,
      ],
      [
        'negative dim',
        (m) => (m.subgraphs[0]!.tensors[3]!.shape = [1, -4, 4, 3]),
        /tensors\[3\]\.shape\[1\]: dimension -4 is negative/,
      ],
      [
        'signature dim',
        (m) => (m.subgraphs[0]!.tensors[3]!.shapeSignature = [1, -2, 4, 3]),
        /tensors\[3\]\.shape_signature\[1\]: dimension -2 is invalid/,
      ],
      [
        'overflow',
        (m) => (m.subgraphs[0]!.tensors[3]!.shape = [2 ** 30, 2 ** 30, 2 ** 30, 3]),
        /tensors\[3\]\.shape: element count of shape .* overflows 2\^53/,
      ],
      [
        'buffer size',
        (m) => (m.subgraphs[0]!.tensors[1]!.shape = [3, 1, 1, 4]),
        /tensors\[1\]\.buffer: buffer 1 holds 24 bytes but tensor "w" of shape \[3, 1, 1, 4\] \(float32\) needs 48/,
      ],
    ];
    for (const [name, mutate, re] of cases) {
      const m = smallModel();
      mutate(m);
      const e = errorOf(() => loadBuilt(m));
      expect(e, name).toBeInstanceOf(ModelFormatError);
      expect(e.message, name).toMatch(re);
    }
  });

  it('gives a LimitError for a tensor over the configured size limit', () => {
    const m = smallModel();
    m.subgraphs[0]!.tensors[3]!.shape = [1, 1024, 1024, 1024]; // 4 GiB of float32
    const e = errorOf(() => loadBuilt(m));
    expect(e).toBeInstanceOf(LimitError);
    expect(e.message).toMatch(
      /subgraphs\[0\]\.tensors\[3\]: tensor "conv" .* needs 4294967296 bytes, over the limit of 2147483648/,
    );
    const small = smallModel();
    const e2 = errorOf(() => loadBuilt(small, { maxTensorBytes: 100 }));
    expect(e2).toBeInstanceOf(LimitError);
    expect(e2.message).toMatch(/tensors\[0\]: tensor "input" .* needs 128 bytes, over the limit of 100/);
    expect(() => loadBuilt(smallModel(), { maxTensorBytes: 192 })).not.toThrow();
  });

  it('checks quantization parameters against the shape', () => {
    const q = (scale: number[], zeroPoint: number[], quantizedDimension = 0) => ({
      scale,
      zeroPoint,
      quantizedDimension,
    });
    const cases: [string, (m: Model) => void, RegExp | null][] = [
      [
        'zp count',
        (m) => (m.subgraphs[0]!.tensors[0]!.quantization = q([0.1], [0, 0])),
        /tensors\[0\]\.quantization\.zero_point: 2 zero points for 1 scales/,
      ],
      [
        'axis count',
        (m) => (m.subgraphs[0]!.tensors[1]!.quantization = q([1, 2], [0, 0])),
        /tensors\[1\]\.quantization\.scale: 2 per-axis scales but dimension 0 has size 3/,
      ],
      [
        'axis rank',
        (m) => (m.subgraphs[0]!.tensors[1]!.quantization = q([1, 2, 3], [0, 0, 0], 4)),
        /quantized_dimension: 4 is not a dimension of the rank-4 tensor/,
      ],
      ['per-axis ok', (m) => (m.subgraphs[0]!.tensors[1]!.quantization = q([1, 2, 3], [0, 0, 0], 0)), null],
      ['bias quirk ok', (m) => (m.subgraphs[0]!.tensors[2]!.quantization = q([1, 2, 3], [0, 0, 0], 3)), null],
    ];
    for (const [name, mutate, re] of cases) {
      const m = smallModel();
      mutate(m);
      if (re === null) {
        expect(() => loadBuilt(m), name).not.toThrow();
        continue;
      }
      const e = errorOf(() => loadBuilt(m));
      expect(e, name).toBeInstanceOf(ModelFormatError);
      expect(e.message, name).toMatch(re);
    }
  });
});

describe.skipIf(!HAVE_FIXTURES)('every fixture model loads and verifies', () => {
  for (const rel of allFixtureModels()) {
    it(rel, () => {
      const model = loadModel(readFixture(rel));
      expect(model.subgraphs.length).toBeGreaterThan(0);
      expect(model.subgraphs[0]!.operators.length).toBeGreaterThan(0);
    });
  }
});
