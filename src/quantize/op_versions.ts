/**
 * The operator versions TFLite's converter writes for quantized ops, so LiteRT's op resolver
 * accepts the file and delegates see the version they expect. The rules are the ones of TFLite's
 * `GetBuiltinOperatorVersion` (tools/versioning/op_version.cc) for the ops the quantizer emits;
 * where that function gives a version below the op's original one, the original is kept (the
 * converter only ever raises versions).
 */
import type { BuiltinOptions } from '../ir/builtin_options.js';
import type { DType } from '../ir/dtype.js';

/** What the version of one operator depends on. */
export interface OpSignature {
  readonly op: string;
  /** dtype of each input (undefined for an omitted optional input). */
  readonly inputs: readonly (DType | undefined)[];
  readonly outputs: readonly DType[];
  readonly options?: BuiltinOptions;
  /** Weights quantized with one scale per output channel (conv, depthwise, fully connected, dequantize). */
  readonly perChannel?: boolean;
  /** Input ranks, for the ops whose version grows with rank (PAD, TRANSPOSE, SLICE...). */
  readonly inputRank?: number;
}

const opt = (sig: OpSignature, name: string): unknown => sig.options?.values[name];

/** Version by the dtype of input 0: int8 -> v8, int16 -> v16, else 1 (the common shape). */
function byInput(sig: OpSignature, v8: number, v16?: number): number {
  const t = sig.inputs[0];
  if (t === 'int16' && v16 !== undefined) return v16;
  if (t === 'int8') return v8;
  return 1;
}

/**
 * Returns the version TFLite's converter gives an op with this signature, or 1 for an op whose
 * quantized forms all share version 1 (RESHAPE, SQUEEZE, ...). Never throws.
 */
