/**
 * Vite configuration of the app (npm run build:app; npm start serves the result). The pages and
 * the worker import the runtime straight from ../src, so the bundle holds only what the app uses.
 * COOP/COEP make the page cross-origin isolated, which SharedArrayBuffer (inference threads) needs;
 * the production server (app/server/serve.mjs) sends the same headers.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { pwaPlugin } from './tools/pwa_plugin.js';
import { DEFAULT_MODEL_PATH } from './default_model.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..');

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** The built-in model file: $TFLITE_TS_APP_DEFAULT_MODEL, else DEFAULT_MODEL_PATH; undefined (with a warning) when absent. */
function defaultModel(): string | undefined {
  const path = resolve(repo, process.env.TFLITE_TS_APP_DEFAULT_MODEL ?? DEFAULT_MODEL_PATH);
  if (existsSync(path)) return path;
  console.warn(
    `app: no built-in model at ${path}; the app will start without one (open or download a model)`,
  );
  return undefined;
}

if (!existsSync(resolve(repo, 'src/kernels/wasm/generated/kernels_wasm.ts'))) {
  throw new Error('the WebAssembly kernels are not built: run `npm run build:wasm` (npm ci does it) first');
}

export default defineConfig({
  root: here,
  base: './',
  publicDir: resolve(here, 'public'),
  build: {
    outDir: resolve(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    // Every supported browser has module preload; the polyfill would only add bytes.
    modulePreload: { polyfill: false },
    // Report sizes (the first-load budget is checked by test/app/budget.test.ts).
    reportCompressedSize: true,
  },
  worker: { format: 'es' },
  server: { headers: isolation },
  preview: { headers: isolation },
  plugins: [
    pwaPlugin({
      defaultModel: defaultModel(),
      publicDir: resolve(here, 'public'),
      serviceWorker: resolve(here, 'src/service_worker.ts'),
    }),
  ],
});
