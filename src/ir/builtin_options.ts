/**
 * The builtin options tables of the TFLite schema, declared once as data. Field order is the
 * schema's field order, so a field's position is its FlatBuffers field id (vtable slot). The
 * reader and the writer (src/format) both walk these declarations, so reading an option and
 * writing it back sit side by side by construction; kernels and the converter use the derived
 * TypeScript types.
 */

/** Storage kinds of option fields. Enums are stored as their underlying integer type. */
export type FieldKind = 'bool' | 'i8' | 'u8' | 'i32' | 'u32' | 'f32' | 'i64' | 'string' | 'i32[]' | 'f32[]';

/** One field of an options table. */
export interface FieldSpec {
  readonly name: string;
  readonly kind: FieldKind;
  /** The schema default, used when the field is absent. */
  readonly def: number | boolean | string | bigint | null;
}

const bool = <N extends string>(name: N, def = false) => ({ name, kind: 'bool', def }) as const;
const i8 = <N extends string>(name: N, def = 0) => ({ name, kind: 'i8', def }) as const;
const i32 = <N extends string>(name: N, def = 0) => ({ name, kind: 'i32', def }) as const;
const u32 = <N extends string>(name: N, def = 0) => ({ name, kind: 'u32', def }) as const;
const f32 = <N extends string>(name: N, def = 0) => ({ name, kind: 'f32', def }) as const;
const i64 = <N extends string>(name: N) => ({ name, kind: 'i64', def: 0n }) as const;
const str = <N extends string>(name: N) => ({ name, kind: 'string', def: null }) as const;
const i32s = <N extends string>(name: N) => ({ name, kind: 'i32[]', def: null }) as const;
const f32s = <N extends string>(name: N) => ({ name, kind: 'f32[]', def: null }) as const;

// Enum-valued fields (Padding, ActivationFunctionType, TensorType, ...) are bytes.
const padding = i8('padding');
const fused = i8('fusedActivationFunction');

/**
 * Options tables in BuiltinOptions union order: entry i has union type i + 1 (0 is NONE).
 */
