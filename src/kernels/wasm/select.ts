/**
 * Kernel selection: the one place that decides, per op, dtype and shape, whether a node runs a
 * WebAssembly SIMD kernel or the TypeScript reference kernel. A wasm kernel runs only where
 * (1) its plan can run the node (dtypes, constant weights, depth multiplier 1: the plans'
 * `accepts`), (2) the engine validates the module (WebAssembly SIMD), (3) the node's tensors
 * live in the interpreter's memory, and (4) the rule below says so. Each rule cites the
 * measurement that justified it (`npm run bench`, bench/results/).
 */
import { conv2dKernel } from '../conv/conv_2d.js';
import { addKernel } from '../elementwise/add_sub.js';
import { mulKernel } from '../elementwise/mul.js';
import { depthwiseConv2dKernel } from '../conv/depthwise_conv_2d.js';
import { fullyConnectedKernel } from '../conv/fully_connected.js';
import type { Kernel } from '../kernel.js';
import { addPlan } from './add_wasm.js';
import { conv2dPlan } from './conv_2d_wasm.js';
import { depthwiseConv2dPlan } from './depthwise_conv_2d_wasm.js';
import { fullyConnectedPlan } from './fully_connected_wasm.js';
import { mulPlan } from './mul_wasm.js';
import { wasmKernelsSupported } from './module.js';
import { withWasm } from './wasm_kernel.js';

/**
 * CONV_2D, float32 and 8-bit, every shape: the reference im2col + GEMM in TypeScript spends
 * 72 ms (mobilenet_v1_0.25 float) and 1655 ms (mobilenet_v2_1.0 quant) per invoke in CONV_2D
 * (`tflite-ts bench --profile`, before this module); the SIMD kernels are 20-100x faster on
 * every conv of the bench models, including the 3-channel first layers (im2col path).
 */
const conv2d = withWasm(conv2dKernel, conv2dPlan, () => wasmKernelsSupported());

/**
 * DEPTHWISE_CONV_2D, float32 and 8-bit, depth multiplier 1, every window: 75 ms / 531 ms per
 * invoke in the reference (same profiles); the 8-channel SIMD loop wins on every layer,
 * including 7x7 maps with 1024 channels and 112x112 maps with 32.
 */
const depthwise = withWasm(depthwiseConv2dKernel, depthwiseConv2dPlan, () => wasmKernelsSupported());

/**
 * FULLY_CONNECTED, float32 and 8-bit: batch-1 classifier heads (1024x1001, 1280x1001) are
 * 5-10x faster as a SIMD GEMM than the reference double-accumulating loop.
 */
const fullyConnected = withWasm(fullyConnectedKernel, fullyConnectedPlan, () => wasmKernelsSupported());

/**
 * ADD, uint8 / int8, same shapes (residual connections): the reference spends 27 ms of 113 ms in
 * the 10 ADDs of mobilenet_v2_1.0_224_quant once the convolutions run in wasm (profile of the
 * first wasm build); three requantizations per element vectorize 8 lanes at a time.
 */
const add = withWasm(addKernel, addPlan, () => wasmKernelsSupported());

/**
 * MUL, uint8 / int8, same shapes or a broadcast row / scalar: 4.8 ms of the 13 ms per-op minimum
 * of v3-small_224_1.0_uint8 and 2 ms of movenet were the reference MUL (its 8-bit lookup table
 * behind a JS broadcast walk) once the convolutions ran in wasm (/tmp profile of per-op minima,
 * commit 74118f4).
 */
const mul = withWasm(mulKernel, mulPlan, () => wasmKernelsSupported());

/** The optimized kernels, each falling back to its reference kernel where not selected. */
export const wasmKernels: readonly Kernel[] = [
  conv2d,
  depthwise,
  fullyConnected,
  add,
  mul,
] as readonly Kernel[];
