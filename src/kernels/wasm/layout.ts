/**
 * Parameter-block layouts of the kernel module's jobs: word indices as in the AssemblyScript
 * sources (assembly/f32_gemm.ts G_*, q8_gemm.ts Q_*, conv.ts C_*, dwconv.ts D_*). Each block is
 * written once at allocateTensors() into the node's persistent memory.
 */

/** Words of a float GEMM job (assembly/f32_gemm.ts). */
export const G = { M: 0, N: 1, K: 2, A: 3, LDA: 4, B: 5, C: 6, LDC: 7, LO: 8, HI: 9 } as const;

/** Words of a quantized GEMM job (assembly/conv.ts, q8_gemm_job). */
export const Q = {
  M: 0,
  N: 1,
  K: 2,
  A: 3,
  LDA: 4,
  B: 5,
  C: 6,
  LDC: 7,
  RQ: 8,
  SIGNED: 9,
  ZP_IN: 10,
  SCRATCH: 11,
  SCRATCH_STRIDE: 12,
  BLOCK: 13,
} as const;

/** Words of a convolution job (assembly/conv.ts). */
export const C = {
  BATCHES: 0,
  IN_H: 1,
  IN_W: 2,
  IN_C: 3,
  OUT_H: 4,
  OUT_W: 5,
  FH: 6,
  FW: 7,
  SH: 8,
  SW: 9,
  DH: 10,
  DW: 11,
  PAD_H: 12,
  PAD_W: 13,
  X: 14,
  B: 15,
  Y: 16,
  N: 17,
  LO: 18,
  HI: 19,
  SCRATCH: 20,
  SCRATCH_STRIDE: 21,
  BLOCK: 22,
  RQ: 23,
  ZP_IN: 25,
  DIRECT: 26,
  SIGNED: 27,
} as const;

/** Words of a depthwise convolution job (assembly/dwconv.ts). */
export const D = {
  BATCHES: 0,
  IN_H: 1,
  IN_W: 2,
  C: 3,
  OUT_H: 4,
  OUT_W: 5,
  FH: 6,
  FW: 7,
  SH: 8,
  SW: 9,
  DH: 10,
  DW: 11,
  PAD_H: 12,
  PAD_W: 13,
  X: 14,
  W: 15,
  Y: 16,
  BIAS: 17,
  LO: 18,
  HI: 19,
  ZP_ROW: 20,
  SCRATCH: 21,
  SIGNED: 22,
  SCRATCH_STRIDE: 23,
} as const;

/** Words of a quantized ADD job (assembly/add.ts). */
export const A = {
  N: 0,
  A: 1,
  B: 2,
  Y: 3,
  OFF1: 4,
  M1: 5,
  E1: 6,
  OFF2: 7,
  M2: 8,
  E2: 9,
  ZP_OUT: 10,
  MO: 11,
  EO: 12,
  LO: 13,
  HI: 14,
  LEFT: 15,
  SIGNED: 16,
} as const;

/** Words of a quantized MUL job (assembly/mul.ts). */
export const M = {
  ROWS: 0,
  C: 1,
  A: 2,
  B: 3,
  Y: 4,
  B_ROW_STRIDE: 5,
  B_SCALAR: 6,
  OFF_A: 7,
  OFF_B: 8,
  ZP_OUT: 9,
  MULT: 10,
  LEFT: 11,
  RIGHT: 12,
  LO: 13,
  HI: 14,
  SIGNED: 15,
} as const;

/** Bytes reserved for any parameter block (32 words), keeping what follows 64-byte aligned. */
export const PARAMS_BYTES = 128;