export const BUILTIN_OPTIONS = [
  [
    'Conv2DOptions',
    [
      padding,
      i32('strideW'),
      i32('strideH'),
      fused,
      i32('dilationWFactor', 1),
      i32('dilationHFactor', 1),
      i8('quantizedBiasType'),
    ],
  ],
  [
    'DepthwiseConv2DOptions',
    [
      padding,
      i32('strideW'),
      i32('strideH'),
      i32('depthMultiplier'),
      fused,
      i32('dilationWFactor', 1),
      i32('dilationHFactor', 1),
    ],
  ],
  [
    'ConcatEmbeddingsOptions',
    [i32('numChannels'), i32s('numColumnsPerChannel'), i32s('embeddingDimPerChannel')],
  ],
  ['LSHProjectionOptions', [i8('type')]],
  [
    'Pool2DOptions',
    [padding, i32('strideW'), i32('strideH'), i32('filterWidth'), i32('filterHeight'), fused],
  ],
  ['SVDFOptions', [i32('rank'), fused, bool('asymmetricQuantizeInputs')]],
  ['RNNOptions', [fused, bool('asymmetricQuantizeInputs')]],
  [
    'FullyConnectedOptions',
    [
      fused,
      i8('weightsFormat'),
      bool('keepNumDims'),
      bool('asymmetricQuantizeInputs'),
      i8('quantizedBiasType'),
    ],
  ],
  ['SoftmaxOptions', [f32('beta')]],
  ['ConcatenationOptions', [i32('axis'), fused]],
  ['AddOptions', [fused, bool('potScaleInt16', true)]],
  ['L2NormOptions', [fused]],
  ['LocalResponseNormalizationOptions', [i32('radius'), f32('bias'), f32('alpha'), f32('beta')]],
  [
    'LSTMOptions',
    [fused, f32('cellClip'), f32('projClip'), i8('kernelType'), bool('asymmetricQuantizeInputs')],
  ],
  [
    'ResizeBilinearOptions',
    [i32('newHeight'), i32('newWidth'), bool('alignCorners'), bool('halfPixelCenters')],
  ],
  ['CallOptions', [u32('subgraph')]],
  ['ReshapeOptions', [i32s('newShape')]],
  ['SkipGramOptions', [i32('ngramSize'), i32('maxSkipSize'), bool('includeAllNgrams')]],
  ['SpaceToDepthOptions', [i32('blockSize')]],
  ['EmbeddingLookupSparseOptions', [i8('combiner')]],
  ['MulOptions', [fused]],
  ['PadOptions', []],
  ['GatherOptions', [i32('axis'), i32('batchDims')]],
  ['BatchToSpaceNDOptions', []],
  ['SpaceToBatchNDOptions', []],
  ['TransposeOptions', []],
  ['ReducerOptions', [bool('keepDims')]],
  ['SubOptions', [fused, bool('potScaleInt16', true)]],
  ['DivOptions', [fused]],
  ['SqueezeOptions', [i32s('squeezeDims')]],
  ['SequenceRNNOptions', [bool('timeMajor'), fused, bool('asymmetricQuantizeInputs')]],
  [
    'StridedSliceOptions',
    [
      i32('beginMask'),
      i32('endMask'),
      i32('ellipsisMask'),
      i32('newAxisMask'),
      i32('shrinkAxisMask'),
      bool('offset'),
    ],
  ],
  ['ExpOptions', []],
  ['TopKV2Options', []],
  ['SplitOptions', [i32('numSplits')]],
  ['LogSoftmaxOptions', []],
  ['CastOptions', [i8('inDataType'), i8('outDataType')]],
  ['DequantizeOptions', []],
  ['MaximumMinimumOptions', []],
  ['ArgMaxOptions', [i8('outputType')]],
  ['LessOptions', []],
  ['NegOptions', []],
  ['PadV2Options', []],
  ['GreaterOptions', []],
  ['GreaterEqualOptions', []],
  ['LessEqualOptions', []],
  ['SelectOptions', []],
  ['SliceOptions', []],
  ['TransposeConvOptions', [padding, i32('strideW'), i32('strideH'), fused, i8('quantizedBiasType')]],
  ['SparseToDenseOptions', [bool('validateIndices')]],
  ['TileOptions', []],
  ['ExpandDimsOptions', []],
  ['EqualOptions', []],
  ['NotEqualOptions', []],
  ['ShapeOptions', [i8('outType')]],
  ['PowOptions', []],
  ['ArgMinOptions', [i8('outputType')]],
  ['FakeQuantOptions', [f32('min'), f32('max'), i32('numBits'), bool('narrowRange')]],
  ['PackOptions', [i32('valuesCount'), i32('axis')]],
  ['LogicalOrOptions', []],
  ['OneHotOptions', [i32('axis')]],
  ['LogicalAndOptions', []],
  ['LogicalNotOptions', []],
  ['UnpackOptions', [i32('num'), i32('axis')]],
  ['FloorDivOptions', []],
  ['SquareOptions', []],
  ['ZerosLikeOptions', []],
  ['FillOptions', []],
  [
    'BidirectionalSequenceLSTMOptions',
    [
      fused,
      f32('cellClip'),
      f32('projClip'),
      bool('mergeOutputs'),
      bool('timeMajor', true),
      bool('asymmetricQuantizeInputs'),
    ],
  ],
  [
    'BidirectionalSequenceRNNOptions',
    [bool('timeMajor'), fused, bool('mergeOutputs'), bool('asymmetricQuantizeInputs')],
  ],
  [
    'UnidirectionalSequenceLSTMOptions',
    [
      fused,
      f32('cellClip'),
      f32('projClip'),
      bool('timeMajor'),
      bool('asymmetricQuantizeInputs'),
      bool('diagonalRecurrentTensors'),
    ],
  ],
  ['FloorModOptions', []],
  ['RangeOptions', []],
  ['ResizeNearestNeighborOptions', [bool('alignCorners'), bool('halfPixelCenters')]],
  ['LeakyReluOptions', [f32('alpha')]],
  ['SquaredDifferenceOptions', []],
  ['MirrorPadOptions', [i8('mode')]],
  ['AbsOptions', []],
  ['SplitVOptions', [i32('numSplits')]],
  ['UniqueOptions', [i8('idxOutType', 2)]],
  ['ReverseV2Options', []],
  ['AddNOptions', []],
  ['GatherNdOptions', []],
  ['CosOptions', []],
  ['WhereOptions', []],
  ['RankOptions', []],
  ['ReverseSequenceOptions', [i32('seqDim'), i32('batchDim')]],
  ['MatrixDiagOptions', []],
  ['QuantizeOptions', []],
  ['MatrixSetDiagOptions', []],
  ['HardSwishOptions', []],
  ['IfOptions', [i32('thenSubgraphIndex'), i32('elseSubgraphIndex')]],
  ['WhileOptions', [i32('condSubgraphIndex'), i32('bodySubgraphIndex')]],
  ['DepthToSpaceOptions', [i32('blockSize')]],
  ['NonMaxSuppressionV4Options', []],
  ['NonMaxSuppressionV5Options', []],
  ['ScatterNdOptions', []],
  ['SelectV2Options', []],
  ['DensifyOptions', []],
  ['SegmentSumOptions', []],
  ['BatchMatMulOptions', [bool('adjX'), bool('adjY'), bool('asymmetricQuantizeInputs')]],
  ['CumsumOptions', [bool('exclusive'), bool('reverse')]],
  ['CallOnceOptions', [i32('initSubgraphIndex')]],
  ['BroadcastToOptions', []],
  ['Rfft2dOptions', []],
  [
    'Conv3DOptions',
    [
      padding,
      i32('strideD'),
      i32('strideW'),
      i32('strideH'),
      fused,
      i32('dilationDFactor', 1),
      i32('dilationWFactor', 1),
      i32('dilationHFactor', 1),
    ],
  ],
  ['HashtableOptions', [i32('tableId'), i8('keyDtype'), i8('valueDtype')]],
  ['HashtableFindOptions', []],
  ['HashtableImportOptions', []],
  ['HashtableSizeOptions', []],
  ['VarHandleOptions', [str('container'), str('sharedName')]],
  ['ReadVariableOptions', []],
  ['AssignVariableOptions', []],
  ['RandomOptions', [i64('seed'), i64('seed2')]],
  ['BucketizeOptions', [f32s('boundaries')]],
  ['GeluOptions', [bool('approximate')]],
  ['DynamicUpdateSliceOptions', []],
  ['UnsortedSegmentProdOptions', []],
  ['UnsortedSegmentMaxOptions', []],
  ['UnsortedSegmentMinOptions', []],
  ['UnsortedSegmentSumOptions', []],
  ['ATan2Options', []],
  ['SignOptions', []],
  ['BitcastOptions', []],
  ['BitwiseXorOptions', []],
  ['RightShiftOptions', []],
] as const;