export function opVersion(sig: OpSignature): number {
  const [in0, in1] = sig.inputs;
  const out0 = sig.outputs[0];
  switch (sig.op) {
    case 'CONV_2D':
      if (in0 === 'int8' && in1 === 'int8') return 3;
      // 16x8 conv: TFLite's table gives it no version of its own (1) unless the bias type is
      // explicit; TFLite Micro and the schema history call int16 activations version 4.
      if (in0 === 'int16' && in1 === 'int8') return 4;
      if (in0 === 'float32' && in1 === 'int8' && out0 === 'float32') return sig.perChannel ? 5 : 2;
      return 1;
    case 'DEPTHWISE_CONV_2D': {
      if (in0 === 'float32' && in1 === 'int8' && out0 === 'float32') return sig.perChannel ? 6 : 4;
      if (in0 === 'int8' && in1 === 'int8') return 3;
      if (in0 === 'int16' && in1 === 'int8') return 5;
      const dilated = (opt(sig, 'dilationWFactor') ?? 1) !== 1 || (opt(sig, 'dilationHFactor') ?? 1) !== 1;
      return dilated ? 2 : 1;
    }
    case 'FULLY_CONNECTED': {
      if (in0 === 'float32' && in1 === 'int8' && out0 === 'float32') {
        if (sig.perChannel) return 12;
        return opt(sig, 'asymmetricQuantizeInputs') ? 9 : 3;
      }
      if (in0 === 'int16' && in1 === 'int8') return 7;
      if (sig.inputs.length === 2 || sig.inputs[2] === undefined) return 6;
      if (opt(sig, 'keepNumDims')) return 5;
      if (in0 === 'int8' && in1 === 'int8') return 4;
      return 1;
    }
    case 'SVDF':
      if (in0 === 'int8') return 3;
      if (in0 === 'float32' && in1 === 'int8') return opt(sig, 'asymmetricQuantizeInputs') ? 4 : 2;
      return 1;
    case 'UNIDIRECTIONAL_SEQUENCE_LSTM':
      if (in0 === 'int16' && sig.inputs[2] === 'int8') return 5;
      if (opt(sig, 'diagonalRecurrentTensors')) return 4;
      if (in0 === 'float32' && sig.inputs[2] === 'int8') return opt(sig, 'asymmetricQuantizeInputs') ? 3 : 2;
      return 1;
    case 'TRANSPOSE_CONV':
      if (opt(sig, 'fusedActivationFunction')) return 4;
      if (sig.inputs.length === 4 && sig.inputs[3] !== undefined) return 3;
      return sig.inputs[1] === 'int8' ? 2 : 1;
    case 'DEQUANTIZE':
      if (in0 === 'int16' || in0 === 'float16') return 3;
      if (in0 === 'int8') return sig.perChannel ? 5 : 2;
      return 1;
    case 'QUANTIZE':
      if (sig.perChannel) return 3;
      return out0 === 'int16' ? 2 : 1;
    case 'ADD':
      if (in0 === 'int16' && out0 === 'int16' && opt(sig, 'potScaleInt16') === false) return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'SUB':
      if (in0 === 'int16' && out0 === 'int16' && opt(sig, 'potScaleInt16') === false) return 5;
      return in0 === 'int8' ? 2 : 1;
    case 'MUL':
      return byInput(sig, 2, 4);
    case 'AVERAGE_POOL_2D':
    case 'MAX_POOL_2D':
      return byInput(sig, 2, 3);
    case 'CONCATENATION':
    case 'SOFTMAX':
    case 'MEAN':
    case 'REDUCE_MAX':
    case 'REDUCE_MIN':
    case 'RELU6':
    case 'MIRROR_PAD':
      return byInput(sig, 2, 3);
    case 'LOGISTIC':
    case 'TANH':
      return byInput(sig, 2, 3);
    case 'RELU':
      return byInput(sig, 2, 3);
    case 'PAD':
    case 'PADV2':
      if ((sig.inputRank ?? 4) > 4) return 4;
      return byInput(sig, 2, 3);
    case 'TRANSPOSE':
      if ((sig.inputRank ?? 4) > 5) return 6;
      if (in0 === 'int16') return 5;
      if ((sig.inputRank ?? 4) > 4) return 4;
      return in0 === 'int8' ? 2 : 1;
    case 'RESIZE_BILINEAR':
      if (in0 === 'int16') return 4;
      if (opt(sig, 'halfPixelCenters')) return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'RESIZE_NEAREST_NEIGHBOR':
      if (in0 === 'int16') return 4;
      if (opt(sig, 'halfPixelCenters') || opt(sig, 'alignCorners')) return 3;
      return in0 === 'int8' ? 2 : 1;
    case 'MAXIMUM':
    case 'MINIMUM':
      return byInput(sig, 2, 4);
    case 'LEAKY_RELU':
      return in0 === 'int16' ? 2 : 1;
    case 'PACK':
      return byInput(sig, 2, 3);
    case 'UNPACK':
      return byInput(sig, 2, 4);
    case 'SPLIT':
      // The data is input 1 (input 0 is the axis).
      return in1 === 'int16' ? 4 : in1 === 'int8' ? 2 : 1;
    case 'STRIDED_SLICE':
    case 'SLICE':
    case 'GATHER':
      return byInput(sig, 2, sig.op === 'GATHER' ? 4 : sig.op === 'SLICE' ? 4 : 2);
    case 'SPACE_TO_BATCH_ND':
    case 'BATCH_TO_SPACE_ND':
      if (in0 === 'int16') return 4;
      return in0 === 'int8' ? 2 : 1;
    case 'SPLIT_V':
    case 'SUM':
    case 'LOG_SOFTMAX':
    case 'SQUARED_DIFFERENCE':
    case 'DEPTH_TO_SPACE':
    case 'SPACE_TO_DEPTH':
      return byInput(sig, 2);
    case 'L2_NORMALIZATION':
      return out0 === 'int8' ? 2 : 1;
    case 'TILE':
      return byInput(sig, 3);
    case 'HARD_SWISH':
    case 'PRELU':
    case 'RESHAPE':
    case 'SQUEEZE':
    case 'EXPAND_DIMS':
    default:
      return 1;
  }
}
