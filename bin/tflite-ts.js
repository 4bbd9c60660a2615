#!/usr/bin/env node
// Entry point of the `tflite-ts` command; the CLI itself is compiled from src/cli and bundled
// into dist/bundle/cli.js (scripts/bundle.mjs).
import { existsSync } from 'node:fs';

const main = new URL('../dist/bundle/cli.js', import.meta.url);
if (!existsSync(main)) {
  console.error(
    'tflite-ts: dist/ is missing; run `npm install` (or `npm run build`) in the package folder first.',
  );
  process.exit(1);
}
const { run } = await import(main.href);
process.exitCode = await run(process.argv.slice(2));
