/**
 * Differential test of the activation family against LiteRT.js and tfjs-tflite: each group of
 * single-op cases (peer_cases.ts) is one model run in both peers (Node) with seeded random
 * inputs and in our interpreter with the same bytes. Outputs must be byte-equal unless the case
 * carries an explained allowance (peer_cases.ts): XNNPACK's 8-bit LEAKY_RELU requantization
 * (+-1), transcendental float math (rtol 1e-6), TFLite's default int16 LOGISTIC/TANH on
 * power-of-two scales and int8->int16 SOFTMAX, which are not its reference kernels.
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

const GROUPS: { name: string; cases: PeerCase[]; seeds: number[] }[] = [
  { name: 'float32', cases: floatGroup(), seeds: [1] },
  { name: 'uint8', cases: quant8Group('uint8'), seeds: [1, 2] },
  { name: 'int8', cases: quant8Group('int8'), seeds: [1, 2] },
  { name: 'int16', cases: [...int16Group(), ...int8ToInt16Group()], seeds: [1] },
];
const RUNTIMES: PeerRuntime[] = ['litert', 'tfjs-tflite'];

const RUN = HAVE_FIXTURES && peersAvailable('node');

describe.skipIf(!RUN)('activation kernels vs LiteRT.js and tfjs-tflite', () => {
  beforeAll(async () => {
    await ensurePeersHarness();
  });

  const runs = GROUPS.flatMap((g) =>
    RUNTIMES.flatMap((runtime) =>
      // the second seed only on LiteRT, to keep the file's run time modest
      g.seeds.filter((_, i) => i === 0 || runtime === 'litert').map((seed) => ({ g, runtime, seed })),
    ),
  );
  it.each(
    runs.map((r) => ({ ...r, label: `${r.g.name} (${r.g.cases.length} ops) ${r.runtime} seed ${r.seed}` })),
  )(
    '$label',
    async ({ g, runtime, seed }) => {
      const { peer, ours } = await runBoth(
        buildModel(g.cases),
        `act_${g.name}_${runtime}_${seed}`,
        runtime,
        seed,
      );
      const failures: string[] = [];
      for (const c of g.cases) {
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
