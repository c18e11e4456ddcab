import { test, expect } from '@playwright/test';
import { desktop, hydrated, personOn, screenshotPath } from '../helpers';

// An admin retries a message that still cannot be read: the page says so as a problem, not as
// news, and keeps it; dismissing it then says that instead.
test('a retry that still fails reads as a failure; a dismissal replaces it', async ({ browser }) => {
  const { context, page } = await personOn(browser, desktop, 'Alex Morgan');
  const subject = `no sender ${Date.now()}`;
  const hook = await page.request.post('/inbound/mail', {
    headers: { Authorization: `Bearer ${process.env.FRONTDOOR_INBOUND_SECRET}`, 'Content-Type': 'message/rfc822' },
    data: `Subject: ${subject}\r\n\r\nA script forgot its From line.`,
  });
  expect((await hook.json()).outcome).toBe('quarantined');
  await page.goto('/admin/mail');
  await hydrated(page);
  const unreadable = page.locator('.quarantine-item', { hasText: 'No usable sender address' });
  await expect(unreadable.first()).toBeVisible();

  await unreadable.first().getByRole('button', { name: 'Retry' }).click();
  const outcome = page.locator('.outcome-notice');
  await expect(outcome.getByRole('alert')).toContainText('Still unreadable: no usable sender address');
  // Kept, anew (other journeys' unreadable mail may come and go meanwhile: no counting).
  await expect(unreadable.first()).toBeVisible();
  await page.screenshot({ path: screenshotPath('desktop-mail-retry-still-unreadable') });

  await unreadable.first().getByRole('button', { name: 'Dismiss' }).click();
  await unreadable.first().getByRole('alertdialog').getByRole('button', { name: 'Dismiss' }).click();
  await expect(outcome.getByRole('status')).toHaveText(/Dismissed\./);
  await expect(outcome.getByRole('alert')).toHaveCount(0);
  await context.close();
});
