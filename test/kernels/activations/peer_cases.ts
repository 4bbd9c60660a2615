/**
 * Single-op cases of the activation family for the differential test against LiteRT.js and
 * tfjs-tflite (peers.test.ts), as data: one model per group, inputs are the peers' seeded random
 * values (floats in [-1, 1), every 8-bit value, the full int16 range).
 */
import type { DType } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import type { OpCase } from '../elementwise/harness.js';

type Q = [number, number];
let counter = 0;

/**
 * A known, explained difference from the peers: integer outputs may differ by up to `units`;
 * float outputs by `rtol` (relative, plus 1e-7 absolute).
 */
export interface Allowance {
  units?: number;
  rtol?: number;
  why: string;
}

/** A case and, when the peers are known to differ, the allowed difference. */
export type PeerCase = OpCase & { allow?: Allowance };

const XNNPACK_LEAKY: Allowance = {
  units: 1,
  why: 'XNNPACK (both peers) requantizes LEAKY_RELU in fp32; TFLite reference double rounding differs by one near .5',
};
const FLOAT_MATH: Allowance = {
  rtol: 1e-6,
  why: 'exp/tanh/erfc from libm or XNNPACK approximations vs JS Math (1-3 float32 ulps measured)',
};
const POT_INT16: Allowance = {
  units: 12,
  why:
    'power-of-two input scale: TFLite default kernels use the gemmlowp F3 fixed point there, ' +
    'the reference kernel (ours) the sigmoid table (measured up to 5 units for LOGISTIC, 9 for TANH)',
};
const SOFTMAX_8_TO_16: Allowance = {
  units: 1,
  why: 'TFLite default int8->int16 SOFTMAX uses a float lookup table; ours is the reference fixed point (TFLite Micro too)',
};

function allow(c: OpCase, a: Allowance): PeerCase {
  return { ...c, allow: a };
}

function t(name: string, dtype: DType, shape: readonly number[], q?: Q): TensorSpec {
  return { name, dtype, shape: [...shape], ...(q ? { quant: { scale: [q[0]], zeroPoint: [q[1]] } } : {}) };
}

/** A one-input activation case. */
export function act(
  op: string,
  dtype: DType,
  shape: number[],
  q?: [Q, Q],
  options?: Record<string, unknown>,
  out?: DType,
): OpCase {
  const id = `${op.toLowerCase()}_${counter++}`;
  return {
    op,
    inputs: [t(`${id}_x`, dtype, shape, q?.[0])],
    outputs: [t(`${id}_y`, out ?? dtype, shape, q?.[1])],
    ...(options ? { options } : {}),
  };
}

/** A PRELU case (alpha is a model input too). */
export function prelu(dtype: DType, sx: number[], sa: number[], q?: [Q, Q, Q]): OpCase {
  const id = `prelu_${counter++}`;
  return {
    op: 'PRELU',
    inputs: [t(`${id}_x`, dtype, sx, q?.[0]), t(`${id}_alpha`, dtype, sa, q?.[1])],
    outputs: [t(`${id}_y`, dtype, sx, q?.[2])],
  };
}

const S = [2, 3, 8];

export function floatGroup(): PeerCase[] {
  return [
    ...['RELU', 'RELU6', 'RELU_N1_TO_1'].map((op) => act(op, 'float32', S)),
    ...['LOGISTIC', 'TANH', 'ELU'].map((op) => allow(act(op, 'float32', S), FLOAT_MATH)),
    allow(act('HARD_SWISH', 'float32', S), {
      rtol: 1e-6,
      why: 'XNNPACK multiplies by 1/6 where TFLite divides by 6',
    }),
    act('LEAKY_RELU', 'float32', S, undefined, { alpha: 0.2 }),
    allow(act('GELU', 'float32', S, undefined, { approximate: false }), FLOAT_MATH),
    allow(act('GELU', 'float32', S, undefined, { approximate: true }), FLOAT_MATH),
    allow(act('SOFTMAX', 'float32', S, undefined, { beta: 1 }), FLOAT_MATH),
    allow(act('SOFTMAX', 'float32', [4, 10], undefined, { beta: 2 }), FLOAT_MATH),
    act('LOG_SOFTMAX', 'float32', S),
    act('L2_NORMALIZATION', 'float32', S),
    prelu('float32', S, [8]),
    prelu('float32', [2, 3, 4], [3, 1]),
  ];
}

