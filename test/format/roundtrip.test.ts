import { describe, expect, it } from 'vitest';
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
      const b = readModel(written);
      expectModelsEqual(b, a);
    });
  }
});
