/**
 * The element-wise, resize and pooling WebAssembly kernels (src/kernels/wasm: binary_wasm.ts,
 * unary_wasm.ts, resize_wasm.ts, pool_wasm.ts) against their reference kernels, byte for byte:
 * every one of them is exact (integer paths reproduce the reference's arithmetic; float paths do
 * the same float32 / float64 operations in the same order). Cases are data, one model per group,
 * run on the reference kernels and on the wasm kernels with 1 and 2 threads; each case must have
 * run in wasm (or, where listed, on the reference: shapes beyond the kernels). Lengths sit around
 * the vector steps (4 float32, 8 or 16 8-bit lanes) and broadcasts cover scalars, rows, columns,
 * constant first operands, and constants repeated into longer rows.
 */
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { createBuiltinRegistry } from '../../../src/kernels/builtin_registry.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { type OpCase, buildModel } from '../../support/op_models.js';
import { rng } from '../../support/rng.js';

const count = (shape: readonly number[]) => shape.reduce((a, v) => a * v, 1);

/**
 * Seeded values of a dtype; every 7th float32 value is a special: signed zeros, NaN, infinities, a
 * denormal-range value, and ties of round(x / 0.5) (QUANTIZE's scale here) with float32
 * neighbours (0.24999999 / 0.5 is the largest float below 0.5).
 */
function values(dtype: DType, n: number, r: () => number, spread = 4): TypedArray {
  if (dtype === 'float32') {
    const specials = [
      0,
      -0,
      NaN,
      Infinity,
      -Infinity,
      1e-30,
      0.25,
      -0.75,
      1.25,
      -1.25,
      0.24999999,
      -0.75000006,
    ];
    return Float32Array.from({ length: n }, (_, i) =>
      i % 7 === 6 ? specials[((i / 7) % specials.length) | 0]! : (r() * 2 - 1) * spread,
    );
  }
  if (dtype === 'uint8') return Uint8Array.from({ length: n }, () => Math.floor(r() * 256));
  return Int8Array.from({ length: n }, () => Math.floor(r() * 256) - 128);
}

type Q = { scale: number; zp: number };
/** A tensor spec; quantized 8-bit tensors take (scale, zero point), uint8 zero points shifted by 128. */
function spec(name: string, dtype: DType, shape: number[], q?: Q, data?: TypedArray): TensorSpec {
  const quant =
    q && dtype !== 'float32'
      ? { quant: { scale: [q.scale], zeroPoint: [dtype === 'uint8' ? q.zp + 128 : q.zp] } }
      : {};
  return { name, dtype, shape, ...quant, ...(data ? { data } : {}) };
}

interface Case {
  name: string;
  op: OpCase;
  /** The case stays on the reference kernel (beyond what the wasm kernel handles). */
  reference?: boolean;
}

/** ADD / SUB / MUL cases for one dtype. */
function binaryCases(g: DType): Case[] {
  const r = rng(11 + g.length);
  const cases: Case[] = [];
  const qa = { scale: 0.03, zp: -5 };
  const qb = { scale: 0.05, zp: 9 };
  const bin = (
    name: string,
    op: string,
    aShape: number[],
    bShape: number[],
    outShape: number[],
    o: { act?: number; constA?: boolean; constB?: boolean; qo?: Q; qa?: Q; qb?: Q; reference?: boolean } = {},
  ) => {
    const i = cases.length;
    const a = spec(`a${i}`, g, aShape, o.qa ?? qa, o.constA ? values(g, count(aShape), r) : undefined);
    const b = spec(`b${i}`, g, bShape, o.qb ?? qb, o.constB ? values(g, count(bShape), r) : undefined);
    const qo = o.qo ?? (op === 'MUL' ? { scale: 0.2, zp: 2 } : { scale: 0.06, zp: 2 });
    cases.push({
      name: `${op} ${name}`,
      op: {
        op,
        inputs: [a, b],
        outputs: [spec(`y${i}`, g, outShape, qo)],
        options: { fusedActivationFunction: o.act ?? 0 },
      },
      ...(o.reference ? { reference: true } : {}),
    });
  };
  for (const op of ['ADD', 'SUB', 'MUL']) {
    bin('same shape 2x3x17 RELU', op, [2, 3, 17], [2, 3, 17], [2, 3, 17], { act: 1 });
    bin('row of 24 RELU6', op, [1, 4, 5, 24], [24], [1, 4, 5, 24], { act: 3 });
    bin('row first', op, [7], [3, 2, 7], [3, 2, 7]);
    bin('constant row of 3 over an image', op, [1, 9, 10, 3], [1, 1, 1, 3], [1, 9, 10, 3], { constB: true });
    bin('constant scalar', op, [2, 7, 9], [], [2, 7, 9], { constB: true, act: 2 });
    bin('constant column first', op, [12, 12, 1], [1, 17], [12, 12, 17], { constA: true });
    bin('both broadcast', op, [5, 1, 7], [1, 6, 1], [5, 6, 7]);
    bin('one element each', op, [1], [1], [1]);
    bin('rank 5 beyond 4 coalesced dims', op, [2, 1, 3, 1, 5], [1, 4, 1, 6, 1], [2, 4, 3, 6, 5], {
      reference: true,
    });
  }
  if (g === 'float32') {
    bin('DIV same shape', 'DIV', [3, 13], [3, 13], [3, 13]);
    bin('DIV by a constant row RELU6', 'DIV', [2, 5, 6], [6], [2, 5, 6], { constB: true, act: 3 });
  } else {
    // Output multipliers above one (SUB: QuantizeMultiplierGreaterThanOne; MUL: shift > 0), on
    // inputs of similar values so that outputs stay in range (near zero points, large scales).
    const q1 = { scale: 1, zp: 0 };
    bin('SUB big output multiplier', 'SUB', [3, 11], [3, 11], [3, 11], {
      qa: q1,
      qb: q1,
      qo: { scale: 2e-7, zp: 0 },
    });
    bin('MUL big output multiplier', 'MUL', [3, 11], [3, 11], [3, 11], {
      qa: q1,
      qb: q1,
      qo: { scale: 0.1, zp: 1 },
    });
  }
  return cases;
}

