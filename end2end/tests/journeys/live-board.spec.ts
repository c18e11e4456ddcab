import { test, expect, Page } from '@playwright/test';
import { desktop, expectAccessible, expectSameDocument, hydrated, liveConnected, markDocument, personOn, phone, screenshotPath } from '../helpers';

/** How many live events the page has received so far (the header's live indicator counts them). */
async function eventsReceived(page: Page): Promise<number> {
  return Number(await page.locator('.live').getAttribute('data-events'));
}

// Two agents on their boards and a client on her phone: every change by one shows on the
// others without navigation; agents see each other on a request; and a phone that loses its
// connection gets exactly what it missed once it is back.
test('two boards and a phone stay in step, with presence and a dropped connection', async ({ browser }) => {
  test.setTimeout(120_000);
  const sam = await personOn(browser, desktop, 'Sam Rivera');
  const priya = await personOn(browser, desktop, 'Priya Shah');
  const dana = await personOn(browser, phone, 'Dana Whitfield');
  for (const person of [sam, priya, dana]) {
    await liveConnected(person.page);
    await markDocument(person.page);
  }

  // Dana files a request (through the API her phone's app uses).
  const title = `Scanner offline at the depot ${Date.now()}`;
  const filed = await dana.context.request.post('/api/create_request', {
    form: { title, description: 'The handheld scanners stopped syncing this morning.' },
    headers: { Accept: 'application/json' },
  });
  expect(filed.ok()).toBeTruthy();
  const reference: string = (await filed.json()).reference;

  // Both boards show it without a reload; so does Dana's list.
  for (const board of [sam.page, priya.page]) {
    await expect(board.locator(`.column--new .card[data-ref="${reference}"]`)).toContainText(title);
  }
  const row = dana.page.locator(`.ticket-row[data-ref="${reference}"]`);
  await expect(row).toContainText('New');

  // Sam starts it on his board: Priya's board and Dana's phone follow.
  await sam.page.locator(`.card[data-ref="${reference}"]`).getByRole('button', { name: /^Start/ }).click();
  await expect(priya.page.locator(`.column--in_progress .card[data-ref="${reference}"]`)).toBeVisible();
  await expect(row).toContainText('In progress');
  await sam.page.screenshot({ path: screenshotPath('desktop-live-board') });

  // Both open it: each sees the other, and Priya sees when Sam starts writing.
  await sam.page.goto(`/requests/${reference}`);
  await hydrated(sam.page);
  await priya.page.goto(`/requests/${reference}`);
  await hydrated(priya.page);
  await expect(priya.page.locator('.presence')).toHaveText('Sam Rivera is viewing');
  await expect(sam.page.locator('.presence')).toHaveText('Priya Shah is viewing', { timeout: 15_000 });
  await sam.page.getByLabel('Message').fill('We are restarting the sync service now.');
  await expect(priya.page.locator('.presence')).toHaveText('Sam Rivera is replying', { timeout: 15_000 });
  await priya.page.screenshot({ path: screenshotPath('desktop-presence') });

  // Priya writes too; Sam sends first; Priya is warned before hers goes out.
  await priya.page.getByLabel('Message').fill('I can drive over with spare scanners.');
  await sam.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(sam.page.getByLabel('Message')).toHaveValue('');
  await expect(priya.page.locator('.timeline')).toContainText('We are restarting the sync service now.');
  await priya.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(priya.page.getByRole('alert')).toContainText('Sam Rivera wrote on this request while you were writing');
  await expect(priya.page.getByLabel('Message')).toHaveValue('I can drive over with spare scanners.');
  await expectAccessible(priya.page);
  await priya.page.getByRole('button', { name: 'Send anyway' }).click();
  await expect(priya.page.locator('.timeline')).toContainText('I can drive over with spare scanners.');
  await expect(priya.page.getByLabel('Message')).toHaveValue('');

  // Dana's phone loses its connection while Sam puts the request on hold and asks a question.
  await row.getByRole('link').first().click();
  await liveConnected(dana.page);
  await expect(dana.page.locator('.timeline')).toContainText('I can drive over with spare scanners.');
  const before = await eventsReceived(dana.page);
  await dana.context.setOffline(true);
  await expect(dana.page.locator('.live')).toHaveText('Offline');
  await dana.page.screenshot({ path: screenshotPath('phone-offline') });
  await sam.page.locator('.status-actions').getByRole('button', { name: /^Wait on client/ }).click();
  // Typed once the page shows the new status: the request is drawn again then, and text typed into
  // the reply box at that moment could go to the box being replaced (seen: an empty reply sent).
  await expect(sam.page.locator('.ticket__status .badge')).toHaveText('Waiting on client');
  await sam.page.getByLabel('Message').fill('Which depot is it: north or south?');
  await sam.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(sam.page.locator('.timeline')).toContainText('Which depot is it: north or south?');
  await expect(sam.page.getByLabel('Message')).toHaveValue('');
  await expect(dana.page.locator('.timeline')).not.toContainText('north or south');

  // Back online: both changes arrive, each once, without a reload.
  await dana.context.setOffline(false);
  await liveConnected(dana.page);
  await expect(dana.page.locator('.timeline')).toContainText('Which depot is it: north or south?');
  await expect(dana.page.locator('.steps__item--current')).toHaveText('Waiting on client');
  await expect.poll(() => eventsReceived(dana.page)).toBe(before + 2);
  await expectSameDocument(dana.page);
  await dana.page.screenshot({ path: screenshotPath('phone-back-online') });

  // Her bell counts what she has not seen; opening it lists it and clears the count.
  const bell = dana.page.locator('.bell__button');
  await expect(bell).toHaveAttribute('aria-label', /Notifications, \d+ unread/);
  await bell.tap();
  const panel = dana.page.getByRole('region', { name: 'Notifications' });
  await expect(panel.locator('.bell__item').first()).toContainText('Sam Rivera replied');
  await expect(panel).toContainText('Now Waiting on client');
  await expect(panel).not.toContainText('internal');
  await expect(bell).toHaveAttribute('aria-label', 'Notifications');
  await dana.page.screenshot({ path: screenshotPath('phone-bell') });
  await expectAccessible(dana.page);
  await dana.page.keyboard.press('Escape');
  await expect(panel).toBeHidden();
  for (const person of [sam, priya, dana]) {
    await person.context.close();
  }
});
