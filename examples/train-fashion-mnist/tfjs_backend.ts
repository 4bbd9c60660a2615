/**
 * Picks a fast TF.js backend for training in Node without native code: the WebAssembly backend
 * (XNNPACK), which lacks only the Conv2DBackpropFilter kernel (the gradient of a conv's
 * weights). That kernel is supplied here by running the backend's own 3-D version on the 2-D
 * tensors viewed with a depth of 1 (same bytes, one more unit axis). Falls back to the pure-JS
 * CPU backend, which is about 30x slower on this model.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

interface Info {
  dataId: object;
  dtype: string;
  shape: number[];
}

function registerConv2dFilterGrad(): void {
  if (tf.getKernel('Conv2DBackpropFilter', 'wasm')) return;
  const conv3d = tf.getKernel('Conv3DBackpropFilterV2', 'wasm');
  if (!conv3d) throw new Error('the wasm backend has no Conv3DBackpropFilterV2 kernel');
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs['x'] as unknown as Info;
      const dy = inputs['dy'] as unknown as Info;
      const a = attrs as unknown as {
        strides: number | [number, number];
        pad: unknown;
        filterShape: number[];
        dataFormat?: string;
      };
      if (a.dataFormat && a.dataFormat !== 'NHWC') throw new Error('Conv2DBackpropFilter shim: NHWC only');
      const s = Array.isArray(a.strides) ? a.strides : [a.strides, a.strides];
      const depth1 = (t: Info): Info => ({
        dataId: t.dataId,
        dtype: t.dtype,
        shape: [t.shape[0]!, 1, ...t.shape.slice(1)],
      });
      const dw = conv3d.kernelFunc({
        inputs: { x: depth1(x), dy: depth1(dy) } as unknown as tf.NamedTensorInfoMap,
        backend,
        attrs: {
          strides: [1, ...s],
          pad: a.pad,
          filterShape: [1, ...a.filterShape],
        } as unknown as tf.NamedAttrMap,
      }) as unknown as Info;
      return { dataId: dw.dataId, dtype: dw.dtype, shape: a.filterShape } as unknown as tf.TensorInfo;
    },
  });
}

/** Selects the wasm backend (or cpu when `prefer` is 'cpu' or wasm fails); returns its name. */
export async function useFastBackend(prefer: 'wasm' | 'cpu' = 'wasm'): Promise<string> {
  if (prefer === 'wasm') {
    try {
      if (await tf.setBackend('wasm')) {
        await tf.ready();
        registerConv2dFilterGrad();
        return 'wasm';
      }
    } catch {
      // fall through to the CPU backend
    }
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return 'cpu';
}
