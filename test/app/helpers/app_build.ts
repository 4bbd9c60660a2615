/**
 * Builds the app for the end-to-end tests into test-output/app/dist (gitignored), with the
 * project's built-in model when it is in the tree (models/, see app/default_model.ts), else with
 * a small generated stand-in so the offline path can still be tested.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_PATH } from '../../../app/default_model.js';
import { tinyClassifierModel } from '../../vision/helpers/classifier.js';

export const REPO = resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const OUTPUT = join(REPO, 'test-output', 'app');

/** Builds the app into `outDir`; returns the built-in model used ('repo' or 'generated'). */
export function buildApp(outDir: string): { defaultModel: 'repo' | 'generated'; modelPath: string } {
  mkdirSync(OUTPUT, { recursive: true });
  let modelPath = join(REPO, DEFAULT_MODEL_PATH);
  let kind: 'repo' | 'generated' = 'repo';
  if (!existsSync(modelPath)) {
    // The real default has not landed yet: an image -> RESHAPE "classifier" (4x4 RGB, 48 classes).
    modelPath = join(OUTPUT, 'generated_default.tflite');
    writeFileSync(modelPath, tinyClassifierModel({ height: 4, width: 4 }));
    kind = 'generated';
  }
  execFileSync(
    process.execPath,
    [
      join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      join(REPO, 'app', 'vite.config.ts'),
      '--outDir',
      outDir,
      '--emptyOutDir',
      '--logLevel',
      'warn',
    ],
    {
      cwd: REPO,
      env: { ...process.env, TFLITE_TS_APP_DEFAULT_MODEL: modelPath },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return { defaultModel: kind, modelPath };
}
