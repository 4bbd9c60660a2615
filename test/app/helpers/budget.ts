/**
 * The first-load budget of the app: the bytes a browser fetches before the app can classify,
 * not counting the model: index.html, the JavaScript (the page and the classifier worker, which
 * embeds the WebAssembly kernels as base64), CSS, any .wasm file, and the service worker. Gzip
 * level 9, as app/server/serve.mjs sends them.
 */
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

/** Sizes of one file. */
export interface FileSize {
  name: string;
  raw: number;
  gzip: number;
}

/** Returns the first-load files' sizes and totals, and the sha256 of every file of the build. */
export function firstLoadSizes(dist: string): {
  raw: number;
  gzip: number;
  files: FileSize[];
  all: { name: string; sha256: string }[];
} {
  const all: { name: string; sha256: string }[] = [];
  const files: FileSize[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir).sort()) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }
      const name = relative(dist, path).split('\\').join('/');
      const bytes = readFileSync(path);
      all.push({ name, sha256: createHash('sha256').update(bytes).digest('hex') });
      if (name === 'index.html' || name === 'sw.js' || /\.(js|css|wasm)$/.test(name)) {
        files.push({ name, raw: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length });
      }
    }
  };
  walk(dist);
  return {
    raw: files.reduce((a, f) => a + f.raw, 0),
    gzip: files.reduce((a, f) => a + f.gzip, 0),
    files,
    all,
  };
}
