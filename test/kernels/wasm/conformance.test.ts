/**
 * Every WebAssembly kernel against its reference kernel (src/kernels/conv), on the cases of
 * cases.ts: float32 within the float bound, uint8 and int8 (per-tensor and per-channel)
 * bit-exact, on one thread and on two (the pool splits rows or channels). All cases of a group
 * sit in one model so each interpreter (and its worker) starts once. The kernels read and write
 * the interpreter's memory in place; "in place" here also means that invoking twice without
 * touching the inputs gives the same bytes (nothing a kernel writes may alias its inputs).
 */
import { describe, expect, it } from 'vitest';
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { Model } from '../../../src/ir/model.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { createBuiltinRegistry } from '../../../src/kernels/builtin_registry.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { buildModel, type OpCase } from '../conv/run_op.js';
import { ADD_CASES, CONV_CASES, DEPTHWISE_CASES, FC_CASES, MUL_CASES, type WasmCase } from './cases.js';
import { rng } from '../../support/rng.js';

type Group = 'float32' | 'uint8' | 'int8';

/** Plain numbers of a (non-bigint) typed array. */
const nums = (t: TypedArray): number[] => Array.from(t as ArrayLike<number>);

function outSize(inSize: number, f: number, s: number, d: number, padding: 'SAME' | 'VALID'): number {
  const eff = (f - 1) * d + 1;
  return padding === 'SAME' ? Math.ceil(inSize / s) : Math.ceil((inSize - eff + 1) / s);
}

/** Builds the op of a case for a dtype group, with seeded constant weights and bias. */
function opCase(c: WasmCase, g: Group, index: number): OpCase {
  const r = rng(1000 + index * 7 + g.length);
  if (c.op === 'ADD' || c.op === 'MUL') return elementwiseCase(c, g, index);
  const fh = c.fh ?? 1;
  const fw = c.fw ?? 1;
  const s = c.stride ?? 1;
  const d = c.dilation ?? 1;
  const padding = c.padding ?? 'SAME';
  const inC = c.inShape[c.inShape.length - 1]!;
  let wShape: number[];
  let outShape: number[];
  let channelAxis: number;
  if (c.op === 'FULLY_CONNECTED') {
    wShape = [c.outC, inC];
    outShape = [c.inShape[0]!, c.outC];
    channelAxis = 0;
  } else {
    const [b, h, w] = c.inShape as [number, number, number, number];
    outShape = [b, outSize(h, fh, s, d, padding), outSize(w, fw, s, d, padding), c.outC];
    wShape = c.op === 'CONV_2D' ? [c.outC, fh, fw, inC] : [1, fh, fw, c.outC];
    channelAxis = c.op === 'CONV_2D' ? 0 : 3;
  }
  const wCount = wShape.reduce((a, v) => a * v, 1);
  const options: Record<string, unknown> =
    c.op === 'FULLY_CONNECTED'
      ? { fusedActivationFunction: c.act ?? 0 }
      : {
          padding: padding === 'SAME' ? 0 : 1,
          strideH: s,
          strideW: s,
          dilationHFactor: d,
          dilationWFactor: d,
          fusedActivationFunction: c.act ?? 0,
          ...(c.op === 'DEPTHWISE_CONV_2D' ? { depthMultiplier: 1 } : {}),
        };
  const k = c.op === 'DEPTHWISE_CONV_2D' ? fh * fw : wCount / c.outC;
  if (g === 'float32') {
    const w = Float32Array.from({ length: wCount }, () => r() * 2 - 1);
    const bias = Float32Array.from({ length: c.outC }, () => r() * 2 - 1);
    return {
      op: c.op,
      inputs: [
        { name: `x${index}`, dtype: 'float32', shape: c.inShape },
        { name: `w${index}`, dtype: 'float32', shape: wShape, data: w },
        c.noBias ? null : { name: `b${index}`, dtype: 'float32', shape: [c.outC], data: bias },
      ],
      outputs: [{ name: `y${index}`, dtype: 'float32', shape: outShape }],
      options,
    };
  }
  // Quantized: uint8 legacy (per-tensor, filter zero point) or int8 (per-channel or per-tensor).
  const inScale = 0.02;
  const inZp = c.inZeroPoints ? c.inZeroPoints[g === 'uint8' ? 0 : 1] : g === 'uint8' ? 131 : -7;
  const perChannel = g === 'int8' && (c.perChannel ?? index % 2 === 0);
  const channels = perChannel ? c.outC : 1;
  const factors = c.scaleFactors ?? [1];
  // Output scale near the typical accumulator spread, so outputs cover the range.
  const spread = inScale * 0.006 * 128 * Math.sqrt(k) * 40;
  const big = c.bigMultiplier ?? false;
  const outScale = big ? (inScale * 0.008) / 1.5 : spread / 60;
  const outZp = c.extremeZeroPoint ? (g === 'uint8' ? 255 : -128) : g === 'uint8' ? 120 : 3;
  const fScales = Array.from({ length: channels }, (_, j) =>
    c.multipliers
      ? (c.multipliers[j % c.multipliers.length]! * outScale) / inScale
      : (0.004 + 0.004 * ((j * 7) % 5) + r() * 0.001) * factors[j % factors.length]!,
  );
  const fZp = g === 'uint8' ? 118 : 0;
  // bigMultiplier: weights in [-3, 3] around the zero point and inputs near theirs (feeds), so
  // that input_scale * filter_scale / output_scale between 0.5 and 2.5 (positive and negative
  // shifts across channels) leaves outputs in range.
  const wq = () => (big ? Math.floor(r() * 7) - 3 : Math.floor(r() * 255) - 127);
  const w =
    g === 'uint8'
      ? Uint8Array.from({ length: wCount }, () => fZp + wq())
      : Int8Array.from({ length: wCount }, () => wq());
  // Channels whose weights all equal the zero point (the channel is the last axis of a
  // depthwise filter, the first of the others).
  const zero = new Set(c.zeroChannels ?? []);
  if (zero.size > 0) {
    for (let i = 0; i < wCount; i++) {
      const ch = c.op === 'DEPTHWISE_CONV_2D' ? i % c.outC : Math.floor(i / (wCount / c.outC));
      if (zero.has(ch)) w[i] = fZp;
    }
  }
  const bias = Int32Array.from({ length: c.outC }, (_, j) =>
    c.hugeBias || zero.has(j)
      ? (j % 2 ? 1 : -1) * (2 ** 30 + j * 2 ** 20)
      : c.biasBits
        ? (j % 2 ? 1 : -1) * Math.floor((0.5 + r() / 2) * 2 ** c.biasBits)
        : big
          ? Math.floor(r() * 40) - 20
          : Math.floor(r() * 4000) - 2000,
  );
  const dtype: DType = g;
  const biasSpec: TensorSpec = {
    name: `b${index}`,
    dtype: 'int32',
    shape: [c.outC],
    data: bias,
    quant: { scale: fScales.map((f) => f * inScale), zeroPoint: fScales.map(() => 0), axis: 0 },
  };
  return {
    op: c.op,
    version: g === 'int8' ? 3 : 1,
    inputs: [
      { name: `x${index}`, dtype, shape: c.inShape, quant: { scale: [inScale], zeroPoint: [inZp] } },
      {
        name: `w${index}`,
        dtype,
        shape: wShape,
        data: w,
        quant: { scale: fScales, zeroPoint: fScales.map(() => fZp), axis: perChannel ? channelAxis : 0 },
      },
      c.noBias ? null : biasSpec,
    ],
    outputs: [
      { name: `y${index}`, dtype, shape: outShape, quant: { scale: [outScale], zeroPoint: [outZp] } },
    ],
    options,
  };
}

