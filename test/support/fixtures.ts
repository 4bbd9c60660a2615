/**
 * Locates the shared fixtures (../shared/fixtures or $TFLITE_TS_FIXTURES). When the folder is
 * absent, fixture tests skip with one clear line; with CI=true a missing fixture fails instead.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Absolute path of the fixtures folder (it may not exist). */
export const FIXTURES = resolve(process.env.TFLITE_TS_FIXTURES ?? join(repoRoot, '..', 'shared', 'fixtures'));

/** True when running in CI, where missing fixtures are failures. */
export const IN_CI = process.env.CI === 'true' || process.env.CI === '1';

/** True when the fixtures folder exists. */
export const HAVE_FIXTURES = existsSync(join(FIXTURES, 'MANIFEST.md'));

if (!HAVE_FIXTURES) {
  if (IN_CI) throw new Error(`fixtures not found at ${FIXTURES} (CI=true): set TFLITE_TS_FIXTURES`);
  console.warn(`fixtures not found at ${FIXTURES}: fixture tests are skipped (set TFLITE_TS_FIXTURES)`);
}

/** Absolute path of a fixture file; throws (in CI and locally) if a present folder lacks it. */
export function fixturePath(rel: string): string {
  const p = join(FIXTURES, rel);
  if (HAVE_FIXTURES && !existsSync(p)) throw new Error(`fixture missing: ${p}`);
  return p;
}

/** Reads a fixture file as bytes. */
export function readFixture(rel: string): Uint8Array {
  const buf = readFileSync(fixturePath(rel));
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}

/** Relative paths (from FIXTURES) of every model file (.tflite, .bin) under models/. */
export function allFixtureModels(): string[] {
  if (!HAVE_FIXTURES) return [];
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.tflite') || name.endsWith('.bin')) out.push(relative(FIXTURES, p));
    }
  };
  walk(join(FIXTURES, 'models'));
  return out;
}
