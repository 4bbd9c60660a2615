/**
 * Quantization parameter arithmetic against the TFLite specification's rules, with values worked
 * out by hand: asymmetric int8 activations (range widened to 0, nudged zero point), symmetric
 * int16, symmetric per-channel int8 weights in [-127, 127], int32/int64 biases at input x weight
 * scale.
 */
import { describe, expect, it } from 'vitest';
import {
  activationParams,
  dequantizeSymmetricWeights,
  quantizeBias,
  quantizeSymmetricWeights,
  representableRange,
} from '../../src/quantize/quant_params.js';

describe('activationParams', () => {
  it('maps a ReLU6 range [0, 6] onto the whole int8 range with zero at -128', () => {
    const p = activationParams(0, 6, 'int8');
    expect(p.scale).toBe(Math.fround(6 / 255));
    expect(p.zeroPoint).toBe(-128);
    const [lo, hi] = representableRange(p, 'int8');
    expect(lo).toBe(0);
    expect(hi).toBeCloseTo(6, 6);
  });

  it('widens a range that excludes zero so that zero stays exact', () => {
    expect(activationParams(2, 10, 'int8')).toEqual(activationParams(0, 10, 'int8'));
    const p = activationParams(-10, -2, 'int8');
    expect(p.zeroPoint).toBe(127);
    expect(representableRange(p, 'int8')[1]).toBe(0);
  });

  it('nudges the zero point to an integer: [-1, 1] -> scale 2/255, zero point 0 (from the closer end)', () => {
    const p = activationParams(-1, 1, 'int8');
    expect(p.scale).toBe(Math.fround(2 / 255));
    // -128 + 1/s = -0.5 and 127 - 1/s = -0.5: both ends give -0.5, rounded away from zero (as
    // TFLite's converter: uint8 zero point 127 for [-1, 1] inputs, e.g. tf2_mobilenet_v2 ptq).
    expect(p.zeroPoint).toBe(-1);
    const q = activationParams(-0.5, 3.5, 'int8');
    expect(q.scale).toBe(Math.fround(4 / 255));
    expect(q.zeroPoint).toBe(Math.round(-128 + 0.5 / (4 / 255)));
  });

  it('int16 is symmetric with zero point 0', () => {
    expect(activationParams(-3, 1.5, 'int16')).toEqual({ scale: Math.fround(3 / 32767), zeroPoint: 0 });
    expect(activationParams(0, 0, 'int16')).toEqual({ scale: 1, zeroPoint: 0 });
  });
});

describe('quantizeSymmetricWeights', () => {
  it('quantizes per output channel (axis 0) into [-127, 127] with scale max|w|/127', () => {
    // Two channels of 3 values: max|w| 2 and 0.5.
    const w = new Float32Array([2, -1, 0.5, 0.25, -0.5, 0.1]);
    const q = quantizeSymmetricWeights(w, [2, 3], 0);
    expect(q.scales).toEqual([Math.fround(2 / 127), Math.fround(0.5 / 127)]);
    expect(q.axis).toBe(0);
    expect(Array.from(q.data)).toEqual([127, -64, 32, 64, -127, 25]);
  });

  it('quantizes per channel along the last axis (depthwise [1, H, W, C])', () => {
    const w = new Float32Array([1, 10, -1, 5, 0.5, -10]); // [1, 1, 3, 2]: channel 0 = 1,-1,0.5; channel 1 = 10,5,-10
    const q = quantizeSymmetricWeights(w, [1, 1, 3, 2], 3);
    expect(q.scales).toEqual([Math.fround(1 / 127), Math.fround(10 / 127)]);
    expect(Array.from(q.data)).toEqual([127, 127, -127, 64, 64, -127]);
  });

  it('uses one scale per tensor when no axis is given, scale 1 for all-zero channels, never -128', () => {
    const q = quantizeSymmetricWeights(new Float32Array([0, 0, 3, -3]), [2, 2], undefined);
    expect(q.scales).toEqual([Math.fround(3 / 127)]);
    expect(Math.min(...q.data)).toBe(-127);
    const z = quantizeSymmetricWeights(new Float32Array([0, 0, 1, 1]), [2, 2], 0);
    expect(z.scales[0]).toBe(1);
    const back = dequantizeSymmetricWeights(z, [2, 2]);
    expect(Array.from(back)).toEqual([0, 0, 1, 1]);
  });
});

describe('quantizeBias', () => {
  it('uses scale input x weight scale per channel and rounds half away from zero', () => {
    const b = quantizeBias(new Float32Array([1, -0.25, 0.000125]), 0.5, [0.01, 0.001, 0.0001], 'int32');
    expect(b.scales).toEqual([0.5 * 0.01, 0.5 * 0.001, 0.5 * 0.0001].map((s) => Math.fround(s)));
    expect(Array.from(b.data as Int32Array)).toEqual([200, -500, 3]);
  });

  it('saturates int32 and writes int64 for 16x8', () => {
    const b32 = quantizeBias(new Float32Array([1e6]), 1e-6, [1e-6], 'int32');
    expect((b32.data as Int32Array)[0]).toBe(2147483647);
    const b64 = quantizeBias(new Float32Array([5000]), 0.5, [2 ** -30], 'int64');
    expect(b64.data).toBeInstanceOf(BigInt64Array);
    expect((b64.data as BigInt64Array)[0]).toBe(10000n * 2n ** 30n);
  });
});
