/**
 * Shape ops: SHAPE and RANK (and their folding at prepare time), RESHAPE (-1, options, int32 and
 * int64 shape inputs, dynamic shapes), SQUEEZE, EXPAND_DIMS (negative and dynamic axes), and the
 * runtime's aliasing of RESHAPE/SQUEEZE/EXPAND_DIMS outputs with their inputs (no copy when they
 * share memory, a copy when they cannot).
 */
import { describe, expect, it } from 'vitest';
import type { DType } from '../../../src/ir/dtype.js';
import { ModelBuilder } from '../../../src/ir/model_builder.js';
import { createBuiltinRegistry } from '../../../src/kernels/builtin_registry.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { SubgraphExecutor } from '../../../src/runtime/subgraph_executor.js';
import { MOVE_DTYPES, i32, randomData, runOp, spec, toNumbers } from '../tensor/op_harness.js';

describe('SHAPE and RANK', () => {
  it('give the input dims (int32 and int64) for ranks 0..6', () => {
    for (const shape of [[], [3], [2, 0], [1, 2, 3, 4, 5, 6]]) {
      for (const out of ['int32', 'int64'] as DType[]) {
        const [s] = runOp(
          {
            op: 'SHAPE',
            inputs: [spec('x', 'float32', shape)],
            outputs: [{ name: 'y', dtype: out, shape: [shape.length] }],
            options: { outType: out === 'int32' ? 2 : 4 },
          },
          [new Float32Array(shape.reduce((a, d) => a * d, 1))],
        );
        expect(s!.shape).toEqual([shape.length]);
        expect(toNumbers(s!.data)).toEqual(shape);
        const [r] = runOp(
          {
            op: 'RANK',
            inputs: [spec('x', 'float32', shape)],
            outputs: [{ name: 'y', dtype: out, shape: [] }],
          },
          [new Float32Array(shape.reduce((a, d) => a * d, 1))],
        );
        expect(r!.shape).toEqual([]);
        expect(toNumbers(r!.data)).toEqual([shape.length]);
      }
    }
  });

  it('folds SHAPE at prepare time, so a RESHAPE fed by it has a static shape', () => {
    // x [2, 3, 4] -> SHAPE -> RESHAPE(t [24], shape) -> y: y gets x's shape back.
    const b = new ModelBuilder();
    const x = b.addTensor({ name: 'x', dtype: 'float32', shape: [2, 3, 4] });
    const t = b.addTensor({ name: 't', dtype: 'float32', shape: [24] });
    const s = b.addTensor({ name: 's', dtype: 'int32', shape: [3] });
    const y = b.addTensor({ name: 'y', dtype: 'float32', shape: [2, 3, 4] });
    b.addOp({ op: 'SHAPE', inputs: [x], outputs: [s], options: { outType: 2 } });
    b.addOp({ op: 'RESHAPE', inputs: [t, s], outputs: [y] });
    b.setIO([x, t], [y]);
    const it = new Interpreter(b.build(), { profile: true });
    it.allocateTensors();
    it.input(0).set(new Float32Array(24));
    const v = Float32Array.from({ length: 24 }, (_, i) => i);
    it.input(1).set(v);
    it.invoke();
    expect(it.profile().map((p) => p.folded)).toEqual([true, false]);
    expect(it.output(0).shape).toEqual([2, 3, 4]);
    expect(Array.from(it.output(0).data as Float32Array)).toEqual(Array.from(v));
  });
});

