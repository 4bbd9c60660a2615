/**
 * The app's build plugin (used by app/vite.config.ts):
 *  - copies the built-in model (app/default_model.ts) into the app as models/<file> and tells
 *    the page about it through the __DEFAULT_MODEL__ constant (name, size, input, precision read
 *    from the model itself);
 *  - writes sw.js, the service worker (app/src/service_worker.ts compiled with esbuild), with the
 *    list of files to precache (every emitted file, the public folder, the model) and a version
 *    hash of their contents;
 *  - in the dev server, serves the model and sends the COOP/COEP headers (see vite.config.ts).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { transformSync } from 'esbuild';
import type { Plugin } from 'vite';
import { loadModel } from '../../src/format/load_model.js';
import { getModelMetadata } from '../../src/format/model_metadata.js';
import { precisionOf } from '../src/model_precision.js';

/** What the page learns about the built-in model (app/src/model_panel.ts BuiltInModel). */
export interface BuiltInModelInfo {
  url: string;
  fileName: string;
  name: string;
  bytes: number;
  sha256: string;
  input: { width: number; height: number; channels: number };
  precision: string;
}

/** Returns the description of the model file at `path` for the page. Throws if it is not a model. */
export function describeModel(path: string): { info: BuiltInModelInfo; bytes: Uint8Array } {
  const bytes = new Uint8Array(readFileSync(path));
  const model = loadModel(bytes);
  const sub = model.subgraphs[0]!;
  const input = sub.tensors[sub.inputs[0]!]!;
  const shape = input.shape;
  // NHWC [1, h, w, c] (TFLite) or NCHW [1, c, h, w]
  const nchw = shape.length === 4 && (shape[1] === 1 || shape[1] === 3) && shape[3] !== 1 && shape[3] !== 3;
  const [height, width, channels] = nchw
    ? [shape[2]!, shape[3]!, shape[1]!]
    : [shape[1]!, shape[2]!, shape[3] ?? 1];
  const precision = precisionOf(model).label;
  const fileName = basename(path);
  return {
    bytes,
    info: {
      url: `models/${fileName}`,
      fileName,
      name: getModelMetadata(model)?.name?.trim() || fileName,
      bytes: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      input: { width, height, channels },
      precision,
    },
  };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(relative(dir, p).split('\\').join('/'));
    }
  };
  walk(dir);
  return out;
}

/** Options of pwaPlugin. */
export interface PwaPluginOptions {
  /** Absolute path of the built-in model, or undefined for a build without one. */
  defaultModel: string | undefined;
  /** Absolute path of the public folder (copied as is by Vite; precached too). */
  publicDir: string;
  /** Absolute path of the service worker source. */
  serviceWorker: string;
}

/** Returns the plugin. */
export function pwaPlugin(options: PwaPluginOptions): Plugin {
  const model = options.defaultModel ? describeModel(options.defaultModel) : undefined;
  return {
    name: 'tflite-ts-pwa',
    enforce: 'post',
    config(_config, env) {
      return {
        define: {
          __DEFAULT_MODEL__: JSON.stringify(model?.info ?? null),
          __APP_BUILD__: JSON.stringify(env.command === 'build'),
        },
      };
    },
    // Start fetching the built-in model with the page, in parallel with the scripts (main.ts
    // fetches it with the same mode and credentials, so the browser reuses this response).
    transformIndexHtml() {
      if (!model) return [];
      return [
        {
          tag: 'link',
          attrs: {
            rel: 'preload',
            href: model.info.url,
            as: 'fetch',
            type: 'application/octet-stream',
            crossorigin: 'anonymous',
          },
          injectTo: 'head',
        },
      ];
    },
    configureServer(server) {
      if (!model) return;
      server.middlewares.use(`/${model.info.url}`, (_req, res) => {
        res.setHeader('content-type', 'application/octet-stream');
        res.end(Buffer.from(model.bytes));
      });
    },
    generateBundle(_out, bundle) {
      if (model) {
        this.emitFile({ type: 'asset', fileName: model.info.url, source: model.bytes });
      }
      const files = new Map<string, Uint8Array | string>();
      for (const [name, item] of Object.entries(bundle)) {
        if (name.endsWith('.map')) continue;
        files.set(name, item.type === 'chunk' ? item.code : item.source);
      }
      for (const name of listFiles(options.publicDir))
        files.set(name, readFileSync(join(options.publicDir, name)));
      // The emitted model may not be in `bundle` yet (emitFile during generateBundle): add it by name.
      if (model) files.set(model.info.url, model.bytes);
      const names = [...files.keys()].sort();
      const hash = createHash('sha256');
      for (const name of names) hash.update(name).update('\0').update(files.get(name)!).update('\0');
      const precache = ['./', ...names];
      const code = transformSync(readFileSync(options.serviceWorker, 'utf8'), {
        loader: 'ts',
        format: 'iife',
        minify: true,
        target: 'es2020',
        define: {
          __PRECACHE__: JSON.stringify(precache),
          __VERSION__: JSON.stringify(hash.digest('hex').slice(0, 16)),
        },
      }).code;
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: code });
    },
  };
}
