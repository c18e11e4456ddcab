import { test, expect } from '@playwright/test';
import { desktop, expectSameDocument, liveConnected, markDocument, personOn, phone, screenshotPath } from '../helpers';

// The slice across every layer: a client on a phone files a request, staff see it arrive on the
// live board, move it, and the client's open page follows, all without reloads.
test('a request travels from a phone to the live board and back', async ({ browser }) => {
  const staff = await personOn(browser, desktop, 'Sam Rivera');
  await expect(staff.page).toHaveURL(/\/board$/);
  await liveConnected(staff.page);
  await markDocument(staff.page);

  const client = await personOn(browser, phone, 'Tom Becker');
  await expect(client.page.getByRole('heading', { name: 'My requests' })).toBeVisible();
  await liveConnected(client.page);
  await markDocument(client.page);

  // 1. New request: an empty title is refused inline, and the description typed stays.
  await client.page.getByRole('link', { name: 'New request' }).first().tap();
  await expect(client.page.getByRole('heading', { name: 'New request' })).toBeVisible();
  const description = 'The booking page shows a blank screen on my phone since this morning.';
  await client.page.getByLabel('Description').fill(description);
  await client.page.getByRole('button', { name: 'Send request' }).tap();
  await expect(client.page.locator('#title-error')).toHaveText(/title/i);
  await expect(client.page.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  await expect(client.page.getByLabel('Description')).toHaveValue(description);

  const title = `Booking page blank on mobile ${Date.now()}`;
  await client.page.getByLabel('Title').fill(title);
  await client.page.getByRole('button', { name: 'Send request' }).tap();
  const confirmation = client.page.locator('.confirmation').filter({ hasText: 'Request received' });
  await expect(confirmation).toBeVisible();
  const reference = (await confirmation.locator('.reference').textContent())!.trim();
  expect(reference).toMatch(/^FD-\d+$/);
  // The send button was at the bottom of a long form: the answer is read from its top.
  await expect(client.page.getByRole('heading', { name: 'Request received' })).toBeFocused();
  await expect.poll(() => client.page.evaluate(() => window.scrollY)).toBe(0);
  await client.page.screenshot({ path: screenshotPath('phone-confirmation') });

  // ... and it is in My requests, reached without a page load.
  await client.page.getByRole('link', { name: 'Back to my requests' }).tap();
  const row = client.page.locator(`.ticket-row[data-ref="${reference}"]`);
  await expect(row).toContainText(title);
  await expect(row).toContainText('New');
  await expectSameDocument(client.page);
  await client.page.screenshot({ path: screenshotPath('phone-my-requests') });

  // 2. The board shows it live, without reload (how fast: docs/benchmarks.md, "Live updates").
  const card = staff.page.locator(`.column--new .card[data-ref="${reference}"]`);
  await expect(card).toBeVisible();
  await expect(card).toContainText(title);
  await expectSameDocument(staff.page);
  await staff.page.screenshot({ path: screenshotPath('desktop-board') });

  // 3. The client opens the request; staff start it; the client's page follows.
  await row.getByRole('link').tap();
  await expect(client.page.getByRole('heading', { name: title })).toBeVisible();
  await expect(client.page.locator('.ticket__status .badge')).toHaveText('New');
  await card.getByRole('button', { name: /^Start/ }).click();
  await expect(staff.page.locator(`.column--in_progress .card[data-ref="${reference}"]`)).toBeVisible();
  await expect(client.page.locator('.ticket__status .badge')).toHaveText('In progress');
  await expect(client.page.getByText(`${reference} is now In progress`)).toBeVisible();
  await expectSameDocument(client.page);
  await expectSameDocument(staff.page);
  await client.page.screenshot({ path: screenshotPath('phone-ticket') });

  await client.context.close();
  await staff.context.close();
});
