import { test, expect } from '@playwright/test';
import { expectAccessible, hydrated, personOn, phone, screenshotPath } from '../helpers';

// The browser half of push notifications: the offer after filing, the device settings, and a push
// message (delivered to the service worker through the DevTools protocol, as a push service
// would) showing as a notification that opens its request. The sending half, encrypted and signed
// for a real receiver, is `server/tests/push.rs`.
test('a push message shows as a notification that opens its request', async ({ browser }) => {
  const tom = await personOn(browser, phone, 'Tom Becker');
  const { page, context } = tom;
  await context.grantPermissions(['notifications']);
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, null, { timeout: 30_000 });

  // Offered once a request is filed; "Not now" is remembered on this device.
  await page.goto('/requests/new');
  await hydrated(page);
  // The offer's code is not part of the app: it is fetched once a request is filed.
  const wasm: string[] = [];
  page.on('response', (response) => {
    const name = new URL(response.url()).pathname.split('/').pop() ?? '';
    if (name.endsWith('.wasm')) wasm.push(name);
  });
  const title = `Wi-Fi drops in the meeting room ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('Every few minutes since Monday.');
  await page.getByRole('button', { name: 'Send request' }).tap();
  await expect(page.getByRole('heading', { name: 'Request received' })).toBeVisible();
  const reference = (await page.locator('.reference--big').textContent())!.trim();
  const offer = page.getByRole('region', { name: 'Hear about it on this phone?' });
  await expect(offer.getByRole('button', { name: 'Turn on notifications' })).toBeVisible();
  expect(wasm.some((name) => name.startsWith('split_push_offer')), wasm.join(', ')).toBe(true);
  await page.screenshot({ path: screenshotPath('push-offer-360'), fullPage: true });
  await expectAccessible(page);
  await offer.getByRole('button', { name: 'Not now' }).tap();
  await expect(offer).toHaveCount(0);
  expect(await page.evaluate(() => localStorage.getItem('frontdoor-push-offer-dismissed'))).toBe('1');

  // The account page has the device's switch.
  await page.goto('/account');
  await hydrated(page);
  const settings = page.getByRole('region', { name: 'Notifications on this device' });
  await expect(settings.getByRole('button', { name: 'Turn on notifications' })).toBeVisible();

  // A push message arrives: the worker shows it, tagged with the request.
  const devtools = await context.newCDPSession(page);
  const registration = new Promise<string>((resolve) => {
    devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r: any) => !r.isDeleted);
      if (ours) resolve(ours.registrationId);
    });
  });
  await devtools.send('ServiceWorker.enable');
  // Delivered only once the worker is active: one still installing (precaching the app, slow on
  // a loaded machine) drops the message (seen in a full parallel run).
  await page.evaluate(async () => { await navigator.serviceWorker.ready; });
  const message = { title: `${reference} · ${title}`, body: 'Sam Rivera changed the status to In progress.', url: `/requests/${reference}`, tag: reference };
  const shown = () => page.evaluate(async () => (await (await navigator.serviceWorker.ready).getNotifications())
    .map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: n.data?.url })));
  // The DevTools protocol sometimes loses a message sent while the machine is loaded (seen once in
  // a full parallel run: no push event at all, the same build passing alone). A push service
  // sends again until it is taken, so this does too; a message the worker took and did not show
  // still fails below, and the tag means a repeat replaces its notification rather than adding one.
  for (let attempt = 0; attempt < 3 && (await shown()).length === 0; attempt += 1) {
    await devtools.send('ServiceWorker.deliverPushMessage', {
      origin: new URL(page.url()).origin,
      registrationId: await registration,
      data: JSON.stringify(message),
    });
    await expect.poll(shown, { timeout: 5_000 }).not.toEqual([]).catch(() => {});
  }
  await expect.poll(shown, { timeout: 5_000 })
    .toEqual([{ title: message.title, body: message.body, tag: reference, url: message.url }]);

  // Tapping it opens the request in the app's window.
  const worker = context.serviceWorkers()[0] ?? await context.waitForEvent('serviceworker');
  await worker.evaluate((data) => (self as any).openFromNotification(data), { url: message.url });
  await expect(page).toHaveURL(new RegExp(`/requests/${reference}$`));
  await expect(page.getByRole('heading', { level: 1 })).toContainText(title);
  await context.close();
});
