import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/format/load_model.js';
import { readModel } from '../../src/format/model_reader.js';
import { writeModel } from '../../src/format/model_writer.js';
import { expectModelsEqual } from '../support/model_equal.js';
import { HAVE_FIXTURES, allFixtureModels, readFixture } from '../support/fixtures.js';

describe.skipIf(!HAVE_FIXTURES)('read -> write -> read', () => {
  const models = allFixtureModels();
  it('finds the fixture models', () => {
    expect(models.length).toBeGreaterThanOrEqual(30);
  });
  for (const rel of models) {
    it(rel, () => {
      const bytes = readFixture(rel);
      const a = readModel(bytes);
      const written = writeModel(a);
      // The written file must pass the same checks as the original (verifier + metadata).
      const b = loadModel(written);
      expectModelsEqual(b, a);
    });
  }
});