/** Element-wise 8-bit tables and conversions for one 8-bit dtype. */
function unaryCases(g: 'uint8' | 'int8'): Case[] {
  const other = g === 'uint8' ? 'int8' : 'uint8';
  const one = (name: string, op: string, x: TensorSpec, y: TensorSpec): Case => ({
    name,
    op: { op, inputs: [x], outputs: [y] },
  });
  const s = [1, 5, 7, 9];
  return [
    one(
      'HARD_SWISH',
      'HARD_SWISH',
      spec('hx', g, s, { scale: 0.05, zp: 3 }),
      spec('hy', g, s, { scale: 0.03, zp: -20 }),
    ),
    one(
      'LOGISTIC',
      'LOGISTIC',
      spec('lx', g, s, { scale: 0.06, zp: 4 }),
      spec('ly', g, s, { scale: 1 / 256, zp: -128 }),
    ),
    one(
      'TANH',
      'TANH',
      spec('tx', g, [37], { scale: 0.04, zp: -3 }),
      spec('ty', g, [37], { scale: 1 / 128, zp: 0 }),
    ),
    one(
      'QUANTIZE from float32',
      'QUANTIZE',
      spec('qx', 'float32', s),
      spec('qy', g, s, { scale: 0.5, zp: 7 }),
    ),
    one(
      'QUANTIZE to the other 8-bit type',
      'QUANTIZE',
      spec('rx', g, [45], { scale: 0.05, zp: 3 }),
      spec('ry', other, [45], { scale: 0.05, zp: 3 }),
    ),
    one(
      'QUANTIZE rescale',
      'QUANTIZE',
      spec('sx', g, [45], { scale: 0.05, zp: 3 }),
      spec('sy', g, [45], { scale: 0.11, zp: -9 }),
    ),
    one('DEQUANTIZE', 'DEQUANTIZE', spec('dx', g, s, { scale: 0.07, zp: 5 }), spec('dy', 'float32', s)),
    one('CAST to float32', 'CAST', spec('cx', g, [2, 19]), spec('cy', 'float32', [2, 19])),
  ];
}

/** RESIZE_BILINEAR cases for one dtype (int8: the fixed-point kernel). */
function resizeCases(g: DType): Case[] {
  const q = { scale: 0.1, zp: 3 };
  const rs = (
    name: string,
    inShape: number[],
    size: [number, number],
    align = false,
    half = false,
  ): Case => ({
    name: `RESIZE_BILINEAR ${name}`,
    op: {
      op: 'RESIZE_BILINEAR',
      inputs: [
        spec(`x${name}`, g, inShape, q),
        { name: `s${name}`, dtype: 'int32', shape: [2], data: Int32Array.from(size) },
      ],
      outputs: [spec(`y${name}`, g, [inShape[0]!, size[0], size[1], inShape[3]!], q)],
      options: { alignCorners: align, halfPixelCenters: half },
    },
  });
  return [
    rs('up 5x7x6 -> 9x13', [1, 5, 7, 6], [9, 13]),
    rs('align corners 4x4x5 -> 7x7', [1, 4, 4, 5], [7, 7], true),
    rs('half pixel batch 2 6x5x9 -> 11x10', [2, 6, 5, 9], [11, 10], false, true),
    rs('half pixel down 9x8x4 -> 4x3', [1, 9, 8, 4], [4, 3], false, true),
    rs('one channel 3x3x1 -> 6x6', [1, 3, 3, 1], [6, 6], false, true),
  ];
}

