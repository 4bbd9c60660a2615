/**
 * Graph models: hand-written GraphDefs in tfjs's JSON form (the shape tensorflowjs_converter
 * emits), loaded by tfjs for the reference output and converted by us. Between them they use
 * every TF op the front end maps.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type InMemoryModel, convert } from '../../src/convert/index.js';
import { ConversionError } from '../../src/errors.js';
import type { GraphNodeJson, WeightSpec } from '../../src/convert/tfjs_format.js';
import { peersAvailable } from '../support/peers.js';
import { parity, randomFloats, runLiteRT, runOurs } from './helpers.js';

const b64 = (s: string) => btoa(s);
const ints = (...v: number[]) => ({ list: { i: v.map(String) } });
const T = { T: { type: 'DT_FLOAT' } };

/** Builds a GraphDef with its weights: consts are declared with data, nodes as [name, op, inputs, attrs]. */
class GraphBuilder {
  nodes: GraphNodeJson[] = [];
  specs: WeightSpec[] = [];
  data: number[][] = [];
  private seed = 100;
  input(name: string, shape: number[]): string {
    this.nodes.push({
      name,
      op: 'Placeholder',
      attr: {
        dtype: { type: 'DT_FLOAT' },
        shape: { shape: { dim: shape.map((size) => ({ size: String(size) })) } },
      },
    });
    return name;
  }
  const(name: string, shape: number[], values?: number[], dtype: 'float32' | 'int32' = 'float32'): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const v = values ?? [...randomFloats(n, -0.5, 0.5, this.seed++)];
    this.nodes.push({
      name,
      op: 'Const',
      attr: {
        value: {
          tensor: {
            dtype: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT',
            tensorShape: { dim: shape.map((size) => ({ size: String(size) })) },
          },
        },
        dtype: { type: dtype === 'int32' ? 'DT_INT32' : 'DT_FLOAT' },
      },
    });
    this.specs.push({ name, shape, dtype });
    this.data.push(v);
    return name;
  }
  op(name: string, op: string, input: string[], attr: GraphNodeJson['attr'] = {}): string {
    this.nodes.push({ name, op, input, attr: { ...T, ...attr } });
    return name;
  }
  model(outputs: string[]): InMemoryModel {
    const bytes = this.specs.map((s, i) =>
      s.dtype === 'int32'
        ? new Uint8Array(Int32Array.from(this.data[i]!).buffer)
        : new Uint8Array(Float32Array.from(this.data[i]!).buffer),
    );
    const total = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
    let o = 0;
    for (const b of bytes) {
      total.set(b, o);
      o += b.byteLength;
    }
    return {
      modelJson: {
        format: 'graph-model',
        modelTopology: { node: this.nodes, versions: { producer: 1 } },
        weightsManifest: [{ paths: ['w.bin'], weights: this.specs }],
        userDefinedMetadata: {
          signature: { outputs: Object.fromEntries(outputs.map((n) => [`${n}:0`, {}])) },
        },
      },
      weights: total,
    };
  }
}

async function tfjsReference(m: InMemoryModel, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const g = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: m.modelJson.modelTopology as object,
      weightSpecs: m.modelJson.weightsManifest![0]!.weights as tf.io.WeightsManifestEntry[],
      weightData: (m.weights as Uint8Array).slice().buffer,
      format: 'graph-model',
    }),
  );
  const out = tf.tidy(() => Float32Array.from((g.predict(tf.tensor(x, shape)) as tf.Tensor).dataSync()));
  g.dispose();
  return out;
}

const havePeers = peersAvailable('node');

