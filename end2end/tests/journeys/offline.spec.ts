import { test, expect, Page } from '@playwright/test';
import { desktop, expectAccessible, expectSameDocument, hydrated, markDocument, personOn, phone, screenshotPath } from '../helpers';

const savedPages = (page: Page) => page.evaluate(async () => {
  if (!(await caches.has('frontdoor-pages'))) return [];
  return (await (await caches.open('frontdoor-pages')).keys()).map((request) => new URL(request.url).pathname);
});

// On a bad connection: what Kenji opened stays readable, a request he writes offline waits on his
// phone and is sent once when the connection returns, and signing out leaves nothing behind.
test('my requests stay readable offline, and a request written offline is sent once when back online', async ({ browser }) => {
  test.setTimeout(120_000);
  const kenji = await personOn(browser, phone, 'Kenji Watanabe');
  const { page, context } = kenji;
  const stamp = Date.now();
  const filed = await context.request.post('/api/create_request', {
    form: { title: `Projector in room 4 flickers ${stamp}`, description: 'Since the firmware update.' },
    headers: { Accept: 'application/json' },
  });
  expect(filed.ok()).toBeTruthy();
  const reference = (await filed.json()).reference as string;

  // The worker takes charge, then keeps the pages as he opens them.
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });
  for (const path of [`/requests/${reference}`, '/requests/new', '/']) {
    await page.goto(path);
    await hydrated(page);
  }
  await expect.poll(() => savedPages(page)).toEqual(expect.arrayContaining(['/', '/requests/new', `/requests/${reference}`]));

  // The connection goes: the page says so, and how current it is.
  await context.setOffline(true);
  const banner = page.getByRole('status').filter({ hasText: "You're offline" });
  await expect(banner).toContainText('Shown as of');

  // Opened again offline, it is the saved copy, and says when it was saved.
  await page.reload();
  await hydrated(page);
  await expect(page.locator('html[data-saved-at]')).toHaveCount(1);
  await expect(banner).toContainText('Saved copy from');
  await expect(page.getByRole('link', { name: new RegExp(`Projector in room 4 flickers ${stamp}`) })).toBeVisible();
  for (const [name, device] of [['offline-home-360', { width: 360, height: 740 }], ['offline-home-desktop', desktop.viewport]] as const) {
    await page.setViewportSize(device);
    await page.screenshot({ path: screenshotPath(name) });
  }
  await page.setViewportSize(phone.viewport);
  await expectAccessible(page);

  // A link opens the saved request.
  await page.getByRole('link', { name: new RegExp(`Projector in room 4 flickers ${stamp}`) }).click();
  await expect(page).toHaveURL(new RegExp(`/requests/${reference}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Projector in room 4 flickers');
  await expect(banner).toBeVisible();

  // A page never opened before says it was not saved, and offers the way back.
  await page.goto('/help');
  await expect(page.getByRole('heading', { name: "You're offline" })).toBeVisible();

  // Written offline: kept on the phone, never lost.
  await page.goto('/requests/new');
  await hydrated(page);
  const title = `Badge reader at the side door ${stamp}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('It blinks red for every badge since this morning.');
  await page.getByRole('button', { name: 'Send request' }).tap();
  await expect(page.getByRole('heading', { name: 'Saved on this device' })).toBeFocused();
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(0);
  await expect(page.locator('.confirmation')).toContainText(title);
  await page.screenshot({ path: screenshotPath('offline-queued-360') });
  await page.getByRole('link', { name: 'Back to my requests' }).tap();
  const waiting = page.getByRole('region', { name: 'Waiting to be sent' });
  await expect(waiting).toContainText(title);
  await expect(waiting).toContainText("It is sent when you're back online");
  await page.screenshot({ path: screenshotPath('offline-waiting-360') });

  // Back online: the saved copy makes way for the live page, and the request goes out once.
  await context.setOffline(false);
  await expect(page.locator('html[data-saved-at]')).toHaveCount(0, { timeout: 15_000 });
  await hydrated(page);
  const sent = page.getByRole('region', { name: 'Sent from this device' });
  await expect(sent).toContainText(title, { timeout: 15_000 });
  await expect(banner).toBeHidden();
  await expect(page.getByRole('link', { name: new RegExp(title) }).first()).toBeVisible();
  const found = await context.request.post('/api/search_requests', {
    form: { query: `Badge reader ${stamp}` },
    headers: { Accept: 'application/json' },
  });
  expect(found.ok(), await found.text()).toBeTruthy();
  const hits = (await found.json()).filter((hit: any) => hit.ticket.title === title);
  expect(hits).toHaveLength(1);
  expect(await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith('frontdoor-outbox')))).toEqual([]);

  // Signing out leaves no copy of his requests on the phone.
  await page.getByRole('button', { name: 'Sign out' }).tap();
  await page.waitForURL(/\/signin$/);
  await hydrated(page);
  expect(await page.evaluate(() => caches.has('frontdoor-pages'))).toBe(false);
  await context.close();
});

// A page whose code was never fetched, opened as the connection drops: the page says the server
// could not be reached instead of the app stopping, the app carries on, and the page opens once
// its code can be fetched ("Try again", or simply going there again).
test('a page whose code cannot be fetched says so, and the app carries on', async ({ browser }) => {
  const { page, context } = await personOn(browser, phone, 'Omar Haddad');
  await page.goto('/');
  await hydrated(page);
  await markDocument(page);
  const help = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Help' });
  let refused = 0;
  await context.route(/split_HelpRoute/, (route) => {
    refused += 1;
    return route.abort();
  });
  await help.tap();
  await expect(page.getByRole('alert')).toContainText("We couldn't reach the server");
  await page.screenshot({ path: screenshotPath('phone-page-unavailable') });
  await expectAccessible(page);

  // Still the same app: back is drawn in place, and going there again tries again.
  await page.goBack();
  await expect(page.getByRole('heading', { name: 'My requests' })).toBeVisible();
  const refusedBefore = refused;
  await help.tap();
  await expect(page.getByRole('alert')).toContainText("We couldn't reach the server");
  expect(refused, 'the chunk was asked for again').toBeGreaterThan(refusedBefore);
  await expectSameDocument(page);

  await context.unroute(/split_HelpRoute/);
  await page.getByRole('link', { name: 'Try again' }).tap();
  await expect(page.getByRole('heading', { name: 'Help', level: 1 })).toBeVisible();
  await hydrated(page);
  await expect(page).toHaveURL(/\/help$/);
  await context.close();
});
