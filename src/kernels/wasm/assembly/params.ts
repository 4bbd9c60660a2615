// Parameter blocks: every job reads its arguments from an array of 32-bit words in memory,
// written by the TypeScript glue at allocateTensors() (src/kernels/wasm/*_wasm.ts). Word
// indices are named in each kernel file and mirrored in src/kernels/wasm/layout.ts.

/** Returns word `i` of the parameter block at `p` as an i32. */
// @ts-ignore: decorator
@inline
export function pi(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** Returns word `i` of the parameter block at `p` as an address. */
// @ts-ignore: decorator
@inline
export function pa(p: usize, i: i32): usize {
  return <usize>load<u32>(p + (<usize>i << 2));
}

/** Returns word `i` of the parameter block at `p` as an f32. */
// @ts-ignore: decorator
@inline
export function pf(p: usize, i: i32): f32 {
  return load<f32>(p + (<usize>i << 2));
}

/** Returns the first item of part `chunk` when `count` items are split into `chunks` parts aligned to `align`. */
// @ts-ignore: decorator
@inline
export function splitAt(count: i32, chunk: i32, chunks: i32, align: i32): i32 {
  if (chunk >= chunks) return count;
  const units = (count + align - 1) / align;
  const at = <i32>((<i64>units * chunk) / chunks) * align;
  return at < count ? at : count;
}
