import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIO } from '../../src/cli/io.js';
import { run } from '../../src/cli/main.js';
import { writeNpy } from '../../src/format/npy.js';
import { HAVE_FIXTURES, fixturePath } from '../support/fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'tflite-ts-run-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(...argv: string[]) {
  const io = captureIO();
  const code = await run(argv, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

const ADD = 'models/ops/tflite_testdata/add.bin';
const MULTI_ADD = 'models/ops/tflite_testdata/multi_add.bin';

describe.skipIf(!HAVE_FIXTURES)('tflite-ts run', () => {
  it('runs raw input bytes and writes raw outputs (add.bin: y = 3x)', async () => {
    const x = new Float32Array(8 * 8 * 3).map((_, i) => i / 7 - 3);
    const inPath = join(tmp, 'x.bin');
    writeFileSync(inPath, new Uint8Array(x.buffer));
    const outDir = join(tmp, 'out');
    const { code, stdout, stderr } = await cli(
      'run',
      fixturePath(ADD),
      '--input',
      inPath,
      '--output-dir',
      outDir,
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('1 output(s)');
    const y = new Float32Array(new Uint8Array(readFileSync(join(outDir, '0.bin'))).buffer);
    expect(Array.from(y)).toEqual(Array.from(x, (v) => Math.fround(Math.fround(v + v) + v)));
  });

  it('accepts .npy inputs and resizes to their shape', async () => {
    const x = new Float32Array(2 * 8 * 8 * 3).fill(0.5);
    const p = join(tmp, 'x.npy');
    writeFileSync(p, writeNpy(x, 'float32', [2, 8, 8, 3]));
    const { code, stdout } = await cli('run', fixturePath(ADD), '--input', p, '--json');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as { outputs: { shape: number[]; data: string }[] };
    expect(r.outputs[0]!.shape).toEqual([2, 8, 8, 3]);
    const y = new Float32Array(new Uint8Array(Buffer.from(r.outputs[0]!.data, 'base64')).buffer);
    expect(y.length).toBe(384);
    expect(y.every((v) => v === 1.5)).toBe(true);
  });

  it('runs a signature with seeded random inputs; --json carries base64 outputs', async () => {
    const { code, stdout } = await cli(
      'run',
      fixturePath(MULTI_ADD),
      '--signature',
      'serving_default',
      '--random',
      '3',
      '--json',
    );
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as { outputs: { name: string; shape: number[]; dtype: string }[] };
    expect(r.outputs.map((o) => o.name).sort()).toEqual(['x', 'y']);
    expect(r.outputs[0]!.dtype).toBe('float32');
  });

  it('reports a wrong input size as one line and exit code 1', async () => {
    const p = join(tmp, 'short.bin');
    writeFileSync(p, new Uint8Array(10));
    const { code, stderr } = await cli('run', fixturePath(ADD), '--input', p);
    expect(code).toBe(1);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/got 10 raw bytes, expected 768/);
  });

  it('rejects an unknown signature as a usage error (exit 2)', async () => {
    const { code, stderr } = await cli('run', fixturePath(MULTI_ADD), '--signature', 'nope');
    expect(code).toBe(2);
    expect(stderr).toMatch(/no signature "nope"; the model has "serving_default"/);
  });
});

describe.skipIf(!HAVE_FIXTURES)('tflite-ts bench', () => {
  it('--json reports benchmark_model figures and a per-op profile', async () => {
    const { code, stdout, stderr } = await cli(
      'bench',
      fixturePath(ADD),
      '--runs',
      '5',
      '--warmup-ms',
      '0',
      '--profile',
      '--json',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const r = JSON.parse(stdout) as {
      steady: { runs: number; minMs: number; medianMs: number; maxMs: number };
      memory: { arenaBytes: number; lowerBoundBytes: number };
      profile: { op: string }[];
      profileByType: { op: string; count: number }[];
      peakRssBytes: number;
    };
    expect(r.steady.runs).toBe(5);
    expect(r.steady.minMs).toBeLessThanOrEqual(r.steady.medianMs);
    expect(r.steady.medianMs).toBeLessThanOrEqual(r.steady.maxMs);
    expect(r.memory.arenaBytes).toBeGreaterThanOrEqual(r.memory.lowerBoundBytes);
    expect(r.profile.map((p) => p.op)).toEqual(['ADD', 'ADD']);
    expect(r.profileByType).toEqual([expect.objectContaining({ op: 'ADD', count: 2 })]);
    expect(r.peakRssBytes).toBeGreaterThan(1e6);
  });

  it('prints the text report', async () => {
    const { code, stdout } = await cli('bench', fixturePath(ADD), '--runs', '3', '--warmup-ms', '0');
    expect(code).toBe(0);
    expect(stdout).toMatch(/steady state\s+3 runs/);
    expect(stdout).toMatch(/arena\s+\S+/);
  });

  it('rejects --runs 0 as a usage error', async () => {
    const { code } = await cli('bench', fixturePath(ADD), '--runs', '0');
    expect(code).toBe(2);
  });
});
