/**
 * PAD, PADV2 and MIRROR_PAD.
 *
 * PAD/PADV2 fill the output with the pad value and copy the input into the interior. The pad
 * value follows TFLite's pad.cc: PADV2's constant (which must share the output's quantization);
 * otherwise 0, except for quantized tensors, which pad with the output zero point (uint8 always,
 * int8/int16 when quantized) so that padding means real 0.
 *
 * MIRROR_PAD maps every output coordinate to an input coordinate per dim (REFLECT excludes the
 * edge element, SYMMETRIC repeats it) through tables built in prepare.
 */
import { MirrorPadMode } from '../../ir/builtin_options.js';
import { dtypeSize } from '../../ir/dtype.js';
import {
  type Kernel,
  type KernelNode,
  type KernelTensor,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { expectIndexDtype, readIndexValues } from './index_values.js';
import { type CopyPlan, contiguousStrides, planCopy, runCopy } from './strided_copy.js';
import { fillElements } from './element_fill.js';
import { expectMovable, wordView } from './word_view.js';

/** Reads paddings ([rank, 2], before/after per dim) and checks them. */
function readPaddings(node: KernelNode, x: KernelTensor, p: KernelTensor): [number, number][] {
  const rank = x.shape.length;
  if (p.shape.length !== 2 || p.shape[0] !== rank || p.shape[1] !== 2) {
    throw shapeError(node, `paddings must have shape [${rank}, 2], has [${p.shape}]`);
  }
  const v = readIndexValues(node, p, 'paddings');
  const out: [number, number][] = [];
  for (let k = 0; k < rank; k++) {
    const before = v[2 * k]!;
    const after = v[2 * k + 1]!;
    if (before < 0 || after < 0)
      throw shapeError(node, `paddings of dim ${k} must be >= 0, are [${before}, ${after}]`);
    out.push([before, after]);
  }
  return out;
}

interface PadPlan {
  readonly shape: number[];
  readonly plan: CopyPlan;
  readonly padded: boolean;
}

function planPad(node: KernelNode, x: KernelTensor, pads: [number, number][]): PadPlan {
  const shape = x.shape.map((d, k) => d + pads[k]![0] + pads[k]![1]);
  const outStrides = contiguousStrides(shape);
  const offset = pads.reduce((acc, [before], k) => acc + before * outStrides[k]!, 0);
  const plan = planCopy(
    x.shape,
    contiguousStrides(x.shape),
    outStrides,
    0,
    offset,
    expectMovable(node, x, 'input'),
  );
  return { shape, plan, padded: pads.some(([b, a]) => b > 0 || a > 0) };
}

interface PadData {
  /** Null when the paddings are only known in eval. */
  pad: PadPlan | null;
  /** The pad element's bytes, or null to read PADV2's constant input in eval. */
  readonly value: Uint8Array | null;
}

/** Returns the bytes of one element of `dtype` holding the integer `v` (little-endian). */
function intBytes(dtype: string, v: number): Uint8Array {
  const b = new Uint8Array(dtype === 'int16' ? 2 : 1);
  b[0] = v & 0xff;
  if (b.length === 2) b[1] = (v >> 8) & 0xff;
  return b;
}

function makePadKernel(op: 'PAD' | 'PADV2'): Kernel<PadData> {
  return {
    op,
    prepare(node, ctx) {
      const x = input(node, 0);
      const p = input(node, 1);
      const y = output(node, 0);
      const c = node.inputs[2] ?? null;
      expectIndexDtype(node, p, 'paddings');
      expectMovable(node, x, 'input');
      if (y.dtype !== x.dtype)
        throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
      let value: Uint8Array | null;
      if (c) {
        if (c.dtype !== x.dtype)
          throw unsupported(node, `constant_values has dtype ${c.dtype}, the input ${x.dtype}`);
        if (c.shape.reduce((a, d) => a * d, 1) !== 1)
          throw shapeError(node, 'constant_values must hold one value');
        const yq = y.quant;
        const cq = c.quant;
        if ((x.dtype === 'int8' || x.dtype === 'uint8' || x.dtype === 'int16') && yq && cq) {
          if (yq.scale[0] !== cq.scale[0] || yq.zeroPoint[0] !== cq.zeroPoint[0]) {
            throw unsupported(node, 'constant_values must have the output quantization (TFLite requires it)');
          }
        }
        value = c.isConst ? c.bytes.slice(0, dtypeSize(c.dtype)) : null;
      } else if (x.dtype === 'uint8' || ((x.dtype === 'int8' || x.dtype === 'int16') && y.quant)) {
        const zp = y.quant?.zeroPoint[0] ?? 0;
        const [lo, hi] = x.dtype === 'uint8' ? [0, 255] : x.dtype === 'int8' ? [-128, 127] : [-32768, 32767];
        if (zp < lo || zp > hi)
          throw unsupported(node, `output zero point ${zp} is outside the ${x.dtype} range`);
        value = intBytes(x.dtype, zp);
      } else {
        value = new Uint8Array(dtypeSize(x.dtype));
      }
      if (!p.isConst) {
        ctx.markDynamic(y);
        return { pad: null, value };
      }
      const pad = planPad(node, x, readPaddings(node, x, p));
      y.shape = pad.shape;
      return { pad, value };
    },
    eval(node, data, ctx) {
      const x = input(node, 0);
      const y = output(node, 0);
      let pad = data.pad;
      if (!pad) {
        pad = planPad(node, x, readPaddings(node, x, input(node, 1)));
        ctx.resizeOutput(y, pad.shape);
      }
      if (pad.padded) {
        const c = node.inputs[2];
        fillElements(y, data.value ?? c!.bytes.slice(0, dtypeSize(c!.dtype)));
      }
      runCopy(pad.plan, wordView(x), wordView(y));
    },
  };
}

/** PAD: inputs (input, paddings). */
export const padKernel = makePadKernel('PAD');

/** PADV2: inputs (input, paddings, constant_values). */
export const padV2Kernel = makePadKernel('PADV2');

interface MirrorPlan {
  readonly shape: number[];
  /** Per output dim, the input coordinate of each output coordinate. */
  readonly maps: Int32Array[];
  /** Input strides in words. */
  readonly strides: Int32Array;
  readonly w: number;
}

function planMirror(
  node: KernelNode,
  x: KernelTensor,
  pads: [number, number][],
  symmetric: boolean,
): MirrorPlan {
  const w = expectMovable(node, x, 'input');
  const shape = x.shape.map((d, k) => d + pads[k]![0] + pads[k]![1]);
  const maps = x.shape.map((size, k) => {
    const [before, after] = pads[k]!;
    const limit = symmetric ? size : size - 1;
    if (before > limit || after > limit) {
      throw shapeError(
        node,
        `paddings [${before}, ${after}] of dim ${k} exceed ${limit} (${symmetric ? 'SYMMETRIC' : 'REFLECT'} on size ${size})`,
      );
    }
    const m = new Int32Array(shape[k]!);
    for (let o = 0; o < m.length; o++) {
      let i = o - before;
      if (i < 0) i = symmetric ? -i - 1 : -i;
      else if (i >= size) i = symmetric ? 2 * size - 1 - i : 2 * size - 2 - i;
      m[o] = i;
    }
    return m;
  });
  const strides = Int32Array.from(contiguousStrides(x.shape).map((s) => s * w));
  return { shape, maps, strides, w };
}

/** MIRROR_PAD: inputs (input, paddings), mode REFLECT or SYMMETRIC. */
export const mirrorPadKernel: Kernel<{ plan: MirrorPlan | null }> = {
  op: 'MIRROR_PAD',
  prepare(node, ctx) {
    const x = input(node, 0);
    const p = input(node, 1);
    const y = output(node, 0);
    expectIndexDtype(node, p, 'paddings');
    expectMovable(node, x, 'input');
    if (y.dtype !== x.dtype)
      throw unsupported(node, `output dtype ${y.dtype} differs from the input ${x.dtype}`);
    const mode = optionsOf(node, 'MirrorPadOptions').mode;
    if (mode !== MirrorPadMode.REFLECT && mode !== MirrorPadMode.SYMMETRIC) {
      throw unsupported(node, `mirror pad mode ${mode}`);
    }
    if (!p.isConst) {
      ctx.markDynamic(y);
      return { plan: null };
    }
    const plan = planMirror(node, x, readPaddings(node, x, p), mode === MirrorPadMode.SYMMETRIC);
    y.shape = plan.shape;
    return { plan };
  },
  eval(node, data, ctx) {
    const x = input(node, 0);
    const y = output(node, 0);
    let plan = data.plan;
    if (!plan) {
      const symmetric = optionsOf(node, 'MirrorPadOptions').mode === MirrorPadMode.SYMMETRIC;
      plan = planMirror(node, x, readPaddings(node, x, input(node, 1)), symmetric);
      ctx.resizeOutput(y, plan.shape);
    }
    const src = wordView(x);
    const dst = wordView(y);
    const { shape, maps, strides, w } = plan;
    const r = shape.length;
    if (shape.some((d) => d === 0)) return;
    if (r === 0) {
      for (let t = 0; t < w; t++) dst[t] = src[t]!;
      return;
    }
    const last = maps[r - 1]!;
    const lastStride = strides[r - 1]!;
    const n = shape[r - 1]!;
    const idx = new Int32Array(r - 1);
    let d = 0;
    for (;;) {
      let base = 0;
      for (let k = 0; k < r - 1; k++) base += maps[k]![idx[k]!]! * strides[k]!;
      for (let j = 0; j < n; j++) {
        const s = base + last[j]! * lastStride;
        for (let t = 0; t < w; t++) dst[d++] = src[s + t]!;
      }
      let k = r - 2;
      for (; k >= 0; k--) {
        if (++idx[k]! < shape[k]!) break;
        idx[k] = 0;
      }
      if (k < 0) return;
    }
  },
};