type OptionsEntry = (typeof BUILTIN_OPTIONS)[number];

/** Name of a builtin options table. */
export type OptionsName = OptionsEntry[0];

type ValueOf<K extends FieldKind> = K extends 'bool'
  ? boolean
  : K extends 'string'
    ? string | null
    : K extends 'i64'
      ? bigint
      : K extends 'i32[]' | 'f32[]'
        ? number[] | null
        : number;

type FieldsOf<N extends OptionsName> = Extract<OptionsEntry, readonly [N, unknown]>[1];

/** The decoded form of an options table, e.g. `OptionsOf<'Conv2DOptions'>`. */
export type OptionsOf<N extends OptionsName> = {
  -readonly [F in FieldsOf<N>[number] as F extends { name: infer K extends string } ? K : never]: F extends {
    kind: infer K extends FieldKind;
  }
    ? ValueOf<K>
    : never;
};

/** A decoded options value of any table. */
export type OptionValue = boolean | number | bigint | string | number[] | null;

/** Builtin options as stored on an operator: the union type and the decoded fields. */
export interface BuiltinOptions {
  /** Union type code (1-based index into BUILTIN_OPTIONS). */
  readonly type: number;
  readonly name: OptionsName;
  readonly values: Record<string, OptionValue>;
}

/** Returns the spec of an options union type code, or undefined for an unknown code. */
export function optionsSpecByType(
  type: number,
): { name: OptionsName; fields: readonly FieldSpec[] } | undefined {
  const e = BUILTIN_OPTIONS[type - 1];
  return e ? { name: e[0], fields: e[1] } : undefined;
}

const TYPE_OF = new Map<string, number>(BUILTIN_OPTIONS.map((e, i) => [e[0], i + 1]));

/** Returns the union type code of an options table name. */
export function optionsTypeOf(name: OptionsName): number {
  return TYPE_OF.get(name)!;
}

/** Makes a complete options value from partial values, filling schema defaults. */
export function makeOptions<N extends OptionsName>(
  name: N,
  values: Partial<OptionsOf<N>> = {},
): BuiltinOptions {
  const type = optionsTypeOf(name);
  const spec = optionsSpecByType(type)!;
  const out: Record<string, OptionValue> = {};
  const given = values as Record<string, OptionValue | undefined>;
  for (const f of spec.fields) out[f.name] = given[f.name] ?? (f.def as OptionValue);
  return { type, name, values: out };
}

