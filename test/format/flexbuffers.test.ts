import { describe, expect, it } from 'vitest';
import { ModelFormatError } from '../../src/errors.js';
import {
  customOptionsOf,
  decodeCustomOptions,
  decodeFlexBuffer,
  encodeFlexBuffer,
  setCustomOptions,
} from '../../src/format/flexbuffers.js';
import { readModel } from '../../src/format/model_reader.js';
import { writeModel } from '../../src/format/model_writer.js';
import type { Operator } from '../../src/ir/model.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';

const SSD = 'models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite';

/** xorshift32: deterministic pseudo-random numbers for the fuzz cases. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

describe('FlexBuffers', () => {
  it('round-trips maps, vectors, numbers, strings and blobs', () => {
    const value = {
      max_detections: 10,
      negative: -300000,
      ratio: 0.25,
      flag: true,
      off: false,
      name: 'anchors',
      list: [1, 2, 3],
      mixed: [1, 'two', 3.5, null],
      nested: { a: { b: [0.5, -1.5] } },
      blob: new Uint8Array([0, 255, 7]),
    };
    const back = decodeFlexBuffer(encodeFlexBuffer(value));
    expect(back).toEqual(value);
  });

  it('decodes maps that need 8-byte widths (doubles), big integers and typed vectors', () => {
    // 0.3 is not exact in float32, so the encoder stores a double and the map's values get
    // 8-byte widths: the package's own reader fails on this ("Cannot mix BigInt").
    const value = { iou: 0.3, n: 2 ** 40, big: 2n ** 60n, name: 'x', ints: [1, -2, 3], floats: [0.5, 0.25] };
    const back = decodeFlexBuffer(encodeFlexBuffer(value)) as Record<string, unknown>;
    expect(back.iou).toBe(0.3);
    expect(back.n).toBe(2 ** 40);
    expect(back.big).toBe(2n ** 60n);
    expect(back.name).toBe('x');
    expect(back.ints).toEqual([1, -2, 3]);
    expect(back.floats).toEqual([0.5, 0.25]);
  });

  it('decodes a float 0.0 as 0, not null', () => {
    expect(decodeFlexBuffer(encodeFlexBuffer({ x: 0.0, y: 1.5 }))).toEqual({ x: 0, y: 1.5 });
  });

  it('turns malformed bytes into ModelFormatError naming the path', () => {
    const good = encodeFlexBuffer({ num_classes: 90, scales: [10, 10, 5, 5] });
    for (const bad of [
      new Uint8Array([1]),
      good.subarray(0, good.length - 5),
      new Uint8Array([0xff, 0xff, 0xff, 0x2a, 0x01]),
    ]) {
      try {
        decodeFlexBuffer(bad, 'subgraphs[0].operators[3].custom_options');
        // Some truncations still decode to a (different) value; that is allowed.
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
        expect((e as ModelFormatError).message).toMatch(
          /^subgraphs\[0\]\.operators\[3\]\.custom_options: malformed FlexBuffer/,
        );
      }
    }
    expect(() => decodeFlexBuffer(new Uint8Array([1]), 'p')).toThrow(ModelFormatError);
  });

  it('survives 2,000 random corruptions with a value or a ModelFormatError', () => {
    const good = encodeFlexBuffer({
      a: [1, 2, [3, [4, 'x']]],
      b: { c: 1.5, d: 'long string value' },
      e: true,
    });
    const r = rng(7);
    let decoded = 0;
    for (let i = 0; i < 2000; i++) {
      const bad = good.slice();
      const flips = 1 + Math.floor(r() * 4);
      for (let k = 0; k < flips; k++) bad[Math.floor(r() * bad.length)] = Math.floor(r() * 256);
      try {
        decodeFlexBuffer(bad);
        decoded++;
      } catch (e) {
        expect(e).toBeInstanceOf(ModelFormatError);
      }
    }
    expect(decoded).toBeLessThan(2000);
  });

  it('sets and reads custom options on an operator', () => {
    const op: Operator = {
      opcodeIndex: 0,
      inputs: [],
      outputs: [],
      customOptionsFormat: 0,
      largeCustomOptionsOffset: 0n,
      largeCustomOptionsSize: 0n,
    };
    expect(decodeCustomOptions(op)).toBeUndefined();
    setCustomOptions(op, { k: 3 });
    expect(decodeCustomOptions(op)).toEqual({ k: 3 });
    op.customOptionsFormat = 5;
    expect(() => decodeCustomOptions(op, 'ops[0].custom_options')).toThrow(
      /ops\[0\]\.custom_options_format: unknown custom options format 5/,
    );
  });
});

describe.skipIf(!HAVE_FIXTURES)('TFLite_Detection_PostProcess options', () => {
  it('decodes the SSD post-processing options', () => {
    const model = readModel(readFixture(SSD));
    const sg = model.subgraphs[0]!;
    const index = sg.operators.findIndex(
      (op) => model.operatorCodes[op.opcodeIndex]!.customCode === 'TFLite_Detection_PostProcess',
    );
    expect(index).toBe(63);
    const o = customOptionsOf(model, 0, index) as Record<string, unknown>;
    expect(o.max_detections).toBe(10);
    expect(o.max_classes_per_detection).toBe(1);
    expect(o.num_classes).toBe(90);
    expect(o.y_scale).toBe(10);
    expect(o.x_scale).toBe(10);
    expect(o.h_scale).toBe(5);
    expect(o.w_scale).toBe(5);
    expect(o.nms_iou_threshold).toBeCloseTo(0.6, 6);
    expect(o.nms_score_threshold).toBeCloseTo(1e-8, 12);
    expect(o._output_quantized).toBe(true);
    // use_regular_nms is absent: the op's default (false) applies.
    expect(o.use_regular_nms).toBeUndefined();
    expect(Object.keys(o).length).toBe(10);
  });

  it('re-encoded options survive a write and read', () => {
    const model = readModel(readFixture(SSD));
    const op = model.subgraphs[0]!.operators[63]!;
    const options = decodeCustomOptions(op) as Record<string, unknown>;
    setCustomOptions(op, { ...options, use_regular_nms: true } as never);
    const back = readModel(writeModel(model));
    const o = customOptionsOf(back, 0, 63) as Record<string, unknown>;
    expect(o.use_regular_nms).toBe(true);
    expect(o.num_classes).toBe(90);
    expect(o.nms_iou_threshold).toBeCloseTo(0.6, 6);
  });

  it('names the operator when its options are corrupt', () => {
    const model = readModel(readFixture(SSD));
    const op = model.subgraphs[0]!.operators[63]!;
    op.customOptions = op.customOptions!.slice(0, 20);
    expect(() => customOptionsOf(model, 0, 63)).toThrow(
      /^subgraphs\[0\]\.operators\[63\]\.custom_options: malformed FlexBuffer/,
    );
  });
});
