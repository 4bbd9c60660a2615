/**
 * The service worker (built to sw.js by app/tools/pwa_plugin.ts, which fills in __PRECACHE__ and
 * __VERSION__). It precaches the app shell and the built-in model at install, so the app starts
 * and classifies offline after the first visit.
 *
 * Strategy: page navigations go to the network first (a new version is picked up at once when
 * online) and fall back to the cached index.html; every other precached file is served from the
 * cache. Caches of older versions are deleted on activation; the model download cache
 * ('tflite-ts-models', see model_store.ts) is not this worker's and is left alone.
 */

/** Paths to precache, relative to the worker's scope. */
declare const __PRECACHE__: string[];
/** Hash of the precached files' names and contents: a new build gets a new cache. */
declare const __VERSION__: string;

interface ExtendableEvent extends Event {
  waitUntil(promise: Promise<unknown>): void;
}
interface FetchEvent extends ExtendableEvent {
  readonly request: Request;
  respondWith(response: Promise<Response> | Response): void;
}
interface WorkerGlobal {
  readonly registration: { readonly scope: string };
  readonly clients: { claim(): Promise<void> };
  skipWaiting(): Promise<void>;
  addEventListener(type: 'install' | 'activate', listener: (e: ExtendableEvent) => void): void;
  addEventListener(type: 'fetch', listener: (e: FetchEvent) => void): void;
}
const sw = self as unknown as WorkerGlobal;

const PREFIX = 'tflite-ts-app-';
const CACHE = `${PREFIX}${__VERSION__}`;
const scopeUrl = (path: string) => new URL(path, sw.registration.scope).href;

sw.addEventListener('install', (e) => {
  e.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      // cache: 'reload' skips the HTTP cache, so a new version never precaches stale files.
      await cache.addAll(__PRECACHE__.map((p) => new Request(scopeUrl(p), { cache: 'reload' })));
      await sw.skipWaiting();
    })(),
  );
});

sw.addEventListener('activate', (e) => {
  e.waitUntil(
    (async () => {
      for (const key of await caches.keys())
        if (key.startsWith(PREFIX) && key !== CACHE) await caches.delete(key);
      await sw.clients.claim();
    })(),
  );
});

sw.addEventListener('fetch', (e) => {
  const request = e.request;
  if (request.method !== 'GET' || !request.url.startsWith(sw.registration.scope)) return;
  if (request.mode === 'navigate') {
    e.respondWith(
      (async () => {
        try {
          return await fetch(request);
        } catch (err) {
          const cached = await caches.match(scopeUrl('index.html'), { cacheName: CACHE });
          if (cached) return cached;
          throw err;
        }
      })(),
    );
    return;
  }
  e.respondWith(
    (async () => (await caches.match(request, { cacheName: CACHE, ignoreSearch: true })) ?? fetch(request))(),
  );
});