/** Options table that each builtin op writes (ops without options are absent). */
export const OPTIONS_OF_OP: Readonly<Record<string, OptionsName>> = {
  ADD: 'AddOptions',
  AVERAGE_POOL_2D: 'Pool2DOptions',
  MAX_POOL_2D: 'Pool2DOptions',
  L2_POOL_2D: 'Pool2DOptions',
  CONCATENATION: 'ConcatenationOptions',
  CONV_2D: 'Conv2DOptions',
  DEPTHWISE_CONV_2D: 'DepthwiseConv2DOptions',
  DEPTH_TO_SPACE: 'DepthToSpaceOptions',
  FULLY_CONNECTED: 'FullyConnectedOptions',
  L2_NORMALIZATION: 'L2NormOptions',
  LOCAL_RESPONSE_NORMALIZATION: 'LocalResponseNormalizationOptions',
  MUL: 'MulOptions',
  RESHAPE: 'ReshapeOptions',
  RESIZE_BILINEAR: 'ResizeBilinearOptions',
  RESIZE_NEAREST_NEIGHBOR: 'ResizeNearestNeighborOptions',
  SOFTMAX: 'SoftmaxOptions',
  SPACE_TO_DEPTH: 'SpaceToDepthOptions',
  SVDF: 'SVDFOptions',
  PAD: 'PadOptions',
  PADV2: 'PadV2Options',
  GATHER: 'GatherOptions',
  GATHER_ND: 'GatherNdOptions',
  BATCH_TO_SPACE_ND: 'BatchToSpaceNDOptions',
  SPACE_TO_BATCH_ND: 'SpaceToBatchNDOptions',
  TRANSPOSE: 'TransposeOptions',
  MEAN: 'ReducerOptions',
  SUM: 'ReducerOptions',
  REDUCE_MAX: 'ReducerOptions',
  REDUCE_MIN: 'ReducerOptions',
  REDUCE_PROD: 'ReducerOptions',
  REDUCE_ANY: 'ReducerOptions',
  REDUCE_ALL: 'ReducerOptions',
  SUB: 'SubOptions',
  DIV: 'DivOptions',
  SQUEEZE: 'SqueezeOptions',
  UNIDIRECTIONAL_SEQUENCE_LSTM: 'UnidirectionalSequenceLSTMOptions',
  STRIDED_SLICE: 'StridedSliceOptions',
  EXP: 'ExpOptions',
  SPLIT: 'SplitOptions',
  SPLIT_V: 'SplitVOptions',
  LOG_SOFTMAX: 'LogSoftmaxOptions',
  CAST: 'CastOptions',
  DEQUANTIZE: 'DequantizeOptions',
  QUANTIZE: 'QuantizeOptions',
  MAXIMUM: 'MaximumMinimumOptions',
  MINIMUM: 'MaximumMinimumOptions',
  ARG_MAX: 'ArgMaxOptions',
  ARG_MIN: 'ArgMinOptions',
  LESS: 'LessOptions',
  LESS_EQUAL: 'LessEqualOptions',
  GREATER: 'GreaterOptions',
  GREATER_EQUAL: 'GreaterEqualOptions',
  EQUAL: 'EqualOptions',
  NOT_EQUAL: 'NotEqualOptions',
  NEG: 'NegOptions',
  SELECT: 'SelectOptions',
  SELECT_V2: 'SelectV2Options',
  SLICE: 'SliceOptions',
  TRANSPOSE_CONV: 'TransposeConvOptions',
  TILE: 'TileOptions',
  EXPAND_DIMS: 'ExpandDimsOptions',
  SHAPE: 'ShapeOptions',
  POW: 'PowOptions',
  PACK: 'PackOptions',
  UNPACK: 'UnpackOptions',
  LOGICAL_OR: 'LogicalOrOptions',
  LOGICAL_AND: 'LogicalAndOptions',
  LOGICAL_NOT: 'LogicalNotOptions',
  FLOOR_DIV: 'FloorDivOptions',
  FLOOR_MOD: 'FloorModOptions',
  SQUARE: 'SquareOptions',
  ZEROS_LIKE: 'ZerosLikeOptions',
  FILL: 'FillOptions',
  LEAKY_RELU: 'LeakyReluOptions',
  SQUARED_DIFFERENCE: 'SquaredDifferenceOptions',
  MIRROR_PAD: 'MirrorPadOptions',
  ABS: 'AbsOptions',
  COS: 'CosOptions',
  HARD_SWISH: 'HardSwishOptions',
  BATCH_MATMUL: 'BatchMatMulOptions',
  CUMSUM: 'CumsumOptions',
  BROADCAST_TO: 'BroadcastToOptions',
  GELU: 'GeluOptions',
  RANGE: 'RangeOptions',
  ONE_HOT: 'OneHotOptions',
  RANK: 'RankOptions',
  ADD_N: 'AddNOptions',
  WHERE: 'WhereOptions',
  REVERSE_V2: 'ReverseV2Options',
  UNIQUE: 'UniqueOptions',
  TOPK_V2: 'TopKV2Options',
  SIGN: 'SignOptions',
};

/** Padding enum of the schema. */
export const Padding = { SAME: 0, VALID: 1 } as const;

/** ActivationFunctionType enum of the schema. */
export const Activation = { NONE: 0, RELU: 1, RELU_N1_TO_1: 2, RELU6: 3, TANH: 4, SIGN_BIT: 5 } as const;

/** Display names of ActivationFunctionType values. */
export const ACTIVATION_NAMES = ['NONE', 'RELU', 'RELU_N1_TO_1', 'RELU6', 'TANH', 'SIGN_BIT'] as const;

/** MirrorPadMode enum of the schema. */
export const MirrorPadMode = { REFLECT: 0, SYMMETRIC: 1 } as const;
