// Peak multiply-add throughput probes for `npm run bench` (the ceiling each model's latency is
// compared with). Register-only loops with 8 independent accumulators so that latency never
// limits throughput, and few enough live values (8 accumulators, 2 constants, the input and its
// step) that V8 keeps them all in the 16 x64 vector registers: f32 counts 4 MACs per f32x4 mul + add, int8 counts 8 MACs per
// i32x4.dot_i16x8_s + add (int8 products widened to int16, as the quantized kernels do).
// Both return a value derived from the accumulators so the loops are not optimized away.

export function peak_f32(iterations: i32): f32 {
  let a0 = f32x4.splat(0.5),
    a1 = f32x4.splat(0.25),
    a2 = f32x4.splat(0.125),
    a3 = f32x4.splat(1),
    a4 = f32x4.splat(2),
    a5 = f32x4.splat(3),
    a6 = f32x4.splat(4),
    a7 = f32x4.splat(5);
  let x = f32x4.splat(0.999);
  const d = f32x4.splat(1e-7);
  const y0 = f32x4.splat(0.001),
    y1 = f32x4.splat(0.002);
  for (let i = 0; i < iterations; i++) {
    a0 = f32x4.add(a0, f32x4.mul(x, y0));
    a1 = f32x4.add(a1, f32x4.mul(x, y1));
    a2 = f32x4.add(a2, f32x4.mul(x, y0));
    a3 = f32x4.add(a3, f32x4.mul(x, y1));
    a4 = f32x4.add(a4, f32x4.mul(x, y0));
    a5 = f32x4.add(a5, f32x4.mul(x, y1));
    a6 = f32x4.add(a6, f32x4.mul(x, y0));
    a7 = f32x4.add(a7, f32x4.mul(x, y1));
    x = f32x4.add(x, d);
  }
  const s = f32x4.add(f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3)), f32x4.add(f32x4.add(a4, a5), f32x4.add(a6, a7)));
  return f32x4.extract_lane(s, 0);
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
