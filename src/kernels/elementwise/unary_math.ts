/**
 * Unary math: ABS, NEG, SQRT, RSQRT, EXP, LOG, SIN, COS, SQUARE, FLOOR, CEIL, ROUND
 * (TFLite `kernels/elementwise.cc`, `exp.cc`, `neg.cc`, `floor.cc`, `ceil.cc`, `round.cc`).
 *
 * float32 everywhere. Other dtypes as TFLite has them:
 * - ABS: int32 and unquantized int16 (wrapping |INT_MIN|), quantized int8 / int16:
 *   |q - zp_in| rescaled by s_in / s_out when the scales differ, + zp_out, clamped;
 * - NEG: int8, int16, int32, int64 as plain integers (wrapping);
 * - RSQRT int8: 1/sqrt(q - zp_in) with TFLite's integer inverse square root
 *   (`GetInvSqrtQuantizedMultiplierExp`, Newton-Raphson) and a final rescale by
 *   1 / (sqrt(s_in) * s_out); RSQRT int16: a 513-entry interpolated table. Inputs below the zero
 *   point are an error at eval, as in TFLite;
 * - EXP and LOG int8 (256-entry table) and int16 (513-entry interpolated table), built in prepare
 *   from the float function as TFLite's `LUTPopulate` does; LOG maps x <= 0 to the output's
 *   lowest value.
 *
 * Float error bounds: ABS, NEG, FLOOR, CEIL, ROUND, SQUARE, SQRT, RSQRT are exact (correctly
 * rounded operations, as in C++). EXP, LOG, SIN, COS evaluate in double and round to float32:
 * within 1 float32 ulp of the C library's float functions (relative error < 1.2e-7).
 */
import { InputError } from '../../errors.js';
import type { DType } from '../../ir/dtype.js';
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  expectDtype,
  input,
  output,
  unsupported,
} from '../kernel.js';
import { lutLookupInt16, lutPopulateInt16, lutPopulateInt8 } from '../internal/lut.js';
import { multiplyByQuantizedMultiplier } from '../internal/multiply_by_quantized_multiplier.js';
import { getInvSqrtQuantizedMultiplierExp, quantizeMultiplier } from '../internal/quantize_multiplier.js';
import { isQuantized, tensorQuant } from './common.js';
import { applyTable8, tabulate8 } from './table8.js';

/** The loop a unary kernel runs in eval (x and y are the tensors' typed arrays). */
type UnaryLoop = (x: KernelTensor, y: KernelTensor, node: KernelNode) => void;

interface UnaryData {
  loop: UnaryLoop;
}

const f32 = (t: KernelTensor): Float32Array => t.data as Float32Array;

/** Prepare shared by all unary ops: same shape, output dtype = input dtype, dtype check. */
function prepareUnary(node: KernelNode, allowed: readonly DType[]): { x: KernelTensor; y: KernelTensor } {
  const x = input(node, 0);
  const y = output(node, 0);
  expectDtype(node, x, allowed, 'input');
  y.dtype = x.dtype;
  y.shape = [...x.shape];
  return { x, y };
}

function requireQuantized(node: KernelNode, x: KernelTensor, y: KernelTensor, int16Symmetric: boolean): void {
  if (!isQuantized(x) || !isQuantized(y)) {
    throw unsupported(node, `${x.dtype} ${node.op} needs quantized input and output`);
  }
  if (int16Symmetric && (tensorQuant(x).zeroPoint !== 0 || tensorQuant(y).zeroPoint !== 0)) {
    throw unsupported(node, `int16 ${node.op} needs zero points of 0`);
  }
}

/** Applies a 256-entry table (indexed by the input byte). */
function lut8Loop(lut: Int8Array | Uint8Array): UnaryLoop {
  const table = new Uint8Array(lut.buffer, lut.byteOffset, 256);
  return (xt, yt) => applyTable8(xt.data, yt.data, table);
}

/** Applies a 513-entry interpolated int16 table. */
function lut16Loop(lut: Int16Array): UnaryLoop {
  return (xt, yt) => {
    const x = xt.data as Int16Array;
    const y = yt.data as Int16Array;
    for (let i = 0; i < x.length; i++) y[i] = lutLookupInt16(x[i]!, lut);
  };
}

/** Throws InputError when an element is below `min` (TFLite's RSQRT "positive values" check). */
function checkNotBelow(node: KernelNode, x: Int16Array | Int8Array, min: number): void {
  for (let i = 0; i < x.length; i++) {
    if (x[i]! < min) {
      throw new InputError(
        `node ${node.index} (RSQRT): element ${i} is below the input zero point; RSQRT is only defined for positive values`,
      );
    }
  }
}

// ---- ABS ----