export function quant8Group(dtype: 'uint8' | 'int8'): PeerCase[] {
  const z = dtype === 'uint8' ? 128 : 0;
  const lo = dtype === 'uint8' ? 0 : -128;
  const cases: PeerCase[] = [
    act('RELU', dtype, S, [
      [0.02, z],
      [0.015, lo + 5],
    ]),
    act('RELU6', dtype, S, [
      [0.05, z - 10],
      [0.03, lo],
    ]),
    act('RELU_N1_TO_1', dtype, S, [
      [0.01, z],
      [0.01, z],
    ]),
    act('LOGISTIC', dtype, S, [
      [0.06, z],
      [1 / 256, lo],
    ]),
    act('TANH', dtype, S, [
      [0.04, z],
      [1 / 128, z],
    ]),
    act('HARD_SWISH', dtype, S, [
      [0.0235, z],
      [0.0235, lo + 48],
    ]),
    act('HARD_SWISH', dtype, S, [
      [0.3, z + 40],
      [0.05, lo + 10],
    ]),
    allow(
      act(
        'LEAKY_RELU',
        dtype,
        S,
        [
          [0.05, z],
          [0.03, z - 20],
        ],
        { alpha: 0.2 },
      ),
      XNNPACK_LEAKY,
    ),
    act(
      'SOFTMAX',
      dtype,
      S,
      [
        [0.1, z],
        [1 / 256, lo],
      ],
      { beta: 1 },
    ),
    act('LOG_SOFTMAX', dtype, S, [
      [0.05, z],
      [16 / 256, lo + 255],
    ]),
    act('L2_NORMALIZATION', dtype, S, [
      [0.02, z],
      [1 / 128, dtype === 'uint8' ? 128 : 0],
    ]),
    act(
      'GELU',
      dtype,
      S,
      [
        [0.03, z],
        [0.02, lo + 40],
      ],
      { approximate: false },
    ),
    prelu(
      dtype,
      S,
      [8],
      [
        [0.05, z],
        [0.004, z - 28],
        [0.04, z - 8],
      ],
    ),
  ];
  if (dtype === 'int8')
    cases.push(
      act('ELU', dtype, S, [
        [0.05, 20],
        [0.03, -30],
      ]),
    );
  return cases;
}

export function int16Group(): PeerCase[] {
  return [
    act('RELU', 'int16', S, [
      [0.001, 0],
      [0.0004, 0],
    ]),
    act('RELU6', 'int16', S, [
      [0.0005, 0],
      [0.0003, 0],
    ]),
    act('LOGISTIC', 'int16', S, [
      [0.0003, 0],
      [1 / 32768, 0],
    ]),
    allow(
      act('LOGISTIC', 'int16', S, [
        [2 ** -12, 0],
        [1 / 32768, 0],
      ]),
      POT_INT16,
    ),
    act('TANH', 'int16', S, [
      [0.0002, 0],
      [1 / 32768, 0],
    ]),
    allow(
      act('TANH', 'int16', S, [
        [2 ** -12, 0],
        [1 / 32768, 0],
      ]),
      POT_INT16,
    ),
    act(
      'LEAKY_RELU',
      'int16',
      S,
      [
        [0.0017488234443590045, 0],
        [0.0017488234443590045, 0],
      ],
      { alpha: 0.3 },
    ),
    act(
      'SOFTMAX',
      'int16',
      S,
      [
        [0.0005, 0],
        [1 / 32768, 0],
      ],
      { beta: 1 },
    ),
  ];
}

/** int8 -> int16 SOFTMAX (keyword_scrambled has it). */
export function int8ToInt16Group(): PeerCase[] {
  return [
    allow(
      act(
        'SOFTMAX',
        'int8',
        S,
        [
          [0.1, 0],
          [1 / 65536, -32768],
        ],
        { beta: 1 },
        'int16',
      ),
      SOFTMAX_8_TO_16,
    ),
  ];
}
