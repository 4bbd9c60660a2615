/**
 * Locates and prepares the peers harness (../shared/tools/peers: Google's LiteRT.js and
 * tfjs-tflite behind one CLI). ../shared is read-only in CI, so the harness is copied to a cache
 * folder and installed there with `npm ci`, once: later runs reuse the install while the
 * harness's package-lock.json is unchanged. A lock directory keeps parallel vitest workers from
 * installing at the same time.
 *
 * Environment:
 *   TFLITE_TS_PEERS        the harness source (default ../shared/tools/peers)
 *   TFLITE_TS_PEERS_CACHE  where it is installed (default node_modules/.cache/tflite-ts-peers)
 *   TFLITE_TS_CHROMIUM     the browser for --env browser (default /usr/bin/chromium)
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);
const repoRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Absolute path of the harness source folder (it may not exist). */
export const PEERS_SOURCE = resolve(
  process.env.TFLITE_TS_PEERS ?? join(repoRoot, '..', 'shared', 'tools', 'peers'),
);

/** Absolute path of the installed copy of the harness. */
export const PEERS_CACHE = resolve(
  process.env.TFLITE_TS_PEERS_CACHE ?? join(repoRoot, 'node_modules', '.cache', 'tflite-ts-peers'),
);

/** The Chromium binary the harness drives for `--env browser`. */
export const CHROMIUM = resolve(process.env.TFLITE_TS_CHROMIUM ?? '/usr/bin/chromium');

/**
 * File in the installed copy holding the sha256 of the package-lock.json it was installed from.
 * .ci/run writes the same file, so the tests reuse the install CI made.
 */
export const STAMP_FILE = '.tflite-ts-peers-stamp';

/** Folders of the source that are never copied (a local install, the harness's own outputs). */
const SKIP = new Set(['node_modules', 'out']);

/** A lock older than this whose owner cannot be checked is considered abandoned. */
const STALE_LOCK_MS = 15 * 60_000;

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Relative paths of every harness file (outside node_modules and out/). */
function sourceFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (SKIP.has(name)) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p, base));
    else out.push(relative(base, p));
  }
  return out;
}

/** Copies every source file whose content differs from the cached copy; returns how many. */
function syncSources(): number {
  let copied = 0;
  for (const rel of sourceFiles(PEERS_SOURCE)) {
    const from = join(PEERS_SOURCE, rel);
    const to = join(PEERS_CACHE, rel);
    if (existsSync(to) && sha256(readFileSync(from)) === sha256(readFileSync(to))) continue;
    mkdirSync(dirname(to), { recursive: true });
    rmSync(to, { force: true }); // the source is read-only; the copy must stay writable
    copyFileSync(from, to);
    copied++;
  }
  return copied;
}

/** True while the process that wrote `pidFile` is alive (or the file is too young to judge). */
function lockHeld(lockDir: string): boolean {
  const pidFile = join(lockDir, 'pid');
  let ageMs: number;
  try {
    ageMs = Date.now() - statSync(lockDir).mtimeMs;
  } catch {
    return false; // released meanwhile
  }
  if (!existsSync(pidFile)) return ageMs < 10_000; // its owner is still writing the pid
  const pid = Number(readFileSync(pidFile, 'utf8'));
  try {
    process.kill(pid, 0);
    return ageMs < STALE_LOCK_MS;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Runs `fn` while holding a directory lock next to the cache (mkdir is atomic). */
async function withLock<T>(fn: () => Promise<T>): Promise<T> {
  const lockDir = `${PEERS_CACHE}.lock`;
  mkdirSync(dirname(lockDir), { recursive: true });
  const deadline = Date.now() + STALE_LOCK_MS;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      if (!lockHeld(lockDir)) {
        rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`peers harness: timed out waiting for the lock ${lockDir}`);
      await sleep(250);
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

/** Copies the harness into the cache and runs `npm ci` there unless its lock file is unchanged. */
async function prepare(): Promise<string> {
  if (!existsSync(join(PEERS_SOURCE, 'peer.mjs'))) {
    throw new Error(
      `peers harness not found at ${PEERS_SOURCE}: set TFLITE_TS_PEERS to ../shared/tools/peers`,
    );
  }
  return withLock(async () => {
    mkdirSync(PEERS_CACHE, { recursive: true });
    syncSources();
    const wanted = sha256(readFileSync(join(PEERS_SOURCE, 'package-lock.json')));
    const stampPath = join(PEERS_CACHE, STAMP_FILE);
    const installed = existsSync(stampPath) ? readFileSync(stampPath, 'utf8').trim() : '';
    if (installed !== wanted || !existsSync(join(PEERS_CACHE, 'node_modules'))) {
      rmSync(stampPath, { force: true });
      try {
        await execFileAsync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], {
          cwd: PEERS_CACHE,
          maxBuffer: 16 << 20,
          timeout: 10 * 60_000,
        });
      } catch (e) {
        const err = e as Error & { stderr?: string };
        throw new Error(`peers harness: npm ci failed in ${PEERS_CACHE}:\n${err.stderr ?? err.message}`);
      }
      writeFileSync(stampPath, `${wanted}\n`);
    }
    return PEERS_CACHE;
  });
}

let prepared: Promise<string> | undefined;

/**
 * Returns the folder of the installed harness (with peer.mjs), installing it on first use.
 * Throws when the source is missing or `npm ci` fails (the message carries npm's stderr).
 */
export function ensurePeersHarness(): Promise<string> {
  prepared ??= prepare().catch((e: unknown) => {
    prepared = undefined; // let a later call retry
    throw e;
  });
  return prepared;
}
