// Starts the app once the page the server drew is on screen (see `StartApp` in views.rs).
// __APP__ is the app's path without extension.
let started = false;
const start = () => {
  if (started) return;
  started = true;
  const wasm = Object.assign(document.createElement('link'), {
    rel: 'preload', as: 'fetch', type: 'application/wasm', crossOrigin: 'anonymous', href: '__APP__.wasm',
  });
  document.head.append(wasm);
  import('__APP__.js').then((app) => app.default({ module_or_path: '__APP__.wasm' }).then(() => app.hydrate()));
};
requestAnimationFrame(() => setTimeout(start));
setTimeout(start, 500);
