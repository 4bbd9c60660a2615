/**
 * What the convolution family rejects, and how: each unsupported combination fails in prepare
 * (allocateTensors) with a typed error whose message names the problem, never in eval.
 */
import { describe, expect, it } from 'vitest';
import { QuantizationError, ShapeError, UnsupportedOpError } from '../../../src/errors.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { runOp } from './run_op.js';

const q = (scale: number, zp = 0) => ({ scale: [scale], zeroPoint: [zp] });
const f32 = (name: string, shape: number[], data?: Float32Array): TensorSpec => ({
  name,
  dtype: 'float32',
  shape,
  ...(data ? { data } : {}),
});

interface Reject {
  name: string;
  op: string;
  inputs: (TensorSpec | null)[];
  output: TensorSpec;
  options?: Record<string, unknown>;
  feed: Float32Array | Int8Array;
  error: new (...args: never[]) => Error;
  message: RegExp;
}

const REJECTS: Reject[] = [
  {
    name: 'grouped CONV_2D (filter input channels != input channels)',
    op: 'CONV_2D',
    inputs: [f32('x', [1, 4, 4, 4]), f32('w', [2, 3, 3, 2], new Float32Array(36)), null],
    output: f32('y', [1, 4, 4, 2]),
    options: { padding: 0, strideH: 1, strideW: 1 },
    feed: new Float32Array(64),
    error: UnsupportedOpError,
    message: /grouped convolution/,
  },
  {
    name: 'int8 CONV_2D with a fused TANH',
    op: 'CONV_2D',
    inputs: [
      { name: 'x', dtype: 'int8', shape: [1, 2, 2, 1], quant: q(0.1) },
      { name: 'w', dtype: 'int8', shape: [1, 1, 1, 1], data: new Int8Array([1]), quant: q(0.1) },
      null,
    ],
    output: { name: 'y', dtype: 'int8', shape: [1, 2, 2, 1], quant: q(0.1) },
    options: { padding: 0, strideH: 1, strideW: 1, fusedActivationFunction: 4 },
    feed: new Int8Array(4),
    error: QuantizationError,
    message: /TANH/,
  },
  {
    name: 'CONV_2D int8 without quantization parameters',
    op: 'CONV_2D',
    inputs: [
      { name: 'x', dtype: 'int8', shape: [1, 2, 2, 1] },
      { name: 'w', dtype: 'int8', shape: [1, 1, 1, 1], data: new Int8Array([1]), quant: q(0.1) },
      null,
    ],
    output: { name: 'y', dtype: 'int8', shape: [1, 2, 2, 1], quant: q(0.1) },
    options: { padding: 0, strideH: 1, strideW: 1 },
    feed: new Int8Array(4),
    error: UnsupportedOpError,
    message: /no quantization parameters/,
  },
  {
    name: 'CONV_2D per-channel filter with the wrong number of scales',
    op: 'CONV_2D',
    inputs: [
      { name: 'x', dtype: 'int8', shape: [1, 2, 2, 1], quant: q(0.1) },
      {
        name: 'w',
        dtype: 'int8',
        shape: [3, 1, 1, 1],
        data: new Int8Array(3),
        quant: { scale: [0.1, 0.2], zeroPoint: [0, 0], axis: 0 },
      },
      null,
    ],
    output: { name: 'y', dtype: 'int8', shape: [1, 2, 2, 3], quant: q(0.1) },
    options: { padding: 0, strideH: 1, strideW: 1 },
    feed: new Int8Array(4),
    error: UnsupportedOpError,
    message: /2 scales along axis 0; expected 1, or 3 along axis 0/,
  },
  {
    name: 'int16 CONV_2D with a non-zero zero point',
    op: 'CONV_2D',
    inputs: [
      { name: 'x', dtype: 'int16', shape: [1, 2, 2, 1], quant: q(0.1, 3) },
      { name: 'w', dtype: 'int8', shape: [1, 1, 1, 1], data: new Int8Array([1]), quant: q(0.1) },
      null,
    ],
    output: { name: 'y', dtype: 'int16', shape: [1, 2, 2, 1], quant: q(0.1) },
    options: { padding: 0, strideH: 1, strideW: 1 },
    feed: new Int8Array(8),
    error: UnsupportedOpError,
    message: /zero point 0/,
  },
  {
    name: 'VALID window larger than the image',
    op: 'CONV_2D',
    inputs: [f32('x', [1, 2, 2, 1]), f32('w', [1, 3, 3, 1], new Float32Array(9)), null],
    output: f32('y', [1, 1, 1, 1]),
    options: { padding: 1, strideH: 1, strideW: 1 },
    feed: new Float32Array(4),
    error: ShapeError,
    message: /does not fit/,
  },
  {
    name: 'zero stride',
    op: 'CONV_2D',
    inputs: [f32('x', [1, 2, 2, 1]), f32('w', [1, 1, 1, 1], new Float32Array(1)), null],
    output: f32('y', [1, 2, 2, 1]),
    options: { padding: 0, strideH: 0, strideW: 1 },
    feed: new Float32Array(4),
    error: UnsupportedOpError,
    message: /must be positive/,
  },
  {
    name: 'hybrid BATCH_MATMUL (float LHS, int8 RHS)',
    op: 'BATCH_MATMUL',
    inputs: [
      f32('l', [2, 3]),
      { name: 'r', dtype: 'int8', shape: [3, 2], data: new Int8Array(6), quant: q(0.1) },
    ],
    output: f32('y', [2, 2]),
    feed: new Float32Array(6),
    error: UnsupportedOpError,
    message: /hybrid/,
  },
  {
    name: 'quantized TRANSPOSE_CONV with a non-constant output shape',
    op: 'TRANSPOSE_CONV',
    inputs: [
      { name: 'shape', dtype: 'int32', shape: [4] },
      { name: 'w', dtype: 'int8', shape: [1, 1, 1, 1], data: new Int8Array([1]), quant: q(0.1) },
      { name: 'x', dtype: 'int8', shape: [1, 2, 2, 1], quant: q(0.1) },
    ],
    output: { name: 'y', dtype: 'int8', shape: [1, 2, 2, 1], quant: q(0.1) },
    options: { padding: 0, strideH: 1, strideW: 1 },
    feed: new Int8Array(4),
    error: UnsupportedOpError,
    message: /non-constant output shape/,
  },
];

describe('conv family: unsupported combinations fail in prepare', () => {
  for (const r of REJECTS) {
    it(r.name, () => {
      const run = () =>
        runOp(
          { op: r.op, inputs: r.inputs, outputs: [r.output], ...(r.options ? { options: r.options } : {}) },
          [r.feed, r.feed],
        );
      expect(run).toThrow(r.error);
      expect(run).toThrow(r.message);
    });
  }
});
