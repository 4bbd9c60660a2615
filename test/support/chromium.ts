/**
 * The headless Chromium of the browser tests (Debian's `chromium`, or $TFLITE_TS_CHROMIUM),
 * driven by playwright-core. Suites that need it skip when it is missing, except with CI=true,
 * where a missing browser is an error (`.ci/run` installs it).
 */
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { IN_CI } from './fixtures.js';
import { CHROMIUM } from './peer_harness.js';

export { CHROMIUM };

/** True when the Chromium binary exists. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);

/**
 * Returns HAVE_CHROMIUM; without Chromium, warns that `what` is skipped, or throws under CI=true.
 */
export function requireChromium(what: string): boolean {
  if (HAVE_CHROMIUM) return true;
  if (IN_CI) {
    throw new Error(`Chromium not found at ${CHROMIUM} (CI=true): install the chromium package`);
  }
  console.warn(`Chromium not found at ${CHROMIUM}: ${what} skipped`);
  return false;
}

/** Launches headless Chromium with the quiet flags every test uses, plus `extraArgs`. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...extraArgs,
    ],
  });
}
