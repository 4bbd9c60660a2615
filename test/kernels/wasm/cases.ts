/**
 * Conformance cases of the WebAssembly kernels, as data. Sizes sit at the tile boundaries of the
 * kernels (XNNPACK's habit): GEMM tiles are 4 rows (output pixels / batch rows) x 8 columns
 * (output channels), quantized k runs in blocks of 8, depthwise channels in groups of 8 (float
 * tails of 4 and 1); each dimension takes values below, equal to, above and a multiple of its
 * tile. Every case runs on the reference kernels and on the wasm kernels (1 and 2 threads).
 */

/** Activation codes of the schema: NONE, RELU, RELU_N1_TO_1, RELU6. */
export const ACT = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3 } as const;

/** One convolution-family case. */
export interface WasmCase {
  name: string;
  op: 'CONV_2D' | 'DEPTHWISE_CONV_2D' | 'FULLY_CONNECTED' | 'ADD' | 'MUL';
  /** MUL: shape of the second input (broadcast row or scalar); default: inShape. */
  bShape?: number[];
  /** MUL: the broadcast operand comes first. */
  swap?: boolean;
  /** Input [batches, h, w, c] (FULLY_CONNECTED: [batches, depth]). */
  inShape: number[];
  /** Output channels (units for FULLY_CONNECTED). */
  outC: number;
  fh?: number;
  fw?: number;
  stride?: number;
  dilation?: number;
  padding?: 'SAME' | 'VALID';
  act?: number;
  /** Quantized cases: a large multiplier (> 1, positive shifts) instead of the usual < 1. */
  bigMultiplier?: boolean;
  /** Quantized cases: a per-channel filter (int8 only). */
  perChannel?: boolean;
  noBias?: boolean;
  /**
   * Quantized cases: per-channel factors on the filter scales, cycled over the channels (int8
   * per-channel: shifts far apart, the per-channel requantization with a large D; a factor of
   * 1e-6 makes a channel whose output is always the zero point).
   */
  scaleFactors?: number[];
  /** Quantized cases: channels whose weights all equal the zero point, with biases near +-2^30 (constant outputs, as visual_wake_words has). */
  zeroChannels?: number[];
  /** Quantized cases: biases near +-2^30 on every channel (beyond the fast requantization's bound: the scalar path). */
  hugeBias?: boolean;
  /** Quantized cases: biases of +-2^(biasBits-1) to 2^biasBits (a channel with a tiny scale still has outputs beyond 0). */
  biasBits?: number;
  /** Quantized cases: the real multipliers input_scale * filter_scale / output_scale, cycled over the channels (int8 per-channel: exact shifts). */
  multipliers?: number[];
  /** Quantized cases: output zero point 255 (uint8) or -128 (int8), the extremes of the rounding constant. */
  extremeZeroPoint?: boolean;
  /** int8: the requantization mode the case must reach (0 uniform, 1 per-channel, 2 scalar, 4 per-channel without clamp). */
  int8Mode?: number;
  /** Quantized cases: the input zero points [uint8, int8] instead of 131 and -7. */
  inZeroPoints?: [number, number];
  /** Quantized cases: the implementation the case must run in (conformance.test.ts checks the name). */
  q8Impl?: string;
}

const conv1x1: WasmCase[] = [];
// 1x1 (direct GEMM): pixels x outC x inC around the 4x8 tile and the k block of 8.
for (const [h, w] of [
  [1, 1],
  [1, 3],
  [2, 2],
  [1, 5],
  [3, 4],
  [3, 5],
]) {
  for (const outC of [1, 7, 8, 9, 17]) {
    for (const inC of [1, 7, 8, 9, 16, 19]) {
      if ((h! * w! + outC + inC) % 3 !== 0 && !(h === 3 && w === 5)) continue; // a spread, not the full product
      conv1x1.push({
        name: `conv 1x1 ${h}x${w}x${inC} -> ${outC}`,
        op: 'CONV_2D',
        inShape: [1, h!, w!, inC],
        outC,
        fh: 1,
        fw: 1,
        act: outC % 2 ? ACT.NONE : ACT.RELU6,
      });
    }
  }
}

