/**
 * Single-op cases of the convolution family and the pools, as data, for the differential test
 * against Google's runtimes (peers.test.ts). Each case is one op with seeded random input and
 * weights; `group` puts cases into one model per group so that a peer call (about a second)
 * checks many ops at once.
 */
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import { randomFloats, randomInts, rng } from './oracle.js';
import type { OpCase } from './run_op.js';

export type Group = 'float32' | 'int8' | 'uint8' | 'int16' | 'hybrid';

/** A case: the op, and the input values fed to it. */
export interface PeerCase {
  name: string;
  group: Group;
  op: OpCase;
  feed: TypedArray;
}

type QDtype = 'int8' | 'uint8' | 'int16';
const RANGE: Record<QDtype, [number, number]> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
};

interface ConvLike {
  name: string;
  kind: 'CONV_2D' | 'DEPTHWISE_CONV_2D';
  inShape: [number, number, number, number];
  fh: number;
  fw: number;
  /** Output channels (CONV_2D) or depth multiplier (DEPTHWISE_CONV_2D). */
  channels: number;
  padding: 0 | 1;
  stride: number;
  dilation: number;
  act: number;
  bias?: boolean;
}

const CONVS: ConvLike[] = [
  {
    name: 'conv 3x3 SAME RELU6',
    kind: 'CONV_2D',
    inShape: [1, 9, 8, 5],
    fh: 3,
    fw: 3,
    channels: 7,
    padding: 0,
    stride: 1,
    dilation: 1,
    act: 3,
  },
  {
    name: 'conv 3x3 VALID stride 2',
    kind: 'CONV_2D',
    inShape: [1, 11, 10, 3],
    fh: 3,
    fw: 3,
    channels: 6,
    padding: 1,
    stride: 2,
    dilation: 1,
    act: 0,
  },
  {
    name: 'conv 3x3 SAME dilation 2 RELU',
    kind: 'CONV_2D',
    inShape: [1, 10, 9, 4],
    fh: 3,
    fw: 3,
    channels: 5,
    padding: 0,
    stride: 1,
    dilation: 2,
    act: 1,
  },
  {
    name: 'conv 1x1',
    kind: 'CONV_2D',
    inShape: [2, 5, 5, 12],
    fh: 1,
    fw: 1,
    channels: 9,
    padding: 0,
    stride: 1,
    dilation: 1,
    act: 0,
  },
  {
    name: 'depthwise 3x3 SAME RELU6',
    kind: 'DEPTHWISE_CONV_2D',
    inShape: [1, 9, 9, 6],
    fh: 3,
    fw: 3,
    channels: 1,
    padding: 0,
    stride: 1,
    dilation: 1,
    act: 3,
  },
  {
    name: 'depthwise multiplier 2 stride 2',
    kind: 'DEPTHWISE_CONV_2D',
    inShape: [1, 10, 9, 3],
    fh: 3,
    fw: 3,
    channels: 2,
    padding: 0,
    stride: 2,
    dilation: 1,
    act: 0,
  },
  {
    name: 'depthwise dilation 2 VALID',
    kind: 'DEPTHWISE_CONV_2D',
    inShape: [1, 11, 11, 4],
    fh: 3,
    fw: 3,
    channels: 1,
    padding: 1,
    stride: 1,
    dilation: 2,
    act: 1,
  },
];

/** Quantization of a tensor with `n` channels along `axis` (one scale when perChannel is false). */
function q(scales: number[], zp: number, axis = 0): NonNullable<TensorSpec['quant']> {
  return { scale: scales, zeroPoint: scales.map(() => zp), axis };
}

function quantizedInput(next: () => number, dtype: QDtype, n: number): TypedArray {
  const [lo, hi] = RANGE[dtype];
  const v = randomInts(next, n, lo, hi);
  return dtype === 'int8' ? new Int8Array(v) : dtype === 'uint8' ? new Uint8Array(v) : new Int16Array(v);
}

/** Zero points and scales per activation dtype: plausible, and different between input and output. */
const ACT: Record<QDtype, { inScale: number; inZp: number; outZp: number }> = {
  int8: { inScale: 0.02, inZp: -7, outZp: 3 },
  uint8: { inScale: 0.02, inZp: 121, outZp: 131 },
  int16: { inScale: 0.0005, inZp: 0, outZp: 0 },
};

