import { test, expect } from '@playwright/test';
import {
  desktop, expectAccessible, expectSameDocument, followLinkTo, holdOnTheWay, hydrated, liveConnected, mailedLink, markDocument, personOn, phone,
  screenshotPath,
} from '../helpers';

// "Was this resolved?": the prompt appears on the client's phone the moment the request is
// completed, "No" reopens it, and the link in the completion email answers signed out without
// opening the request.
test('a completed request asks whether it was resolved, in the portal and by email', async ({ browser }) => {
  const tom = await personOn(browser, phone, 'Tom Becker');
  const title = `Shared calendar not syncing ${Date.now()}`;
  const filed = await tom.context.request.post('/api/create_request', {
    form: { title, description: 'Since Monday.' },
    headers: { Accept: 'application/json' },
  });
  expect(filed.ok()).toBeTruthy();
  const reference = (await filed.json()).reference as string;
  await tom.page.goto(`/requests/${reference}`);
  await liveConnected(tom.page);
  await markDocument(tom.page);
  // Live changes redraw what changed: the page's loading state never comes back over it (it
  // did with every read of the bell, and a tap at that moment went nowhere).
  await tom.page.evaluate(() => {
    const seen = window as unknown as { loadingShown: number };
    seen.loadingShown = 0;
    new MutationObserver(() => {
      if (document.querySelector('.page-loading')) seen.loadingShown += 1;
    }).observe(document.body, { childList: true, subtree: true });
  });
  const prompt = tom.page.getByRole('region', { name: 'Was this resolved?' });
  await expect(prompt).toHaveCount(0);

  const sam = await personOn(browser, desktop, 'Sam Rivera');
  const move = async (status: string) => {
    const answer = await sam.context.request.post('/api/change_status', {
      form: { reference, status },
      headers: { Accept: 'application/json' },
    });
    expect(answer.ok(), await answer.text()).toBeTruthy();
  };
  await move('in_progress');
  await move('completed');

  // Live, without a reload.
  await expect(prompt).toBeVisible();
  await expectSameDocument(tom.page);
  // Its progress: done up to In progress, never waited on the client, completed now.
  const steps = tom.page.getByRole('list', { name: 'Progress' }).getByRole('listitem');
  await expect(steps).toHaveClass([/--done/, /--done/, /--skipped/, /--current/]);
  await tom.page.screenshot({ path: screenshotPath('phone-feedback-prompt'), fullPage: true });
  await expectAccessible(tom.page);
  // A reply from the agency arrives while the comment is being written: the page shows it live and
  // keeps the comment, and its box keeps the focus (the rest of the typing lands there).
  const comment = prompt.getByLabel('Anything to add? (optional)');
  await comment.click();
  await tom.page.keyboard.type('Still not syncing ');
  const replied = await sam.context.request.post('/api/reply', {
    form: { reference, body: 'Closing this: the sync was fixed on our side.' },
    headers: { Accept: 'application/json' },
  });
  expect(replied.ok(), await replied.text()).toBeTruthy();
  await expect(tom.page.locator('.message--agency')).toContainText('the sync was fixed');
  await tom.page.keyboard.type('on my phone.');
  await expect(comment).toHaveValue('Still not syncing on my phone.');
  await expect(comment).toBeFocused();
  await prompt.getByRole('button', { name: 'No, reopen it' }).tap();
  await expect(tom.page.locator('.ticket__status')).toContainText('In progress');
  await expect(prompt).toContainText('You said this was not resolved');
  expect(await tom.page.evaluate(() => (window as unknown as { loadingShown: number }).loadingShown)).toBe(0);

  // Completed again: the email link answers, signed out, and opens nothing else.
  const previous = await mailedLink('tom@bluebird.example', undefined, /https?:\/\/\S+\/feedback\/[\w.-]+/).catch(() => undefined);
  await move('completed');
  const link = await mailedLink('tom@bluebird.example', previous, /https?:\/\/\S+\/feedback\/[\w.-]+/);
  const stranger = await browser.newContext({ ...phone, baseURL: process.env.FRONTDOOR_URL });
  const page = await stranger.newPage();
  await page.goto(`${new URL(link).pathname}?answer=yes`);
  await expect(page.getByRole('heading', { name: `Was ${reference} resolved?` })).toBeVisible();
  await expect(page.locator('body')).not.toContainText(title);
  await page.screenshot({ path: screenshotPath('phone-feedback-link') });
  await expectAccessible(page);
  await page.getByRole('button', { name: 'Yes, resolved' }).tap();
  await expect(page.getByRole('heading', { name: 'Thank you' })).toBeVisible();
  await page.goto(`/requests/${reference}`);
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.locator('body')).not.toContainText(title);

  // The requester's page shows the changed answer.
  await expect(prompt).toContainText('You said this was resolved');

  for (const context of [tom.context, sam.context, stranger]) {
    await context.close();
  }
});

// An answer still on its way when its writer opens another completed request: it lands where it
// was given, and the next request's prompt is neither held back nor cleared by it.
test('an answer on its way does not touch the next request', async ({ browser }) => {
  const ingrid = await personOn(browser, phone, 'Ingrid Larsen');
  const sam = await personOn(browser, desktop, 'Sam Rivera');
  const completed = async (title: string) => {
    const filed = await ingrid.context.request.post('/api/create_request', {
      form: { title: `${title} ${Date.now()}`, description: 'Filed for the answer-on-its-way check.' },
      headers: { Accept: 'application/json' },
    });
    expect(filed.ok()).toBeTruthy();
    const reference = (await filed.json()).reference as string;
    for (const status of ['in_progress', 'completed']) {
      const moved = await sam.context.request.post('/api/change_status', {
        form: { reference, status },
        headers: { Accept: 'application/json' },
      });
      expect(moved.ok(), await moved.text()).toBeTruthy();
    }
    return reference;
  };
  const first = await completed('Projector in room 2 flickers');
  const second = await completed('Printer on floor 3 jams');
  const { page, context } = ingrid;
  await page.goto(`/requests/${first}`);
  await hydrated(page);
  await markDocument(page);

  await holdOnTheWay(context, '**/api/give_feedback');
  const answered = page.waitForResponse('**/api/give_feedback');
  const prompt = page.getByRole('region', { name: 'Was this resolved?' });
  await prompt.getByLabel('Anything to add? (optional)').fill('A new cable fixed it.');
  await prompt.getByRole('button', { name: 'Yes, resolved' }).tap();
  await followLinkTo(page, `/requests/${second}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Printer on floor 3');
  await prompt.getByLabel('Anything to add? (optional)').fill('It still jams on thick paper.');
  // Asked once, not waited for: waiting, the first answer would come and enable them anyway.
  expect(await prompt.getByRole('button', { name: 'Yes, resolved' }).isEnabled()).toBe(true);
  expect(await prompt.getByRole('button', { name: 'No, reopen it' }).isEnabled()).toBe(true);
  expect((await answered).ok()).toBeTruthy();
  // Once the page has handled the answer (two frames on), the second prompt is as it was.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await expect(prompt.getByLabel('Anything to add? (optional)')).toHaveValue('It still jams on thick paper.');
  await expect(prompt).not.toContainText('You said');
  await expectSameDocument(page);
  await context.unroute('**/api/give_feedback');
  await page.goto(`/requests/${first}`);
  await expect(prompt).toContainText('You said this was resolved');
  await expect(prompt).toContainText('A new cable fixed it.');

  await ingrid.context.close();
  await sam.context.close();
});
