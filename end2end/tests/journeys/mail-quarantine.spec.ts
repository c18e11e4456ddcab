import { test, expect, Page } from '@playwright/test';
import { desktop, hydrated, personOn, screenshotPath } from '../helpers';

/** Posts a message without a sender through the mail hook; returns its quarantine id. */
async function unreadableMail(page: Page): Promise<number> {
  const hook = await page.request.post('/inbound/mail', {
    headers: { Authorization: `Bearer ${process.env.FRONTDOOR_INBOUND_SECRET}`, 'Content-Type': 'message/rfc822' },
    data: `Subject: no sender ${Date.now()}\r\n\r\nA script forgot its From line.`,
  });
  const answer = await hook.json();
  expect(answer.outcome).toBe('quarantined');
  return answer.id as number;
}

// An admin retries a message that still cannot be read: the page says so as a problem, not as
// news; dismissing another then says that instead. (Other journeys' unreadable mail comes and
// goes meanwhile: each row is found by its own message's download link.)
test('a retry that still fails reads as a failure; a dismissal replaces it', async ({ browser }) => {
  const { context, page } = await personOn(browser, desktop, 'Alex Morgan');
  const [retried, dismissed] = [await unreadableMail(page), await unreadableMail(page)];
  await page.goto('/admin/mail');
  await hydrated(page);
  const row = (id: number) => page.locator('.quarantine-item', { has: page.locator(`a[href="/mail/quarantine/${id}"]`) });

  await row(retried).getByRole('button', { name: 'Retry' }).click();
  const outcome = page.locator('.outcome-notice');
  await expect(outcome.getByRole('alert')).toContainText('Still unreadable: no usable sender address');
  // Kept anew, under a new number, with this try's error.
  await expect(row(retried)).toHaveCount(0);
  await page.screenshot({ path: screenshotPath('desktop-mail-retry-still-unreadable') });

  await row(dismissed).getByRole('button', { name: 'Dismiss' }).click();
  await row(dismissed).getByRole('alertdialog').getByRole('button', { name: 'Dismiss' }).click();
  await expect(outcome.getByRole('status')).toHaveText(/Dismissed\./);
  await expect(outcome.getByRole('alert')).toHaveCount(0);
  await expect(row(dismissed)).toHaveCount(0);
  await context.close();
});
