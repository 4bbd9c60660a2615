/**
 * Parameter-block layouts of the kernel module's jobs: word indices as in the AssemblyScript
 * sources (assembly/f32_gemm.ts G_*, conv.ts C_* and Q_*, dwconv.ts D_*, binary.ts B_*, unary.ts
 * U_*, resize.ts R_*, pool.ts P_*, hybrid.ts H_*). Each block is
 * written once at allocateTensors() into the node's persistent memory.
 */

/** Words of a float GEMM job (assembly/f32_gemm.ts). */
export const G = {
  M: 0,
  N: 1,
  K: 2,
  A: 3,
  LDA: 4,
  B: 5,
  C: 6,
  LDC: 7,
  LO: 8,
  HI: 9,
  SCRATCH: 10,
  SCRATCH_STRIDE: 11,
  BLOCK: 12,
} as const;

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
  HYBRID: 14,
  HOFF: 15,
  HRS: 16,
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
  WROWS: 24,
  ZP_IN: 25,
  DIRECT: 26,
  SIGNED: 27,
  HYBRID: 28,
  HOFF: 29,
  HRS: 30,
  B3: 31,
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
  HYBRID: 24,
  HRS: 25,
} as const;

/** Words of a hybrid input quantization job (assembly/hybrid.ts). */
export const H = {
  X: 0,
  N: 1,
  ROWS: 2,
  Q: 3,
  ASYM: 4,
  SCALE: 5,
  OFFSET: 6,
  C: 7,
  WSUM: 8,
  START: 9,
  ZPROW: 10,
} as const;

/** Words of a broadcast ADD / SUB / MUL job (assembly/binary.ts). */
export const BIN = {
  OP: 0,
  DTYPE: 1,
  ROWS: 2,
  D1: 3,
  D2: 4,
  N: 5,
  A: 6,
  A0: 7,
  A1: 8,
  A2: 9,
  SA: 10,
  B: 11,
  B0: 12,
  B1: 13,
  B2: 14,
  SB: 15,
  Y: 16,
  LO: 17,
  HI: 18,
  OFF1: 19,
  M1: 20,
  E1: 21,
  OFF2: 22,
  M2: 23,
  E2: 24,
  MO: 25,
  LEFT: 26,
  EO: 27,
  ZP: 28,
} as const;

/** Words of an element-wise conversion or table job (assembly/unary.ts). */
export const U = { N: 0, X: 1, Y: 2, TABLE: 3, SCALE: 4, ZP: 5, SIGNED: 6, QMIN: 7, QMAX: 8 } as const;

/** Words of a bilinear resize job (assembly/resize.ts). */
export const R = {
  BATCHES: 0,
  IN_H: 1,
  IN_W: 2,
  C: 3,
  OUT_H: 4,
  OUT_W: 5,
  X: 6,
  Y: 7,
  YTAB: 8,
  XTAB: 9,
  DTYPE: 10,
} as const;

/** Words of a global pooling job (assembly/pool.ts). */
export const P = {
  BATCHES: 0,
  PIXELS: 1,
  C: 2,
  X: 3,
  Y: 4,
  KIND: 5,
  DTYPE: 6,
  LO: 7,
  HI: 8,
  ZP_IN: 9,
  MULT: 10,
  SHIFT: 11,
  ZP_OUT: 12,
} as const;

/** Bytes reserved for any parameter block (32 words), keeping what follows 64-byte aligned. */
export const PARAMS_BYTES = 128;
