// The float kernels' multiply-add. The build compiles the module twice (build.mjs): with relaxed
// SIMD, acc + x * w is f32x4.relaxed_madd (one fused or unfused instruction, as the engine's
// hardware does it: vfmadd on x64 with FMA3): 15-25% faster GEMMs than f32x4.mul + f32x4.add
// (Node 20 with --experimental-wasm-relaxed-simd); without it, the two instructions. module.ts
// picks the relaxed build where the engine validates it. A fused multiply-add rounds once where
// mul + add round twice, so either stays within the float bound of the kernels.

/** Returns acc + x * w in each lane. */
// @ts-ignore: decorator
@inline
export function fmadd(x: v128, w: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, w, acc);
  return f32x4.add(acc, f32x4.mul(x, w));
}
