/**
 * The TF.js / Keras layer -> TFLite mapping table. One entry per layer class name (aliases
 * included); the converter looks layers up here and nowhere else, so this table is the list of
 * supported layers.
 */
import { activation, dense, flatten, inferenceIdentity, permute, rescaling, reshape } from './core.js';
import { elu, leakyRelu, prelu, relu, relu6, softmax } from './activation_layers.js';
import { conv2d, conv2dTranspose, depthwiseConv2d, separableConv2d } from './conv.js';
import type { LayerConverter } from './context.js';
import { embedding } from './embedding.js';
import { lstm } from './lstm.js';
import { add, average, concatenate, maximum, minimum, multiply, subtract } from './merge.js';
import { batchNormalization } from './normalization.js';
import { averagePooling2d, globalAveragePooling2d, globalMaxPooling2d, maxPooling2d } from './pooling.js';
import { cropping2d, upSampling2d, zeroPadding2d } from './reshaping.js';

export type { LayerContext, LayerConverter, LayerNotes } from './context.js';

/** Layer class name -> converter. */
export const LAYER_CONVERTERS: Readonly<Record<string, LayerConverter>> = {
  Conv2D: conv2d,
  Convolution2D: conv2d,
  DepthwiseConv2D: depthwiseConv2d,
  SeparableConv2D: separableConv2d,
  SeparableConvolution2D: separableConv2d,
  Conv2DTranspose: conv2dTranspose,
  Dense: dense,
  Flatten: flatten,
  Reshape: reshape,
  Permute: permute,
  BatchNormalization: batchNormalization,
  Activation: activation,
  ReLU: relu,
  ReLU6: relu6,
  LeakyReLU: leakyRelu,
  PReLU: prelu,
  ELU: elu,
  Softmax: softmax,
  MaxPooling2D: maxPooling2d,
  MaxPool2D: maxPooling2d,
  AveragePooling2D: averagePooling2d,
  AvgPool2D: averagePooling2d,
  GlobalAveragePooling2D: globalAveragePooling2d,
  GlobalAvgPool2D: globalAveragePooling2d,
  GlobalMaxPooling2D: globalMaxPooling2d,
  GlobalMaxPool2D: globalMaxPooling2d,
  Add: add,
  Subtract: subtract,
  Multiply: multiply,
  Average: average,
  Maximum: maximum,
  Minimum: minimum,
  Concatenate: concatenate,
  Dropout: inferenceIdentity,
  SpatialDropout1D: inferenceIdentity,
  SpatialDropout2D: inferenceIdentity,
  GaussianNoise: inferenceIdentity,
  GaussianDropout: inferenceIdentity,
  AlphaDropout: inferenceIdentity,
  ZeroPadding2D: zeroPadding2d,
  Cropping2D: cropping2d,
  UpSampling2D: upSampling2d,
  Rescaling: rescaling,
  Embedding: embedding,
  LSTM: lstm,
};
