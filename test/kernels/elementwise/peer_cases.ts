/**
 * Single-op cases of the element-wise family for the differential test against LiteRT.js and
 * tfjs-tflite (peers.test.ts), as data. Each group becomes one model holding many independent
 * ops, so one peer call checks them all; inputs are the peers' seeded random values.
 */
import type { DType, TypedArray } from '../../../src/ir/dtype.js';
import type { TensorSpec } from '../../../src/ir/model_builder.js';
import type { OpCase } from './harness.js';
import { broadcast, randomInts, sizeOf } from './oracle.js';

/** Quantization (scale, zero point) of a tensor. */
export type Q = [number, number];

let counter = 0;

function t(name: string, dtype: DType, shape: readonly number[], q?: Q): TensorSpec {
  return { name, dtype, shape: [...shape], ...(q ? { quant: { scale: [q[0]], zeroPoint: [q[1]] } } : {}) };
}

/** A binary op case: inputs a and b (model inputs unless `constB`), one output. */
export function binary(
  op: string,
  dtype: DType,
  shapes: [number[], number[]],
  opts: {
    q?: [Q, Q, Q];
    act?: number;
    out?: DType;
    options?: Record<string, unknown>;
    constB?: TypedArray;
  } = {},
): OpCase {
  const id = `${op.toLowerCase()}_${counter++}`;
  const [sa, sb] = shapes;
  const outShape = broadcast(sa, sb);
  const options = {
    ...(opts.act !== undefined ? { fusedActivationFunction: opts.act } : {}),
    ...opts.options,
  };
  return {
    op,
    inputs: [
      t(`${id}_a`, dtype, sa, opts.q?.[0]),
      { ...t(`${id}_b`, dtype, sb, opts.q?.[1]), ...(opts.constB ? { data: opts.constB } : {}) },
    ],
    outputs: [t(`${id}_y`, opts.out ?? dtype, outShape, opts.q?.[2])],
    ...(Object.keys(options).length > 0 ? { options } : {}),
  };
}

/** A SELECT_V2 case: condition, x, y broadcast three ways. */
export function select(sc: number[], sx: number[], sy: number[], dtype: DType): OpCase {
  const id = `select_${counter++}`;
  return {
    op: 'SELECT_V2',
    inputs: [t(`${id}_c`, 'bool', sc), t(`${id}_x`, dtype, sx), t(`${id}_y`, dtype, sy)],
    outputs: [t(`${id}_out`, dtype, broadcast(sc, sx, sy))],
  };
}

/** A unary op case. */
export function unary(op: string, dtype: DType, shape: number[], q?: [Q, Q]): OpCase {
  const id = `${op.toLowerCase()}_${counter++}`;
  return { op, inputs: [t(`${id}_x`, dtype, shape, q?.[0])], outputs: [t(`${id}_y`, dtype, shape, q?.[1])] };
}

const SHAPES: [number[], number[]][] = [
  [
    [2, 3, 4],
    [2, 3, 4],
  ],
  [[2, 3, 4], []],
  [
    [4, 1, 3],
    [1, 5, 3],
  ],
  [
    [1, 4, 5],
    [4, 1],
  ],
  [
    [2, 2, 1, 3],
    [1, 1, 4, 1],
  ],
];

const ACTS = [0, 1, 2, 3];

/** float32: arithmetic with every activation, the other binary ops, comparisons, unary math. */
export function floatGroup(): OpCase[] {
  const cases: OpCase[] = [];
  for (const op of ['ADD', 'SUB', 'MUL', 'DIV']) {
    SHAPES.forEach((s, i) => cases.push(binary(op, 'float32', s, { act: ACTS[i % 4]! })));
  }
  for (const op of ['MAXIMUM', 'MINIMUM', 'SQUARED_DIFFERENCE', 'FLOOR_DIV', 'FLOOR_MOD', 'POW']) {
    cases.push(binary(op, 'float32', SHAPES[0]!), binary(op, 'float32', SHAPES[2]!));
  }
  for (const op of ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL']) {
    cases.push(binary(op, 'float32', SHAPES[3]!, { out: 'bool' }));
  }
  for (const op of [
    'ABS',
    'NEG',
    'SQRT',
    'RSQRT',
    'EXP',
    'LOG',
    'SIN',
    'COS',
    'SQUARE',
    'FLOOR',
    'CEIL',
    'ROUND',
  ]) {
    cases.push(unary(op, 'float32', [3, 7]));
  }
  return cases;
}