/** ADD / MUL of two activations with different scales and zero points. */
function elementwiseCase(c: WasmCase, g: Group, index: number): OpCase {
  const q = (scale: number, zp: number) =>
    g === 'float32' ? {} : { quant: { scale: [scale], zeroPoint: [g === 'uint8' ? zp + 128 : zp] } };
  const mul = c.op === 'MUL';
  const a: TensorSpec = { name: `a${index}`, dtype: g, shape: c.inShape, ...q(0.03, -5) };
  const b: TensorSpec = {
    name: `b${index}`,
    dtype: g,
    shape: c.bShape ?? c.inShape,
    ...q(c.bigMultiplier ? 0.9 : 0.05, 9),
  };
  const outScale = mul ? (c.bigMultiplier ? 0.01 : 0.3) : c.bigMultiplier ? 0.5 : 0.06;
  return {
    op: c.op,
    inputs: c.swap ? [b, a] : [a, b],
    outputs: [{ name: `y${index}`, dtype: g, shape: c.inShape, ...q(outScale, 2) }],
    options: { fusedActivationFunction: c.act ?? 0 },
  };
}

/** Seeded inputs for every model input (input i belongs to case i; `near` cases stay within +-4 of the zero point). */
function feeds(it: Interpreter, seed: number, near: readonly boolean[]): TypedArray[] {
  const r = rng(seed);
  return it.inputs.map((info, i) => {
    const n = info.shape.reduce((a, v) => a * v, 1);
    const zp = info.quantization?.zeroPoint[0] ?? 0;
    const q = (lo: number, hi: number) => () =>
      near[i] ? zp + Math.floor(r() * 9) - 4 : lo + Math.floor(r() * (hi - lo + 1));
    if (info.dtype === 'float32') return Float32Array.from({ length: n }, () => r() * 2 - 1);
    if (info.dtype === 'uint8') return Uint8Array.from({ length: n }, q(0, 255));
    return Int8Array.from({ length: n }, q(-128, 127));
  });
}

