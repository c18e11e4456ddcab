import { test, expect } from '@playwright/test';
import {
  desktop, expectAccessible, expectPhoneFriendly, expectSameDocument, hydrated, liveConnected, markDocument, personOn, phone,
  screenshotPath,
} from '../helpers';

// A PNG of one pixel: a real raster image, so the ticket page previews it.
const pixel = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);

// The whole life of a request at phone size for the client, with the agency's tools on the other
// side: filing with a category and a screenshot, search, a canned reply, an internal note that
// never reaches the client, a task handoff, a merge of a duplicate, completion and reopening.
test('a request from filing to reopening, with the agency tools in between', async ({ browser }) => {
  test.setTimeout(120_000);
  const stamp = Date.now();
  const client = await personOn(browser, phone, 'Omar Haddad');
  const page = client.page;

  // Filing: a category as a large choice, a screenshot, and a promise of when we answer.
  await page.goto('/requests/new');
  await hydrated(page);
  const title = `Gallery images missing ${stamp}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill(`The photo gallery shows empty frames. Word: quokka${stamp}.`);
  await page.getByLabel(/Something is broken/).check();
  await page.getByLabel('Attach files').setInputFiles({ name: 'empty-frames.png', mimeType: 'image/png', buffer: pixel });
  await expect(page.locator('.attach__file')).toContainText('empty-frames.png');
  await page.screenshot({ path: screenshotPath('phone-new-request-filled'), fullPage: true });
  await expectAccessible(page);
  await expectPhoneFriendly(page);
  await page.getByRole('button', { name: 'Send request' }).tap();
  await expect(page.locator('.confirmation')).toContainText('within 1 business day');
  const reference = (await page.locator('.confirmation .reference').textContent())!.trim();
  await page.screenshot({ path: screenshotPath('phone-request-received'), fullPage: true });
  await page.getByRole('link', { name: 'View request' }).tap();
  await expect(page.getByRole('heading', { name: title })).toBeVisible();
  await expect(page.locator('.ticket__facts')).toContainText('Something is broken');
  await expect(page.locator('.files__preview')).toBeVisible();
  const download = page.getByRole('link', { name: 'empty-frames.png' });
  await expectAccessible(page);
  await expectPhoneFriendly(page);
  const response = await page.request.get((await download.getAttribute('href'))!);
  expect(response.headers()['content-type']).toBe('image/png');
  expect(response.headers()['content-disposition']).toMatch(/^attachment;/);

  // Search from My requests: results with the match highlighted, without a page load.
  await page.goto('/');
  await hydrated(page);
  await markDocument(page);
  await page.getByLabel('Search my requests').fill(`quokka${stamp}`);
  await page.getByRole('button', { name: 'Search' }).tap();
  await expect(page).toHaveURL(/q=quokka/);
  const hit = page.getByRole('list', { name: 'Search results' }).locator('.ticket-row');
  await expect(hit).toHaveCount(1);
  await expect(hit.locator('mark').first()).toContainText(`quokka${stamp}`, { ignoreCase: true });
  await expectSameDocument(page);
  await page.screenshot({ path: screenshotPath('phone-search'), fullPage: true });
  await expectAccessible(page);
  await expectPhoneFriendly(page);
  await page.getByRole('link', { name: 'Clear' }).tap();
  await expect(page.getByRole('list', { name: 'My requests' })).toBeVisible();
  await expectSameDocument(page);

  // The agent: triage, a canned reply with the contact's name filled in, an internal note.
  const agent = await personOn(browser, desktop, 'Priya Shah');
  const desk = agent.page;
  await desk.goto(`/requests/${reference}`);
  await hydrated(desk);
  const triage = desk.getByRole('form', { name: 'Triage' });
  await triage.getByLabel('Priority').selectOption('high');
  await triage.getByLabel('Assignee').selectOption({ label: 'Priya Shah' });
  await triage.getByRole('button', { name: 'Save triage' }).click();
  await expect(desk.locator('.ticket__facts')).toContainText('Priya Shah is on it');
  await desk.getByLabel('Canned reply').selectOption({ label: 'Need more details' });
  const message = desk.getByLabel('Message');
  await expect(message).toHaveValue(/^Hi Omar,/);
  await expect(message).toHaveValue(/Priya Shah$/);
  await desk.getByRole('button', { name: 'Send reply' }).click();
  await expect(desk.locator('.message--agency')).toContainText('Hi Omar');
  const secret = `SECRET-NOTE-${stamp}`;
  await message.fill(`${secret}: their CDN cache is stale.`);
  await desk.getByLabel('Internal note (only the agency sees it)').check();
  await desk.getByRole('button', { name: 'Add internal note' }).click();
  await expect(desk.locator('.message--note')).toContainText(secret);

  // Hand-off into a task with a checklist; finishing the last one prompts the owner. The client
  // writes while the form is half filled in: the reply shows up live and what was typed stays.
  await liveConnected(desk);
  await desk.getByText('Add a task').click();
  const taskForm = desk.getByRole('form', { name: 'New task' });
  await taskForm.getByLabel('New task').fill('Purge the CDN cache');
  await taskForm.getByLabel('Assignee').selectOption({ label: 'Sam Rivera' });
  await taskForm.getByLabel('Checklist (one item per line)').fill('Purge\nVerify gallery');
  await triage.getByLabel('Tags').fill('cdn, gallery');
  await page.goto(`/requests/${reference}`);
  await hydrated(page);
  await page.getByLabel('Add a reply').fill(`Still empty frames ${stamp}.`);
  await page.getByRole('button', { name: 'Send reply' }).tap();
  await expect(desk.locator('.message', { hasText: `Still empty frames ${stamp}.` })).toBeVisible();
  await expect(taskForm.getByLabel('New task')).toHaveValue('Purge the CDN cache');
  await expect(taskForm.getByLabel('Checklist (one item per line)')).toHaveValue('Purge\nVerify gallery');
  await expect(taskForm.getByLabel('Assignee').locator('option:checked')).toHaveText('Sam Rivera');
  await expect(triage.getByLabel('Tags')).toHaveValue('cdn, gallery');
  await taskForm.getByRole('button', { name: 'Add task' }).click();
  const task = desk.locator('.task', { hasText: 'Purge the CDN cache' });
  await expect(task).toContainText('Sam Rivera');
  // Sam, who the task went to, finishes it on his own screen: the request's owner is prompted.
  const assignee = await personOn(browser, desktop, 'Sam Rivera');
  const sams = assignee.page;
  await sams.goto(`/requests/${reference}`);
  await hydrated(sams);
  await liveConnected(sams);
  const samsTask = sams.locator('.task', { hasText: 'Purge the CDN cache' });
  // A tick that cannot reach the server is taken back, and says why.
  await assignee.context.setOffline(true);
  await samsTask.getByLabel('Purge', { exact: true }).click();
  await expect(sams.locator('details.panel', { has: samsTask }).getByText("We couldn't reach the server.")).toBeVisible();
  await expect(samsTask.getByLabel('Purge', { exact: true })).not.toBeChecked();
  await samsTask.screenshot({ path: screenshotPath('desktop-checklist-tick-refused') });
  await assignee.context.setOffline(false);
  await samsTask.getByLabel('Purge', { exact: true }).check();
  await samsTask.getByRole('button', { name: 'Mark task done' }).click();
  const allDone = `All tasks on ${reference} are done`;
  // A call to action: drawn even on the request it is about (news such as a message is only read out there).
  await expect(desk.locator('.toast:not(.visually-hidden)', { hasText: allDone })).toBeVisible();
  await expect(desk.locator('.task--done')).toHaveCount(1);
  // Sam's page heard the same change (it counts it) but does not announce his own doing to him.
  const heard = Number(await desk.locator('.live').getAttribute('data-last-event'));
  await expect.poll(async () => Number(await sams.locator('.live').getAttribute('data-last-event'))).toBeGreaterThanOrEqual(heard);
  await expect(sams.locator('.task--done')).toHaveCount(1);
  await expect(sams.locator('.toast', { hasText: allDone })).toHaveCount(0);
  await assignee.context.close();
  await desk.screenshot({ path: screenshotPath('desktop-ticket-staff'), fullPage: true });
  await expectAccessible(desk);

  // The client's surfaces: the reply is there, the note and the task are not, anywhere.
  await page.goto(`/requests/${reference}`);
  await expect(page.locator('.message--agency')).toContainText('Hi Omar');
  await expect(page.locator('.ticket__status .badge')).toHaveText('In progress');
  await expect(page.getByText(secret)).toHaveCount(0);
  await expect(page.getByText('Purge the CDN cache')).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await page.goto(`/?q=${secret}`);
  await expect(page.getByText('No matching requests')).toBeVisible();
  await page.goto('/');
  expect(await page.content()).not.toContain(secret);

  // A duplicate filed by the same client is merged into the first request.
  await page.goto('/requests/new');
  await hydrated(page);
  await page.getByLabel('Title').fill(`Gallery still broken ${stamp}`);
  await page.getByLabel('Description').fill('Same problem as before, sorry for filing twice.');
  await page.getByRole('button', { name: 'Send request' }).tap();
  const duplicate = (await page.locator('.confirmation .reference').textContent())!.trim();
  await desk.goto(`/requests/${duplicate}`);
  await hydrated(desk);
  await desk.getByText('Merge into another request').click();
  const continues = desk.getByLabel('The request that continues');
  await continues.fill('FD-1');
  await desk.getByRole('button', { name: 'Merge…' }).click();
  // The question names what it would do, and follows the field while open.
  const question = desk.getByRole('alertdialog', { name: 'Confirm merge' });
  await expect(question).toContainText(`Merge ${duplicate} into FD-1?`);
  await continues.fill(reference);
  await expect(question).toContainText(`Merge ${duplicate} into ${reference}?`);
  await question.getByRole('button', { name: 'Merge', exact: true }).click();
  await expect(desk.locator('.notice--info')).toContainText(`merged into ${reference}`);
  await page.goto(`/requests/${duplicate}`);
  await hydrated(page);
  await expect(page.locator('.notice--info')).toContainText(`merged into ${reference}`);
  // With the server out of reach, following the link does not leave the duplicate on screen
  // under the other request's address: the page says it could not reach the server.
  await page.route('**/api/get_ticket', (route) => route.abort());
  await page.locator('.notice--info').getByRole('link', { name: reference }).tap();
  await expect(page).toHaveURL(new RegExp(`/requests/${reference}$`));
  await expect(page.getByText("We couldn't reach the server")).toBeVisible();
  await expect(page.getByRole('heading', { name: `Gallery still broken ${stamp}` })).toHaveCount(0);
  await page.unroute('**/api/get_ticket');
  await page.goto(`/requests/${reference}`);
  await expect(page.locator('.message')).toContainText(['Same problem as before']);

  // Completed, then reopened by the client's reply, live on both sides.
  await desk.goto(`/requests/${reference}`);
  await hydrated(desk);
  await desk.locator('.status-actions').getByRole('button', { name: /Completed/ }).click();
  await expect(desk.locator('.ticket__status .badge')).toHaveText('Completed');
  await hydrated(page);
  await liveConnected(page);
  await expect(page.locator('.ticket__status .badge')).toHaveText('Completed');
  await page.getByLabel('Add a reply').fill('The gallery is empty again on my phone.');
  await page.getByRole('button', { name: 'Send reply' }).tap();
  await expect(page.locator('.ticket__status .badge')).toHaveText('In progress');
  await expect(desk.locator('.ticket__status .badge')).toHaveText('In progress');
  await page.screenshot({ path: screenshotPath('phone-ticket-reopened'), fullPage: true });

  await client.context.close();
  await agent.context.close();
});

// "Talk to a person" from any client page flags the request at the top of the board.
test('a client asks for a call back and the board shows it first', async ({ browser }) => {
  const client = await personOn(browser, phone, 'Tom Becker');
  await client.page.getByRole('link', { name: 'Talk to a person' }).tap();
  await hydrated(client.page);
  await client.page.getByLabel('Phone number (for a call)').fill('call me');
  await client.page.getByRole('button', { name: 'Call me back' }).tap();
  await expect(client.page.locator('#phone-error')).toContainText('phone number');
  await expect(client.page.getByLabel('What is it about? (optional)')).toBeVisible();
  await client.page.getByLabel('What is it about? (optional)').fill(`Quote for a new site ${Date.now()}`);
  await client.page.getByLabel('Phone number (for a call)').fill('+1 555 010 7788');
  await client.page.getByRole('button', { name: 'Call me back' }).tap();
  await expect(client.page.getByRole('heading', { name: 'A person will get back to you' })).toBeVisible();
  const reference = (await client.page.locator('.confirmation strong').textContent())!.trim();
  await client.page.screenshot({ path: screenshotPath('phone-talk-to-a-person'), fullPage: true });
  await expectAccessible(client.page);
  await expectPhoneFriendly(client.page);

  const agent = await personOn(browser, desktop, 'Sam Rivera');
  const first = agent.page.locator('.column--new .card').first();
  await expect(first).toHaveAttribute('data-ref', reference);
  await expect(first.locator('.card__callback')).toBeVisible();
  await agent.page.goto('/desk');
  await expect(agent.page.getByRole('heading', { name: 'Desk settings' })).toHaveCount(0);
  await agent.page.goto('/board?assignee=none');
  await hydrated(agent.page);
  await expectAccessible(agent.page);
  await client.context.close();
  await agent.context.close();
});

// In a company that shares requests, a colleague follows someone else's request.
test('a colleague follows a request of her company', async ({ browser }) => {
  const colleague = await personOn(browser, phone, 'Dana Whitfield');
  const page = colleague.page;
  const row = page.locator('.ticket-row', { hasNotText: 'Dana Whitfield' }).first();
  await row.locator('a').tap();
  await hydrated(page);
  const follow = page.getByRole('button', { name: /^Follow/ });
  if ((await follow.getAttribute('aria-pressed')) === 'true') {
    await follow.tap();
    await expect(follow).toHaveAttribute('aria-pressed', 'false');
  }
  await follow.tap();
  await expect(follow).toHaveAttribute('aria-pressed', 'true');
  await expect(page.locator('.followers')).toContainText('Followed by Dana Whitfield');
  await expectAccessible(page);
  await colleague.context.close();
});
