// Registers Frontdoor's service worker and tells the app when a newer version waits to take over
// (`data-update-ready` on <html> and a `frontdoor:update-ready` event: the app may start after
// either); on `frontdoor:apply-update` it lets the new version in and reloads once it has.
// Offline, links load pages whole, so that the worker can answer with the copies it saved.
if ('serviceWorker' in navigator) {
  const announce = () => {
    document.documentElement.dataset.updateReady = '';
    window.dispatchEvent(new Event('frontdoor:update-ready'));
  };
  let reloading = false;
  navigator.serviceWorker.addEventListener('controllerchange', () => {
    if (reloading) window.location.reload();
  });
  window.addEventListener('frontdoor:apply-update', async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    if (registration && registration.waiting) {
      reloading = true;
      registration.waiting.postMessage('apply-update');
    } else {
      window.location.reload();
    }
  });
  // Offline, following a link loads the page itself, which the worker answers with the copy it
  // saved, instead of the app drawing it from data it cannot fetch.
  document.addEventListener('click', (event) => {
    if (navigator.onLine || event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || link.target || link.hasAttribute('download') || link.origin !== window.location.origin) return;
    event.preventDefault();
    event.stopPropagation();
    window.location.assign(link.href);
  }, true);
  // The first worker claims the pages open when it starts, but not one whose load began just
  // before (a sign-in's redirect, say); such a page asks, so that it too is kept for offline.
  navigator.serviceWorker.ready.then((registration) => {
    if (!navigator.serviceWorker.controller && registration.active) registration.active.postMessage('claim');
  });
  navigator.serviceWorker.register('/sw.js').then((registration) => {
    // A worker already waiting from an earlier visit, or one found now, replaces a running one.
    if (registration.waiting && navigator.serviceWorker.controller) announce();
    registration.addEventListener('updatefound', () => {
      const worker = registration.installing;
      if (!worker) return;
      worker.addEventListener('statechange', () => {
        if (worker.state === 'installed' && navigator.serviceWorker.controller) announce();
      });
    });
  });
}