function absQuantLoop(x: KernelTensor, y: KernelTensor): UnaryLoop {
  const qi = tensorQuant(x);
  const qo = tensorQuant(y);
  const [lo, hi] = x.dtype === 'int8' ? [-128, 127] : [-32768, 32767];
  const zin = qi.zeroPoint;
  const zout = qo.zeroPoint;
  if (x.dtype === 'int8') {
    const { multiplier, shift } = quantizeMultiplier(Math.fround(qi.scale / qo.scale));
    const rescale = qi.scale !== qo.scale;
    const table = tabulate8('int8', (q) => {
      const a = Math.abs(q - zin);
      const v = (rescale ? multiplyByQuantizedMultiplier(a, multiplier, shift) : a) + zout;
      return v < lo ? lo : v > hi ? hi : v;
    });
    return (xt, yt) => applyTable8(xt.data, yt.data, table);
  }
  if (qi.scale === qo.scale) {
    return (xt, yt) => {
      const a = xt.data as Int16Array;
      const b = yt.data as Int16Array;
      for (let i = 0; i < a.length; i++) {
        const v = Math.abs(a[i]! - zin) + zout;
        b[i] = v < lo ? lo : v > hi ? hi : v;
      }
    };
  }
  const { multiplier, shift } = quantizeMultiplier(Math.fround(qi.scale / qo.scale));
  return (xt, yt) => {
    const a = xt.data as Int16Array;
    const b = yt.data as Int16Array;
    for (let i = 0; i < a.length; i++) {
      const v = multiplyByQuantizedMultiplier(Math.abs(a[i]! - zin), multiplier, shift) + zout;
      b[i] = v < lo ? lo : v > hi ? hi : v;
    }
  };
}

const absKernel: Kernel<UnaryData> = {
  op: 'ABS',
  prepare(node) {
    const { x, y } = prepareUnary(node, ['float32', 'int8', 'int16', 'int32']);
    if (x.dtype === 'float32') {
      return {
        loop: (xt, yt) => {
          const a = f32(xt);
          const b = f32(yt);
          for (let i = 0; i < a.length; i++) b[i] = Math.abs(a[i]!);
        },
      };
    }
    if (x.dtype === 'int32' || (x.dtype === 'int16' && !isQuantized(x))) {
      return {
        loop: (xt, yt) => {
          const a = xt.data as Int32Array; // Int16Array for int16: the store wraps |-32768|
          const b = yt.data as Int32Array;
          for (let i = 0; i < a.length; i++) b[i] = Math.abs(a[i]!) | 0;
        },
      };
    }
    requireQuantized(node, x, y, x.dtype === 'int16');
    return { loop: absQuantLoop(x, y) };
  },
  eval: (node, d) => d.loop(input(node, 0), output(node, 0), node),
};

// ---- NEG ----

const negKernel: Kernel<UnaryData> = {
  op: 'NEG',
  prepare(node) {
    const { x } = prepareUnary(node, ['float32', 'int8', 'int16', 'int32', 'int64']);
    if (x.dtype === 'int64') {
      return {
        loop: (xt, yt) => {
          const a = xt.data as BigInt64Array;
          const b = yt.data as BigInt64Array;
          for (let i = 0; i < a.length; i++) b[i] = -a[i]!; // the store wraps -INT64_MIN
        },
      };
    }
    return {
      loop: (xt, yt) => {
        const a = xt.data as Float32Array; // any number-valued typed array; integer stores wrap
        const b = yt.data as Float32Array;
        for (let i = 0; i < a.length; i++) b[i] = -a[i]!;
      },
    };
  },
  eval: (node, d) => d.loop(input(node, 0), output(node, 0), node),
};

// ---- float-only ops ----

/** Builds a float32-only unary kernel; `loop` must be an explicit loop (no per-element calls). */
function floatUnaryKernel(op: string, loop: (a: Float32Array, b: Float32Array) => void): Kernel<UnaryData> {
  return {
    op,
    prepare(node) {
      prepareUnary(node, ['float32']);
      return { loop: (xt, yt) => loop(f32(xt), f32(yt)) };
    },
    eval: (node, d) => d.loop(input(node, 0), output(node, 0), node),
  };
}

const sqrtKernel = floatUnaryKernel('SQRT', (a, b) => {
  for (let i = 0; i < a.length; i++) b[i] = Math.sqrt(a[i]!);
});
const sinKernel = floatUnaryKernel('SIN', (a, b) => {
  for (let i = 0; i < a.length; i++) b[i] = Math.sin(a[i]!);
});
const cosKernel = floatUnaryKernel('COS', (a, b) => {
  for (let i = 0; i < a.length; i++) b[i] = Math.cos(a[i]!);
});
const squareKernel = floatUnaryKernel('SQUARE', (a, b) => {
  for (let i = 0; i < a.length; i++) b[i] = a[i]! * a[i]!;
});
const floorKernel = floatUnaryKernel('FLOOR', (a, b) => {
  for (let i = 0; i < a.length; i++) b[i] = Math.floor(a[i]!);
});
const ceilKernel = floatUnaryKernel('CEIL', (a, b) => {
  for (let i = 0; i < a.length; i++) b[i] = Math.ceil(a[i]!);
});
/** ROUND: half to even, as TFLite's `RoundToNearest` (floor, then compare the fraction with 0.5). */
const roundKernel = floatUnaryKernel('ROUND', (a, b) => {
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    const fl = Math.floor(v);
    const diff = v - fl; // exact for float32 values
    b[i] = diff < 0.5 || (diff === 0.5 && fl % 2 === 0) ? fl : fl + 1;
  }
});

