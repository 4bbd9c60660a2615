/**
 * Hybrid (dynamic-range: float activations, int8 weights) CONV_2D, DEPTHWISE_CONV_2D and
 * FULLY_CONNECTED in wasm (run-time input quantization in assembly/hybrid.ts, integer GEMM /
 * depthwise, float epilogue: requantize.ts mode 3) against the reference kernels' hybrid paths,
 * bit for bit, on the shapes of cases.ts (tile boundaries), 1 and 2 threads. Filters take one
 * scale (symmetric input quantization), per-channel scales that differ (asymmetric, CONV_2D's
 * per-channel form) and FULLY_CONNECTED both input modes. Inputs include an all-zero image (the
 * quantizer's zero-row case), negative-only values, and outliers. Convolutions with more than
 * one batch image stay on the reference kernel.
 */
import { describe, expect, it } from 'vitest';
import type { TypedArray } from '../../../src/ir/dtype.js';
import { createBuiltinRegistry } from '../../../src/kernels/builtin_registry.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';
import { type OpCase, buildModel } from '../../support/op_models.js';
import { CONV_CASES, DEPTHWISE_CASES, FC_CASES, type WasmCase } from './cases.js';
import { rng } from '../../support/rng.js';

const outSize = (n: number, f: number, s: number, d: number, same: boolean) =>
  same ? Math.ceil(n / s) : Math.ceil((n - ((f - 1) * d + 1) + 1) / s);

/** The hybrid form of a case: float input and output, int8 weights, float bias. */
function hybridOp(c: WasmCase, index: number): OpCase {
  const r = rng(500 + index);
  const fh = c.fh ?? 1;
  const fw = c.fw ?? 1;
  const s = c.stride ?? 1;
  const d = c.dilation ?? 1;
  const same = (c.padding ?? 'SAME') === 'SAME';
  const inC = c.inShape[c.inShape.length - 1]!;
  const fc = c.op === 'FULLY_CONNECTED';
  const wShape = fc ? [c.outC, inC] : c.op === 'CONV_2D' ? [c.outC, fh, fw, inC] : [1, fh, fw, c.outC];
  const outShape = fc
    ? [c.inShape[0]!, c.outC]
    : [c.inShape[0]!, outSize(c.inShape[1]!, fh, s, d, same), outSize(c.inShape[2]!, fw, s, d, same), c.outC];
  const wCount = wShape.reduce((a, v) => a * v, 1);
  // Per-channel scales that differ on even cases (CONV_2D: asymmetric input quantization).
  const perChannel = index % 2 === 0;
  const scales = Array.from({ length: perChannel ? c.outC : 1 }, (_, j) => 0.01 + 0.003 * ((j * 5) % 7));
  const options: Record<string, unknown> = fc
    ? { fusedActivationFunction: c.act ?? 0, asymmetricQuantizeInputs: index % 3 !== 0 }
    : {
        padding: same ? 0 : 1,
        strideH: s,
        strideW: s,
        dilationHFactor: d,
        dilationWFactor: d,
        fusedActivationFunction: c.act ?? 0,
        ...(c.op === 'DEPTHWISE_CONV_2D' ? { depthMultiplier: 1 } : {}),
      };
  return {
    op: c.op,
    version: c.op === 'CONV_2D' ? 2 : 4,
    inputs: [
      { name: `x${index}`, dtype: 'float32', shape: c.inShape },
      {
        name: `w${index}`,
        dtype: 'int8',
        shape: wShape,
        data: Int8Array.from({ length: wCount }, () => Math.floor(r() * 255) - 127),
        quant: { scale: scales, zeroPoint: scales.map(() => 0), axis: c.op === 'DEPTHWISE_CONV_2D' ? 3 : 0 },
      },
      c.noBias
        ? null
        : {
            name: `b${index}`,
            dtype: 'float32',
            shape: [c.outC],
            data: Float32Array.from({ length: c.outC }, () => r() * 4 - 2),
          },
    ],
    outputs: [{ name: `y${index}`, dtype: 'float32', shape: outShape }],
    options,
  };
}

/** Input values of case i: mostly uniform in [-2, 2]; some cases all zero, negative only, or with an outlier. */
function feed(n: number, i: number, r: () => number): Float32Array {
  if (i % 11 === 5) return new Float32Array(n);
  const neg = i % 7 === 3;
  const v = Float32Array.from({ length: n }, () => (neg ? -r() * 3 : r() * 4 - 2));
  if (i % 5 === 2 && n > 3) v[n >> 1] = 37.5;
  return v;
}

function run(
  model: ReturnType<typeof buildModel>,
  feeds: Float32Array[],
  optimized: boolean,
  threads: number,
) {
  const it = new Interpreter(model, { registry: createBuiltinRegistry({ optimized }), threads });
  try {
    it.allocateTensors();
    feeds.forEach((f, i) => it.input(i).set(f));
    it.invoke();
    const outs = it.outputs.map((_, i) => Array.from(it.output(i).data as TypedArray as Float32Array));
    const nodes = (it as unknown as { main: { nodes: { data: { impl?: string } | null }[] } }).main.nodes;
    return { outs, impls: nodes.map((n) => n.data?.impl ?? 'reference') };
  } finally {
    it.dispose();
  }
}

const GROUPS: [string, WasmCase[]][] = [
  ['CONV_2D', CONV_CASES],
  ['DEPTHWISE_CONV_2D', DEPTHWISE_CASES],
  ['FULLY_CONNECTED', FC_CASES],
];

describe('hybrid wasm kernels equal the reference hybrid kernels', () => {
  it.each(GROUPS)('%s, 1 and 2 threads', (op, cases) => {
    const model = buildModel(cases.map((c, i) => hybridOp(c, i)));
    const r = rng(77);
    const feeds = cases.map((c, i) =>
      feed(
        c.inShape.reduce((a, v) => a * v, 1),
        i,
        r,
      ),
    );
    const ref = run(model, feeds, false, 1);
    for (const threads of [1, 2]) {
      const opt = run(model, feeds, true, threads);
      cases.forEach((c, i) => {
        const label = `${c.name}, ${threads} thread(s)`;
        const wasm = op === 'FULLY_CONNECTED' || c.inShape[0] === 1;
        expect(opt.impls[i]!.startsWith('hybrid_'), `${label} runs in ${opt.impls[i]}`).toBe(wasm);
        // Bit for bit (every NaN alike); toEqual tells -0 from 0.
        const norm = (a: number[]) => a.map((v) => (Number.isNaN(v) ? NaN : v));
        expect(norm(opt.outs[i]!), label).toEqual(norm(ref.outs[i]!));
      });
    }
  });
});
