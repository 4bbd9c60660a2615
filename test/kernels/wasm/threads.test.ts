/**
 * The interpreter's thread pool: memory shared only with threads, workers started once (create
 * resolves when they serve jobs), the same bytes as one thread, and a disposed pool still runs
 * (every part on the calling thread).
 */
import { describe, expect, it } from 'vitest';
import { buildModel } from '../conv/run_op.js';
import { Interpreter } from '../../../src/runtime/interpreter.js';

/** A 1x1 convolution large enough to be split (40x40 pixels x 32 -> 48 channels). */
function model() {
  const w = Int8Array.from({ length: 48 * 32 }, (_, i) => ((i * 37) % 255) - 127);
  return buildModel([
    {
      op: 'CONV_2D',
      version: 3,
      inputs: [
        { name: 'x', dtype: 'int8', shape: [1, 40, 40, 32], quant: { scale: [0.02], zeroPoint: [-3] } },
        {
          name: 'w',
          dtype: 'int8',
          shape: [48, 1, 1, 32],
          data: w,
          quant: { scale: [0.01], zeroPoint: [0] },
        },
        null,
      ],
      outputs: [
        { name: 'y', dtype: 'int8', shape: [1, 40, 40, 48], quant: { scale: [0.3], zeroPoint: [1] } },
      ],
      options: { padding: 0, strideH: 1, strideW: 1, dilationHFactor: 1, dilationWFactor: 1 },
    },
  ]);
}

const input = Int8Array.from({ length: 40 * 40 * 32 }, (_, i) => ((i * 113) % 256) - 128);

function runOnce(it: Interpreter): number[] {
  it.input(0).set(input);
  it.invoke();
  return Array.from(it.output(0).data as Int8Array);
}

describe('thread pool', () => {
  it('one thread uses an unshared memory', async () => {
    const it1 = await Interpreter.create(model(), { threads: 1 });
    it1.allocateTensors();
    expect(it1.threadCount).toBe(1);
    const memory = (it1 as unknown as { wasm: { memory: WebAssembly.Memory } }).wasm.memory;
    expect(memory.buffer instanceof SharedArrayBuffer).toBe(false);
    it1.dispose();
  });

  it('three threads give the bytes of one, split the jobs, and keep working after dispose', async () => {
    const one = await Interpreter.create(model(), { threads: 1 });
    one.allocateTensors();
    const want = runOnce(one);
    expect(new Set(want).size).toBeGreaterThan(10);

    const three = await Interpreter.create(model(), { threads: 3 });
    three.allocateTensors();
    expect(three.threadCount).toBe(3);
    const rt = (
      three as unknown as {
        wasm: { memory: WebAssembly.Memory; pool: { stats: { jobs: number; chunks: number } } };
      }
    ).wasm;
    expect(rt.memory.buffer instanceof SharedArrayBuffer).toBe(true);
    for (let r = 0; r < 5; r++) expect(runOnce(three)).toEqual(want);
    expect(rt.pool.stats.jobs).toBe(5);
    expect(rt.pool.stats.chunks).toBe(5 * 12);
    three.dispose();
    expect(runOnce(three)).toEqual(want);
    one.dispose();
  });
});
