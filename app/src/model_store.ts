/**
 * Downloads catalog models with progress, checks their sha256, and keeps them for offline use in
 * Cache Storage (cache 'tflite-ts-models', keyed by the entry's canonical URL). A cached copy is
 * re-hashed on every read, so a damaged cache entry is dropped and downloaded again.
 */
import { type CatalogLabels, type CatalogModel, downloadUrl } from './model_catalog.js';
import { sha256Hex } from './sha256.js';
import { extractTarGzMember } from './tar_gz.js';

/** Cache Storage name of downloaded models (the service worker leaves it alone). */
export const MODEL_CACHE = 'tflite-ts-models';
const HASH_HEADER = 'x-tflite-ts-sha256';
const PINS_KEY = 'tflite-ts.pins';

/** A download whose bytes do not have the expected sha256. */
export class ChecksumError extends Error {
  constructor(what: string, expected: string, actual: string) {
    super(
      `${what}: checksum mismatch (expected sha256 ${expected.slice(0, 12)}…, got ${actual.slice(0, 12)}…); ` +
        'the download was discarded. Try again later, or download the file yourself and use “Open model”.',
    );
    this.name = 'ChecksumError';
  }
}

/** A download that failed (network, CORS, HTTP status). */
export class DownloadError extends Error {
  constructor(what: string, why: string) {
    super(`Could not download ${what}: ${why}.`);
    this.name = 'DownloadError';
  }
}

/** Progress of a download: bytes so far and the total when the server says it. */
export type ProgressCallback = (loaded: number, total: number | undefined) => void;

/** A catalog model ready to load. */
export interface StoredModel {
  bytes: Uint8Array;
  /** Labels from the catalog when the entry brings its own labels file. */
  labels: string[] | undefined;
  sha256: string;
  /** 'published': matched the catalog's checksum; 'first-use': matched (or set) the hash pinned at first download. */
  verified: 'published' | 'first-use';
  fromCache: boolean;
}

function cacheAvailable(): boolean {
  return typeof caches !== 'undefined';
}

/** Returns true when Cache Storage (hence the offline copy of models) is available here. */
export function offlineCacheAvailable(): boolean {
  return cacheAvailable();
}

/**
 * Returns the bytes at `url`, reporting progress. Credentials are omitted (catalog hosts need
 * none); the built-in model is fetched with 'same-origin', as its preload link asks. Throws
 * DownloadError.
 */
export async function fetchBytes(
  url: string,
  what: string,
  onProgress?: ProgressCallback,
  credentials: RequestCredentials = 'omit',
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { mode: 'cors', credentials });
  } catch (err) {
    const offline = typeof navigator !== 'undefined' && navigator.onLine === false;
    throw new DownloadError(
      what,
      offline
        ? 'this device is offline'
        : `the network request failed (${err instanceof Error ? err.message : String(err)}); the server may be unreachable or may not allow downloads from web pages`,
    );
  }
  if (!response.ok) throw new DownloadError(what, `the server answered HTTP ${response.status}`);
  const header = Number(response.headers.get('content-length'));
  const total = Number.isFinite(header) && header > 0 ? header : undefined;
  if (!response.body) return new Uint8Array(await response.arrayBuffer());
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  onProgress?.(0, total);
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.byteLength;
    onProgress?.(loaded, total);
  }
  const out = new Uint8Array(loaded);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

function readPins(): Record<string, string> {
  try {
    return JSON.parse(localStorage.getItem(PINS_KEY) ?? '{}') as Record<string, string>;
  } catch {
    return {};
  }
}

function pin(id: string, sha: string): void {
  try {
    localStorage.setItem(PINS_KEY, JSON.stringify({ ...readPins(), [id]: sha }));
  } catch {
    // Storage full or disabled: the pin is simply not kept.
  }
}

/** Returns the lines of a labels file (blank trailing lines dropped). */
export function parseLabels(text: string): string[] {
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  return lines;
}

async function readCached(key: string): Promise<Uint8Array | undefined> {
  if (!cacheAvailable() || !(await caches.has(MODEL_CACHE))) return undefined;
  const cache = await caches.open(MODEL_CACHE);
  const hit = await cache.match(key);
  if (!hit) return undefined;
  const bytes = new Uint8Array(await hit.arrayBuffer());
  if ((await sha256Hex(bytes)) !== hit.headers.get(HASH_HEADER)) {
    await cache.delete(key); // damaged: download again
    return undefined;
  }
  return bytes;
}

async function writeCached(key: string, bytes: Uint8Array, sha: string): Promise<void> {
  if (!cacheAvailable()) return;
  const cache = await caches.open(MODEL_CACHE);
  await cache.put(
    key,
    new Response(bytes as Uint8Array<ArrayBuffer>, {
      headers: { 'content-type': 'application/octet-stream', [HASH_HEADER]: sha },
    }),
  );
}

/** Returns true when the entry's model is in the offline cache. */
export async function isCached(entry: CatalogModel): Promise<boolean> {
  if (!cacheAvailable() || !(await caches.has(MODEL_CACHE))) return false;
  return (await (await caches.open(MODEL_CACHE)).match(entry.url)) !== undefined;
}

async function getLabels(labels: CatalogLabels, mirror: string | undefined): Promise<string[]> {
  const key = labels.url;
  let bytes = await readCached(key);
  if (!bytes) {
    bytes = await fetchBytes(downloadUrl(labels, mirror), labels.file);
    const sha = await sha256Hex(bytes);
    if (sha !== labels.sha256) throw new ChecksumError(labels.file, labels.sha256, sha);
    await writeCached(key, bytes, sha);
  }
  return parseLabels(new TextDecoder().decode(bytes));
}

/**
 * Returns the entry's model from the offline cache, or downloads it (progress reported), checks
 * its sha256 (the published one, else the one pinned at the first download) and caches it.
 * Throws DownloadError or ChecksumError.
 */
export async function getCatalogModel(
  entry: CatalogModel,
  options: { mirror?: string; onProgress?: ProgressCallback } = {},
): Promise<StoredModel> {
  const labels = entry.labels ? await getLabels(entry.labels, options.mirror) : undefined;
  const cached = await readCached(entry.url);
  if (cached) {
    return {
      bytes: cached,
      labels,
      sha256: await sha256Hex(cached),
      verified: entry.sha256 ? 'published' : 'first-use',
      fromCache: true,
    };
  }
  const download = await fetchBytes(downloadUrl(entry, options.mirror), entry.file, options.onProgress);
  const sha = await sha256Hex(download);
  const expected = entry.sha256 ?? readPins()[entry.id];
  if (expected && sha !== expected) throw new ChecksumError(entry.file, expected, sha);
  if (!entry.sha256) pin(entry.id, sha);
  const bytes = entry.archive
    ? await extractTarGzMember(download, entry.archive.member, entry.file)
    : download;
  await writeCached(entry.url, bytes, await sha256Hex(bytes));
  return { bytes, labels, sha256: sha, verified: entry.sha256 ? 'published' : 'first-use', fromCache: false };
}

/** Removes the entry's model from the offline cache. */
export async function forgetCatalogModel(entry: CatalogModel): Promise<void> {
  if (cacheAvailable()) await (await caches.open(MODEL_CACHE)).delete(entry.url);
}
