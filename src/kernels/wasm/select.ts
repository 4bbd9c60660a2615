/**
 * Kernel selection: the one place that decides, per op, dtype and shape, whether a node runs a
 * WebAssembly SIMD kernel or the TypeScript reference kernel. A wasm kernel runs only where
 * (1) its plan can run the node (dtypes, constant weights, depth multiplier 1, ...: the plans'
 * `accepts`), (2) the engine validates the module (WebAssembly SIMD), (3) the node's tensors
 * live in the interpreter's memory, and (4) the rule below says so. Where a rule has no condition
 * beyond (1)-(3), the wasm kernel was faster on every node of the bench models. Each rule cites the
 * measurement that justified it (`npm run bench`, bench/results/).
 */
import { hardSwishKernel } from '../activations/hard_swish.js';
import { logisticKernel, tanhKernel } from '../activations/logistic_tanh.js';
import { conv2dKernel } from '../conv/conv_2d.js';
import { depthwiseConv2dKernel } from '../conv/depthwise_conv_2d.js';
import { fullyConnectedKernel } from '../conv/fully_connected.js';
import { addKernel, subKernel } from '../elementwise/add_sub.js';
import { divKernel } from '../elementwise/div.js';
import { mulKernel } from '../elementwise/mul.js';
import type { Kernel } from '../kernel.js';
import { averagePool2dKernel } from '../pooling/pool_2d.js';
import { meanKernel } from '../reduce/reduce.js';
import { castKernel } from '../tensor/cast.js';
import { dequantizeKernel } from '../tensor/dequantize.js';
import { quantizeKernel } from '../tensor/quantize.js';
import { resizeBilinearKernel } from '../tensor/resize.js';
import { binaryPlan } from './binary_wasm.js';
import { conv2dPlan } from './conv_2d_wasm.js';
import { depthwiseConv2dPlan } from './depthwise_conv_2d_wasm.js';
import { fullyConnectedPlan } from './fully_connected_wasm.js';
import { wasmKernelsSupported } from './module.js';
import { globalAveragePoolPlan, spatialMeanPlan } from './pool_wasm.js';
import { resizeBilinearPlan } from './resize_wasm.js';
import { lut8Plan, quantizePlan, toFloatPlan } from './unary_wasm.js';
import { withWasm } from './wasm_kernel.js';

const simd = () => wasmKernelsSupported();

/**
 * CONV_2D, float32 and 8-bit, every shape: the reference im2col + GEMM in TypeScript spends
 * 72 ms (mobilenet_v1_0.25 float) and 1655 ms (mobilenet_v2_1.0 quant) per invoke in CONV_2D
 * (`tflite-ts bench --profile`, before this module); the SIMD kernels are 20-100x faster on
 * every conv of the bench models, including the 3-channel first layers (im2col path).
 */
const conv2d = withWasm(conv2dKernel, conv2dPlan, simd);

/**
 * DEPTHWISE_CONV_2D, float32 and 8-bit, depth multiplier 1, every window: 75 ms / 531 ms per
 * invoke in the reference (same profiles); the 8-channel SIMD loop wins on every layer,
 * including 7x7 maps with 1024 channels and 112x112 maps with 32.
 */
const depthwise = withWasm(depthwiseConv2dKernel, depthwiseConv2dPlan, simd);

/**
 * FULLY_CONNECTED, float32 and 8-bit: batch-1 classifier heads (1024x1001, 1280x1001) are
 * 5-10x faster as a SIMD GEMM than the reference double-accumulating loop.
 */
const fullyConnected = withWasm(fullyConnectedKernel, fullyConnectedPlan, simd);

/**
 * ADD, SUB, MUL: float32 and 8-bit, any broadcast of at most 4 coalesced dims. The reference
 * spent 27 ms of 113 ms in the 10 ADDs of mobilenet_v2_1.0_224_quant once the convolutions ran in
 * wasm (first wasm build); in movenet_single_pose_lightning_ptq the reference SUB / ADD / MUL
 * with constant and broadcast operands took 4.3 ms of 22.6 (the input's per-channel offset over
 * 192x192x3 alone 0.96 ms), the float ADDs of deeplabv3 2.8 ms of 68 (bench/op_profile.mjs,
 * per-node minima, before this kernel).
 */
const add = withWasm(addKernel, binaryPlan, simd);
const sub = withWasm(subKernel, binaryPlan, simd);
const mul = withWasm(mulKernel, binaryPlan, simd);
/** DIV, float32: 0.15-0.23 ms of movenet's keypoint decoding (reference, same profile). */
const div = withWasm(divKernel, binaryPlan, simd);

/**
 * Element-wise 8-bit activations through the reference's own 256-entry table: HARD_SWISH was
 * 2.2 ms of 7.0 in v3-small_224_1.0_uint8, LOGISTIC 0.12 ms in movenet (same profiles).
 */
const hardSwish = withWasm(hardSwishKernel, lut8Plan(hardSwishKernel), simd);
const logistic = withWasm(logisticKernel, lut8Plan(logisticKernel), simd);
const tanh = withWasm(tanhKernel, lut8Plan(tanhKernel), simd);

/**
 * QUANTIZE (float32 -> 8-bit, and between 8-bit types), DEQUANTIZE and CAST to float32 of 8-bit
 * tensors: 1.2 + 0.3 + 0.3 ms of movenet (the model's float pre- and post-processing), 0.4 ms of
 * tf2_mobilenet_v2_1.0_224_ptq (its float input).
 */
const quantize = withWasm(quantizeKernel, quantizePlan(quantizeKernel), simd);
const dequantize = withWasm(dequantizeKernel, toFloatPlan, simd);
const cast = withWasm(castKernel, toFloatPlan, simd);

/**
 * RESIZE_BILINEAR, float32 and 8-bit, constant size: 15 ms of 68 in deeplabv3 (the float
 * reference reproduces every float32 rounding in JavaScript), 0.8 ms of movenet.
 */
const resizeBilinear = withWasm(resizeBilinearKernel, resizeBilinearPlan, simd);

/**
 * Global AVERAGE_POOL_2D and spatial MEAN, float32 and 8-bit: 0.82 ms of v3-small (squeeze-and-
 * excitation blocks), 0.46 ms of deeplabv3, 0.19 ms (MEAN) of tf2_mobilenet_v2 ptq, 0.17 ms of
 * mobilenet_v2 quant.
 */
const averagePool = withWasm(averagePool2dKernel, globalAveragePoolPlan, simd);
const mean = withWasm(meanKernel, spatialMeanPlan, simd);

/** The optimized kernels, each falling back to its reference kernel where not selected. */
export const wasmKernels: readonly Kernel[] = [
  conv2d,
  depthwise,
  fullyConnected,
  add,
  sub,
  mul,
  div,
  hardSwish,
  logistic,
  tanh,
  quantize,
  dequantize,
  cast,
  resizeBilinear,
  averagePool,
  mean,
] as readonly Kernel[];
