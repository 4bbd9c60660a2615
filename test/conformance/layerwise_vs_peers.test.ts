/**
 * Op-by-op agreement with LiteRT.js on whole fixture models (see test/support/layerwise.ts):
 * every op runs on LiteRT's own values of its inputs, in both runtimes, and each op's output
 * must agree: integer outputs within +-1 (XNNPACK requantizes in float32 — scale products
 * rounded to float, round-to-nearest-even — where TFLite's reference kernels use a Q31
 * fixed-point multiplier with double rounding, so a value on a rounding boundary can land one
 * unit apart), and nearly all of them exactly; float outputs within a relative 1e-4 (plus
 * 1e-5 of the tensor's largest magnitude for elements near zero after cancellation).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadModel } from '../../src/format/load_model.js';
import { writeModel } from '../../src/format/model_writer.js';
import { Interpreter } from '../../src/runtime/interpreter.js';
import { builtinOpName } from '../../src/ir/builtin_ops.js';
import { HAVE_FIXTURES, readFixture } from '../support/fixtures.js';
import { exposeAll, isolateOps } from '../support/layerwise.js';
import { compareTensors, peersAvailable, runPeer } from '../support/peers.js';
import type { CompareDtype } from '../support/peers.js';

function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) if (Math.abs(v) > m) m = Math.abs(v);
  return m;
}

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-layerwise-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface Case {
  model: string;
  /** Peer runtime (default LiteRT.js; tfjs-tflite for models LiteRT cannot prepare). */
  runtime?: 'litert' | 'tfjs-tflite';
  /** Share of integer output elements that must match exactly (default 0.96). */
  minExact?: number;
}

const M = 'models/classification/';
const CASES: Case[] = [
  { model: `${M}mobilenet_v1_0.25_224_quant.tflite` },
  { model: `${M}mobilenet_v2_1.0_224_quant.tflite` },
  { model: `${M}tf2_mobilenet_v2_1.0_224_ptq.tflite` },
  { model: `${M}v3-small_224_1.0_uint8.tflite` },
  { model: `${M}cifar10_resnet8/pretrainedResnet_quant.tflite` },
  { model: `${M}automl_labeler_model.tflite` },
  { model: 'models/micro/hello_world_int8.tflite' },
  { model: 'models/pose/movenet_single_pose_lightning_ptq.tflite' },
  { model: `${M}mobilenet_v1_0.25_224_1_default_1.tflite` },
  { model: `${M}visual_wake_words/vww_96_float.tflite` },
  { model: 'models/segmentation/deeplabv3.tflite' },
  { model: `${M}squeezenet_v1_1_quant.tflite`, runtime: 'tfjs-tflite' },
  // LiteRT.js cannot run TFLite_Detection_PostProcess (outputs without a static shape).
  { model: 'models/detection/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.tflite', runtime: 'tfjs-tflite' },
];

describe.skipIf(!HAVE_FIXTURES || !peersAvailable('node'))('op-by-op agreement with LiteRT.js', () => {
  for (const c of CASES) {
    it(c.model, { timeout: 300_000 }, async () => {
      const model = loadModel(readFixture(c.model));
      const name = c.model.split('/').pop()!;
      const exposedPath = join(tmp, `${name}.all.tflite`);
      writeFileSync(exposedPath, writeModel(exposeAll(model)));
      const runtime = c.runtime ?? 'litert';
      const all = await runPeer({ runtime, model: exposedPath, inputs: { random: 1 } });
      const values = new Map<string, Uint8Array>();
      for (const t of [...all.inputs, ...all.outputs]) values.set(t.name, t.data);

      const iso = isolateOps(model);
      const isoPath = join(tmp, `${name}.iso.tflite`);
      writeFileSync(isoPath, writeModel(iso.model));
      const feeds = iso.inputSource.map((src) => {
        const v = values.get(`t${src}`);
        if (!v) throw new Error(`LiteRT gave no value for tensor t${src}`);
        return v;
      });
      const peer = await runPeer({ runtime, model: isoPath, inputs: feeds });
      const sg = iso.model.subgraphs[0]!;
      expect(peer.inputs.map((t) => t.name)).toEqual(sg.inputs.map((i) => sg.tensors[i]!.name));

      const ours = new Interpreter(iso.model);
      ours.allocateTensors();
      feeds.forEach((b, k) => ours.input(k).set(b));
      ours.invoke();
      const outIndex = new Map(sg.outputs.map((t, k) => [t, k]));

      const perOp = new Map<string, { count: number; exact: number }>();
      let intCount = 0;
      let intExact = 0;
      const failures: string[] = [];
      sg.operators.forEach((op, n) => {
        const opName = builtinOpName(model.operatorCodes[op.opcodeIndex]!.builtinCode);
        for (const t of iso.opOutputs[n]!) {
          const k = outIndex.get(t)!;
          const theirs = peer.outputs[k]!;
          const mine = ours.output(k).data;
          const dtype = theirs.dtype as CompareDtype;
          const isFloat = dtype === 'float32';
          // Float: relative 1e-4, plus an absolute 1e-5 of the tensor's largest magnitude, for
          // elements that are small only because large terms cancelled in their sum.
          const scale = isFloat ? maxAbs(new Float32Array(theirs.data.slice().buffer)) : 0;
          const cmp = compareTensors(
            new Uint8Array(mine.buffer, mine.byteOffset, mine.byteLength),
            theirs.data,
            {
              dtype,
              ...(isFloat ? { rtol: 1e-4, atol: 1e-5 * Math.max(1, scale) } : { maxUlpDiff: 1 }),
              name: `op ${n} ${opName} -> t${t}`,
            },
          );
          if (!isFloat) {
            const exact = cmp.count - Object.values(cmp.diffHistogram ?? {}).reduce((p, v) => p + v, 0);
            intCount += cmp.count;
            intExact += exact;
            const e = perOp.get(opName) ?? { count: 0, exact: 0 };
            e.count += cmp.count;
            e.exact += exact;
            perOp.set(opName, e);
          }
          if (!cmp.ok)
            failures.push(
              `op ${n} ${opName}: ${cmp.mismatches}/${cmp.count} beyond tolerance, max abs ${cmp.maxAbs}` +
                ` (tensor max ${scale}, first ${JSON.stringify(cmp.firstMismatch)})`,
            );
        }
      });
      expect(failures, failures.join('\n')).toEqual([]);
      if (intCount > 0) {
        const exact = intExact / intCount;
        console.log(
          `${name}: ${(100 * exact).toFixed(3)}% of ${intCount} integer op outputs exact, rest within +-1`,
        );
        const byOp = [...perOp]
          .map(([op, v]) => `${op} ${((100 * v.exact) / v.count).toFixed(2)}%`)
          .join(', ');
        console.log(`  exact by op type: ${byOp}`);
        expect(exact).toBeGreaterThanOrEqual(c.minExact ?? 0.96);
      }
    });
  }
});
