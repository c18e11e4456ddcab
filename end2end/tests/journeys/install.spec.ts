import { chromium, test, expect } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumLaunch } from '../../playwright.config';
import { hydrated, phone, screenshotPath } from '../helpers';

// The server with test hooks (`--test-clock`): there a cookie shows one browser the next build.
const testServer = process.env.FRONTDOOR_CLOCK_URL;

// Installing to the home screen, and rolling out a new build to an installed app.
test('the portal installs as an app and offers a new version once one is out', async () => {
  expect(testServer, 'FRONTDOOR_CLOCK_URL: run through scripts/test.sh').toBeTruthy();
  // A browser profile of its own: Chromium does not install apps from an incognito-like context.
  const profile = mkdtempSync(join(tmpdir(), 'frontdoor-install-'));
  const context = await chromium.launchPersistentContext(profile, { ...chromiumLaunch, ...phone, baseURL: testServer });
  const page = context.pages()[0] ?? await context.newPage();

  // The manifest, served as one, names what a home screen needs.
  const served = await page.request.get('/manifest.webmanifest');
  expect(served.headers()['content-type']).toContain('application/manifest+json');
  const manifest = await served.json();
  expect(manifest).toMatchObject({ display: 'standalone', start_url: '/', scope: '/', short_name: 'Frontdoor' });
  for (const sizes of ['192x192', '512x512']) {
    for (const purpose of ['any', 'maskable']) {
      const icon = manifest.icons.find((i: any) => i.sizes === sizes && i.purpose === purpose);
      expect(icon, `${sizes} ${purpose}`).toBeTruthy();
      expect((await page.request.get(icon.src)).headers()['content-type']).toBe('image/png');
    }
  }
  expect(manifest.shortcuts.map((s: any) => [s.name, s.url])).toEqual([['New request', '/requests/new'], ['My requests', '/']]);

  // The worker takes charge of the page and keeps the app shell.
  await page.goto('/signin');
  await hydrated(page);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  const kept = await page.evaluate(async () => {
    const name = (await caches.keys()).find((key) => key.startsWith('frontdoor-shell-'));
    return name ? (await (await caches.open(name)).keys()).map((request) => new URL(request.url).pathname) : [];
  });
  const stamp = (await (await page.request.get('/sw.js')).text()).match(/const VERSION = '([0-9a-f]{16})'/)?.[1];
  expect(kept).toEqual(expect.arrayContaining(['wasm', 'js', 'css'].map((type) => `/pkg/${stamp}/frontdoor.${type}`).concat('/icon-192.png')));

  // Chromium finds nothing missing to install it.
  const devtools = await context.newCDPSession(page);
  const { installabilityErrors } = await devtools.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);

  // Tom starts writing a request.
  await page.getByRole('button', { name: /^Tom Becker/ }).click();
  await expect(page.locator('.app-header')).toContainText('Tom', { timeout: 15_000 });
  await page.goto('/requests/new');
  await hydrated(page);
  const typed = 'The shared drive asks for my password every hour.';
  await page.getByLabel('Description').fill(typed);

  // A new build is out: the server hands out a different worker. The app says so, and keeps
  // working on the version it started with until the person chooses.
  expect(stamp).toBeTruthy();
  await context.addCookies([{ name: 'frontdoor_test_build', value: 'next', url: testServer! }]);
  await page.evaluate(async () => { await (await navigator.serviceWorker.getRegistration())!.update(); });
  const prompt = page.getByRole('status').filter({ hasText: 'A new version is available.' });
  await expect(prompt).toBeVisible({ timeout: 30_000 });
  for (const [name, width, height] of [['update-prompt-360', 360, 740], ['update-prompt-desktop', 1440, 900]] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: screenshotPath(name), animations: 'disabled' });
  }
  await page.setViewportSize(phone.viewport);

  // Reloading would lose what he typed, so it asks first; "no" keeps the page as it is.
  const asked: string[] = [];
  page.once('dialog', (dialog) => { asked.push(dialog.message()); void dialog.dismiss(); });
  await prompt.getByRole('button', { name: 'Reload' }).click();
  await expect.poll(() => asked).toEqual([expect.stringContaining('What you have typed here and not sent yet would be lost')]);
  await expect(page.getByLabel('Description')).toHaveValue(typed);
  await expect(prompt).toBeVisible();

  // Reload, confirmed, lets it in: the new worker runs the page, the old shell cache is gone.
  page.once('dialog', (dialog) => void dialog.accept());
  await Promise.all([page.waitForEvent('load'), prompt.getByRole('button', { name: 'Reload' }).click()]);
  await hydrated(page);
  await expect.poll(() => page.evaluate(async () => (await caches.keys()).filter((key) => key.startsWith('frontdoor-shell-'))),
    { timeout: 30_000 }).toEqual([`frontdoor-shell-next-${stamp}`]);
  await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  await expect(prompt).toBeHidden();
  await context.close();
  rmSync(profile, { recursive: true, force: true });
});
