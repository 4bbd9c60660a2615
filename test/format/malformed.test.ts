/**
 * Malformed files: every failure must be a typed TfliteError (never a RangeError/TypeError from
 * deep inside a loop, never a hang). A damaged file may still be valid (a flipped weight byte,
 * a cut through the appended zip); then it must load. Time bounds come from the per-test
 * timeouts; no test asserts a duration.
 */
import { describe, expect, it } from 'vitest';
import { TfliteError } from '../../src/errors.js';
import { FlatBufferBytes } from '../../src/format/checked_reader.js';
import { decodeCustomOptions } from '../../src/format/flexbuffers.js';
import { loadModel } from '../../src/format/load_model.js';
import { getLabels, getModelMetadata } from '../../src/format/model_metadata.js';
import { writeModel } from '../../src/format/model_writer.js';
import { computeModelStats } from '../../src/ir/model_stats.js';
import { HAVE_FIXTURES, allFixtureModels, readFixture } from '../support/fixtures.js';

/** xorshift32: deterministic pseudo-random numbers. */
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

type Outcome = 'loaded' | 'rejected';

/** Loads damaged bytes and uses the model as a user would; returns the outcome or rethrows an untyped error. */
function attempt(bytes: Uint8Array, label: string): Outcome {
  try {
    const model = loadModel(bytes);
    // A model that loads must also survive what inspect and the runtime do with it.
    getLabels(model);
    getModelMetadata(model);
    model.subgraphs.forEach((sg) => sg.operators.forEach((op) => decodeCustomOptions(op)));
    computeModelStats(model);
    return 'loaded';
  } catch (e) {
    if (e instanceof TfliteError) return 'rejected';
    throw new Error(`${label}: untyped ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

describe.skipIf(!HAVE_FIXTURES)('malformed fixture models', () => {
  const models = allFixtureModels();

  for (const rel of models) {
    it(`${rel}: cut at 20 points`, { timeout: 20_000 }, () => {
      const bytes = readFixture(rel);
      let rejected = 0;
      for (let k = 0; k < 20; k++) {
        // 0, 1, ... bytes and 19 evenly spaced cuts; the FlatBuffer part of every cut below
        // the zip is damaged.
        const cut = k === 0 ? 7 : Math.floor((bytes.length * k) / 20);
        if (attempt(bytes.subarray(0, cut), `${rel} cut at ${cut}`) === 'rejected') rejected++;
      }
      expect(rejected).toBeGreaterThanOrEqual(1);
    });
  }

  it('1,000 seeded random byte mutations across fixture models', { timeout: 120_000 }, () => {
    const r = rng(20240611);
    const cache = new Map<string, Uint8Array>();
    const counts = { loaded: 0, rejected: 0 };
    for (let i = 0; i < 1000; i++) {
      const rel = models[Math.floor(r() * models.length)]!;
      let original = cache.get(rel);
      if (!original) cache.set(rel, (original = readFixture(rel)));
      const bytes = original.slice();
      // Aim where structure lives: anywhere, the first 8 KiB (root table, vtables, tensors of
      // converter output) or the last 8 KiB (metadata, zip directory).
      const region = r();
      const span = Math.min(bytes.length, 8192);
      const flips = 1 + Math.floor(r() * 8);
      for (let f = 0; f < flips; f++) {
        const pos =
          region < 0.3
            ? Math.floor(r() * bytes.length)
            : region < 0.75
              ? Math.floor(r() * span)
              : bytes.length - 1 - Math.floor(r() * span);
        bytes[pos] = r() < 0.5 ? Math.floor(r() * 256) : bytes[pos]! ^ (1 << Math.floor(r() * 8));
      }
      counts[attempt(bytes, `mutation ${i} of ${rel}`)]++;
    }
    // Both outcomes occur: the mutations reach structure, and harmless ones still load.
    expect(counts.rejected).toBeGreaterThan(100);
    expect(counts.loaded).toBeGreaterThan(10);
    console.log(
      `1000 mutations: ${counts.loaded} still load, ${counts.rejected} rejected with a typed error`,
    );
  });
});

describe('hand-made malformed files', () => {
  function smallModelBytes(): Uint8Array {
    return writeModel({
      version: 3,
      operatorCodes: [{ builtinCode: 19, deprecatedBuiltinCode: 19, version: 1 }],
      subgraphs: [
        {
          tensors: [
            { name: 'x', shape: [1, 4], type: 0, buffer: 0, isVariable: false, hasRank: true },
            { name: 'y', shape: [1, 4], type: 0, buffer: 0, isVariable: false, hasRank: true },
          ],
          inputs: [0],
          outputs: [1],
          operators: [
            {
              opcodeIndex: 0,
              inputs: [0],
              outputs: [1],
              customOptionsFormat: 0,
              largeCustomOptionsOffset: 0n,
              largeCustomOptionsSize: 0n,
            },
          ],
        },
      ],
      buffers: [{ offset: 0n, size: 0n }],
    });
  }

  it('loads the untouched small model', () => {
    expect(loadModel(smallModelBytes()).subgraphs[0]!.tensors.length).toBe(2);
  });

  it('rejects a wrong file identifier', () => {
    const bytes = smallModelBytes();
    bytes.set([0x4f, 0x4e, 0x4e, 0x58], 4); // "ONNX"
    expect(() => loadModel(bytes)).toThrow(
      /file identifier is "ONNX", expected "TFL3" \(is this a \.tflite file\?\)/,
    );
    expect(() => loadModel(new TextEncoder().encode('this is a text file, not a model'))).toThrow(
      TfliteError,
    );
    expect(() => loadModel(new Uint8Array(3))).toThrow(/too short for a FlatBuffer/);
  });

  it('rejects a vector length past the end of the file', () => {
    const bytes = smallModelBytes();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const root = new FlatBufferBytes(bytes).root('TFL3', '');
    const subgraphs = root.vector(2, 'subgraphs', 4)!;
    view.setUint32(subgraphs.start - 4, 0x7fffffff, true);
    expect(() => loadModel(bytes)).toThrow(
      /^subgraphs: vector of 2147483647 elements .* runs past the end of the buffer/,
    );

    const again = smallModelBytes();
    const v2 = new DataView(again.buffer, again.byteOffset, again.byteLength);
    const sg = new FlatBufferBytes(again).root('TFL3', '').tables(2, 'subgraphs')![0]!;
    const tensor = sg.tables(0, 'tensors')![1]!;
    const shape = tensor.vector(0, 'shape', 4)!;
    v2.setUint32(shape.start - 4, 1_000_000, true);
    expect(() => loadModel(again)).toThrow(
      /^subgraphs\[0\]\.tensors\[1\]\.shape: vector of 1000000 elements/,
    );
  });

  it('rejects an offset that points outside the file', () => {
    const bytes = smallModelBytes();
    new DataView(bytes.buffer).setUint32(0, bytes.length + 100, true);
    expect(() => loadModel(bytes)).toThrow(/offset points to byte \d+, past the end/);
  });
});