/** Quantization sets (a, b, y) per 8-bit dtype: different scales, and equal ones. */
const Q8: Record<'uint8' | 'int8', [Q, Q, Q][]> = {
  uint8: [
    [
      [0.0078, 128],
      [0.0125, 100],
      [0.02, 120],
    ],
    [
      [0.01, 0],
      [0.01, 0],
      [0.01, 0],
    ],
  ],
  int8: [
    [
      [0.0078, 0],
      [0.0125, -28],
      [0.02, -8],
    ],
    [
      [0.004, -128],
      [0.004, -128],
      [0.008, -128],
    ],
  ],
};

/**
 * A quantized DIV case. Random bytes can hit the divisor's zero point (an error in TFLite), so
 * the divisor is a constant with values away from it.
 */
function quantDiv(dtype: 'uint8' | 'int8', q: [Q, Q, Q]): OpCase {
  const zp = q[1][1];
  const lo = dtype === 'uint8' ? 0 : -128;
  const b = randomInts(sizeOf(SHAPES[3]![1]), 17, 1, 90).map((v, i) => {
    const x = Math.min(lo + 255, Math.max(lo, zp + (i % 2 === 0 ? v : -v)));
    return x === zp ? zp + 1 : x;
  });
  return binary('DIV', dtype, SHAPES[3]!, {
    q,
    act: 0,
    constB: dtype === 'uint8' ? Uint8Array.from(b) : Int8Array.from(b),
  });
}

/** uint8 or int8: quantized arithmetic (every activation), MAX/MIN, comparisons, unary ops. */
export function quant8Group(dtype: 'uint8' | 'int8'): OpCase[] {
  const cases: OpCase[] = [];
  for (const op of ['ADD', 'SUB', 'MUL']) {
    Q8[dtype].forEach((q, k) =>
      SHAPES.forEach((s, i) => cases.push(binary(op, dtype, s, { q, act: ACTS[(i + k) % 4]! }))),
    );
  }
  for (const q of Q8[dtype]) {
    if (dtype === 'uint8') cases.push(quantDiv('uint8', q));
    cases.push(binary('MAXIMUM', dtype, SHAPES[2]!, { q: [q[0], q[0], q[0]] }));
    cases.push(binary('MINIMUM', dtype, SHAPES[4]!, { q: [q[0], q[0], q[0]] }));
    for (const op of ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL']) {
      cases.push(binary(op, dtype, SHAPES[3]!, { q: [q[0], q[1], [1, 0]], out: 'bool' }));
    }
  }
  if (dtype === 'int8') {
    for (const q of Q8.int8) cases.push(binary('SQUARED_DIFFERENCE', 'int8', SHAPES[2]!, { q }));
    cases.push(
      unary(
        'ABS',
        'int8',
        [4, 9],
        [
          [0.05, 3],
          [0.03, -128],
        ],
      ),
    );
    cases.push(
      unary(
        'ABS',
        'int8',
        [4, 9],
        [
          [0.05, -3],
          [0.05, -3],
        ],
      ),
    );
    // zero point -128: every input is >= the zero point, as RSQRT requires
    cases.push(
      unary(
        'RSQRT',
        'int8',
        [4, 9],
        [
          [0.02, -128],
          [0.05, -128],
        ],
      ),
    );
  }
  return cases;
}

