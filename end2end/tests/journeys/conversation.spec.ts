import { test, expect } from '@playwright/test';
import {
  desktop, expectSameDocument, followLinkTo, holdOnTheWay, hydrated, liveConnected, markDocument, personOn, phone, screenshotPath,
} from '../helpers';

// A client and an agent talk on a request. The agent's internal note never reaches the client;
// the reply does, live, and moves the request along.
test('replies reach the client live; internal notes never do', async ({ browser }) => {
  const client = await personOn(browser, phone, 'Mei Chen');
  await client.page.goto('/requests/new');
  await hydrated(client.page);
  const title = `VPN drops every hour ${Date.now()}`;
  await client.page.getByLabel('Title').fill(title);
  await client.page.getByLabel('Description').fill('Since Monday the VPN disconnects every hour.');
  await client.page.getByRole('button', { name: 'Send request' }).tap();
  const reference = (await client.page.locator('.confirmation .reference').textContent())!.trim();
  await client.page.getByRole('link', { name: 'View request' }).tap();
  await expect(client.page.getByRole('heading', { name: title })).toBeVisible();
  await liveConnected(client.page);
  await markDocument(client.page);

  const agent = await personOn(browser, desktop, 'Jordan Lee');
  await agent.page.goto(`/requests/${reference}`);
  await hydrated(agent.page);
  const message = agent.page.getByLabel('Message');
  await message.fill('Their firewall vendor had an outage: check before replying.');
  await agent.page.getByLabel('Internal note (only the agency sees it)').check();
  await agent.page.getByRole('button', { name: 'Add internal note' }).click();
  await expect(agent.page.locator('.message--note')).toContainText('firewall vendor');
  await expect(message).toHaveValue('');

  await message.fill('Thanks Mei, we are on it. **Could you** tell us your office?');
  await agent.page.getByRole('button', { name: 'Send reply' }).click();
  await expect(agent.page.locator('.message--agency')).toContainText('Could you');

  // The client's open page follows without a reload: the reply and the new status, no note.
  await expect(client.page.locator('.message--agency strong')).toHaveText('Could you');
  // Read out to a screen reader, not drawn over the page: the change is on screen already.
  await expect(client.page.locator('.toast', { hasText: `New message on ${reference}` })).toHaveClass(/visually-hidden/);
  await expect(client.page.locator('.ticket__status .badge')).toHaveText('In progress');
  await expect(client.page.getByText('firewall vendor')).toHaveCount(0);
  await expect(client.page.locator('.message--note')).toHaveCount(0);
  await expectSameDocument(client.page);

  // Jordan starts an internal note while Mei answers: her answer refreshes his page live, and
  // his half-written note stays, still marked internal.
  await message.fill('Draft: ask Priya about the Berlin VPN box');
  await agent.page.getByLabel('Internal note (only the agency sees it)').check();

  await client.page.getByLabel('Add a reply').fill('Berlin office, second floor.');
  await client.page.getByRole('button', { name: 'Send reply' }).tap();
  await expect(client.page.locator('.message--client')).toContainText('Berlin office');
  await expect(client.page.getByLabel('Add a reply')).toHaveValue('');
  await client.page.screenshot({ path: screenshotPath('phone-conversation'), fullPage: true });
  await expect(agent.page.locator('.message--client')).toContainText('Berlin office');
  await expect(message).toHaveValue('Draft: ask Priya about the Berlin VPN box');
  await expect(agent.page.getByLabel('Internal note (only the agency sees it)')).toBeChecked();
  await expect(agent.page.getByRole('button', { name: 'Add internal note' })).toBeVisible();

  // Elsewhere in the app, a note on screen says where to look.
  await client.page.locator('.app-nav').getByRole('link', { name: 'My requests' }).tap();
  await expect(client.page.getByRole('list', { name: 'My requests' })).toBeVisible();
  const replied = await agent.context.request.post('/api/reply', {
    form: { reference, body: 'Found it: the Berlin box restarts every hour.' },
    headers: { Accept: 'application/json' },
  });
  expect(replied.ok(), await replied.text()).toBeTruthy();
  const drawn = client.page.locator('.toast:not(.visually-hidden)', { hasText: `New message on ${reference}` });
  await expect(drawn).toBeVisible();
  await client.page.screenshot({ path: screenshotPath('phone-toast'), fullPage: false });
  await client.page.locator('.ticket-row a', { hasText: title }).tap();
  await expect(client.page.locator('.message--agency').last()).toContainText('restarts every hour');
  await expectSameDocument(client.page);

  // Fixed: the client closes it herself, after a confirmation. The question takes the focus as
  // it opens, and "Not yet" gives it back to the button that asked.
  await client.page.getByRole('button', { name: 'Mark as resolved' }).tap();
  await expect(client.page.getByRole('button', { name: "Yes, it's resolved" })).toBeFocused();
  await client.page.getByRole('button', { name: 'Not yet' }).tap();
  await expect(client.page.getByRole('button', { name: 'Mark as resolved' })).toBeFocused();
  await client.page.getByRole('button', { name: 'Mark as resolved' }).tap();
  await client.page.getByRole('button', { name: "Yes, it's resolved" }).tap();
  await expect(client.page.locator('.ticket__status .badge')).toHaveText('Completed');
  await expect(client.page.getByRole('button', { name: 'Mark as resolved' })).toHaveCount(0);

  await client.context.close();
  await agent.context.close();
});