export const CONV_CASES: WasmCase[] = [
  ...conv1x1,
  { name: 'conv 1x1 batch 2', op: 'CONV_2D', inShape: [2, 3, 3, 12], outC: 10, fh: 1, fw: 1, act: ACT.RELU },
  {
    name: 'conv 1x1 stride 2 (im2col)',
    op: 'CONV_2D',
    inShape: [1, 5, 6, 9],
    outC: 8,
    fh: 1,
    fw: 1,
    stride: 2,
  },
  {
    name: 'conv 3x3 SAME stride 2 inC 3',
    op: 'CONV_2D',
    inShape: [1, 9, 8, 3],
    outC: 8,
    fh: 3,
    fw: 3,
    stride: 2,
    act: ACT.RELU6,
  },
  { name: 'conv 3x3 VALID', op: 'CONV_2D', inShape: [1, 6, 7, 5], outC: 9, fh: 3, fw: 3, padding: 'VALID' },
  {
    name: 'conv 3x3 dilation 2',
    op: 'CONV_2D',
    inShape: [1, 7, 7, 4],
    outC: 7,
    fh: 3,
    fw: 3,
    dilation: 2,
    act: ACT.RELU_N1_TO_1,
  },
  { name: 'conv 5x3 SAME', op: 'CONV_2D', inShape: [1, 4, 6, 8], outC: 16, fh: 5, fw: 3 },
  {
    name: 'conv 2x2 stride 2 batch 3',
    op: 'CONV_2D',
    inShape: [3, 4, 4, 7],
    outC: 5,
    fh: 2,
    fw: 2,
    stride: 2,
    padding: 'VALID',
  },
  // More output pixels than one im2col block (about 16 KiB of rows), so blocks chain.
  { name: 'conv 3x3 many im2col blocks', op: 'CONV_2D', inShape: [1, 41, 39, 3], outC: 12, fh: 3, fw: 3 },
  {
    name: 'conv big multiplier',
    op: 'CONV_2D',
    inShape: [1, 3, 3, 9],
    outC: 9,
    fh: 1,
    fw: 1,
    bigMultiplier: true,
  },
  { name: 'conv no bias', op: 'CONV_2D', inShape: [1, 3, 5, 8], outC: 9, fh: 3, fw: 3, noBias: true },
  // Large enough (>= 50k multiply-adds) to be split across threads (4 parts per thread).
  {
    name: 'conv 1x1 split across threads',
    op: 'CONV_2D',
    inShape: [1, 27, 29, 33],
    outC: 41,
    fh: 1,
    fw: 1,
    act: ACT.RELU6,
  },
  {
    name: 'conv 3x3 split across threads',
    op: 'CONV_2D',
    inShape: [1, 23, 21, 6],
    outC: 17,
    fh: 3,
    fw: 3,
    stride: 2,
  },
];

export const DEPTHWISE_CASES: WasmCase[] = [];
// Channels around the 8-channel step of the depthwise kernels (24: three whole groups).
for (const c of [1, 3, 4, 7, 8, 9, 16, 17, 24]) {
  for (const [h, w, stride, padding] of [
    [1, 1, 1, 'SAME'],
    [5, 5, 1, 'SAME'],
    [7, 6, 2, 'SAME'],
    [6, 5, 1, 'VALID'],
  ] as const) {
    DEPTHWISE_CASES.push({
      name: `dw 3x3 ${h}x${w}x${c} stride ${stride} ${padding}`,
      op: 'DEPTHWISE_CONV_2D',
      inShape: [1, h, w, c],
      outC: c,
      fh: 3,
      fw: 3,
      stride,
      padding,
      act: c % 2 ? ACT.RELU6 : ACT.NONE,
    });
  }
}
DEPTHWISE_CASES.push(
  {
    name: 'dw 3x3 dilation 2',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 8, 7, 12],
    outC: 12,
    fh: 3,
    fw: 3,
    dilation: 2,
  },
  {
    name: 'dw 5x5 stride 2',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [2, 9, 9, 10],
    outC: 10,
    fh: 5,
    fw: 5,
    stride: 2,
    act: ACT.RELU,
  },
  {
    name: 'dw 3x3 VALID stride 2 big multiplier',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 7, 7, 16],
    outC: 16,
    fh: 3,
    fw: 3,
    stride: 2,
    padding: 'VALID',
    bigMultiplier: true,
  },
  {
    name: 'dw 3x3 no bias',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 4, 4, 9],
    outC: 9,
    fh: 3,
    fw: 3,
    noBias: true,
  },
);

export const FC_CASES: WasmCase[] = [];
for (const batch of [1, 3, 4, 5, 9]) {
  for (const units of [1, 7, 8, 9, 17]) {
    for (const depth of [1, 8, 9, 33]) {
      if ((batch + units + depth) % 2 !== 0) continue;
      FC_CASES.push({
        name: `fc ${batch}x${depth} -> ${units}`,
        op: 'FULLY_CONNECTED',
        inShape: [batch, depth],
        outC: units,
        act: units % 3 ? ACT.NONE : ACT.RELU,
      });
    }
  }
}
FC_CASES.push({
  name: 'fc 2x200 -> 40 big multiplier',
  op: 'FULLY_CONNECTED',
  inShape: [2, 200],
  outC: 40,
  bigMultiplier: true,
});

