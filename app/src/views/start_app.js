// Starts the app once the page the server drew is on screen (see `StartApp` in views.rs).
// The app's path without extension stands for __APP__.
let started = false;
const start = () => {
  if (started) return;
  started = true;
  const wasm = Object.assign(document.createElement('link'), {
    rel: 'preload', as: 'fetch', type: 'application/wasm', crossOrigin: 'anonymous', href: '__APP__.wasm',
  });
  document.head.append(wasm);
  // Instantiating the app and taking over the page are two tasks, not one long one that would
  // keep a tap waiting.
  import('__APP__.js').then((app) => app.default({ module_or_path: '__APP__.wasm' })
    .then(() => new Promise((next) => setTimeout(next)))
    .then(() => app.hydrate()));
};
requestAnimationFrame(() => setTimeout(start));
setTimeout(start, 500);