// A reply still on its way when its writer opens another request: it arrives where it was written,
// and what they start writing on the next request stays there.
test('a reply on its way does not touch the next request', async ({ browser }) => {
  const luis = await personOn(browser, phone, 'Luis Romero');
  const { page, context } = luis;
  const file = async (title: string) => {
    const filed = await context.request.post('/api/create_request', {
      form: { title: `${title} ${Date.now()}`, description: 'Filed for the reply-on-its-way check.' },
      headers: { Accept: 'application/json' },
    });
    expect(filed.ok()).toBeTruthy();
    return (await filed.json()).reference as string;
  };
  const first = await file('Badge reader at the back door');
  const second = await file('Parking permit for a visitor');
  await page.goto(`/requests/${first}`);
  await hydrated(page);
  await markDocument(page);

  // The reply is held on the way long enough to open the other request.
  await holdOnTheWay(context, '**/api/reply');
  const answered = page.waitForResponse('**/api/reply');
  const heardBefore = Number(await page.locator('.live').getAttribute('data-events'));
  await page.getByLabel('Add a reply').fill('The reader beeps but the door stays shut.');
  await page.getByRole('button', { name: 'Send reply' }).click();
  // Straight to the other request, as a notification's link goes: the page stays, its request changes.
  await followLinkTo(page, `/requests/${second}`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Parking permit');
  await page.getByLabel('Add a reply').fill('It is for Thursday morning.');
  // The first request's message being on its way does not hold this one's back.
  // (Asked once, not waited for: waiting, the answer would come and enable it anyway.)
  const send = page.locator('.reply').getByRole('button', { name: /^(Send reply|Sending…)$/ });
  expect(await send.textContent()).toBe('Send reply');
  expect(await send.isEnabled()).toBe(true);

  expect((await answered).ok()).toBeTruthy();
  // The message comes back on the live stream (counted, not announced: it is Luis's own); once the
  // page has handled the answer (two frames on), the second's draft is as typed.
  await expect.poll(async () => Number(await page.locator('.live').getAttribute('data-events'))).toBeGreaterThan(heardBefore);
  await expect(page.locator('.toast', { hasText: `New message on ${first}` })).toHaveCount(0);
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  await expect(page.getByLabel('Add a reply')).toHaveValue('It is for Thursday morning.');
  await expectSameDocument(page);
  await context.unroute('**/api/reply');
  await page.goto(`/requests/${first}`);
  await expect(page.locator('.timeline')).toContainText('The reader beeps but the door stays shut.');
  await context.close();
});

// Someone typing a reply when the other side writes keeps typing: the new message shows up, and
// the reply box keeps its text and its focus (on a phone, a lost focus closes the keyboard).
test('a reply being typed keeps its focus when a message arrives', async ({ browser }) => {
  const mei = await personOn(browser, phone, 'Mei Chen');
  const jordan = await personOn(browser, desktop, 'Jordan Lee');
  const filed = await mei.context.request.post('/api/create_request', {
    form: { title: `Shared drive is read-only ${Date.now()}`, description: 'Since this morning.' },
    headers: { Accept: 'application/json' },
  });
  expect(filed.ok()).toBeTruthy();
  const reference = (await filed.json()).reference as string;
  const { page } = mei;
  await page.goto(`/requests/${reference}`);
  await hydrated(page);
  await liveConnected(page);
  const box = page.getByLabel('Add a reply');
  await box.click();
  await page.keyboard.type('It says ');
  const replied = await jordan.context.request.post('/api/reply', {
    form: { reference, body: 'Which folder is it?' },
    headers: { Accept: 'application/json' },
  });
  expect(replied.ok(), await replied.text()).toBeTruthy();
  await expect(page.locator('.message--agency')).toContainText('Which folder is it?');
  await page.keyboard.type('access denied on Projects.');
  await expect(box).toHaveValue('It says access denied on Projects.');
  await expect(box).toBeFocused();
  await mei.context.close();
  await jordan.context.close();
});