function convCase(c: ConvLike, group: Group, seed: number, idx: number): PeerCase {
  const next = rng(seed);
  const [B, H, W, C] = c.inShape;
  const dw = c.kind === 'DEPTHWISE_CONV_2D';
  const outC = dw ? C * c.channels : c.channels;
  const wShape = dw ? [1, c.fh, c.fw, outC] : [outC, c.fh, c.fw, C];
  const wCount = wShape.reduce((a, b) => a * b, 1);
  const k = dw ? c.fh * c.fw : c.fh * c.fw * C;
  const options = {
    padding: c.padding,
    strideH: c.stride,
    strideW: c.stride,
    dilationHFactor: c.dilation,
    dilationWFactor: c.dilation,
    fusedActivationFunction: c.act,
    ...(dw ? { depthMultiplier: c.channels } : {}),
  };
  const name = (s: string) => `t${String(idx).padStart(2, '0')}_${s}`;
  const inputs: (TensorSpec | null)[] = [];
  let feed: TypedArray;
  const hasBias = c.bias !== false;
  if (group === 'float32' || group === 'hybrid') {
    feed = randomFloats(next, B * H * W * C, -1, 1);
    inputs.push({ name: name('in'), dtype: 'float32', shape: c.inShape });
    if (group === 'float32') {
      inputs.push({
        name: name('w'),
        dtype: 'float32',
        shape: wShape,
        data: randomFloats(next, wCount, -0.5, 0.5),
      });
    } else {
      // Hybrid: per-channel scales that differ select TFLite's asymmetric (per-channel) path.
      const perChannel = dw || idx % 2 === 1;
      const scales = Array.from({ length: perChannel ? outC : 1 }, (_, i) => Math.fround(0.004 + 0.0005 * i));
      inputs.push({
        name: name('w'),
        dtype: 'int8',
        shape: wShape,
        data: new Int8Array(randomInts(next, wCount, -127, 127)),
        quant: q(scales, 0, dw ? 3 : 0),
      });
    }
    inputs.push(
      hasBias
        ? { name: name('b'), dtype: 'float32', shape: [outC], data: randomFloats(next, outC, -0.3, 0.3) }
        : null,
    );
    return {
      name: `${c.name} (${group})`,
      group,
      feed,
      op: {
        op: c.kind,
        version: group === 'hybrid' ? (dw ? 6 : 2) : 2,
        inputs,
        outputs: [{ name: name('out'), dtype: 'float32', shape: [1] }],
        options,
      },
    };
  }
  const dtype = group as QDtype;
  const a = ACT[dtype];
  feed = quantizedInput(next, dtype, B * H * W * C);
  const wDtype: DType = dtype === 'uint8' ? 'uint8' : 'int8';
  const perChannel = dtype !== 'uint8';
  const wScales = Array.from({ length: perChannel ? outC : 1 }, (_, i) => Math.fround(0.01 + 0.001 * i));
  const wZp = dtype === 'uint8' ? 128 : 0;
  const wVals =
    dtype === 'uint8'
      ? new Uint8Array(randomInts(next, wCount, 0, 255))
      : new Int8Array(randomInts(next, wCount, -127, 127));
  // Output scale: about the spread of a sum of k products, so outputs use the range.
  const spread = Math.sqrt(k) * (dtype === 'int16' ? 9000 : 70) * 70 * a.inScale * wScales[0]!;
  const outScale = Math.fround(spread / (dtype === 'int16' ? 8000 : 50));
  inputs.push({ name: name('in'), dtype, shape: c.inShape, quant: q([a.inScale], a.inZp) });
  inputs.push({
    name: name('w'),
    dtype: wDtype,
    shape: wShape,
    data: wVals,
    quant: q(wScales, wZp, dw ? 3 : 0),
  });
  const biasDtype = dtype === 'int16' ? 'int64' : 'int32';
  const biasVals = randomInts(next, outC, -2000, 2000);
  inputs.push(
    hasBias
      ? {
          name: name('b'),
          dtype: biasDtype,
          shape: [outC],
          data: biasDtype === 'int64' ? BigInt64Array.from(biasVals.map(BigInt)) : Int32Array.from(biasVals),
          quant: q(
            wScales.map((s) => s * a.inScale),
            0,
          ),
        }
      : null,
  );
  return {
    name: `${c.name} (${group})`,
    group,
    feed,
    op: {
      op: c.kind,
      version: dtype === 'int8' ? 3 : dtype === 'int16' ? 4 : 1,
      inputs,
      outputs: [{ name: name('out'), dtype, shape: [1], quant: q([outScale], a.outZp) }],
      options,
    },
  };
}

