/**
 * LSTM -> UNIDIRECTIONAL_SEQUENCE_LSTM (batch major). Keras packs the four gates as columns of
 * kernel [in, 4u], recurrent_kernel [u, 4u] and bias [4u] in the order input, forget, cell,
 * output; TFLite takes one [u, in] / [u, u] matrix and one [u] bias per gate, in 24 inputs:
 *   0 input, 1-4 input weights (i, f, c, o), 5-8 recurrent weights, 9-11 peepholes (none),
 *   12-15 gate biases, 16-17 projection (none), 18 output state, 19 cell state (variables),
 *   20-23 layer-norm coefficients (none).
 * TFLite's gates use the logistic sigmoid, so recurrent_activation must be sigmoid (tfjs's
 * default is hard_sigmoid: such a model is rejected with that advice). With
 * return_sequences false the last step is sliced out with STRIDED_SLICE.
 */
import { ConversionError } from '../../errors.js';
import { Activation } from '../../ir/builtin_options.js';
import { type LayerConverter, activationOf, bool, num } from './context.js';

const CELL_ACTIVATION: Record<string, number> = {
  tanh: Activation.TANH,
  relu: Activation.RELU,
  relu6: Activation.RELU6,
};

/** LSTM -> UNIDIRECTIONAL_SEQUENCE_LSTM (+ STRIDED_SLICE of the last step). */
export const lstm: LayerConverter = (ctx, [x]) => {
  const s = ctx.g.value(x!).shape;
  if (s.length !== 3)
    throw new ConversionError(`layer ${ctx.name}: LSTM expects [batch, time, features], got [${s}]`);
  const [n, steps, features] = s as [number, number, number];
  const units = num(ctx, 'units');
  const act = activationOf(ctx);
  const rec = activationOf(ctx, 'recurrent_activation');
  if (rec !== 'sigmoid') {
    throw new ConversionError(
      `layer ${ctx.name}: LSTM recurrent_activation ${rec} is not supported; TFLite's LSTM uses sigmoid gates (build the layer with recurrentActivation: 'sigmoid' and retrain)`,
    );
  }
  const fused = CELL_ACTIVATION[act];
  if (fused === undefined)
    throw new ConversionError(
      `layer ${ctx.name}: LSTM activation ${act} is not supported (tanh, relu, relu6)`,
    );
  for (const flag of ['return_state', 'go_backwards', 'stateful']) {
    if (bool(ctx, flag, false))
      throw new ConversionError(`layer ${ctx.name}: LSTM ${flag}=true is not supported`);
  }
  const kernel = ctx.weight('kernel').data;
  const recurrent = ctx.weight('recurrent_kernel').data;
  const bias = bool(ctx, 'use_bias', true) ? ctx.optionalWeight('bias')?.data : undefined;
  const g4 = 4 * units;
  const gateNames = ['input', 'forget', 'cell', 'output'];
  // column block k of a [rows, 4u] matrix, transposed to [u, rows]
  const gateMatrix = (m: ArrayLike<number>, rows: number, k: number) => {
    const out = new Float32Array(units * rows);
    for (let u = 0; u < units; u++)
      for (let r = 0; r < rows; r++) out[u * rows + r] = m[r * g4 + k * units + u]!;
    return out;
  };
  const g = ctx.g;
  const inW = gateNames.map((gn, k) =>
    g.addConst(`${ctx.name}/input_to_${gn}_weights`, [units, features], gateMatrix(kernel, features, k)),
  );
  const recW = gateNames.map((gn, k) =>
    g.addConst(`${ctx.name}/recurrent_to_${gn}_weights`, [units, units], gateMatrix(recurrent, units, k)),
  );
  const biases = gateNames.map((gn, k) =>
    g.addConst(
      `${ctx.name}/${gn}_gate_bias`,
      [units],
      bias ? Float32Array.from(bias.slice(k * units, (k + 1) * units)) : new Float32Array(units),
    ),
  );
  const outState = g.addValue(`${ctx.name}/output_state`, [n, units]);
  const cellState = g.addValue(`${ctx.name}/cell_state`, [n, units]);
  g.value(outState).isVariable = true;
  g.value(cellState).isVariable = true;
  const seq = bool(ctx, 'return_sequences', false);
  const y = g.op(
    'UNIDIRECTIONAL_SEQUENCE_LSTM',
    seq ? ctx.name : `${ctx.name}/sequence`,
    [x!, ...inW, ...recW, -1, -1, -1, ...biases, -1, -1, outState, cellState, -1, -1, -1, -1],
    [n, steps, units],
    { fusedActivationFunction: fused, cellClip: 0, projClip: 0, timeMajor: false },
  );
  if (seq) return [y];
  const begin = g.addConst(`${ctx.name}/last_begin`, [3], new Int32Array([0, steps - 1, 0]));
  const end = g.addConst(`${ctx.name}/last_end`, [3], new Int32Array([n, steps, units]));
  const strides = g.addConst(`${ctx.name}/last_strides`, [3], new Int32Array([1, 1, 1]));
  return [g.op('STRIDED_SLICE', ctx.name, [y, begin, end, strides], [n, units], { shrinkAxisMask: 2 })];
};
