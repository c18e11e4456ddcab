// Frontdoor's service worker. The server stamps VERSION with a digest of this build's assets, so
// every new build is a new worker: it installs beside the running one and waits until the page
// lets it in ("A new version is available — Reload").
const VERSION = '__VERSION__';
const CACHE = `frontdoor-shell-${VERSION}`;
// This build's own files: their URLs carry the stamp, so what is kept never goes stale. The
// pages' chunks, which `__wasm_split.js` loads when a page is first opened, are kept then.
const PKG = '__PKG__/';
const STYLESHEET = `${PKG}frontdoor.css`;
const BUILD = [`${PKG}frontdoor.js`, `${PKG}__wasm_split.js`, `${PKG}frontdoor.wasm`, STYLESHEET];
// The app shell: what every page needs to start, kept for a bad connection.
const SHELL = [
  ...BUILD,
  '/register-sw.js',
  '/manifest.webmanifest',
  '/icon.svg',
  '/icon-192.png',
  '/icon-512.png',
];

// Pages kept for reading offline: my requests, the request form and the requests last opened.
// One person's copy at a time: the app drops it by name at sign-out and on the sign-in page
// (`browser::forget_saved_pages`), so a session ended elsewhere leaves nothing behind either.
const PAGES = 'frontdoor-pages';
const SAVED_PAGE = /^\/(requests\/(new|FD-\d+))?$/;
const MAX_SAVED_REQUESTS = 20;

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
  // A page that started loading while this worker was activating is missed by its claim.
  if (event.data === 'claim') event.waitUntil(self.clients.claim());
});

// Pages, server functions, files and the event stream always go to the network; the pages
// listed in SAVED_PAGE are also kept for offline reading, and the shell for starting offline.
// A page that cannot be had offline says so, rather than the browser's error page.
self.addEventListener('fetch', (event) => {
  const url = new URL(event.request.url);
  if (event.request.method !== 'GET' || url.origin !== self.location.origin) return;
  if (event.request.mode === 'navigate') {
    event.respondWith(SAVED_PAGE.test(url.pathname) ? savedPage(event.request, url) : fetch(event.request).catch(notKept));
  } else if (url.pathname.startsWith(PKG) || SHELL.includes(url.pathname)) {
    event.respondWith(shellFile(event.request, url));
  }
});

// A page that is kept: from the network (and kept again), else the copy kept last, marked with
// when it was kept so the app can say so.
async function savedPage(request, url) {
  const key = url.pathname + url.search;
  const pages = await caches.open(PAGES);
  let response;
  try {
    response = await fetch(request);
  } catch (offline) {
    const kept = await pages.match(key);
    if (!kept) return notKept();
    const html = (await kept.text()).replace('<html', `<html data-saved-at="${kept.headers.get('x-saved-at')}"`);
    return new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } });
  }
  if (response.ok && response.type === 'basic') {
    const headers = new Headers(response.headers);
    headers.set('x-saved-at', String(Date.now()));
    const copy = new Response(await response.clone().blob(), { status: 200, headers });
    await pages.delete(key);
    await pages.put(key, copy);
    const requests = (await pages.keys()).filter((kept) => new URL(kept.url).pathname.startsWith('/requests/FD-'));
    for (const old of requests.slice(0, Math.max(0, requests.length - MAX_SAVED_REQUESTS))) await pages.delete(old);
  }
  return response;
}

function notKept() {
  return new Response(
    `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Offline · Frontdoor</title><link rel="stylesheet" href="${STYLESHEET}"></head>
<body><main class="page page--narrow"><h1>You're offline</h1>
<p class="lead">This page was not saved on this device. Your requests and the ones you opened last can be read offline.</p>
<p><a class="button button--primary" href="/">My requests</a></p></main></body></html>`,
    { status: 503, headers: { 'content-type': 'text/html; charset=utf-8' } },
  );
}

// This build's files from the cache (they cannot change), else from the network and kept; other
// shell files from the network first, the cache when the network fails.
async function shellFile(request, url) {
  const built = url.pathname.startsWith(PKG);
  if (built) {
    const kept = await caches.match(url.pathname, { cacheName: CACHE });
    if (kept) return kept;
  }
  try {
    const response = await fetch(request);
    if (built && response.ok) await (await caches.open(CACHE)).put(url.pathname, response.clone());
    return response;
  } catch (offline) {
    const kept = await caches.match(url.pathname, { cacheName: CACHE });
    if (kept) return kept;
    throw offline;
  }
}

// A notification from Frontdoor (`backend/push.rs` sends `{title, body, url, tag}`): shown, and a
// newer one about the same request replaces the older.
self.addEventListener('push', (event) => {
  let message;
  try {
    message = event.data ? event.data.json() : null;
  } catch (unreadable) {
    message = null;
  }
  if (!message || typeof message.title !== 'string') return;
  const url = typeof message.url === 'string' && message.url.startsWith('/') ? message.url : '/';
  event.waitUntil(
    self.registration.showNotification(message.title, {
      body: message.body,
      tag: message.tag,
      renotify: Boolean(message.tag),
      icon: '/icon-192.png',
      badge: '/icon-192.png',
      data: { url },
    }),
  );
});

// Tapping it opens the request: in a window of the app already open if there is one.
self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  event.waitUntil(openFromNotification(event.notification.data));
});

async function openFromNotification(data) {
  const url = new URL(data && data.url ? data.url : '/', self.location.origin).href;
  const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
  for (const client of windows) {
    if (new URL(client.url).origin === self.location.origin && 'navigate' in client) {
      // Focus is only granted while handling the tap; the page opens either way.
      await client.focus().catch(() => {});
      return client.navigate(url);
    }
  }
  return self.clients.openWindow(url);
}
