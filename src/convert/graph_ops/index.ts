/**
 * The TF op -> TFLite mapping table for tfjs graph models. Const and Placeholder are handled by
 * the front end itself; every other supported op is an entry here.
 */
import {
  add,
  avgPool,
  concatV2,
  elu,
  identity,
  leakyRelu,
  max,
  maxPool,
  maximum,
  mean,
  minimum,
  mul,
  pad,
  realDiv,
  relu,
  relu6,
  reshape,
  resizeBilinear,
  sigmoid,
  softmax,
  squeeze,
  sub,
  tanh,
  transpose,
} from './basic.js';
import type { TfOpConverter } from './context.js';
import {
  conv2D,
  depthwiseConv2dNative,
  fusedConv2D,
  fusedDepthwiseConv2dNative,
  fusedMatMul,
  matMul,
} from './conv.js';

export type { TfOpContext, TfOpConverter } from './context.js';

/** TF op name -> converter. */
export const TF_OP_CONVERTERS: Readonly<Record<string, TfOpConverter>> = {
  Conv2D: conv2D,
  _FusedConv2D: fusedConv2D,
  DepthwiseConv2dNative: depthwiseConv2dNative,
  FusedDepthwiseConv2dNative: fusedDepthwiseConv2dNative,
  MatMul: matMul,
  _FusedMatMul: fusedMatMul,
  BiasAdd: add,
  Add: add,
  AddV2: add,
  Sub: sub,
  Mul: mul,
  RealDiv: realDiv,
  Maximum: maximum,
  Minimum: minimum,
  Relu: relu,
  Relu6: relu6,
  Elu: elu,
  Sigmoid: sigmoid,
  Tanh: tanh,
  LeakyRelu: leakyRelu,
  Softmax: softmax,
  AvgPool: avgPool,
  MaxPool: maxPool,
  Mean: mean,
  Max: max,
  Reshape: reshape,
  Squeeze: squeeze,
  ConcatV2: concatV2,
  Pad: pad,
  ResizeBilinear: resizeBilinear,
  Transpose: transpose,
  Identity: identity,
  StopGradient: identity,
  Snapshot: identity,
};

/** Ops the front end handles itself. */
export const TF_SOURCE_OPS: readonly string[] = ['Const', 'Placeholder', 'NoOp'];