interface FcLike {
  name: string;
  inShape: number[];
  units: number;
  keepNumDims: boolean;
  act: number;
  asymmetric?: boolean;
}

const FCS: FcLike[] = [
  { name: 'fc batch 3', inShape: [3, 20], units: 9, keepNumDims: false, act: 0 },
  { name: 'fc keep_num_dims RELU', inShape: [2, 2, 16], units: 5, keepNumDims: true, act: 1 },
  { name: 'fc asymmetric inputs', inShape: [2, 24], units: 6, keepNumDims: false, act: 0, asymmetric: true },
];

function fcCase(c: FcLike, group: Group, seed: number, idx: number): PeerCase {
  const next = rng(seed);
  const depth = c.inShape[c.inShape.length - 1]!;
  const n = c.inShape.reduce((a, b) => a * b, 1);
  const name = (s: string) => `t${String(idx).padStart(2, '0')}_${s}`;
  const options = {
    fusedActivationFunction: c.act,
    keepNumDims: c.keepNumDims,
    asymmetricQuantizeInputs: c.asymmetric ?? false,
  };
  if (group === 'float32' || group === 'hybrid') {
    const w: TensorSpec =
      group === 'float32'
        ? {
            name: name('w'),
            dtype: 'float32',
            shape: [c.units, depth],
            data: randomFloats(next, c.units * depth, -0.5, 0.5),
          }
        : {
            name: name('w'),
            dtype: 'int8',
            shape: [c.units, depth],
            data: new Int8Array(randomInts(next, c.units * depth, -127, 127)),
            quant: q([0.01], 0),
          };
    return {
      name: `${c.name} (${group})`,
      group,
      feed: randomFloats(next, n, -2, 2),
      op: {
        op: 'FULLY_CONNECTED',
        version: group === 'hybrid' ? 9 : 1,
        inputs: [
          { name: name('in'), dtype: 'float32', shape: c.inShape },
          w,
          {
            name: name('b'),
            dtype: 'float32',
            shape: [c.units],
            data: randomFloats(next, c.units, -0.2, 0.2),
          },
        ],
        outputs: [{ name: name('out'), dtype: 'float32', shape: [1] }],
        options,
      },
    };
  }
  const dtype = group as QDtype;
  const a = ACT[dtype];
  const wDtype: DType = dtype === 'uint8' ? 'uint8' : 'int8';
  const wZp = dtype === 'uint8' ? 128 : 0;
  const wScale = Math.fround(0.01);
  const spread = Math.sqrt(depth) * (dtype === 'int16' ? 9000 : 70) * 70 * a.inScale * wScale;
  const outScale = Math.fround(spread / (dtype === 'int16' ? 8000 : 50));
  const biasDtype = dtype === 'int16' ? 'int64' : 'int32';
  const biasVals = randomInts(next, c.units, -2000, 2000);
  return {
    name: `${c.name} (${group})`,
    group,
    feed: quantizedInput(next, dtype, n),
    op: {
      op: 'FULLY_CONNECTED',
      version: dtype === 'int8' ? 4 : dtype === 'int16' ? 7 : 1,
      inputs: [
        { name: name('in'), dtype, shape: c.inShape, quant: q([a.inScale], a.inZp) },
        {
          name: name('w'),
          dtype: wDtype,
          shape: [c.units, depth],
          data:
            dtype === 'uint8'
              ? new Uint8Array(randomInts(next, c.units * depth, 0, 255))
              : new Int8Array(randomInts(next, c.units * depth, -127, 127)),
          quant: q([wScale], wZp),
        },
        {
          name: name('b'),
          dtype: biasDtype,
          shape: [c.units],
          data: biasDtype === 'int64' ? BigInt64Array.from(biasVals.map(BigInt)) : Int32Array.from(biasVals),
          quant: q([wScale * a.inScale], 0),
        },
      ],
      outputs: [{ name: name('out'), dtype, shape: [1], quant: q([outScale], a.outZp) }],
      options,
    },
  };
}

