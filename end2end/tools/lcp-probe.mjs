// When the largest contentful paint happens on a signed-in page, and what it is: Tom's phone on
// simulated slow 4G (150 ms, 1.6 Mbps) with a 4x slower CPU, in Debian's Chromium. A diagnostic for
// docs/benchmarks.md (Lighthouse gives the score; this says which element and when).
// Usage: node tools/lcp-probe.mjs http://127.0.0.1:PORT [/path]   (a --demo server)
import { chromium } from '@playwright/test';
const base = process.argv[2];
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
const context = await browser.newContext({ viewport: { width: 412, height: 823 }, baseURL: base });
const people = await (await context.request.post('/api/demo_people', { headers: { Accept: 'application/json' } })).json();
const tom = people.find((p) => p.email === 'tom@bluebird.example');
await context.request.post('/api/demo_sign_in', { form: { user_id: String(tom.user_id) }, headers: { Accept: 'application/json' } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 150, downloadThroughput: 1.6 * 1024 * 1024 / 8, uploadThroughput: 750 * 1024 / 8 });
await page.addInitScript(() => {
  window.__lcp = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__lcp.push({ t: Math.round(e.startTime), size: e.size, tag: e.element?.tagName, cls: e.element?.className, text: (e.element?.textContent || '').slice(0, 40), id: e.id, url: e.url });
      if (e.element) e.element.setAttribute('data-lcp-seen', String(window.__lcp.length));
    }
  }).observe({ type: 'largest-contentful-paint', buffered: true });
  new MutationObserver((records) => {
    for (const r of records) for (const n of r.removedNodes) if (n.nodeType === 1 && (n.matches?.('[data-lcp-seen]') || n.querySelector?.('[data-lcp-seen]'))) window.__lcp.push({ removedAt: Math.round(performance.now()), what: n.outerHTML.slice(0, 80) });
  }).observe(document, { childList: true, subtree: true });
});
await page.goto(process.argv[3] ?? '/', { waitUntil: 'load' });
await page.waitForSelector('body[data-hydrated]', { state: 'attached', timeout: 60000 });
await page.waitForTimeout(3000);
console.log(JSON.stringify(await page.evaluate(() => ({ lcp: window.__lcp, hydratedAt: performance.now(), fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime })), null, 1));
await browser.close();
