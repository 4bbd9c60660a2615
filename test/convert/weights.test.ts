/**
 * Weight decoding: tfjs-quantized weights (uint8 / uint16 affine, float16) are dequantized on
 * load exactly as tfjs does, so a quantized model converts to the outputs tfjs gives for it.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { type InMemoryModel, convert, decodeWeights } from '../../src/convert/index.js';
import type { WeightSpec } from '../../src/convert/tfjs_format.js';
import { ConversionError } from '../../src/errors.js';
import { peersAvailable } from '../support/peers.js';
import { parity, randomFloats, randomizeWeights, runLiteRT, runOurs } from './helpers.js';

describe('decodeWeights', () => {
  it('dequantizes uint8, uint16 and float16, rounds int32, keeps float32', () => {
    const specs: WeightSpec[] = [
      { name: 'a', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.1, min: -1 } },
      { name: 'b', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.001, min: 2 } },
      { name: 'c', shape: [2], dtype: 'float32', quantization: { dtype: 'float16' } },
      { name: 'd', shape: [2], dtype: 'int32', quantization: { dtype: 'uint8', scale: 0.5, min: 0 } },
      { name: 'e', shape: [1], dtype: 'float32' },
    ];
    const bytes = new Uint8Array(3 + 4 + 4 + 2 + 4);
    const v = new DataView(bytes.buffer);
    bytes.set([0, 128, 255], 0);
    v.setUint16(3, 0, true);
    v.setUint16(5, 1000, true);
    v.setUint16(7, 0x3c00, true); // 1.0
    v.setUint16(9, 0xc100, true); // -2.5
    bytes.set([3, 4], 11); // 1.5 -> 2 (Math.round), 2
    v.setFloat32(13, 0.25, true);
    const w = decodeWeights(specs, bytes);
    expect([...w.get('a')!.data]).toEqual([-1, 128 * 0.1 - 1, 255 * 0.1 - 1].map((x) => Math.fround(x)));
    expect([...w.get('b')!.data]).toEqual([2, 3].map((x) => Math.fround(x)));
    expect([...w.get('c')!.data]).toEqual([1, -2.5]);
    expect([...w.get('d')!.data]).toEqual([2, 2]);
    expect(w.get('d')!.data).toBeInstanceOf(Int32Array);
    expect([...w.get('e')!.data]).toEqual([0.25]);
    expect(w.get('a')!.storedAs).toBe('uint8');
  });

  it('says which weight a truncated shard cuts', () => {
    const specs: WeightSpec[] = [
      { name: 'k', shape: [2], dtype: 'float32' },
      { name: 'late', shape: [4], dtype: 'float32' },
    ];
    expect(() => decodeWeights(specs, new Uint8Array(12))).toThrow(ConversionError);
    expect(() => decodeWeights(specs, new Uint8Array(12))).toThrow(
      /weight "late" needs bytes 8\.\.24 but the weight shards hold 12/,
    );
  });
});

/** Quantizes float32 weight bytes as tfjs-converter's --quantize_uint8/uint16/float16 do. */
function quantize(
  values: Float32Array,
  dtype: 'uint8' | 'uint16' | 'float16',
): { bytes: Uint8Array; q: WeightSpec['quantization'] } {
  if (dtype === 'float16') {
    const h = new Uint16Array(values.length);
    const f = new Float32Array(1);
    const u = new Uint32Array(f.buffer);
    values.forEach((x, i) => {
      // round-to-nearest-even float32 -> float16 for normal numbers (these weights are in +-1)
      f[0] = x;
      const bits = u[0]!;
      const sign = (bits >>> 16) & 0x8000;
      const exp = ((bits >>> 23) & 0xff) - 127 + 15;
      let mant = bits & 0x7fffff;
      if (exp <= 0) {
        h[i] = sign;
        return;
      }
      const round = mant & 0x1fff;
      mant >>>= 13;
      let r = sign | (exp << 10) | mant;
      if (round > 0x1000 || (round === 0x1000 && (mant & 1) === 1)) r++;
      h[i] = r;
    });
    return { bytes: new Uint8Array(h.buffer), q: { dtype } };
  }
  let min = Infinity;
  let max = -Infinity;
  for (const x of values) {
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const levels = dtype === 'uint8' ? 255 : 65535;
  const scale = max > min ? (max - min) / levels : 1;
  const q = dtype === 'uint8' ? new Uint8Array(values.length) : new Uint16Array(values.length);
  values.forEach((x, i) => (q[i] = Math.round((x - min) / scale)));
  return { bytes: new Uint8Array(q.buffer), q: { dtype, scale, min } };
}

const havePeers = peersAvailable('node');

describe('tfjs-quantized models convert to what tfjs computes with them', () => {
  for (const dtype of ['uint8', 'uint16', 'float16'] as const) {
    it(`${dtype} weights`, async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ inputShape: [6, 6, 2], filters: 4, kernelSize: 3, activation: 'relu' }),
          tf.layers.batchNormalization(),
          tf.layers.flatten(),
          tf.layers.dense({ units: 3 }),
        ],
      });
      randomizeWeights(model);
      let artifacts: tf.io.ModelArtifacts | undefined;
      await model.save(
        tf.io.withSaveHandler(async (a) => {
          artifacts = a;
          return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
        }),
      );
      const specs = artifacts!.weightSpecs!;
      const raw = new Uint8Array(artifacts!.weightData as ArrayBuffer);
      const parts: Uint8Array[] = [];
      const qspecs: WeightSpec[] = [];
      let o = 0;
      for (const s of specs) {
        const n = s.shape.reduce((a, b) => a * b, 1);
        const vals = new Float32Array(raw.slice(o, o + 4 * n).buffer);
        o += 4 * n;
        const { bytes, q } = quantize(vals, dtype);
        parts.push(bytes);
        qspecs.push({ name: s.name, shape: s.shape, dtype: 'float32', quantization: q! });
      }
      const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let k = 0;
      for (const p of parts) {
        data.set(p, k);
        k += p.byteLength;
      }
      const reference = await tf.loadLayersModel(
        tf.io.fromMemory({
          modelTopology: artifacts!.modelTopology,
          weightSpecs: qspecs as tf.io.WeightsManifestEntry[],
          weightData: data.slice().buffer,
        }),
      );
      const x = randomFloats(72, -1, 1, 9);
      const ref = tf.tidy(() =>
        Float32Array.from((reference.predict(tf.tensor(x, [1, 6, 6, 2])) as tf.Tensor).dataSync()),
      );
      const source: InMemoryModel = {
        modelJson: {
          modelTopology: artifacts!.modelTopology,
          weightsManifest: [{ paths: ['w'], weights: qspecs }],
        },
        weights: data,
      };
      const r = await convert(source);
      expect(r.report.dequantizedWeights).toEqual({ [dtype]: qspecs.length });
      const ours = parity(runOurs(r.bytes, [x])[0]!, ref);
      expect(ours.ok, `ours max rel ${ours.maxRel}`).toBe(true);
      if (havePeers) {
        const p = parity((await runLiteRT(r.bytes, [x]))[0]!, ref);
        expect(p.ok, `peer max rel ${p.maxRel}`).toBe(true);
      }
    }, 60_000);
  }
});