/** int16: ADD/SUB (general and power-of-two paths), MUL, MAX/MIN, unary tables. */
export function int16Group(): OpCase[] {
  const cases: OpCase[] = [];
  const general: [Q, Q, Q] = [
    [0.000585, 0],
    [0.000807, 0],
    [0.001024, 0],
  ];
  const pot: [Q, Q, Q] = [
    [2 ** -10, 0],
    [2 ** -12, 0],
    [2 ** -10, 0],
  ];
  for (const op of ['ADD', 'SUB']) {
    SHAPES.slice(0, 3).forEach((s, i) => {
      cases.push(binary(op, 'int16', s, { q: general, act: ACTS[i]!, options: { potScaleInt16: false } }));
      // TFLite's power-of-two int16 ADD has no broadcasting (both runtimes abort): same shapes only.
      if (op === 'SUB' || i === 0) {
        cases.push(binary(op, 'int16', s, { q: pot, act: ACTS[i]!, options: { potScaleInt16: true } }));
      }
    });
  }
  SHAPES.slice(0, 3).forEach((s, i) =>
    cases.push(binary('MUL', 'int16', s, { q: general, act: ACTS[i + 1]! })),
  );
  cases.push(binary('MAXIMUM', 'int16', SHAPES[2]!, { q: [general[0], general[0], general[0]] }));
  cases.push(
    unary(
      'ABS',
      'int16',
      [5, 6],
      [
        [0.001, 0],
        [0.0007, 0],
      ],
    ),
  );
  return cases;
}

/** int32: arithmetic, integer division, MAX/MIN, POW, comparisons, unary. */
export function intGroup(): OpCase[] {
  const cases: OpCase[] = [];
  for (const op of ['ADD', 'SUB', 'MUL', 'DIV']) {
    SHAPES.forEach((s, i) => cases.push(binary(op, 'int32', s, { act: ACTS[i % 4]! })));
  }
  for (const op of ['FLOOR_DIV', 'FLOOR_MOD', 'MAXIMUM', 'MINIMUM', 'POW', 'SQUARED_DIFFERENCE']) {
    cases.push(binary(op, 'int32', SHAPES[2]!));
  }
  for (const op of ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL']) {
    cases.push(binary(op, 'int32', SHAPES[3]!, { out: 'bool' }));
  }
  cases.push(unary('NEG', 'int32', [3, 4]));
  return cases;
}

/**
 * Cases only LiteRT.js can check: ops and dtypes newer than the TFLite inside tfjs-tflite
 * 0.0.1-alpha.10 (it rejects int8/int16 EXP and LOG and int32 ABS at prepare), and int64
 * tensors (the harness cannot feed them to tfjs-tflite); int8 DIV (tfjs-tflite fails at invoke).
 */
export function litertOnlyGroup(): OpCase[] {
  const int64: OpCase[] = ['ADD', 'SUB', 'MUL', 'FLOOR_MOD', 'MAXIMUM', 'MINIMUM'].map((op) =>
    binary(op, 'int64', SHAPES[2]!),
  );
  for (const op of ['EQUAL', 'NOT_EQUAL', 'LESS', 'LESS_EQUAL', 'GREATER', 'GREATER_EQUAL']) {
    int64.push(binary(op, 'int64', SHAPES[4]!, { out: 'bool' }));
  }
  return [
    ...int64,
    ...Q8.int8.map((q) => quantDiv('int8', q)),
    unary('NEG', 'int64', [3, 4]),
    unary(
      'EXP',
      'int8',
      [4, 9],
      [
        [0.03, 0],
        [0.08, -128],
      ],
    ),
    unary(
      'LOG',
      'int8',
      [4, 9],
      [
        [0.1, -128],
        [0.04, 30],
      ],
    ),
    unary(
      'EXP',
      'int16',
      [5, 6],
      [
        [1 / 4096, 0],
        [1 / 1024, 0],
      ],
    ),
    unary(
      'LOG',
      'int16',
      [5, 6],
      [
        [1 / 1024, 0],
        [1 / 4096, 0],
      ],
    ),
    unary('ABS', 'int32', [3, 4]),
  ];
}
