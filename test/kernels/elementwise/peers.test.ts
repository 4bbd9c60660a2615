/**
 * Differential test of the element-wise family against Google's runtimes: each group of
 * single-op cases (peer_cases.ts) is one model, run in LiteRT.js and in tfjs-tflite (both in
 * Node) with seeded random inputs, and in our interpreter with the same input bytes.
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

interface Group {
  name: string;
  cases: OpCase[];
  runtimes: PeerRuntime[];
  seeds: number[];
  /** Range [lo, hi) of random int32 / int64 inputs (divisors must not be 0). */
  intRange?: [number, number];
}

const GROUPS: Group[] = [
  { name: 'float32', cases: floatGroup(), runtimes: ['litert', 'tfjs-tflite'], seeds: [1] },
  { name: 'uint8', cases: quant8Group('uint8'), runtimes: ['litert', 'tfjs-tflite'], seeds: [1] },
  { name: 'uint8', cases: quant8Group('uint8'), runtimes: ['litert'], seeds: [2] },
  { name: 'int8', cases: quant8Group('int8'), runtimes: ['litert', 'tfjs-tflite'], seeds: [1] },
  { name: 'int8', cases: quant8Group('int8'), runtimes: ['litert'], seeds: [2] },
  { name: 'int16', cases: int16Group(), runtimes: ['litert', 'tfjs-tflite'], seeds: [1] },
  { name: 'int32', cases: intGroup(), runtimes: ['litert', 'tfjs-tflite'], seeds: [1], intRange: [1, 10] },
  { name: 'litert-only', cases: litertOnlyGroup(), runtimes: ['litert'], seeds: [1, 2], intRange: [1, 10] },
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

  const runs = GROUPS.flatMap((g) =>
    g.runtimes.flatMap((runtime) => g.seeds.map((seed) => ({ g, runtime, seed }))),
  );
  it.each(
    runs.map((r) => ({ ...r, label: `${r.g.name} (${r.g.cases.length} ops) ${r.runtime} seed ${r.seed}` })),
  )(
    '$label',
    async ({ g, runtime, seed }) => {
      const model = buildModel(g.cases);
      const { peer, ours } = await runBoth(
        model,
        `ew_${g.name}_${runtime}_${seed}`,
        runtime,
        seed,
        g.intRange,
      );
      expect(peer.outputs.length).toBe(g.cases.length);
      const failures: string[] = [];
      for (const c of g.cases) {
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