/** ADD: 8 lanes per vector step, 16-element thread split; lengths around both. */
export const ADD_CASES: WasmCase[] = [1, 7, 8, 9, 15, 16, 17, 33, 100].map((n, i) => ({
  name: `add ${n}`,
  op: 'ADD' as const,
  inShape: [1, n],
  outC: n,
  act: [ACT.NONE, ACT.RELU, ACT.RELU6, ACT.RELU_N1_TO_1][i % 4]!,
}));
ADD_CASES.push({
  name: 'add 4x5x6 large input scale',
  op: 'ADD',
  inShape: [4, 5, 6],
  outC: 6,
  bigMultiplier: true,
});

/** MUL: same shapes, a repeated row of C (SE scales, either order), a scalar; around 8 lanes. */
export const MUL_CASES: WasmCase[] = [
  ...[1, 7, 8, 9, 17, 40].map((n, i) => ({
    name: `mul ${n}`,
    op: 'MUL' as const,
    inShape: [1, 2, n],
    outC: n,
    act: [ACT.NONE, ACT.RELU6][i % 2]!,
  })),
  { name: 'mul row of 7', op: 'MUL', inShape: [1, 3, 3, 7], bShape: [1, 1, 1, 7], outC: 7 },
  {
    name: 'mul row of 24 first',
    op: 'MUL',
    inShape: [1, 4, 5, 24],
    bShape: [1, 1, 1, 24],
    outC: 24,
    swap: true,
  },
  { name: 'mul scalar', op: 'MUL', inShape: [2, 3, 11], bShape: [1], outC: 11, act: ACT.RELU },
  { name: 'mul big multiplier', op: 'MUL', inShape: [1, 5, 16], outC: 16, bigMultiplier: true },
  {
    name: 'mul row split across threads',
    op: 'MUL',
    inShape: [1, 30, 30, 20],
    bShape: [1, 1, 1, 20],
    outC: 20,
  },
];

/**
 * The requantization modes of the quantized kernels (src/kernels/wasm/requant_block.ts): uniform
 * and per-channel shifts (every group above), a shift spread up to the limit of the per-channel
 * mode (D = 22, with saturating channels and the extreme zero points) and beyond it, constant and
 * always-zero-point channels, accumulators beyond the bound (scalar mode). Shapes cross the
 * tiles too.
 */
const REQUANT: [string, Partial<WasmCase>][] = [
  // Per-channel shifts whose clamp of q provably never matters: mode 4 (no clamp).
  ['shift spread', { scaleFactors: [1, 1 / 64, 1 / 4096, 4, 1 / 100000, 1 / 16, 1 / 2], int8Mode: 4 }],
  // Large accumulators on the channels with small shifts: the clamp before 2^(D-e) matters.
  ['saturating shift spread', { scaleFactors: [1, 1 / 2048], biasBits: 24, int8Mode: 1 }],
  // e = 22, 0 and 7 (shifts -22, 0 and -7), large accumulators: |v| reaches 511.5 * 2^22.
  [
    'D = 22 at the extreme zero point',
    { multipliers: [1.5 * 2 ** -23, 0.7, 1.2 * 2 ** -8], biasBits: 25, extremeZeroPoint: true, int8Mode: 1 },
  ],
  ['shift beyond D = 22', { scaleFactors: [1e-5, 1, 3e-6], biasBits: 25, int8Mode: 2 }],
  ['dead and constant channels', { scaleFactors: [1, 1e-6, 0.5], zeroChannels: [0, 5, 9] }],
  ['huge bias', { hugeBias: true, int8Mode: 2 }],
];
for (const [what, extra] of REQUANT) {
  CONV_CASES.push({
    name: `conv 1x1 ${what}`,
    op: 'CONV_2D',
    inShape: [1, 3, 3, 9],
    outC: 11,
    fh: 1,
    fw: 1,
    perChannel: true,
    ...extra,
  });
  CONV_CASES.push({
    name: `conv 3x3 ${what}`,
    op: 'CONV_2D',
    inShape: [1, 5, 4, 3],
    outC: 10,
    fh: 3,
    fw: 3,
    perChannel: true,
    ...extra,
  });
  DEPTHWISE_CASES.push({
    name: `dw 3x3 ${what}`,
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 5, 5, 13],
    outC: 13,
    fh: 3,
    fw: 3,
    perChannel: true,
    ...extra,
  });
  FC_CASES.push({
    name: `fc ${what}`,
    op: 'FULLY_CONNECTED',
    inShape: [3, 20],
    outC: 12,
    perChannel: true,
    ...extra,
  });
}
// Depthwise windows with an even number of taps (no zero-weight partner) and a single row.
DEPTHWISE_CASES.push(
  {
    name: 'dw 2x2 stride 2',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 6, 7, 11],
    outC: 11,
    fh: 2,
    fw: 2,
    stride: 2,
  },
  { name: 'dw 1x3', op: 'DEPTHWISE_CONV_2D', inShape: [1, 4, 9, 16], outC: 16, fh: 1, fw: 3, act: ACT.RELU6 },
);

