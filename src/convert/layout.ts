/**
 * Weight layout changes between Keras and TFLite. Keras stores conv kernels HWIO
 * ([kh, kw, in, out]) and dense kernels [in, out]; TFLite wants OHWI and [out, in].
 */

/** Returns `data` (of `shape`) with its axes permuted by `perm`, and the new shape. */
export function transposeData<T extends Float32Array | Int32Array>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
): { data: T; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= shape[i]!;
  }
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const stride = perm.map((p) => inStrides[p]!);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * stride[d]!;
    out[o] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return { data: out, shape: outShape };
}

/** Keras Conv2D kernel [kh, kw, in, out] -> TFLite CONV_2D filter [out, kh, kw, in]. */
export const HWIO_TO_OHWI = [3, 0, 1, 2] as const;

/** Keras Conv2DTranspose kernel [kh, kw, out, in] -> TFLite TRANSPOSE_CONV filter [out, kh, kw, in]. */
export const HWOI_TO_OHWI = [2, 0, 1, 3] as const;

/** Keras Dense kernel [in, out] -> TFLite FULLY_CONNECTED weights [out, in]. */
export const IO_TO_OI = [1, 0] as const;
