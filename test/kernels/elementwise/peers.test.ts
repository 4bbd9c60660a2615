/**
 * Differential test of the element-wise family against Google's runtimes: the single-op cases
 * of peer_cases.ts (float32, uint8, int8, int16, int32, and on LiteRT.js also int64 and ops newer
 * than tfjs-tflite's TFLite) side by side in one model, run in LiteRT.js and in tfjs-tflite (both
 * in Node) with seeded random inputs, and in our interpreter with the same input bytes.
 *
 * Agreement required:
 * - integer and bool outputs byte-equal, except quantized 8-bit ADD / SUB / MUL, which both
 *   peers run in XNNPACK: its requantization (fp32 scale, round-to-nearest-even) differs from
 *   TFLite's reference double rounding by one unit near .5 (e.g. MUL int8: 6666 * 0.004875 =
 *   32.497; the reference's rounding high multiply gives 4160 = 32.5 * 128, which then rounds
 *   to 33, XNNPACK gives 32). Measured: 0 to 5 elements of 24 per case. We allow +-1 there and
 *   require at least 75% of the elements equal; exactness against TFLite's reference formula is
 *   checked in binary_quantized.test.ts.
 * - float32 outputs bit-equal, except EXP / LOG / SIN / COS (libm vs JS Math, XNNPACK's own
 *   approximations): |a - b| <= 1e-6 + 1e-6 * max(|a|, |b|).
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
import { type OpCase, buildModel, peerName, runBoth, viewOf } from './harness.js';
import { floatGroup, int16Group, intGroup, litertOnlyGroup, quant8Group } from './peer_cases.js';

/**
 * One model per runtime: every group's cases side by side (a peer call costs 1-3 s, so fewer,
 * larger models keep the file fast). LiteRT.js also runs the cases tfjs-tflite cannot.
 */
interface Run {
  runtime: PeerRuntime;
  seed: number;
  cases: OpCase[];
}

const SHARED = [
  ...floatGroup(),
  ...quant8Group('uint8'),
  ...quant8Group('int8'),
  ...int16Group(),
  ...intGroup(),
];
const RUNS: Run[] = [
  { runtime: 'litert', seed: 1, cases: [...SHARED, ...litertOnlyGroup()] },
  { runtime: 'litert', seed: 2, cases: [...SHARED, ...litertOnlyGroup()] },
  { runtime: 'tfjs-tflite', seed: 1, cases: SHARED },
];

const TRANSCENDENTAL = new Set(['EXP', 'LOG', 'SIN', 'COS']);
const XNNPACK_REQUANTIZED = new Set(['ADD', 'SUB', 'MUL']);

/** Checks one output against the peer's; returns a failure message or null. */
function check(c: OpCase, dtype: string, ours: Uint8Array, theirs: Uint8Array): string | null {
  const name = c.outputs[0]!.name;
  if (dtype === 'int64') {
    const a = viewOf('int64', ours) as BigInt64Array;
    const b = viewOf('int64', theirs) as BigInt64Array;
    const bad = a.findIndex((v, i) => v !== b[i]);
    return bad < 0 ? null : `${name}: int64 element ${bad} is ${a[bad]}, peer ${b[bad]}`;
  }
  const cmpDtype = dtype === 'bool' ? 'uint8' : (dtype as 'float32');
  const float = dtype === 'float32';
  const loose = float && TRANSCENDENTAL.has(c.op);
  const xnn = (dtype === 'uint8' || dtype === 'int8') && XNNPACK_REQUANTIZED.has(c.op);
  const cmp = compareTensors(ours, theirs, {
    dtype: cmpDtype,
    name,
    rtol: loose ? 1e-6 : 0,
    atol: loose ? 1e-6 : 0,
    maxUlpDiff: xnn ? 1 : 0,
  });
  if (!cmp.ok) return formatComparison(cmp);
  if (xnn) {
    const differing = Object.values(cmp.diffHistogram ?? {}).reduce((s, n) => s + n, 0);
    if (differing > cmp.count / 10)
      return `${name}: ${differing} of ${cmp.count} elements off by one (more than 10%)`;
  }
  return null;
}

const RUN = HAVE_FIXTURES && peersAvailable('node');

describe.skipIf(!RUN)('element-wise kernels vs LiteRT.js and tfjs-tflite', () => {
  beforeAll(async () => {
    await ensurePeersHarness();
  });

  it.each(RUNS.map((r) => ({ ...r, label: `${r.cases.length} ops in ${r.runtime}, seed ${r.seed}` })))(
    '$label',
    async ({ runtime, seed, cases }) => {
      // int32/int64 inputs in [1, 10): divisors must not be 0, and POW must not overflow
      const { peer, ours } = await runBoth(
        buildModel(cases),
        `ew_${runtime}_${seed}`,
        runtime,
        seed,
        [1, 10],
      );
      expect(peer.outputs.length).toBe(cases.length);
      const failures: string[] = [];
      for (const c of cases) {
        const name = c.outputs[0]!.name;
        const theirs = peer.outputs.find((o) => peerName(o.name) === name);
        const mine = ours.get(name);
        if (!theirs || !mine) {
          failures.push(`${name}: missing output (peer ${!!theirs}, ours ${!!mine})`);
          continue;
        }
        expect(mine.shape, name).toEqual(theirs.shape);
        const bytes = new Uint8Array(mine.data.buffer, mine.data.byteOffset, mine.data.byteLength);
        const msg = check(c, theirs.dtype, bytes, theirs.data);
        if (msg) failures.push(`${c.op}: ${msg}`);
      }
      expect(failures).toEqual([]);
    },
    120_000,
  );
});