// ---- RSQRT ----

function rsqrtInt8Loop(x: KernelTensor, y: KernelTensor): UnaryLoop {
  const qi = tensorQuant(x);
  const qo = tensorQuant(y);
  const f = Math.fround;
  const out = quantizeMultiplier(1 / f(f(Math.sqrt(qi.scale)) * qo.scale));
  const kShift = 20; // keeps the intermediate 1/sqrt an integer
  const zin = qi.zeroPoint;
  const zout = qo.zeroPoint;
  // The formula for each of the 256 inputs (those below the zero point are rejected in eval).
  const table = tabulate8('int8', (q) => {
    const value = q - zin;
    if (value < 0) return 0;
    if (value === 0) return 127; // values at the zero point stand for the largest output
    const inv = getInvSqrtQuantizedMultiplierExp(value, -1);
    const data = multiplyByQuantizedMultiplier(1, inv.multiplier, inv.shift + kShift);
    const v = multiplyByQuantizedMultiplier(data, out.multiplier, out.shift - kShift) + zout;
    return v < -128 ? -128 : v > 127 ? 127 : v;
  });
  return (xt, yt, node) => {
    checkNotBelow(node, xt.data as Int8Array, zin);
    applyTable8(xt.data, yt.data, table);
  };
}

const rsqrtKernel: Kernel<UnaryData> = {
  op: 'RSQRT',
  prepare(node) {
    const { x, y } = prepareUnary(node, ['float32', 'int8', 'int16']);
    if (x.dtype === 'float32') {
      return {
        loop: (xt, yt) => {
          const a = f32(xt);
          const b = f32(yt);
          for (let i = 0; i < a.length; i++) b[i] = 1 / Math.fround(Math.sqrt(a[i]!));
        },
      };
    }
    requireQuantized(node, x, y, x.dtype === 'int16');
    if (x.dtype === 'int8') return { loop: rsqrtInt8Loop(x, y) };
    const qi = tensorQuant(x);
    const qo = tensorQuant(y);
    const maxOut = Math.fround(32767 * qo.scale);
    const lut = lutPopulateInt16(qi.scale, qi.zeroPoint, qo.scale, qo.zeroPoint, (v) =>
      v <= 0 ? maxOut : 1 / Math.fround(Math.sqrt(v)),
    );
    const apply = lut16Loop(lut);
    return {
      loop: (xt, yt, n) => {
        checkNotBelow(n, xt.data as Int16Array, qi.zeroPoint);
        apply(xt, yt, n);
      },
    };
  },
  eval: (node, d) => d.loop(input(node, 0), output(node, 0), node),
};

// ---- EXP and LOG ----

function lutKernel(op: 'EXP' | 'LOG', fn: (v: number) => number): Kernel<UnaryData> {
  return {
    op,
    prepare(node) {
      const { x, y } = prepareUnary(node, ['float32', 'int8', 'int16']);
      if (x.dtype === 'float32') {
        return {
          loop: (xt, yt) => {
            const a = f32(xt);
            const b = f32(yt);
            if (op === 'EXP') for (let i = 0; i < a.length; i++) b[i] = Math.exp(a[i]!);
            else for (let i = 0; i < a.length; i++) b[i] = Math.log(a[i]!);
          },
        };
      }
      requireQuantized(node, x, y, false);
      const qi = tensorQuant(x);
      const qo = tensorQuant(y);
      // LOG of x <= 0 maps to the lowest representable output (TFLite's LogLUTPrepare).
      const lowest = Math.fround(((x.dtype === 'int8' ? -128 : -32768) - qo.zeroPoint) * qo.scale);
      const transform = op === 'LOG' ? (v: number) => (v <= 0 ? lowest : fn(v)) : fn;
      if (x.dtype === 'int8') {
        return {
          loop: lut8Loop(lutPopulateInt8(qi.scale, qi.zeroPoint, qo.scale, qo.zeroPoint, transform, 'int8')),
        };
      }
      return { loop: lut16Loop(lutPopulateInt16(qi.scale, qi.zeroPoint, qo.scale, qo.zeroPoint, transform)) };
    },
    eval: (node, d) => d.loop(input(node, 0), output(node, 0), node),
  };
}

const expKernel = lutKernel('EXP', Math.exp);
const logKernel = lutKernel('LOG', Math.log);

/** The unary math kernels. */
export const unaryMathKernels: Kernel[] = [
  absKernel,
  negKernel,
  sqrtKernel,
  rsqrtKernel,
  expKernel,
  logKernel,
  sinKernel,
  cosKernel,
  squareKernel,
  floorKernel,
  ceilKernel,
  roundKernel,
] as Kernel[];