/** Global AVERAGE_POOL_2D and spatial MEAN cases for one dtype. */
function poolCases(g: DType): Case[] {
  const q = { scale: 0.1, zp: 3 };
  const avg = (name: string, shape: number[], act = 0): Case => ({
    name: `AVERAGE_POOL_2D ${name}`,
    op: {
      op: 'AVERAGE_POOL_2D',
      inputs: [spec(`p${name}`, g, shape, q)],
      outputs: [spec(`o${name}`, g, [shape[0]!, 1, 1, shape[3]!], q)],
      options: {
        padding: 1,
        strideH: 1,
        strideW: 1,
        filterHeight: shape[1]!,
        filterWidth: shape[2]!,
        fusedActivationFunction: act,
      },
    },
  });
  const mean = (name: string, shape: number[], keep: boolean): Case => ({
    name: `MEAN ${name}`,
    op: {
      op: 'MEAN',
      inputs: [
        spec(`m${name}`, g, shape, q),
        { name: `ax${name}`, dtype: 'int32', shape: [2], data: Int32Array.from([1, 2]) },
      ],
      outputs: [
        spec(`n${name}`, g, keep ? [shape[0]!, 1, 1, shape[3]!] : [shape[0]!, shape[3]!], {
          scale: 0.07,
          zp: -4,
        }),
      ],
      options: { keepDims: keep },
    },
  });
  return [
    avg('7x7x40', [1, 7, 7, 40]),
    avg('RELU6 batch 2 5x3x17', [2, 5, 3, 17], 3),
    avg('1x1x3', [1, 1, 1, 3]),
    mean('7x7x35 keep dims', [1, 7, 7, 35], true),
    mean('batch 2 4x6x16', [2, 4, 6, 16], false),
  ];
}

/**
 * The output bytes as numbers; float32 outputs as float32 values with every NaN alike (NaN
 * payloads and signs differ between JavaScript and wasm on x86, e.g. inf - inf) and -0 kept
 * apart from 0 (Object.is equality in toEqual).
 */
function comparable(bytes: Uint8Array, c: Case): number[] {
  if (c.op.outputs[0]!.dtype !== 'float32') return Array.from(bytes);
  return Array.from(new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4), (v) =>
    Number.isNaN(v) ? NaN : v,
  );
}

/** Runs a model; returns each output's bytes and each node's implementation. */
function run(cases: Case[], feeds: TypedArray[], optimized: boolean, threads: number) {
  const it = new Interpreter(buildModel(cases.map((c) => c.op)), {
    registry: createBuiltinRegistry({ optimized }),
    threads,
  });
  try {
    it.allocateTensors();
    feeds.forEach((f, i) => it.input(i).set(f));
    it.invoke();
    const outs = it.outputs.map((_, i) => {
      const o = it.output(i).data;
      return new Uint8Array(o.buffer, o.byteOffset, o.byteLength).slice();
    });
    // Which implementation each node ran (a case that silently fell back would test nothing).
    const nodes = (it as unknown as { main: { nodes: { data: { impl?: string } | null }[] } }).main.nodes;
    return { outs, impls: nodes.map((n) => n.data?.impl ?? 'reference') };
  } finally {
    it.dispose();
  }
}

const GROUPS: [string, Case[]][] = [
  ...(['float32', 'uint8', 'int8'] as const).map((g): [string, Case[]] => [`binary ${g}`, binaryCases(g)]),
  ...(['uint8', 'int8'] as const).map((g): [string, Case[]] => [`unary ${g}`, unaryCases(g)]),
  ...(['float32', 'uint8', 'int8'] as const).map((g): [string, Case[]] => [`resize ${g}`, resizeCases(g)]),
  ...(['float32', 'uint8', 'int8'] as const).map((g): [string, Case[]] => [`pool ${g}`, poolCases(g)]),
];

describe('element-wise, resize and pooling wasm kernels equal the reference kernels', () => {
  it.each(GROUPS)('%s, 1 and 2 threads', (_name, cases) => {
    const r = rng(3);
    const model = buildModel(cases.map((c) => c.op));
    const feeds = model.subgraphs[0]!.inputs.map((t) => {
      const tensor = model.subgraphs[0]!.tensors[t]!;
      return values(
        tensor.type === 0 ? 'float32' : tensor.type === 3 ? 'uint8' : 'int8',
        count(tensor.shape),
        r,
      );
    });
    const ref = run(cases, feeds, false, 1);
    expect(ref.impls.every((i) => i === 'reference')).toBe(true);
    for (const threads of [1, 2]) {
      const opt = run(cases, feeds, true, threads);
      cases.forEach((c, i) => {
        const label = `${c.name}, ${threads} thread(s)`;
        expect(opt.impls[i] === 'reference', `${label} runs in ${opt.impls[i]}`).toBe(c.reference ?? false);
        expect(comparable(opt.outs[i]!, c), label).toEqual(comparable(ref.outs[i]!, c));
      });
    }
  });
});
