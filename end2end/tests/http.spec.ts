import { test, expect, type Page } from '@playwright/test';
import { desktop, hydrated, personOn, phone, screenshotPath } from './helpers';

// Real HTTP against the running binary: what a script, a proxy or an attacker sees.
test.describe('HTTP surface', () => {
  test('health and security headers', async ({ request }) => {
    const health = await request.get('/healthz');
    expect(health.status()).toBe(200);
    const page = await request.get('/signin');
    const headers = page.headers();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['referrer-policy']).toBe('same-origin');
  });

  test('malformed calls get a 4xx with a message, never a 500', async ({ request }) => {
    const cases: Array<[string, string]> = [
      ['/api/create_request', 'title=only-a-title'],
      ['/api/demo_sign_in', 'user_id=abc'],
      ['/api/get_ticket', 'reference=%00%ff'],
      ['/api/change_status', 'reference=FD-1001&status=teleported'],
      ['/api/no_such_function', 'x=1'],
    ];
    for (const [path, body] of cases) {
      const response = await request.post(path, { data: body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(response.status(), `${path} ${body}`).toBeGreaterThanOrEqual(400);
      expect(response.status(), `${path} ${body}`).toBeLessThan(500);
      expect((await response.text()).length).toBeGreaterThan(0);
    }
  });

  test('personal data needs a session', async ({ request }) => {
    expect((await request.post('/api/list_my_requests')).status()).toBe(401);
    expect((await request.get('/events')).status()).toBe(401);
  });

  test('a link cannot put its own words on the sign-in page', async ({ request }) => {
    const page = await (await request.get('/signin?sso=Your+account+is+locked.+Call+555+0100')).text();
    expect(page).not.toContain('Your account is locked');
    expect(page).toContain('Single sign-on did not work just now.');
  });

  test('a cross-site form post is refused', async ({ request }) => {
    const response = await request.post('/api/create_request', {
      data: 'title=x&description=y',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' },
    });
    expect(response.status()).toBe(403);
  });
});

test('the browser app is served compressed, under its build stamp, to be kept for good', async ({ request }) => {
  const page = await (await request.get('/signin')).text();
  // Named in the script that starts the app once the page is painted (`StartApp`).
  const wasm = page.match(/'(\/pkg\/[0-9a-f]{16}\/frontdoor\.wasm)'/)?.[1];
  expect(wasm, 'the page names the stamped wasm').toBeTruthy();
  expect(page).toContain(wasm!.replace('.wasm', '.css'));
  const response = await request.get(wasm!, { headers: { 'accept-encoding': 'br, gzip' } });
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toBe('application/wasm');
  expect(response.headers()['content-encoding']).toBe('br');
  expect(response.headers()['cache-control']).toBe('public, max-age=31536000, immutable');
  // Someone's page is never kept by an HTTP cache.
  expect((await request.get('/signin')).headers()['cache-control']).toBe('private, no-store');
});

// The size budget of a first visit on a phone, as sent (brotli). CSS and JavaScript together must
// stay within 30 KB. The WASM target is 250 KB; every page but my requests, sign-in, the request
// form and a request's page already loads as a chunk of its own (`views/lazy_pages.rs`), and until
// the app's own part is smaller still (docs/benchmarks.md) the WASM is held at its current ceiling,
// so it cannot grow unnoticed. (Raised from 400 KiB when a request's page joined the app: as a chunk
// it started in dozens of pieces, too slowly for a phone; see docs/benchmarks.md.)
const CSS_AND_JS_BUDGET = 30 * 1024;
const WASM_CEILING = 450 * 1024;

test('a first visit stays within its size budget', async ({ request }) => {
  const page = await (await request.get('/signin')).text();
  const stamped = page.match(/\/pkg\/[0-9a-f]{16}\//)?.[0];
  expect(stamped, 'the page names its stamped assets').toBeTruthy();
  // Bytes on the wire: the precompressed length, or (compressed on the fly, no length known
  // ahead) the uncompressed size, which is more.
  const sent = async (path: string) => {
    const response = await request.get(path, { headers: { 'accept-encoding': 'br' } });
    expect(response.status(), path).toBe(200);
    const length = response.headers()['content-length'];
    return length ? Number(length) : (await response.body()).length;
  };
  // The app's script, the loader of its lazily loaded chunks (which the app imports) and the
  // service worker's registration.
  const cssAndJs = (await sent(`${stamped}frontdoor.css`)) + (await sent(`${stamped}frontdoor.js`))
    + (await sent(`${stamped}__wasm_split.js`)) + (await sent('/register-sw.js'));
  const wasm = await sent(`${stamped}frontdoor.wasm`);
  console.log(`first visit: CSS + JS ${cssAndJs} B, WASM ${wasm} B (brotli)`);
  expect(cssAndJs).toBeLessThanOrEqual(CSS_AND_JS_BUDGET);
  expect(wasm).toBeLessThanOrEqual(WASM_CEILING);
});

test('a client never downloads the agency\'s pages or tools; staff get them as chunks of their own', async ({ browser }) => {
  // Two people signing in and loading the app in turn: a journey's budget, not a single page's.
  test.setTimeout(90_000);
  const wasmFetched = (page: Page) => {
    const names: string[] = [];
    page.on('response', (response) => {
      const name = new URL(response.url()).pathname.split('/').pop() ?? '';
      if (name.endsWith('.wasm')) names.push(name);
    });
    return names;
  };
  const tom = await personOn(browser, phone, 'Tom Becker');
  const tomsWasm = wasmFetched(tom.page);
  await tom.page.goto('/');
  await hydrated(tom.page);
  await tom.page.getByRole('link', { name: 'New request' }).first().click();
  await expect(tom.page.getByLabel('Title')).toBeVisible();
  // A request's page comes with the app, without the agency's tools beside it.
  await tom.page.getByRole('link', { name: 'My requests' }).first().click();
  await tom.page.getByRole('list', { name: 'My requests' }).getByRole('link').first().click();
  await expect(tom.page.getByRole('button', { name: 'Send reply' })).toBeVisible();
  await expect(tom.page.getByRole('complementary', { name: 'Staff tools' })).toHaveCount(0);
  // (The page loaded on signing in may fetch it a second time: which files, not how often.)
  expect([...new Set(tomsWasm)]).toEqual(['frontdoor.wasm']);

  const sam = await personOn(browser, desktop, 'Sam Rivera');
  const samsWasm = wasmFetched(sam.page);
  await sam.page.goto('/board');
  await hydrated(sam.page);
  await expect(sam.page.locator('.board')).toBeVisible();
  expect(samsWasm).toContain('frontdoor.wasm');
  expect(samsWasm.length, `the board's own code comes as a chunk: ${samsWasm.join(', ')}`).toBeGreaterThan(1);
  // Opening a request loads the tools beside it, which then work.
  await sam.page.locator('.board a[href^="/requests/FD-"]').first().click();
  const tools = sam.page.getByRole('complementary', { name: 'Staff tools' });
  await expect(tools.getByRole('form', { name: 'Triage' })).toBeVisible();
  expect(samsWasm.some((name) => name.startsWith('split_staff_tools')), samsWasm.join(', ')).toBe(true);
  // The tools loaded on demand work: a task without a title is refused in place, not by a page load.
  await tools.getByText('Add a task').click();
  await tools.getByRole('button', { name: 'Add task' }).click();
  await expect(tools.getByText('Give the task a short title.')).toBeVisible();
  await expect(sam.page).toHaveURL(/\/requests\/FD-/);

  // A chunk that cannot be fetched (offline before the tools were ever loaded, an old tab after a
  // deploy) leaves the request usable: the page says so, tries again when asked, a few times by
  // itself, and once the connection is back. (A fresh context: the first one's worker keeps the chunk.)
  const request = sam.page.url();
  const again = await personOn(browser, desktop, 'Sam Rivera');
  let refused = 0;
  await again.context.route(/split_staff_tools/, (route) => {
    refused += 1;
    return route.abort();
  });
  await again.page.goto(request);
  await hydrated(again.page);
  const missing = again.page.getByRole('complementary', { name: 'Staff tools' });
  // (Said out loud the first time; the panel drawn after each later try that fails is silent.)
  await expect(missing.locator('.error-panel')).toContainText('The staff tools could not be loaded');
  await again.page.screenshot({ path: screenshotPath('staff-tools-unavailable-desktop') });
  const refusedBefore = refused;
  await missing.getByRole('button', { name: 'Try again' }).click();
  await expect.poll(() => refused).toBeGreaterThan(refusedBefore);
  await expect(missing.getByText('The staff tools could not be loaded')).toBeVisible();
  await again.context.setOffline(true);
  await expect(again.page.locator('.live')).toHaveText('Offline');
  await again.context.unroute(/split_staff_tools/);
  await again.context.setOffline(false);
  await expect(missing.getByRole('form', { name: 'Triage' })).toBeVisible();
  await expect(missing.getByText('The staff tools could not be loaded')).toHaveCount(0);
  for (const person of [tom, sam, again]) await person.context.close();
});
