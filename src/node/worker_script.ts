/**
 * Where a worker_threads entry module of tflite-ts lives. In the package (dist/) it is the
 * compiled `.js` file next to the caller. When the code runs from its TypeScript sources (the
 * tests run src/ through vitest, which worker_threads cannot load), the entry is bundled once per
 * process with esbuild (a devDependency, present wherever the sources are) into
 * node_modules/.cache/tflite-ts/ (one file per content), where its package imports (sharp,
 * flatbuffers) still resolve.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const built = new Map<string, Promise<URL>>();

/**
 * Returns the URL of the worker entry `name` (e.g. 'eval_worker') beside the module at `from`
 * (its import.meta.url). Rejects with Error when the compiled entry is missing, or when running
 * from sources without esbuild installed.
 */
export function workerScriptUrl(name: string, from: string): Promise<URL> {
  if (!from.endsWith('.ts')) {
    const url = new URL(`./${name}.js`, from);
    if (url.protocol === 'file:' && !existsSync(fileURLToPath(url))) {
      return Promise.reject(
        new Error(
          `worker script ${fileURLToPath(url)} is missing (was tflite-ts bundled into one file?); ` +
            'use one thread (--threads 1) or ship dist/node/ as built',
        ),
      );
    }
    return Promise.resolve(url);
  }
  const source = fileURLToPath(new URL(`./${name}.ts`, from));
  let p = built.get(source);
  if (!p) {
    p = bundle(source, name, from);
    built.set(source, p);
  }
  return p;
}

async function bundle(source: string, name: string, from: string): Promise<URL> {
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch (err) {
    throw new Error(
      `cannot start worker ${name}: running from TypeScript sources needs esbuild (npm install), or build with npm run build`,
      { cause: err },
    );
  }
  const cache = fileURLToPath(new URL('../../node_modules/.cache/tflite-ts/', from));
  if (!existsSync(cache)) mkdirSync(cache, { recursive: true });
  const out = await esbuild.build({
    entryPoints: [source],
    write: false,
    bundle: true,
    format: 'esm',
    platform: 'node',
    packages: 'external',
    logLevel: 'silent',
  });
  const code = out.outputFiles[0]!.contents;
  // Named by content: processes running the same sources share one file, and a process never
  // sees a half-written one (written aside, then renamed into place).
  const outfile = `${cache}${name}.${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`;
  if (!existsSync(outfile)) {
    const tmp = `${outfile}.${process.pid}.tmp`;
    writeFileSync(tmp, code);
    renameSync(tmp, outfile);
  }
  return pathToFileURL(outfile);
}