describe('convert: tfjs graph models', () => {
  it('plain TF ops: Mul, Sub, Pad, Conv2D, BiasAdd, Relu6, DepthwiseConv2dNative, Elu, AvgPool, ResizeBilinear, Transpose, Sigmoid, Tanh, ConcatV2, MaxPool, Mean, Squeeze, MatMul, RealDiv, Reshape, Relu, Softmax, Identity', async () => {
    const g = new GraphBuilder();
    const x = g.input('image', [-1, 8, 8, 3]);
    let h = g.op('scale', 'Mul', [x, g.const('k_scale', [], [2])]);
    h = g.op('shift', 'Sub', [h, g.const('k_shift', [], [1])]);
    h = g.op('pad', 'Pad', [h, g.const('paddings', [4, 2], [0, 0, 1, 1, 1, 1, 0, 0], 'int32')]);
    h = g.op('conv', 'Conv2D', [h, g.const('conv_w', [3, 3, 3, 4])], {
      strides: ints(1, 1, 1, 1),
      padding: { s: b64('VALID') },
      data_format: { s: b64('NHWC') },
      dilations: ints(1, 1, 1, 1),
    });
    h = g.op('bias', 'BiasAdd', [h, g.const('conv_b', [4])]);
    h = g.op('relu6', 'Relu6', [h]);
    h = g.op('dw', 'DepthwiseConv2dNative', [h, g.const('dw_w', [3, 3, 4, 1])], {
      strides: ints(1, 2, 2, 1),
      padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') },
      dilations: ints(1, 1, 1, 1),
    });
    h = g.op('elu', 'Elu', [h]);
    h = g.op('avg', 'AvgPool', [h], {
      ksize: ints(1, 2, 2, 1),
      strides: ints(1, 1, 1, 1),
      padding: { s: b64('VALID') },
      data_format: { s: b64('NHWC') },
    });
    h = g.op('resize', 'ResizeBilinear', [h, g.const('size', [2], [6, 6], 'int32')], {
      align_corners: { b: false },
      half_pixel_centers: { b: true },
    });
    h = g.op('transpose', 'Transpose', [h, g.const('perm', [4], [0, 2, 1, 3], 'int32')]);
    const s = g.op('sigmoid', 'Sigmoid', [h]);
    const t = g.op('tanh', 'Tanh', [h]);
    h = g.op('concat', 'ConcatV2', [s, t, h, g.const('axis', [], [3], 'int32')], { N: { i: '3' } });
    h = g.op('max', 'MaxPool', [h], {
      ksize: ints(1, 2, 2, 1),
      strides: ints(1, 2, 2, 1),
      padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') },
    });
    h = g.op('mean', 'Mean', [h, g.const('axes', [2], [1, 2], 'int32')], { keep_dims: { b: true } });
    h = g.op('squeeze', 'Squeeze', [h], { squeeze_dims: ints(1, 2) });
    h = g.op('matmul', 'MatMul', [h, g.const('fc_w', [12, 5])], {
      transpose_a: { b: false },
      transpose_b: { b: false },
    });
    h = g.op('div', 'RealDiv', [h, g.const('k_div', [], [0.5])]);
    h = g.op('reshape', 'Reshape', [h, g.const('shape', [2], [-1, 5], 'int32')]);
    h = g.op('relu', 'Relu', [h]);
    h = g.op('softmax', 'Softmax', [h]);
    h = g.op('Identity', 'Identity', [h]);
    const m = g.model([h]);
    const input = randomFloats(8 * 8 * 3, 0, 1, 3);
    const ref = await tfjsReference(m, input, [1, 8, 8, 3]);
    const r = await convert(m);
    expect(r.report.kind).toBe('graph');
    // pad 1 on each side before a 3x3 stride-1 VALID conv is exactly SAME padding
    expect(r.report.rewrites['fold-pad-into-conv']).toBe(1);
    expect(r.report.rewrites['fold-batchnorm']).toBe(1); // the BiasAdd
    expect(r.report.rewrites['fuse-activation']).toBeGreaterThanOrEqual(1);
    const ours = parity(runOurs(r.bytes, [input])[0]!, ref);
    expect(ours.ok, `ours max rel ${ours.maxRel}`).toBe(true);
    if (havePeers) {
      const p = parity((await runLiteRT(r.bytes, [input]))[0]!, ref);
      expect(p.ok, `peer max rel ${p.maxRel}`).toBe(true);
    }
  });

  it('tfjs-converter fused ops: _FusedConv2D, FusedDepthwiseConv2dNative, _FusedMatMul (transpose_b), Add', async () => {
    const g = new GraphBuilder();
    const x = g.input('image', [-1, 6, 6, 2]);
    const fused = (ops: string[]) => ({ list: { s: ops.map(b64) } });
    const conv = {
      strides: ints(1, 1, 1, 1),
      padding: { s: b64('SAME') },
      data_format: { s: b64('NHWC') },
      dilations: ints(1, 1, 1, 1),
    };
    let h = g.op('c1', '_FusedConv2D', [x, g.const('c1_w', [3, 3, 2, 4]), g.const('c1_b', [4])], {
      ...conv,
      fused_ops: fused(['BiasAdd', 'Relu']),
      num_args: { i: '1' },
    });
    const d = g.op(
      'd1',
      'FusedDepthwiseConv2dNative',
      [h, g.const('d1_w', [3, 3, 4, 1]), g.const('d1_b', [4])],
      {
        ...conv,
        fused_ops: fused(['BiasAdd', 'Relu6']),
        num_args: { i: '1' },
      },
    );
    h = g.op('res', 'Add', [h, d]);
    h = g.op('flat', 'Reshape', [h, g.const('flat_shape', [2], [1, 144], 'int32')]);
    h = g.op('fc', '_FusedMatMul', [h, g.const('fc_w', [3, 144]), g.const('fc_b', [3])], {
      transpose_a: { b: false },
      transpose_b: { b: true },
      fused_ops: fused(['BiasAdd', 'Relu']),
      num_args: { i: '1' },
    });
    const m = g.model([h]);
    const input = randomFloats(6 * 6 * 2, -1, 1, 8);
    const ref = await tfjsReference(m, input, [1, 6, 6, 2]);
    const r = await convert(m);
    expect(r.report.ops).toEqual({
      CONV_2D: 1,
      DEPTHWISE_CONV_2D: 1,
      ADD: 1,
      RESHAPE: 1,
      FULLY_CONNECTED: 1,
    });
    expect(r.report.rewrites['fold-batchnorm']).toBe(3);
    expect(r.report.rewrites['fuse-activation']).toBe(3);
    const ours = parity(runOurs(r.bytes, [input])[0]!, ref);
    expect(ours.ok, `ours max rel ${ours.maxRel}`).toBe(true);
    if (havePeers) {
      const p = parity((await runLiteRT(r.bytes, [input]))[0]!, ref);
      expect(p.ok, `peer max rel ${p.maxRel}`).toBe(true);
    }
  });

  it('unsupported ops: one error naming all of them', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', [-1, 4]);
    const a = g.op('my_floor', 'Floor', [x]);
    const b = g.op('my_cumsum', 'Cumsum', [a, g.const('ax', [], [1], 'int32')]);
    const err = await convert(g.model([b])).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConversionError);
    expect((err as Error).message).toMatch(/^2 unsupported ops: my_floor \(Floor\), my_cumsum \(Cumsum\)\./);
  });
});