interface PoolLike {
  name: string;
  op: 'AVERAGE_POOL_2D' | 'MAX_POOL_2D' | 'L2_POOL_2D';
  inShape: [number, number, number, number];
  f: number;
  stride: number;
  padding: 0 | 1;
  act: number;
}

const POOLS: PoolLike[] = [
  {
    name: 'avg 3x3 SAME stride 2',
    op: 'AVERAGE_POOL_2D',
    inShape: [1, 9, 8, 5],
    f: 3,
    stride: 2,
    padding: 0,
    act: 0,
  },
  {
    name: 'avg 2x2 VALID RELU6',
    op: 'AVERAGE_POOL_2D',
    inShape: [1, 6, 6, 3],
    f: 2,
    stride: 2,
    padding: 1,
    act: 3,
  },
  {
    name: 'max 3x3 SAME stride 2',
    op: 'MAX_POOL_2D',
    inShape: [1, 9, 9, 4],
    f: 3,
    stride: 2,
    padding: 0,
    act: 0,
  },
  { name: 'l2 3x3 SAME', op: 'L2_POOL_2D', inShape: [1, 5, 6, 3], f: 3, stride: 1, padding: 0, act: 0 },
];

function poolCase(c: PoolLike, group: Group, seed: number, idx: number): PeerCase {
  const next = rng(seed);
  const n = c.inShape.reduce((a, b) => a * b, 1);
  const name = (s: string) => `t${String(idx).padStart(2, '0')}_${s}`;
  const options = {
    padding: c.padding,
    strideH: c.stride,
    strideW: c.stride,
    filterHeight: c.f,
    filterWidth: c.f,
    fusedActivationFunction: c.act,
  };
  if (group === 'float32') {
    return {
      name: `${c.name} (${group})`,
      group,
      feed: randomFloats(next, n, -3, 9),
      op: {
        op: c.op,
        inputs: [{ name: name('in'), dtype: 'float32', shape: c.inShape }],
        outputs: [{ name: name('out'), dtype: 'float32', shape: [1] }],
        options,
      },
    };
  }
  const dtype = group as QDtype;
  const quant = q([dtype === 'int16' ? 0.0005 : 0.05], ACT[dtype].inZp);
  return {
    name: `${c.name} (${group})`,
    group,
    feed: quantizedInput(next, dtype, n),
    op: {
      op: c.op,
      version: dtype === 'int16' ? 3 : 2,
      inputs: [{ name: name('in'), dtype, shape: c.inShape, quant }],
      outputs: [{ name: name('out'), dtype, shape: [1], quant }],
      options,
    },
  };
}

