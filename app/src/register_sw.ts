/**
 * Registers the service worker the build writes (sw.js next to index.html), which precaches the
 * app and its built-in model so the app works offline after the first visit. Not in the Vite dev
 * server (no sw.js there), nor where service workers are unavailable (http on a LAN address).
 */

/** True in a production build (set by app/vite.config.ts). */
declare const __APP_BUILD__: boolean;

/** Registers sw.js once the page has loaded; failures are logged, the app works without it. */
export function registerServiceWorker(): void {
  if (!__APP_BUILD__ || !('serviceWorker' in navigator)) return;
  const register = () => {
    navigator.serviceWorker.register('sw.js').catch((err: unknown) => {
      console.warn('service worker not registered: the app will not work offline', err);
    });
  };
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
