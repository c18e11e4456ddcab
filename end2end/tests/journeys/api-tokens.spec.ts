import { test, expect } from '@playwright/test';
import { desktop, expectAccessible, expectPhoneFriendly, followLinkTo, hydrated, personOn, phone, screenshotPath } from '../helpers';

// A lead makes an API token on their Account page (limited to one company), copies it once,
// another system uses it against the running server, and revoking it stops it at once.
test('an API token is made, used, seen being used and revoked', async ({ browser }) => {
  const jordan = await personOn(browser, desktop, 'Jordan Lee');
  const page = jordan.page;
  await jordan.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.goto('/account');
  await hydrated(page);
  const section = page.locator('#api-tokens');
  await section.getByRole('button', { name: 'New token' }).click();

  // A name is required: the form says so and keeps the rest.
  await section.getByLabel('Requests').selectOption('write');
  await section.getByRole('button', { name: 'Make token' }).click();
  await expect(section.locator('#token-name-error')).toContainText('name');
  await expect(section.getByLabel('Requests')).toHaveValue('write');

  const name = `Acme sync ${Date.now()}`;
  await section.getByLabel('Name').fill(name);
  await section.getByLabel('Event log').selectOption('read');
  await section.getByLabel('Companies').selectOption({ label: 'Only Acme Logistics' });
  await section.getByLabel('Expires').selectOption({ label: '30 days' });
  await section.getByRole('button', { name: 'Make token' }).click();

  const secretField = section.getByLabel('New API token');
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  expect(secret).toMatch(/^fd_[\w-]{40,}$/);
  await section.getByRole('button', { name: 'Copy' }).click();
  await expect(section.locator('.token-secret__copied')).toHaveText('Copied.');
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  const row = section.locator('.token-row', { hasText: name });
  await expect(row).toContainText('Requests (read and write), Event log (read) · Only Acme Logistics');
  await expect(row).toContainText('Never used');
  await expect(row).toContainText('Expires in 30 days');
  await page.screenshot({ path: screenshotPath('api-token-made-desktop'), fullPage: true });
  await expectAccessible(page);

  // Another system, with nothing but the token.
  const api = await browser.newContext({ baseURL: process.env.FRONTDOOR_URL ?? 'http://127.0.0.1:3000' });
  const auth = { Authorization: `Bearer ${secret}` };
  const listed = await api.request.get('/api/v1/tickets?limit=100', { headers: auth });
  expect(listed.status()).toBe(200);
  const tickets = (await listed.json()).tickets as { account: string }[];
  expect(tickets.length).toBeGreaterThan(0);
  expect(new Set(tickets.map((t) => t.account))).toEqual(new Set(['Acme Logistics']));
  const events = await api.request.get('/api/v1/events', { headers: auth });
  expect(events.status()).toBe(200);
  const forbidden = await api.request.get('/api/v1/tickets?limit=0', { headers: auth });
  expect(forbidden.status()).toBe(400);
  expect(forbidden.headers()['content-type']).toBe('application/problem+json');

  // Its use shows on the page; the secret is never shown again.
  await page.reload();
  await hydrated(page);
  await expect(row).toContainText('Last used just now');
  await expect(section.getByLabel('New API token')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);

  // Revoking asks first, then stops it at once.
  await row.getByRole('button', { name: 'Revoke' }).click();
  const confirm = row.getByRole('alertdialog', { name: 'Confirm revoking the token' });
  await expect(confirm).toContainText(`Revoke “${name}”?`);
  await confirm.getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('Revoked just now');
  await expect(row.getByRole('button', { name: 'Revoke' })).toHaveCount(0);
  const refused = await api.request.get('/api/v1/tickets', { headers: auth });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).code).toBe('unauthorized');

  // The audit log names the token, not its number.
  const alex = await personOn(browser, desktop, 'Alex Morgan');
  await alex.page.goto('/admin/audit?action=api_token_revoked');
  await expect(alex.page.locator('.audit-entry').first().locator('.audit-entry__context')).toContainText(`API token “${name}”`);

  // The same section on a phone, and the API reference it links to.
  const phoneJordan = await personOn(browser, { ...phone, viewport: { width: 360, height: 740 } }, 'Jordan Lee');
  await phoneJordan.page.goto('/account#api-tokens');
  await hydrated(phoneJordan.page);
  await phoneJordan.page.locator('#api-tokens').getByRole('button', { name: 'New token' }).click();
  await phoneJordan.page.locator('#api-tokens').screenshot({ path: screenshotPath('api-tokens-360') });
  await expectPhoneFriendly(phoneJordan.page);
  await phoneJordan.page.locator('#api-tokens').getByRole('link', { name: 'API reference' }).click();
  await expect(phoneJordan.page.getByRole('heading', { level: 1 })).toHaveText('Frontdoor API reference');
  await expect(phoneJordan.page.locator('#problem-rate_limited')).toBeVisible();
  await phoneJordan.page.screenshot({ path: screenshotPath('api-reference-360') });
  await expectAccessible(phoneJordan.page);

  for (const context of [jordan.context, api, phoneJordan.context, alex.context]) {
    await context.close();
  }
});

// The form needs the companies its token may be limited to, which come with the list: while the
// list cannot be read, "New token" says so and reads it again on request.
test('a new token waits, saying why, while the list cannot be read', async ({ browser }) => {
  const { context, page } = await personOn(browser, desktop, 'Sam Rivera');
  await page.goto('/board');
  await hydrated(page);
  await page.route('**/api/list_api_tokens', (route) => route.abort());
  await followLinkTo(page, '/account');
  const section = page.locator('#api-tokens');
  await section.getByRole('button', { name: 'New token' }).click();
  const waiting = section.getByRole('alert').filter({ hasText: 'The companies a token can be limited to could not be loaded.' });
  await expect(waiting).toBeVisible();
  await page.unroute('**/api/list_api_tokens');
  await waiting.getByRole('button', { name: 'Try again' }).click();
  await expect(section.getByLabel('Name')).toBeVisible();
  await expect(section.getByRole('button', { name: 'Make token' })).toBeVisible();
  await context.close();
});
