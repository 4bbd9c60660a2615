// Peak multiply-add throughput probes for `npm run bench` (the ceiling each model's latency is
// compared with). int8: a register-only loop with 8 independent accumulators so that latency
// never limits throughput, and few enough live values (8 accumulators, 2 constants, the input and
// its step) that V8 keeps them all in the 16 x64 vector registers; it counts 8 MACs per
// i32x4.dot_i16x8_s + add (int8 products widened to int16, as the quantized kernels do). f32: the
// GEMM tile itself on data in L1 (see peak_f32). Both return a value derived from their results
// so the loops are not optimized away.

import { f32_gemm_packed_4x8 } from './f32_gemm';

/**
 * f32: the GEMM's own 4x8 tile (f32_gemm_packed_4x8) on an L1-resident problem of 4 rows, 8
 * columns and k = 256 (8192 multiply-adds, 256 "iterations" of 32) in the memory at 4096..20608,
 * which it overwrites: bench only, on a memory of its own. The register-only loop this replaced
 * (8 accumulators, x stepped by a constant every iteration) measured 14.7 GMAC/s where the GEMM
 * itself runs 21-22 (Node 20): its dependency on x, not the multiply-adds, bounded it.
 */
export function peak_f32(iterations: i32): f32 {
  const k = 256;
  const a: usize = 4096; // packed A: one 4-row tile, k x 4 floats (4 KiB)
  const b: usize = 8192; // packed B: one 8-column block, k x 8 floats (8 KiB), then 8 bias floats
  const c: usize = 20480; // 4 x 8 outputs
  for (let i = 0; i < iterations; i += 256) f32_gemm_packed_4x8(8, k, a, 4, b, c, 32, -1, 1, 0, 8);
  return load<f32>(c);
}

export function peak_q8(iterations: i32): i32 {
  let a0 = i32x4.splat(0),
    a1 = i32x4.splat(1),
    a2 = i32x4.splat(2),
    a3 = i32x4.splat(3),
    a4 = i32x4.splat(4),
    a5 = i32x4.splat(5),
    a6 = i32x4.splat(6),
    a7 = i32x4.splat(7);
  let x = i16x8.splat(3);
  const d = i16x8.splat(1);
  const y0 = i16x8.splat(-2),
    y1 = i16x8.splat(5);
  for (let i = 0; i < iterations; i++) {
    a0 = i32x4.add(a0, i32x4.dot_i16x8_s(x, y0));
    a1 = i32x4.add(a1, i32x4.dot_i16x8_s(x, y1));
    a2 = i32x4.add(a2, i32x4.dot_i16x8_s(x, y0));
    a3 = i32x4.add(a3, i32x4.dot_i16x8_s(x, y1));
    a4 = i32x4.add(a4, i32x4.dot_i16x8_s(x, y0));
    a5 = i32x4.add(a5, i32x4.dot_i16x8_s(x, y1));
    a6 = i32x4.add(a6, i32x4.dot_i16x8_s(x, y0));
    a7 = i32x4.add(a7, i32x4.dot_i16x8_s(x, y1));
    x = i16x8.add(x, d);
  }
  const s = i32x4.add(i32x4.add(i32x4.add(a0, a1), i32x4.add(a2, a3)), i32x4.add(i32x4.add(a4, a5), i32x4.add(a6, a7)));
  return i32x4.extract_lane(s, 0);
}
