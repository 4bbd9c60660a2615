/**
 * Differential test of the activation family against LiteRT.js and tfjs-tflite: the single-op
 * cases of peer_cases.ts (float32, uint8, int8, int16) side by side in one model, run in both
 * peers (Node) with seeded random inputs and in our interpreter with the same bytes. Outputs
 * must be byte-equal unless the case carries an explained allowance (peer_cases.ts): XNNPACK's
 * 8-bit LEAKY_RELU requantization (+-1), transcendental float math (rtol 1e-6), TFLite's default
 * int16 LOGISTIC/TANH on power-of-two scales and int8->int16 SOFTMAX, which are not its
 * reference kernels.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HAVE_FIXTURES } from '../../support/fixtures.js';
import {
  type PeerRuntime,
  compareTensors,
  ensurePeersHarness,
  formatComparison,
  peersAvailable,
} from '../../support/peers.js';
import { buildModel, peerName, runBoth } from '../elementwise/harness.js';
import { type PeerCase, floatGroup, int16Group, int8ToInt16Group, quant8Group } from './peer_cases.js';

/** Every group's cases in one model (a peer call costs 1-3 s); a second seed on LiteRT.js. */
const CASES: PeerCase[] = [
  ...floatGroup(),
  ...quant8Group('uint8'),
  ...quant8Group('int8'),
  ...int16Group(),
  ...int8ToInt16Group(),
];
const RUNS: { runtime: PeerRuntime; seed: number }[] = [
  { runtime: 'litert', seed: 1 },
  { runtime: 'litert', seed: 2 },
  { runtime: 'tfjs-tflite', seed: 1 },
];

const RUN = HAVE_FIXTURES && peersAvailable('node');

describe.skipIf(!RUN)('activation kernels vs LiteRT.js and tfjs-tflite', () => {
  beforeAll(async () => {
    await ensurePeersHarness();
  });

  it.each(RUNS.map((r) => ({ ...r, label: `${CASES.length} ops in ${r.runtime}, seed ${r.seed}` })))(
    '$label',
    async ({ runtime, seed }) => {
      const { peer, ours } = await runBoth(buildModel(CASES), `act_${runtime}_${seed}`, runtime, seed);
      const failures: string[] = [];
      for (const c of CASES) {
        const name = c.outputs[0]!.name;
        const theirs = peer.outputs.find((o) => peerName(o.name) === name);
        const mine = ours.get(name);
        if (!theirs || !mine) {
          failures.push(`${name}: missing output`);
          continue;
        }
        const cmp = compareTensors(
          new Uint8Array(mine.data.buffer, mine.data.byteOffset, mine.data.byteLength),
          theirs.data,
          {
            dtype: theirs.dtype as 'float32',
            name,
            rtol: c.allow?.rtol ?? 0,
            atol: c.allow?.rtol !== undefined ? 1e-7 : 0,
            maxUlpDiff: c.allow?.units ?? 0,
          },
        );
        if (!cmp.ok) failures.push(`${c.op}: ${formatComparison(cmp)}`);
      }
      expect(failures).toEqual([]);
    },
    120_000,
  );
});
