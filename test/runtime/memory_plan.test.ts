/**
 * The arena planner on every fixture model: each plan must be within 10% of the lower bound
 * (the largest sum of bytes live at once), as issue 3 asks.
 */
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/format/load_model.js';
import { planMemory } from '../../src/runtime/memory_plan.js';
import { HAVE_FIXTURES, allFixtureModels, readFixture } from '../support/fixtures.js';

describe.skipIf(!HAVE_FIXTURES)('arena plans of the fixture models', () => {
  const rows: string[] = [];
  for (const rel of allFixtureModels()) {
    it(rel, () => {
      const plan = planMemory(loadModel(readFixture(rel)));
      expect(plan.error).toBeUndefined();
      const ratio = plan.arenaBytes / Math.max(1, plan.lowerBoundBytes);
      rows.push(
        `${rel.replace('models/', '').padEnd(72)} ${String(plan.arenaBytes).padStart(9)} ${String(plan.lowerBoundBytes).padStart(9)} ${ratio.toFixed(3)} ${String(plan.rawLowerBoundBytes).padStart(9)}`,
      );
      expect(plan.arenaBytes).toBeGreaterThanOrEqual(plan.lowerBoundBytes);
      expect(ratio).toBeLessThanOrEqual(1.1);
    });
  }
  it('prints the table', () => {
    console.log(`model${' '.repeat(68)}     arena     bound  ratio  unaligned\n${rows.join('\n')}`);
    expect(rows.length).toBe(allFixtureModels().length);
  });
});