// Float 3x3: the pixels inside the image along a row run 4 channels at a time (12 channels: a
// whole 8-channel group and half of the next), the rest per pixel; odd widths, stride 2, dilation.
DEPTHWISE_CASES.push(
  {
    name: 'dw 3x3 stride 2 12 channels wide rows',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 9, 21, 12],
    outC: 12,
    fh: 3,
    fw: 3,
    stride: 2,
    act: ACT.RELU6,
  },
  {
    name: 'dw 3x3 dilation 2 stride 2 6 channels',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [2, 11, 13, 6],
    outC: 6,
    fh: 3,
    fw: 3,
    stride: 2,
    dilation: 2,
  },
);

// Quantized 3x3 windows inside the image run two neighbouring pixels at a time when the
// channels are whole groups of 8: odd and even runs of inside pixels, stride 1 and 2, rows
// split across threads.
DEPTHWISE_CASES.push(
  {
    name: 'dw 3x3 32 channels pixel pairs split across threads',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 13, 26, 32],
    outC: 32,
    fh: 3,
    fw: 3,
    act: ACT.RELU6,
  },
  {
    name: 'dw 3x3 stride 2 16 channels pixel pairs',
    op: 'DEPTHWISE_CONV_2D',
    inShape: [1, 11, 19, 16],
    outC: 16,
    fh: 3,
    fw: 3,
    stride: 2,
  },
);
// Cases large enough (>= 50k multiply-adds or elements x 4) to be split across threads.
DEPTHWISE_CASES.push({
  name: 'dw 3x3 split across threads',
  op: 'DEPTHWISE_CONV_2D',
  inShape: [1, 31, 29, 19],
  outC: 19,
  fh: 3,
  fw: 3,
  act: ACT.RELU,
});
FC_CASES.push(
  { name: 'fc 1x300 -> 211 split by units', op: 'FULLY_CONNECTED', inShape: [1, 300], outC: 211 },
  { name: 'fc 37x64 -> 30 split by rows', op: 'FULLY_CONNECTED', inShape: [37, 64], outC: 30 },
  // Float A is packed in blocks of ~16 KiB of rows (12 here), 4-row tiles: blocks chain, the
  // last tile is short, k is not a multiple of the packer's 4.
  { name: 'fc 30x301 -> 9 packed blocks', op: 'FULLY_CONNECTED', inShape: [30, 301], outC: 9 },
);
// Float 3x3 stride 2 or 1 over 3 channels: 4 pixels at a time on the input where the windows
// lie inside the image, im2col for padding columns and rows and a row's last 1-3 pixels.
CONV_CASES.push(
  {
    name: 'conv 3x3 s2 c3 SAME wide',
    op: 'CONV_2D',
    inShape: [1, 11, 21, 3],
    outC: 8,
    fh: 3,
    fw: 3,
    stride: 2,
  },
  {
    name: 'conv 3x3 s2 c3 VALID batch 2 17 channels',
    op: 'CONV_2D',
    inShape: [2, 10, 19, 3],
    outC: 17,
    fh: 3,
    fw: 3,
    stride: 2,
    padding: 'VALID',
    act: ACT.RELU6,
  },
  {
    name: 'conv 3x3 s1 c3 SAME',
    op: 'CONV_2D',
    inShape: [1, 7, 13, 3],
    outC: 9,
    fh: 3,
    fw: 3,
    act: ACT.RELU,
  },
  {
    name: 'conv 3x3 s1 c3 VALID batch 2',
    op: 'CONV_2D',
    inShape: [2, 6, 11, 3],
    outC: 16,
    fh: 3,
    fw: 3,
    padding: 'VALID',
  },
  {
    name: 'conv 3x3 s2 c3 split across threads',
    op: 'CONV_2D',
    inShape: [1, 33, 35, 3],
    outC: 16,
    fh: 3,
    fw: 3,
    stride: 2,
    act: ACT.RELU,
  },
);
// One pixel (a classifier head as a 1x1 convolution): the float GEMM's one-row path, 32 columns
// at a time, then 8 (the last one short).
CONV_CASES.push({
  name: 'conv 1x1 one pixel 45 channels',
  op: 'CONV_2D',
  inShape: [1, 1, 1, 37],
  outC: 45,
  fh: 1,
  fw: 1,
  act: ACT.RELU6,
});
// 1x1 convolution over several packed blocks of 28 pixels (k = 131), the last one short.
CONV_CASES.push({
  name: 'conv 1x1 packed blocks k 131',
  op: 'CONV_2D',
  inShape: [1, 9, 15, 131],
  outC: 12,
  fh: 1,
  fw: 1,
  act: ACT.RELU,
});
// Quantized 3x3 stride 2 or 1 over 3 channels (q8_conv3x3c3.ts): 4 pixels at a time on the
// widened input rows where the windows lie inside the image, im2col elsewhere. Widths leave 0..3
// pixels of a row's inside span to im2col at each stride and padding (SAME: padding columns on
// both sides at stride 1 and odd widths at stride 2, on the right only at even widths, as
// visual_wake_words' 96); even widths run 2 images; then the requantization modes, input and
// output zero points at their extremes, a thread split.
for (const stride of [1, 2]) {
  for (const padding of ['SAME', 'VALID'] as const) {
    for (const inW of stride === 2 ? [13, 14, 15, 17, 19, 20] : [9, 10, 11, 12]) {
      CONV_CASES.push({
        name: `conv 3x3 s${stride} c3 ${padding} width ${inW}`,
        op: 'CONV_2D',
        inShape: [inW % 2 ? 1 : 2, 7, inW, 3],
        outC: 8 + (inW % 4) * 3,
        fh: 3,
        fw: 3,
        stride,
        padding,
        act: inW % 3 === 0 ? ACT.RELU6 : ACT.NONE,
        q8Impl: `q8_conv3x3s${stride}c3_simd_4x8c2`,
      });
    }
  }
}
CONV_CASES.push(
  {
    name: 'conv 3x3 s2 c3 extreme zero points',
    op: 'CONV_2D',
    inShape: [2, 9, 21, 3],
    outC: 16,
    fh: 3,
    fw: 3,
    stride: 2,
    extremeZeroPoint: true,
    inZeroPoints: [255, -128],
    q8Impl: 'q8_conv3x3s2c3_simd_4x8c2',
  },
  {
    name: 'conv 3x3 s1 c3 extreme zero points',
    op: 'CONV_2D',
    inShape: [1, 6, 14, 3],
    outC: 8,
    fh: 3,
    fw: 3,
    padding: 'VALID',
    inZeroPoints: [0, 127],
    q8Impl: 'q8_conv3x3s1c3_simd_4x8c2',
  },
  {
    name: 'conv 3x3 s2 c3 per-channel shifts',
    op: 'CONV_2D',
    inShape: [1, 9, 19, 3],
    outC: 12,
    fh: 3,
    fw: 3,
    stride: 2,
    perChannel: true,
    scaleFactors: [1, 64, 1e-6, 0.01, 4096],
    int8Mode: 1,
    q8Impl: 'q8_conv3x3s2c3_simd_4x8c2',
  },
  {
    name: 'conv 3x3 s1 c3 scalar requantization',
    op: 'CONV_2D',
    inShape: [1, 6, 11, 3],
    outC: 9,
    fh: 3,
    fw: 3,
    hugeBias: true,
    q8Impl: 'q8_conv3x3s1c3_simd_4x8c2',
  },
  {
    name: 'conv 3x3 s2 c3 big multiplier',
    op: 'CONV_2D',
    inShape: [1, 5, 20, 3],
    outC: 8,
    fh: 3,
    fw: 3,
    stride: 2,
    bigMultiplier: true,
    q8Impl: 'q8_conv3x3s2c3_simd_4x8c2',
  },
  {
    name: 'conv 3x3 s2 c3 q8 split across threads',
    op: 'CONV_2D',
    inShape: [1, 41, 45, 3],
    outC: 24,
    fh: 3,
    fw: 3,
    stride: 2,
    act: ACT.RELU,
    q8Impl: 'q8_conv3x3s2c3_simd_4x8c2',
  },
);
ADD_CASES.push({ name: 'add split across threads', op: 'ADD', inShape: [1, 13, 1001], outC: 1001 });