describe('RESHAPE, SQUEEZE, EXPAND_DIMS', () => {
  it('RESHAPE resolves -1 from the shape input, int64 shapes, options and dynamic shapes', () => {
    for (const dtype of MOVE_DTYPES) {
      const x = randomData(dtype, 24, 1);
      const a = runOp(
        {
          op: 'RESHAPE',
          inputs: [spec('x', dtype, [2, 3, 4]), i32('s', [4, -1])],
          outputs: [spec('y', dtype, [4, 6])],
        },
        [x],
      )[0]!;
      expect(a.shape).toEqual([4, 6]);
      expect(toNumbers(a.data)).toEqual(toNumbers(x));
      const b = runOp(
        {
          op: 'RESHAPE',
          inputs: [
            spec('x', dtype, [2, 3, 4]),
            { name: 's', dtype: 'int64', shape: [3], data: BigInt64Array.of(-1n, 2n, 2n) },
          ],
          outputs: [spec('y', dtype, [6, 2, 2])],
        },
        [x],
      )[0]!;
      expect(b.shape).toEqual([6, 2, 2]);
      const c = runOp(
        {
          op: 'RESHAPE',
          inputs: [spec('x', dtype, [2, 3, 4])],
          outputs: [spec('y', dtype, [24])],
          options: { newShape: [1, 24] },
        },
        [x],
      )[0]!;
      expect(c.shape).toEqual([1, 24]);
      const d = runOp(
        {
          op: 'RESHAPE',
          inputs: [spec('x', dtype, [2, 3, 4]), { name: 's', dtype: 'int32', shape: [2] }],
          outputs: [spec('y', dtype, [1])],
        },
        [x, Int32Array.of(8, 3)],
      )[0]!;
      expect(d.shape).toEqual([8, 3]);
      expect(toNumbers(d.data)).toEqual(toNumbers(x));
    }
    expect(() =>
      runOp(
        {
          op: 'RESHAPE',
          inputs: [spec('x', 'float32', [2, 3]), i32('s', [4, -1])],
          outputs: [spec('y', 'float32', [4, 2])],
        },
        [new Float32Array(6)],
      ),
    ).toThrow(/cannot reshape 6 elements/);
    expect(() =>
      runOp(
        {
          op: 'RESHAPE',
          inputs: [spec('x', 'float32', [2, 3]), i32('s', [-1, -1])],
          outputs: [spec('y', 'float32', [6])],
        },
        [new Float32Array(6)],
      ),
    ).toThrow(/more than one -1/);
  });

  it('SQUEEZE drops listed (negative too) or all size-1 dims', () => {
    const x = Float32Array.from({ length: 6 }, (_, i) => i);
    const sq = (dims: number[] | null) =>
      runOp(
        {
          op: 'SQUEEZE',
          inputs: [spec('x', 'float32', [1, 2, 1, 3, 1])],
          outputs: [spec('y', 'float32', [6])],
          options: { squeezeDims: dims },
        },
        [x],
      )[0]!;
    expect(sq(null).shape).toEqual([2, 3]);
    expect(sq([0, -1]).shape).toEqual([2, 1, 3]);
    expect(toNumbers(sq([2]).data)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(() => sq([1])).toThrow(/cannot squeeze dim 1 of size 2/);
  });

  it('EXPAND_DIMS inserts at constant, negative and dynamic axes, also for scalars', () => {
    const ex = (shape: number[], axis: number, dynamic = false) =>
      runOp(
        {
          op: 'EXPAND_DIMS',
          inputs: [
            spec('x', 'int8', shape),
            dynamic ? { name: 'a', dtype: 'int32', shape: [] } : i32('a', [axis], []),
          ],
          outputs: [spec('y', 'int8', [])],
        },
        dynamic
          ? [new Int8Array(shape.reduce((p, d) => p * d, 1)).fill(5), Int32Array.of(axis)]
          : [new Int8Array(shape.reduce((p, d) => p * d, 1)).fill(5)],
      )[0]!;
    expect(ex([2, 3], 0).shape).toEqual([1, 2, 3]);
    expect(ex([2, 3], -1).shape).toEqual([2, 3, 1]);
    expect(ex([2, 3], 1, true).shape).toEqual([2, 1, 3]);
    expect(ex([], 0).shape).toEqual([1]);
    expect(toNumbers(ex([2, 3], -2, true).data)).toEqual([5, 5, 5, 5, 5, 5]);
    expect(() => ex([2, 3], 3)).toThrow(/out of range/);
  });
});

describe('aliasing', () => {
  /** x -> TRANSPOSE -> <op> -> TRANSPOSE -> y: the middle op's output can share its input's memory. */
  function chain(op: 'RESHAPE' | 'SQUEEZE' | 'EXPAND_DIMS') {
    const b = new ModelBuilder();
    const x = b.addTensor({ name: 'x', dtype: 'float32', shape: [1, 4, 3] });
    const t1 = b.addTensor({ name: 't1', dtype: 'float32', shape: [1, 3, 4] });
    const m = b.addTensor({
      name: 'm',
      dtype: 'float32',
      shape: op === 'RESHAPE' ? [3, 4] : op === 'SQUEEZE' ? [3, 4] : [1, 3, 4, 1],
    });
    const y = b.addTensor({ name: 'y', dtype: 'float32', shape: [] });
    const perm = b.addTensor({ name: 'p', dtype: 'int32', shape: [3], data: Int32Array.of(0, 2, 1) });
    b.addOp({ op: 'TRANSPOSE', inputs: [x, perm], outputs: [t1] });
    if (op === 'RESHAPE') {
      const s = b.addTensor({ name: 's', dtype: 'int32', shape: [2], data: Int32Array.of(3, 4) });
      b.addOp({ op, inputs: [t1, s], outputs: [m] });
      const p2 = b.addTensor({ name: 'p2', dtype: 'int32', shape: [2], data: Int32Array.of(1, 0) });
      b.addOp({ op: 'TRANSPOSE', inputs: [m, p2], outputs: [y] });
    } else if (op === 'SQUEEZE') {
      b.addOp({ op, inputs: [t1], outputs: [m], options: { squeezeDims: [0] } });
      const p2 = b.addTensor({ name: 'p2', dtype: 'int32', shape: [2], data: Int32Array.of(1, 0) });
      b.addOp({ op: 'TRANSPOSE', inputs: [m, p2], outputs: [y] });
    } else {
      const a = b.addTensor({ name: 'a', dtype: 'int32', shape: [], data: Int32Array.of(-1) });
      b.addOp({ op, inputs: [t1, a], outputs: [m] });
      const p2 = b.addTensor({ name: 'p2', dtype: 'int32', shape: [4], data: Int32Array.of(0, 2, 1, 3) });
      b.addOp({ op: 'TRANSPOSE', inputs: [m, p2], outputs: [y] });
    }
    b.setIO([x], [y]);
    return { model: b.build(), t1, m };
  }

  for (const op of ['RESHAPE', 'SQUEEZE', 'EXPAND_DIMS'] as const) {
    it(`${op} output shares the input's bytes and the result is right`, () => {
      const { model, t1, m } = chain(op);
      const ex = new SubgraphExecutor(model, 0, { registry: createBuiltinRegistry(), threads: 1 });
      ex.allocate();
      const a = ex.tensors[t1]!.bytes;
      const b = ex.tensors[m]!.bytes;
      expect(b.buffer).toBe(a.buffer);
      expect(b.byteOffset).toBe(a.byteOffset);
      const x = Float32Array.from({ length: 12 }, (_, i) => i);
      (ex.tensors[ex.inputs[0]!]!.data as Float32Array).set(x);
      ex.invoke();
      // Two transposes around a reshape of [1,3,4]: y[i][j] = x[0][i][j] for the 4x3 view.
      const y = Array.from(ex.tensors[ex.outputs[0]!]!.data as Float32Array);
      expect(y).toEqual(Array.from(x));
    });
  }

  it('copies when input and output cannot alias (a model input reshaped into a model output)', () => {
    const x = Float32Array.from({ length: 6 }, (_, i) => i * 2);
    const [y] = runOp(
      {
        op: 'RESHAPE',
        inputs: [spec('x', 'float32', [2, 3]), i32('s', [3, 2])],
        outputs: [spec('y', 'float32', [3, 2])],
      },
      [x],
    );
    expect(Array.from(y!.data as Float32Array)).toEqual(Array.from(x));
  });
});
