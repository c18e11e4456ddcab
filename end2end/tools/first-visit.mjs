// What a first visit of a page downloads in WASM (files and bytes as sent), and its long tasks on a
// 4x slower CPU: a fresh browser profile per page, no service worker, signed in by the demo's API.
// A diagnostic for docs/benchmarks.md (how the split into chunks plays out per page).
// Usage: node tools/first-visit.mjs http://127.0.0.1:PORT   (a --demo server with the release WASM)
import { chromium } from '@playwright/test';

const base = process.argv[2];
const visits = [
  ['/signin', null],
  ['/', 'tom@bluebird.example'],
  ['/requests/new', 'tom@bluebird.example'],
  ['/requests/FD-1001', 'tom@bluebird.example'],
  ['/board', 'sam@agency.example'],
];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });

for (const [path, email] of visits) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 360, height: 740 }, serviceWorkers: 'block' });
  if (email) {
    const json = { headers: { Accept: 'application/json' } };
    const people = await (await context.request.post('/api/demo_people', json)).json();
    const person = people.find((p) => p.email === email);
    await context.request.post('/api/demo_sign_in', { form: { user_id: String(person.user_id) }, ...json });
  }
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  await page.addInitScript(() => {
    window.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const task of list.getEntries()) window.__longTasks.push(Math.round(task.duration));
    }).observe({ type: 'longtask', buffered: true });
  });
  const wasm = [];
  page.on('requestfinished', async (request) => {
    if (new URL(request.url()).pathname.endsWith('.wasm')) wasm.push((await request.sizes()).responseBodySize);
  });
  await page.goto(path);
  await page.locator('body[data-hydrated]').waitFor({ state: 'attached', timeout: 30_000 });
  await page.waitForTimeout(1500);
  const longTasks = await page.evaluate(() => window.__longTasks);
  const blocking = longTasks.reduce((sum, duration) => sum + Math.max(0, duration - 50), 0);
  const bytes = wasm.reduce((sum, size) => sum + size, 0);
  console.log(`${path}: ${wasm.length} WASM files, ${bytes} B; long tasks ${longTasks.join(', ')} ms (blocking ${blocking} ms)`);
  await context.close();
}
await browser.close();
