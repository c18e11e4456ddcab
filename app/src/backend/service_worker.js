// Frontdoor's service worker. The server stamps VERSION with a digest of this build's assets, so
// every new build is a new worker: it installs beside the running one and waits until the page
// lets it in ("A new version is available — Reload").
const VERSION = '__VERSION__';
const CACHE = `frontdoor-shell-${VERSION}`;
// The app shell: what every page needs to start, kept for a bad connection.
const SHELL = [
  '/pkg/frontdoor.js',
  '/pkg/frontdoor.wasm',
  '/pkg/frontdoor.css',
  '/register-sw.js',
  '/manifest.webmanifest',
  '/icon.svg',
  '/icon-192.png',
  '/icon-512.png',
];

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) => cache.addAll(SHELL.map((url) => new Request(url, { cache: 'no-cache' })))),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) {
        if (key.startsWith('frontdoor-shell-') && key !== CACHE) await caches.delete(key);
      }
      await self.clients.claim();
    })(),
  );
});

self.addEventListener('message', (event) => {
  if (event.data === 'apply-update') self.skipWaiting();
});

// Shell files: the network first (a page and its scripts must come from the same build), the
// cache when the network fails. Pages, server functions, files and the event stream are not
// touched: they always go to the network.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin || !SHELL.includes(url.pathname)) {
    return;
  }
  event.respondWith(
    (async () => {
      try {
        return await fetch(event.request);
      } catch (offline) {
        const kept = await caches.match(url.pathname, { cacheName: CACHE });
        if (kept) return kept;
        throw offline;
      }
    })(),
  );
});
