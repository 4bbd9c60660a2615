/**
 * The named rewrite rules on small working graphs: each fires where it must, leaves alone what
 * it must not touch, and keeps the model's output names.
 */
import { describe, expect, it } from 'vitest';
import { ConvGraph } from '../../src/convert/graph.js';
import {
  dropIdentity,
  foldBatchnorm,
  foldPadIntoConv,
  fuseActivation,
  runRewrites,
} from '../../src/convert/rewrites/index.js';
import { Padding } from '../../src/ir/builtin_options.js';

function convGraph(): { g: ConvGraph; conv: number } {
  const g = new ConvGraph();
  const x = g.addValue('x', [1, 4, 4, 2]);
  g.inputs = [x];
  const w = g.addConst('w', [3, 1, 1, 2], new Float32Array([1, 2, 3, 4, 5, 6]));
  const b = g.addConst('b', [3], new Float32Array([0.5, 0, -1]));
  const conv = g.op('CONV_2D', 'conv', [x, w, b], [1, 4, 4, 3], {
    padding: Padding.SAME,
    strideH: 1,
    strideW: 1,
  });
  return { g, conv };
}

describe('rewrite rules', () => {
  it('fold-batchnorm scales weights and bias per output channel', () => {
    const { g, conv } = convGraph();
    const s = g.addConst('s', [3], new Float32Array([2, 3, 4]));
    const t = g.addConst('t', [3], new Float32Array([1, 1, 1]));
    const m = g.op('MUL', 'bn/mul', [conv, s], [1, 4, 4, 3]);
    const y = g.op('ADD', 'bn', [m, t], [1, 4, 4, 3]);
    g.outputs = [y];
    expect(foldBatchnorm.apply(g)).toBe(1);
    expect(g.nodes.map((n) => n.op)).toEqual(['CONV_2D']);
    const node = g.nodes[0]!;
    expect(node.outputs).toEqual([y]);
    expect([...g.value(node.inputs[1]!).data!]).toEqual([2, 4, 9, 12, 20, 24]);
    expect([...g.value(node.inputs[2]!).data!]).toEqual([2, 1, -3]);
    // the original constants are untouched (they may be shared)
    expect([...g.value(1).data!]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('fold-batchnorm leaves a conv whose output is read twice', () => {
    const { g, conv } = convGraph();
    const s = g.addConst('s', [3], new Float32Array([2, 3, 4]));
    const m = g.op('MUL', 'mul', [conv, s], [1, 4, 4, 3]);
    const other = g.op('RELU', 'relu', [conv], [1, 4, 4, 3]);
    g.outputs = [m, other];
    expect(foldBatchnorm.apply(g)).toBe(0);
  });

  it('fuse-activation takes RELU6 into the conv and keeps the output value', () => {
    const { g, conv } = convGraph();
    const y = g.op('RELU6', 'relu6', [conv], [1, 4, 4, 3]);
    g.outputs = [y];
    expect(fuseActivation.apply(g)).toBe(1);
    expect(g.nodes).toHaveLength(1);
    expect(g.nodes[0]!.options['fusedActivationFunction']).toBe(3);
    expect(g.nodes[0]!.outputs).toEqual([y]);
  });

  it('fuse-activation does not fuse into CONCATENATION or a model output read elsewhere', () => {
    const g = new ConvGraph();
    const a = g.addValue('a', [1, 2]);
    const b = g.addValue('b', [1, 2]);
    g.inputs = [a, b];
    const c = g.op('CONCATENATION', 'cat', [a, b], [1, 4], { axis: 1 });
    const r = g.op('RELU', 'relu', [c], [1, 4]);
    const s = g.op('ADD', 'add', [a, b], [1, 2]);
    const r2 = g.op('RELU', 'relu2', [s], [1, 2]);
    g.outputs = [r, r2, s];
    expect(fuseActivation.apply(g)).toBe(0);
  });

  it('fold-pad-into-conv only when the pads equal SAME padding', () => {
    for (const [pads, folds] of [
      [[0, 0, 0, 1, 0, 1, 0, 0], 1],
      [[0, 0, 1, 0, 1, 0, 0, 0], 0],
    ] as const) {
      const g = new ConvGraph();
      const x = g.addValue('x', [1, 8, 8, 2]);
      g.inputs = [x];
      const p = g.op('PAD', 'pad', [x, g.addConst('p', [4, 2], Int32Array.from(pads))], [1, 9, 9, 2]);
      const w = g.addConst('w', [4, 3, 3, 2], new Float32Array(72));
      const b = g.addConst('b', [4], new Float32Array(4));
      const y = g.op('CONV_2D', 'conv', [p, w, b], [1, 4, 4, 4], {
        padding: Padding.VALID,
        strideH: 2,
        strideW: 2,
      });
      g.outputs = [y];
      expect(foldPadIntoConv.apply(g)).toBe(folds);
      if (folds) expect(g.nodes[0]!.options['padding']).toBe(Padding.SAME);
    }
  });

  it('drop-identity keeps the output name by letting the producer write it', () => {
    const { g, conv } = convGraph();
    const y = g.op('IDENTITY', 'dropout', [conv], [1, 4, 4, 3]);
    g.outputs = [y];
    const counts = runRewrites(g, [dropIdentity]);
    expect(counts).toEqual({ 'drop-identity': 1 });
    expect(g.nodes[0]!.outputs).toEqual([y]);
    expect(g.value(g.outputs[0]!).name).toBe('dropout');
  });

  it('runRewrites logs each rule that fired', () => {
    const { g, conv } = convGraph();
    const r = g.op('RELU', 'relu', [conv], [1, 4, 4, 3]);
    g.outputs = [g.op('IDENTITY', 'id', [r], [1, 4, 4, 3])];
    const lines: string[] = [];
    runRewrites(g, undefined, (l) => lines.push(l));
    expect(lines).toEqual(['rewrite drop-identity: 1', 'rewrite fuse-activation: 1']);
  });
});
