import { describe, expect, it } from 'vitest';
import { ModelBuilder } from '../../src/ir/model_builder.js';
import { float32ArrayToFloat16 } from '../../src/kernels/internal/float16.js';
import { Interpreter } from '../../src/runtime/interpreter.js';

/** x + dequantize(float16 weights): the DEQUANTIZE has only constant inputs. */
function float16Model() {
  const b = new ModelBuilder();
  const half = new Uint16Array(4);
  float32ArrayToFloat16([1, 2, 3, 0.5], half);
  const w16 = b.addTensor({ name: 'w16', dtype: 'float16', shape: [4], data: half });
  const w = b.addTensor({ name: 'w', dtype: 'float32', shape: [4] });
  const x = b.addTensor({ name: 'x', dtype: 'float32', shape: [4] });
  const y = b.addTensor({ name: 'y', dtype: 'float32', shape: [4] });
  b.addOp({ op: 'DEQUANTIZE', inputs: [w16], outputs: [w] });
  b.addOp({ op: 'ADD', inputs: [x, w], outputs: [y] });
  b.setIO([x], [y]);
  return b.build();
}

describe('constant folding at allocateTensors', () => {
  it('computes ops with only constant inputs once, outside the arena and the profile', () => {
    const it = new Interpreter(float16Model(), { profile: true });
    it.allocateTensors();
    expect(it.memoryStats().foldedBytes).toBe(16);
    for (let k = 0; k < 3; k++) {
      it.input(0).set(new Float32Array([1, 1, 1, 1]));
      it.invoke();
    }
    expect(Array.from(it.output(0).data as Float32Array)).toEqual([2, 3, 4, 1.5]);
    const p = it.profile();
    expect(p[0]).toMatchObject({ op: 'DEQUANTIZE', folded: true, runs: 0, timeMs: 0 });
    expect(p[1]).toMatchObject({ op: 'ADD', folded: false, runs: 3 });
  });
});