function transposeConvCase(group: Group, seed: number, idx: number): PeerCase {
  const next = rng(seed);
  const name = (s: string) => `t${String(idx).padStart(2, '0')}_${s}`;
  const inShape = [1, 4, 5, 3];
  const outShape = [1, 8, 10, 4];
  const wCount = 4 * 3 * 3 * 3;
  const shape: TensorSpec = {
    name: name('shape'),
    dtype: 'int32',
    shape: [4],
    data: Int32Array.from(outShape),
  };
  const options = { padding: 0, strideH: 2, strideW: 2 };
  if (group === 'float32') {
    return {
      name: 'transpose conv 3x3 SAME stride 2 (float32)',
      group,
      feed: randomFloats(next, 60),
      op: {
        op: 'TRANSPOSE_CONV',
        version: 3,
        inputs: [
          shape,
          { name: name('w'), dtype: 'float32', shape: [4, 3, 3, 3], data: randomFloats(next, wCount) },
          { name: name('in'), dtype: 'float32', shape: inShape },
          { name: name('b'), dtype: 'float32', shape: [4], data: randomFloats(next, 4) },
        ],
        outputs: [{ name: name('out'), dtype: 'float32', shape: outShape }],
        options,
      },
    };
  }
  const wScales = [0.01, 0.012, 0.014, 0.016].map(Math.fround);
  return {
    name: 'transpose conv 3x3 SAME stride 2 (int8)',
    group,
    feed: quantizedInput(next, 'int8', 60),
    op: {
      op: 'TRANSPOSE_CONV',
      version: 3,
      inputs: [
        shape,
        {
          name: name('w'),
          dtype: 'int8',
          shape: [4, 3, 3, 3],
          data: new Int8Array(randomInts(next, wCount, -127, 127)),
          quant: q(wScales, 0),
        },
        { name: name('in'), dtype: 'int8', shape: inShape, quant: q([0.02], -7) },
        {
          name: name('b'),
          dtype: 'int32',
          shape: [4],
          data: Int32Array.from(randomInts(next, 4, -500, 500)),
          quant: q(
            wScales.map((s) => s * 0.02),
            0,
          ),
        },
      ],
      outputs: [{ name: name('out'), dtype: 'int8', shape: outShape, quant: q([0.08], 3) }],
      options,
    },
  };
}

function batchMatMulCase(group: Group, seed: number, idx: number, adjX: boolean, adjY: boolean): PeerCase {
  const next = rng(seed);
  const name = (s: string) => `t${String(idx).padStart(2, '0')}_${s}`;
  const lhs = adjX ? [2, 3, 7, 5] : [2, 3, 5, 7];
  const rhs = adjY ? [3, 4, 7] : [3, 7, 4];
  const options = { adjX, adjY };
  const label = `batch matmul adj_x ${adjX} adj_y ${adjY} broadcast`;
  if (group === 'float32') {
    return {
      name: `${label} (float32)`,
      group,
      feed: randomFloats(next, 210),
      op: {
        op: 'BATCH_MATMUL',
        inputs: [
          { name: name('in'), dtype: 'float32', shape: lhs },
          { name: name('w'), dtype: 'float32', shape: rhs, data: randomFloats(next, 84) },
        ],
        outputs: [{ name: name('out'), dtype: 'float32', shape: [1] }],
        options,
      },
    };
  }
  return {
    name: `${label} (int8)`,
    group,
    feed: quantizedInput(next, 'int8', 210),
    op: {
      op: 'BATCH_MATMUL',
      version: 2,
      inputs: [
        { name: name('in'), dtype: 'int8', shape: lhs, quant: q([0.02], -3) },
        {
          name: name('w'),
          dtype: 'int8',
          shape: rhs,
          data: new Int8Array(randomInts(next, 84, -127, 127)),
          quant: q([0.01], 0),
        },
      ],
      outputs: [{ name: name('out'), dtype: 'int8', shape: [1], quant: q([0.05], 2) }],
      options,
    },
  };
}

/** Every peer case, in a fixed order (outputs are named t00_out, t01_out, ... within a group). */
export function peerCases(): PeerCase[] {
  const out: PeerCase[] = [];
  const groups: Group[] = ['float32', 'int8', 'uint8', 'int16', 'hybrid'];
  for (const group of groups) {
    let idx = 0;
    let seed = 1000 * (groups.indexOf(group) + 1);
    const add = (c: PeerCase) => {
      out.push(c);
      idx++;
    };
    for (const c of CONVS) add(convCase(c, group, seed++, idx));
    for (const c of FCS) if (c.asymmetric ? group === 'hybrid' : true) add(fcCase(c, group, seed++, idx));
    if (group !== 'hybrid')
      for (const c of POOLS)
        if (c.op !== 'L2_POOL_2D' || group === 'float32') add(poolCase(c, group, seed++, idx));
    if (group === 'float32' || group === 'int8') {
      add(transposeConvCase(group, seed++, idx));
      add(batchMatMulCase(group, seed++, idx, false, false));
      add(batchMatMulCase(group, seed++, idx, true, true));
    }
  }
  return out;
}
