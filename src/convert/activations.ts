/**
 * Activation functions (Keras / TF.js names) -> TFLite ops, as data. `fused` marks the
 * activations a conv / fully-connected / elementwise op can carry in its fusedActivationFunction
 * field; the fuse-activation rule does that fusion after conversion.
 */
import type { BuiltinOpName } from '../ir/builtin_ops.js';
import { ConversionError } from '../errors.js';
import type { ConvGraph } from './graph.js';

/** How one activation is written. */
export type ActivationMapping =
  /** The identity: no op. */
  | { kind: 'identity' }
  /** One TFLite op with options. */
  | { kind: 'op'; op: BuiltinOpName; options?: Record<string, unknown> }
  /** x * sigmoid(x): LOGISTIC then MUL. */
  | { kind: 'swish' }
  /** clip(0.2 x + 0.5, 0, 1) (tfjs and Keras 2 hard sigmoid): MUL, ADD, then RELU_0_TO_1. */
  | { kind: 'hard_sigmoid' };

/** Keras / TF.js activation name -> mapping. Both snake_case and tfjs camelCase names appear in files. */
export const ACTIVATIONS: Readonly<Record<string, ActivationMapping>> = {
  linear: { kind: 'identity' },
  relu: { kind: 'op', op: 'RELU' },
  relu6: { kind: 'op', op: 'RELU6' },
  sigmoid: { kind: 'op', op: 'LOGISTIC' },
  tanh: { kind: 'op', op: 'TANH' },
  softmax: { kind: 'op', op: 'SOFTMAX', options: { beta: 1 } },
  elu: { kind: 'op', op: 'ELU' },
  swish: { kind: 'swish' },
  silu: { kind: 'swish' },
  hard_swish: { kind: 'op', op: 'HARD_SWISH' },
  hardSwish: { kind: 'op', op: 'HARD_SWISH' },
  hard_silu: { kind: 'op', op: 'HARD_SWISH' },
  // tfjs 'gelu' is the exact erf form; 'gelu_new' is the tanh approximation
  gelu: { kind: 'op', op: 'GELU', options: { approximate: false } },
  gelu_new: { kind: 'op', op: 'GELU', options: { approximate: true } },
  hard_sigmoid: { kind: 'hard_sigmoid' },
  hardSigmoid: { kind: 'hard_sigmoid' },
  log_softmax: { kind: 'op', op: 'LOG_SOFTMAX' },
  logSoftmax: { kind: 'op', op: 'LOG_SOFTMAX' },
};

/** Ops that become a fused activation (ActivationFunctionType values) of the op before them. */
export const FUSABLE_ACTIVATIONS: Readonly<Partial<Record<BuiltinOpName, number>>> = {
  RELU: 1,
  RELU_N1_TO_1: 2,
  RELU6: 3,
};

/**
 * Writes activation `name` on value `x` (named after `where`); returns the output value.
 * Throws ConversionError for an unknown activation.
 */
export function applyActivation(g: ConvGraph, x: number, name: string, where: string): number {
  const m = ACTIVATIONS[name];
  if (!m) throw new ConversionError(`${where}: activation ${JSON.stringify(name)} is not supported`);
  const shape = g.value(x).shape;
  switch (m.kind) {
    case 'identity':
      return x;
    case 'op':
      return g.op(m.op, `${where}/${name}`, [x], shape, m.options ?? {});
    case 'swish': {
      const s = g.op('LOGISTIC', `${where}/sigmoid`, [x], shape);
      return g.op('MUL', `${where}/${name}`, [x, s], shape);
    }
    case 'hard_sigmoid': {
      const a = g.addConst(`${where}/slope`, [], new Float32Array([0.2]));
      const b = g.addConst(`${where}/offset`, [], new Float32Array([0.5]));
      const m1 = g.op('MUL', `${where}/scaled`, [x, a], shape);
      const m2 = g.op('ADD', `${where}/shifted`, [m1, b], shape);
      return g.op('RELU_0_TO_1', `${where}/${name}`, [m2], shape);
    }
  }
}
