/**
 * FULLY_CONNECTED: y[b, n] = act(bias[n] + sum_k x[b, k] * w[n, k]), weights [units, depth]; the
 * input is flattened to [numElements / depth, depth]. keep_num_dims keeps the input's leading dims
 * (output [..., units]); otherwise the output is [batch, units].
 *
 * Paths (TFLite fully_connected.cc):
 * - float32: one float GEMM (double accumulation, one rounding: relative error <= 1e-6 on
 *   well-conditioned outputs).
 * - uint8 (legacy, weight zero point), int8 (per-tensor or per-channel weights), int16 x int8
 *   (int64 or int32 bias): exact integer GEMM on (x - zp) and (w - zp), then TFLite's
 *   requantization; bit-exact with reference_integer_ops::FullyConnected(PerChannel) and
 *   reference_ops::FullyConnected (uint8).
 * - hybrid (float input, int8 weights): each batch row is quantized at run time, symmetric or,
 *   with asymmetric_quantize_inputs, asymmetric; y = bias + float(dot) * scale in float32 as
 *   TFLite's MatrixBatchVectorMultiplyAccumulate (scale = row scale * weight scale).
 *
 * Only the DEFAULT weights format is supported (SHUFFLED4x16INT8 is rejected).
 */
import { Activation } from '../../ir/builtin_options.js';
import { quantizeFloatsRow } from '../internal/hybrid_quantize.js';
import { numElements } from '../internal/shape.js';
import {
  type EvalContext,
  type InitContext,
  type Kernel,
  type KernelNode,
  type PrepareContext,
  expectRank,
  input,
  optionsOf,
  output,
  shapeError,
  unsupported,
} from '../kernel.js';
import { type ConvPath, convPath, expectQuantizedDtypes, floatOutputRange } from './dtype_paths.js';
import { gemmF32 } from './gemm_f32.js';
import { gemmInt } from './gemm_int.js';
import { type QuantizedData, offsetToInt16 } from './im2col.js';
import {
  type Requant,
  biasAsFloat64,
  convRequant,
  expectedBiasDtypes,
  quantOf,
  requantizeRows,
} from './requantize.js';
import {
  type PackedWeights,
  initPackedWeights,
  packedWeights,
  requestPackedWeights,
} from './packed_weights.js';
import { chunkRows, scratchF64, scratchI16, scratchI8 } from './scratch.js';

interface FcData extends PackedWeights {
  path: ConvPath;
  batch: number;
  units: number;
  depth: number;
  chunk: number;
  lo: number;
  hi: number;
  colHandle: number;
  accHandle: number;
  rowHandle: number;
  rq: Requant | null;
  bias: Float64Array | null;
  /** Hybrid: one weight scale per unit (a per-tensor scale repeated). */
  filterScales: Float32Array;
  asymmetric: boolean;
}

