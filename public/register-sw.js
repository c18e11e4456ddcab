// Registers Frontdoor's service worker and tells the app when a newer version waits to take over
// (`data-update-ready` on <html> and a `frontdoor:update-ready` event: the app may start after
// either); on `frontdoor:apply-update` it lets the new version in and reloads once it has.
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