/** Runs the model; returns each output's bytes and which implementation ran each node. */
function run(
  model: Model,
  near: readonly boolean[],
  optimized: boolean,
  threads: number,
): { outs: TypedArray[]; impls: string[]; modes: number[] } {
  const it = new Interpreter(model, { registry: createBuiltinRegistry({ optimized }), threads });
  try {
    it.allocateTensors();
    feeds(it, 7, near).forEach((f, i) => it.input(i).set(f));
    it.invoke();
    const first = it.outputs.map((_, i) => it.output(i).data.slice() as TypedArray);
    it.invoke();
    const second = it.outputs.map((_, i) => it.output(i).data.slice() as TypedArray);
    first.forEach((o, i) =>
      expect(nums(second[i]!), 'a second invoke gives the same bytes').toEqual(nums(o)),
    );
    // The test reaches into the executor to check which implementation each node ran: a wasm
    // case that silently fell back to the reference would otherwise pass without testing anything.
    const nodes = (
      it as unknown as {
        main: { nodes: { data: { impl?: string; wasm?: { requantMode?: number } | null } }[] };
      }
    ).main.nodes;
    const impls = nodes.map((n) => n.data.impl ?? 'reference');
    const modes = nodes.map((n) => n.data.wasm?.requantMode ?? -1);
    if (optimized && threads > 1 && impls.some((n) => n !== 'reference')) {
      // Some jobs were split into parts (which thread runs a part is up to the scheduler).
      const pool = (it as unknown as { wasm: { pool: { stats: { jobs: number; chunks: number } } | null } })
        .wasm.pool;
      expect(pool, 'a thread pool was started').not.toBeNull();
      expect(pool!.stats.chunks, `jobs split across threads ${JSON.stringify(pool!.stats)}`).toBeGreaterThan(
        pool!.stats.jobs,
      );
    }
    return { outs: first, impls, modes };
  } finally {
    it.dispose();
  }
}

/** Float bound of the kernels: sums of at most a few hundred float32 products. */
function expectClose(got: Float32Array, want: Float32Array, label: string): void {
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.length; i++) {
    const err = Math.abs(got[i]! - want[i]!) / (1e-5 * (1 + Math.abs(want[i]!)));
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${label}: element ${at} got ${got[at]} want ${want[at]}`).toBeLessThanOrEqual(1);
}

const GROUPS: [string, WasmCase[]][] = [
  ['CONV_2D', CONV_CASES],
  ['DEPTHWISE_CONV_2D', DEPTHWISE_CASES],
  ['FULLY_CONNECTED', FC_CASES],
  ['ADD', ADD_CASES],
  ['MUL', MUL_CASES],
];

describe.each(GROUPS)('%s: wasm kernels equal the reference kernels', (_op, cases) => {
  it.each(['float32', 'uint8', 'int8'] as const)('%s, 1 and 2 threads', (g) => {
    const model = buildModel(cases.map((c, i) => opCase(c, g, i)));
    const near = cases.flatMap((c) =>
      c.op === 'ADD' || c.op === 'MUL' ? [false, false] : [c.bigMultiplier ?? false],
    );
    const ref = run(model, near, false, 1);
    expect(ref.impls.every((n) => n === 'reference')).toBe(true);
    for (const threads of [1, 2]) {
      const opt = run(model, near, true, threads);
      opt.impls.forEach((impl, i) => expect(impl, `${cases[i]!.name} runs in wasm`).not.toBe('reference'));
      if (g !== 'float32') {
        cases.forEach((c, i) => {
          if (c.q8Impl) expect(opt.impls[i], `${g} ${c.name}: implementation`).toBe(c.q8Impl);
        });
      }
      if (g !== 'float32' && cases[0]!.op !== 'ADD' && cases[0]!.op !== 'MUL') {
        // The requantization mode each case was meant to reach (requant_block.ts).
        cases.forEach((c, i) => {
          const mode = opt.modes[i];
          const label = `${g} ${c.name}: requantization mode ${mode}`;
          if (c.hugeBias) expect(mode, label).toBe(2);
          else if (g === 'int8' && c.int8Mode !== undefined) expect(mode, label).toBe(c.int8Mode);
          else if (c.zeroChannels) expect([0, 1, 4], label).toContain(mode);
        });
        // Over the group: every mode (uint8 reaches the per-channel modes through big
        // multipliers, whose small accumulators never need the clamp of mode 1).
        expect(new Set(opt.modes), `${g} modes`).toEqual(new Set(g === 'int8' ? [0, 1, 2, 4] : [0, 2, 4]));
      }
      cases.forEach((c, i) => {
        const label = `${g} ${c.name}, ${threads} thread(s)`;
        const want = ref.outs[i]!;
        const got = opt.outs[i]!;
        expect(got.length, label).toBe(want.length);
        if (g === 'float32') {
          expectClose(got as Float32Array, want as Float32Array, label);
        } else {
          // Sanity: the case spans more than a couple of output values (requantization is exercised).
          if (want.length >= 16 && !c.hugeBias && !c.biasBits)
            expect(new Set(nums(want)).size, `${label}: output spread`).toBeGreaterThan(3);
          expect(nums(got), label).toEqual(nums(want));
        }
      });
    }
  });
});