/** FULLY_CONNECTED: float32, hybrid, uint8, int8, int16x8. Prepare throws UnsupportedOpError / ShapeError otherwise. */
export const fullyConnectedKernel: Kernel<FcData> = {
  op: 'FULLY_CONNECTED',
  prepare(node: KernelNode, ctx: PrepareContext): FcData {
    const x = input(node, 0);
    const filter = input(node, 1);
    const bias = node.inputs[2] ?? null;
    const y = output(node, 0);
    const opts = optionsOf(node, 'FullyConnectedOptions');
    if (opts.weightsFormat !== 0) {
      throw unsupported(
        node,
        `weights format ${opts.weightsFormat} (only DEFAULT; SHUFFLED4x16INT8 is not supported)`,
      );
    }
    expectRank(node, filter, 2, 'weights');
    const [units, depth] = filter.shape as [number, number];
    const total = numElements(x.shape);
    if (depth < 1 || total % depth !== 0) {
      throw shapeError(
        node,
        `input [${x.shape}] cannot be flattened into rows of ${depth} (weights [${filter.shape}])`,
      );
    }
    const batch = total / depth;
    if (bias && numElements(bias.shape) !== units) {
      throw shapeError(node, `bias [${bias.shape}] must have ${units} elements (one per unit)`);
    }
    if (opts.keepNumDims) {
      if (x.shape[x.shape.length - 1] !== depth) {
        throw shapeError(
          node,
          `keep_num_dims needs the input's last dim [${x.shape}] to equal the weights' depth ${depth}`,
        );
      }
      y.shape = [...x.shape.slice(0, -1), units];
    } else {
      y.shape = [batch, units];
    }

    const path = convPath(node, x, filter, 'weights');
    const chunk = chunkRows(batch, Math.max(depth, units));
    const data: FcData = {
      path,
      batch,
      units,
      depth,
      chunk,
      lo: -Infinity,
      hi: Infinity,
      colHandle: -1,
      accHandle: -1,
      rowHandle: -1,
      weightsHandle: -1,
      weightsPersistent: false,
      filterZeroPoint: 0,
      rq: null,
      bias: null,
      filterScales: new Float32Array(0),
      asymmetric: opts.asymmetricQuantizeInputs,
    };
    if (path === 'float') {
      const r = floatOutputRange(node, y, bias, opts.fusedActivationFunction);
      data.lo = r.min;
      data.hi = r.max;
      return data;
    }
    Object.assign(data, requestPackedWeights(ctx, filter, units * depth));
    data.colHandle = ctx.requestScratch(chunk * depth * 2);
    data.accHandle = ctx.requestScratch(chunk * units * 8);
    if (path === 'hybrid') {
      const act = opts.fusedActivationFunction;
      const r = floatOutputRange(node, y, bias, act);
      if (act === Activation.TANH || act === Activation.SIGN_BIT) {
        throw unsupported(node, 'hybrid FULLY_CONNECTED with a fused TANH / SIGN_BIT activation');
      }
      const fq = quantOf(node, filter, 'weights');
      if (fq.scale.length !== 1 && fq.scale.length !== units) {
        throw unsupported(node, `weights have ${fq.scale.length} scales for ${units} units`);
      }
      const perChannel = fq.scale.length > 1;
      data.filterScales = Float32Array.from({ length: units }, (_, c) => fq.scale[perChannel ? c : 0]!);
      data.lo = r.min;
      data.hi = r.max;
      data.rowHandle = ctx.requestScratch(depth);
      return data;
    }
    expectQuantizedDtypes(node, x, filter, 'weights', y, bias, expectedBiasDtypes(x.dtype));
    data.rq = convRequant(node, x, filter, y, bias, units, 0, opts.fusedActivationFunction);
    // TFLite's integer FC subtracts the weights' zero point on every path (weights_offset).
    data.filterZeroPoint = quantOf(node, filter, 'weights').zeroPoint[0] ?? 0;
    if (bias?.isConst) data.bias = biasAsFloat64(bias);
    return data;
  },

  init(node: KernelNode, d: FcData, ctx: InitContext): void {
    initPackedWeights(node, d, ctx);
  },

  eval(node: KernelNode, d: FcData, ctx: EvalContext): void {
    if (d.path === 'float') {
      gemmF32({
        m: d.batch,
        n: d.units,
        k: d.depth,
        a: input(node, 0).data as Float32Array,
        aOffset: 0,
        b: input(node, 1).data as Float32Array,
        bOffset: 0,
        c: output(node, 0).data as Float32Array,
        cOffset: 0,
        bias: (node.inputs[2]?.data as Float32Array | undefined) ?? null,
        lo: d.lo,
        hi: d.hi,
      });
      return;
    }
    const weights = packedWeights(node, d, ctx);
    const col = scratchI16(ctx.scratch(d.colHandle));
    const acc = scratchF64(ctx.scratch(d.accHandle));
    const { batch, units, depth } = d;
    if (d.path === 'quantized') {
      const x = input(node, 0).data as QuantizedData;
      const y = output(node, 0).data as QuantizedData;
      const rq = d.rq!;
      const bias = d.bias ?? biasAsFloat64(node.inputs[2] ?? null);
      for (let r0 = 0; r0 < batch; r0 += d.chunk) {
        const rows = Math.min(d.chunk, batch - r0);
        offsetToInt16(x, r0 * depth, rows * depth, rq.inputZeroPoint, col);
        gemmInt({
          m: rows,
          n: units,
          k: depth,
          a: col,
          b: weights,
          acc,
        });
        requantizeRows(rq, acc, rows, units, bias, y, r0 * units);
      }
      return;
    }
    // Hybrid: quantize one batch row at a time (each has its own scale and zero point).
    const x = input(node, 0).data as Float32Array;
    const y = output(node, 0).data as Float32Array;
    const bias = (node.inputs[2]?.data as Float32Array | undefined) ?? null;
    const qrow = scratchI8(ctx.scratch(d.rowHandle));
    const rowQ = { scale: 1, offset: 0 };
    const f = Math.fround;
    const { lo, hi, filterScales } = d;
    for (let b = 0; b < batch; b++) {
      quantizeFloatsRow(d.asymmetric, x, b * depth, depth, qrow, 0, rowQ);
      offsetToInt16(qrow, 0, depth, rowQ.offset, col);
      gemmInt({
        m: 1,
        n: units,
        k: depth,
        a: col,
        b: weights,
        acc,
      });
      let o = b * units;
      for (let c = 0; c < units; c++) {
        // TFLite: scale = row scale * weight scale (float32), result = bias + float(dot) * scale.
        const scale = f(rowQ.scale * filterScales[c]!);
        const v = f((bias ? bias[c]! : 0) + f(f(acc[c]!) * scale));
        y[o++] = v < lo ? lo : v > hi ? hi : v;
      }
    }
  },
};
