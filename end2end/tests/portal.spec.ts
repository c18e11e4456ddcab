import { test, expect, Page } from '@playwright/test';
import {
  desktop, expectAccessible, expectPhoneFriendly, expectSameDocument, holdAppCode, hydrated, liveConnected, markDocument,
  personOn, phone, screenshotPath, signInAs,
} from './helpers';

test('signed-out visitors are sent to sign in', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  await expectAccessible(page);
});

test('a client files a request with a clear error first, and keeps what was typed', async ({ page }, testInfo) => {
  await signInAs(page, 'Luis Romero');
  await expect(page.getByRole('heading', { name: 'My requests' })).toBeVisible();
  await expectAccessible(page);
  if (testInfo.project.name === 'phone') await expectPhoneFriendly(page);

  await page.goto('/requests/new');
  await hydrated(page);
  await page.getByLabel('Title').fill('   ');
  await page.getByLabel('Description').fill('Line one\nLine two');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('#title-error')).toHaveText('Give your request a short title.');
  await expect(page.getByLabel('Description')).toHaveValue('Line one\nLine two');
  await expectAccessible(page);
  if (testInfo.project.name === 'phone') await expectPhoneFriendly(page);

  // A title alone is not enough either; the title typed stays too.
  await page.getByLabel('Title').fill('VPN drops every hour');
  await page.getByLabel('Description').fill('');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.locator('#description-error')).toContainText('Tell us what you need');
  await expect(page.locator('#title-error')).toBeHidden();
  await expect(page.getByLabel('Title')).toHaveValue('VPN drops every hour');

  await page.getByLabel('Description').fill('Since Monday, around the hour.');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByRole('heading', { name: 'Request received' })).toBeVisible();
  const reference = (await page.locator('.confirmation .reference').textContent())!.trim();

  // "File another" brings back an empty form.
  await page.getByRole('button', { name: 'File another request' }).click();
  await expect(page.getByLabel('Title')).toHaveValue('');

  // The request page shows what was filed, escaped as plain text.
  await page.goto(`/requests/${reference}`);
  await expect(page.getByRole('heading', { name: 'VPN drops every hour' })).toBeVisible();
  await expect(page.locator('.ticket__status .badge')).toHaveText('New');
  await expect(page.getByText('Luis Romero filed the request')).toBeVisible();
  await expectAccessible(page);
});

test('files past the five a request takes are named as left out, not dropped silently', async ({ page }) => {
  await signInAs(page, 'Luis Romero');
  await page.goto('/requests/new');
  await hydrated(page);
  const text = (name: string) => ({ name, mimeType: 'text/plain', buffer: Buffer.from(`notes ${name}`) });
  const picker = page.getByLabel('Attach files');
  await picker.setInputFiles(['a1.txt', 'a2.txt', 'a3.txt', 'a4.txt'].map(text));
  await expect(page.locator('.attach__file')).toHaveCount(4);
  await picker.setInputFiles(['b1.txt', 'b2.txt', 'b3.txt'].map(text));
  await expect(page.locator('.attach__file')).toHaveCount(5);
  await expect(page.locator('.attach__list')).toContainText('b1.txt');
  await expect(page.locator('#attachments-error')).toHaveText('Attach at most 5 files: “b2.txt”, “b3.txt” left out.');
  await expect(picker).toBeDisabled();
  await expectAccessible(page);

  // One removed and another added: the form still sends, with the five on the list.
  await page.getByRole('button', { name: 'Remove a1.txt' }).click();
  await picker.setInputFiles([text('c1.txt')]);
  await expect(page.locator('.attach__file')).toHaveCount(5);
  await page.getByLabel('Title').fill('Five files after a change of mind');
  await page.getByLabel('Description').fill('The notes are attached.');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByRole('heading', { name: 'Request received' })).toBeVisible();
  const reference = (await page.locator('.confirmation .reference').textContent())!.trim();
  await page.goto(`/requests/${reference}`);
  const files = page.getByRole('list', { name: 'Attached files' }).getByRole('link');
  await expect(files).toHaveText(['a2.txt', 'a3.txt', 'a4.txt', 'b1.txt', 'c1.txt']);
});

test('a request waits for its files to finish uploading before it can be sent', async ({ page }) => {
  await signInAs(page, 'Luis Romero');
  await page.goto('/requests/new');
  await hydrated(page);
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/files', async (route) => { await held; await route.continue(); });
  await page.getByLabel('Title').fill('Scanner jams on page two');
  await page.getByLabel('Description').fill('A photo of the jam is attached.');
  await page.getByLabel('Attach files').setInputFiles({ name: 'jam.txt', mimeType: 'text/plain', buffer: Buffer.from('jam') });
  const send = page.locator('form.form button[type=submit]');
  await expect(send).toHaveText('Waiting for files…');
  await expect(send).toBeDisabled();
  release();
  await expect(send).toHaveText('Send request');
  await send.click();
  await expect(page.getByRole('heading', { name: 'Request received' })).toBeVisible();
});

test('an answer that is not the server\'s (a proxy\'s error page) keeps the request to send later', async ({ page }, testInfo) => {
  await signInAs(page, 'Luis Romero');
  await page.goto('/requests/new');
  await hydrated(page);
  await page.route('**/api/create_request', (route) =>
    route.fulfill({ status: 502, contentType: 'text/html', body: '<html><body><h1>502 Bad Gateway</h1></body></html>' }));
  const title = `Printer queue stuck ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  await page.getByLabel('Description').fill('Jobs sit in the queue since the update.');
  await page.getByRole('button', { name: 'Send request' }).click();
  await expect(page.getByRole('heading', { name: 'Saved on this device' })).toBeVisible();
  await expect(page.getByText('malformed')).toHaveCount(0);

  // Opening My requests sends it; this time the server turns it down. What was written stays
  // readable, and it can be sent again once the cause is fixed.
  await page.unroute('**/api/create_request');
  await page.route('**/api/create_request', (route) => route.fulfill({
    status: 422, contentType: 'application/json',
    body: JSON.stringify({ Validation: { field: 'title', message: 'Titles are being checked; try again shortly.' } }),
  }));
  await page.getByRole('link', { name: 'Back to my requests' }).click();
  const waiting = page.getByRole('region', { name: 'Waiting to be sent' });
  await expect(waiting).toContainText('Not sent: Titles are being checked; try again shortly.');
  await waiting.getByText('What you wrote').click();
  await expect(waiting).toContainText('Jobs sit in the queue since the update.');
  await page.screenshot({ path: screenshotPath(`outbox-refused-${testInfo.project.name}`) });
  await expectAccessible(page);
  await page.unroute('**/api/create_request');
  await waiting.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('region', { name: 'Sent from this device' })).toContainText(title, { timeout: 15_000 });
});

test('"Show more" keeps its rows through live updates, and the keyboard goes on at the first new row', async ({ browser }) => {
  const luis = await personOn(browser, phone, 'Luis Romero');
  const page = luis.page;
  await page.goto('/?filter=closed');
  await hydrated(page);
  await liveConnected(page);
  const rows = page.getByRole('list', { name: 'My requests' }).locator('.ticket-row');
  await expect(rows).toHaveCount(25);
  await page.getByRole('button', { name: 'Show more' }).focus();
  await page.keyboard.press('Enter');
  await expect.poll(() => rows.count()).toBeGreaterThan(25);
  const shown = await rows.count();
  await expect(rows.nth(25).locator('a').first()).toBeFocused();

  // A request of his is completed meanwhile: the list is read again, every page of it.
  const filed = await page.request.post('/api/create_request', {
    form: { title: `Closed while scrolled ${Date.now()}`, description: 'Done while he looked at older ones.' },
    headers: { Accept: 'application/json' },
  });
  expect(filed.ok(), await filed.text()).toBeTruthy();
  const reference = (await filed.json()).reference as string;
  const sam = await personOn(browser, desktop, 'Sam Rivera');
  for (const status of ['in_progress', 'completed']) {
    const moved = await sam.context.request.post('/api/change_status', {
      form: { reference, status },
      headers: { Accept: 'application/json' },
    });
    expect(moved.ok(), await moved.text()).toBeTruthy();
  }
  await expect(rows).toHaveCount(shown + 1);
  await expect(page.locator(`.ticket-row[data-ref="${reference}"]`)).toBeVisible();
  await sam.context.close();
  await luis.context.close();
});

test('what people type is shown as text, never run as markup', async ({ page }) => {
  await signInAs(page, 'Mei Chen');
  await page.goto('/requests/new');
  await hydrated(page);
  let dialogs = 0;
  page.on('dialog', async (dialog) => { dialogs++; await dialog.dismiss(); });
  const hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
  await page.getByLabel('Title').fill(`Markup ${hostile}`);
  await page.getByLabel('Description').fill(hostile);
  await page.getByRole('button', { name: 'Send request' }).click();
  await page.getByRole('link', { name: 'View request' }).click();
  await expect(page.locator('.ticket__title')).toHaveText(`Markup ${hostile}`);
  await expect(page.locator('.prose')).toHaveText(hostile);
  await page.reload(); // the server-rendered page too
  await expect(page.locator('.prose')).toHaveText(hostile);
  expect(dialogs).toBe(0);
  expect(await page.locator('.ticket img').count()).toBe(0);
});

test('a client cannot open another company\'s request, nor the board', async ({ page }) => {
  // Grace (Bluebird) files a request; Luis (Acme) tries its address.
  await signInAs(page, 'Grace Okafor');
  await page.goto('/requests/new');
  await hydrated(page);
  await page.getByLabel('Title').fill('Bluebird only');
  await page.getByLabel('Description').fill('Private to Bluebird');
  await page.getByRole('button', { name: 'Send request' }).click();
  const reference = (await page.locator('.confirmation .reference').textContent())!.trim();
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);

  await signInAs(page, 'Luis Romero');
  await page.goto(`/requests/${reference}`);
  await expect(page.getByRole('heading', { name: 'Request not found' })).toBeVisible();
  await expect(page.getByText('Private to Bluebird')).toHaveCount(0);
  await page.goto('/board');
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole('heading', { name: 'My requests' })).toBeVisible();
});

test('staff see the board with every status and can open a ticket', async ({ page }) => {
  await signInAs(page, 'Priya Shah');
  await expect(page).toHaveURL(/\/board$/);
  for (const column of ['New', 'In progress', 'Waiting on client', 'Completed']) {
    await expect(page.getByRole('heading', { name: new RegExp(`^${column}`) })).toBeVisible();
  }
  await expectAccessible(page);
  // Other tests change the board live meanwhile: follow this card by its reference.
  const reference = await page.locator('.card').first().getAttribute('data-ref');
  await page.locator(`.card[data-ref="${reference}"] .card__link`).click();
  await expect(page).toHaveURL(new RegExp(`/requests/${reference}$`));
  await expect(page.getByRole('link', { name: '← Queue board' })).toBeVisible();
});

test('an unknown address gets a helpful 404', async ({ page }) => {
  const response = await page.goto('/no/such/page');
  expect(response?.status()).toBe(404);
  await expect(page.getByRole('heading', { name: "We couldn't find that page" })).toBeVisible();
});

test('people sign in with email and password; a wrong password keeps the email typed', async ({ page }) => {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByRole('textbox', { name: 'Email' }).fill('kenji@northwind.example');
  await page.getByLabel('Password').fill('wrong password');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.locator('#password-error')).toHaveText("That email and password don't match.");
  await expect(page.getByRole('textbox', { name: 'Email' })).toHaveValue('kenji@northwind.example');

  await page.getByLabel('Password').fill('frontdoor-demo');
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'My requests' })).toBeVisible();
  await expect(page.locator('.app-header')).toContainText('Kenji Watanabe');
});

test('my requests switch lists without a page load, and the address says which', async ({ page }) => {
  await signInAs(page, 'Dana Whitfield');
  // A tab tapped before the app has taken over the page is an ordinary link: a page load.
  await hydrated(page);
  await markDocument(page);
  const tabs = page.getByRole('navigation', { name: 'Which requests' });
  await expect(tabs.getByRole('link', { name: 'All open' })).toHaveAttribute('aria-current', 'page');
  await tabs.getByRole('link', { name: 'Closed (30 days)' }).click();
  await expect(page).toHaveURL(/\?filter=closed$/);
  await expect(tabs.getByRole('link', { name: 'Closed (30 days)' })).toHaveAttribute('aria-current', 'page');
  await expect(page.locator('.ticket-row .badge').first()).toHaveText('Completed');
  await tabs.getByRole('link', { name: 'Waiting on me' }).click();
  await expect(page).toHaveURL(/\?filter=waiting$/);
  await page.goBack();
  await expect(page).toHaveURL(/\?filter=closed$/);
  await expectSameDocument(page);
});

test('with the server out of reach, another list never shows the one before under its name', async ({ page }) => {
  await signInAs(page, 'Dana Whitfield');
  await hydrated(page);
  await markDocument(page);
  const tabs = page.getByRole('navigation', { name: 'Which requests' });
  const list = page.getByRole('list', { name: 'My requests' });
  await expect(list.locator('.ticket-row').first()).toBeVisible();
  const openOnes = await list.locator('.ticket-row .badge').allTextContents();
  expect(openOnes).not.toContain('Completed');

  await page.route('**/api/list_my_requests', (route) => route.abort());
  await tabs.getByRole('link', { name: 'Closed (30 days)' }).click();
  await expect(page).toHaveURL(/\?filter=closed$/);
  await expect(page.getByText("We couldn't reach the server")).toBeVisible();
  await expect(list).toHaveCount(0);

  // Back on the list it last read, that list is shown again while the server stays away.
  await tabs.getByRole('link', { name: 'All open' }).click();
  await expect(list.locator('.ticket-row').first()).toBeVisible();
  await page.unroute('**/api/list_my_requests');
  await expectSameDocument(page);
});

test('categories that cannot be loaded are said, with a way to load them again, and the request still goes', async ({ page }) => {
  await signInAs(page, 'Dana Whitfield');
  await hydrated(page);
  await markDocument(page);
  await page.route('**/api/list_categories', (route) => route.abort());
  await page.locator('a[href="/requests/new"]:visible').first().click();
  await expect(page).toHaveURL(/\/requests\/new$/);
  const title = `Printer queue stuck ${Date.now()}`;
  await page.getByLabel('Title').fill(title);
  const failed = page.getByRole('alert').filter({ hasText: 'The categories could not be loaded' });
  await expect(failed).toContainText("We couldn't reach the server");
  await expect(failed).toContainText("we'll sort it for you");
  for (const [name, size] of [['categories-failed-360', { width: 360, height: 740 }], ['categories-failed-desktop', desktop.viewport]] as const) {
    await page.setViewportSize(size);
    await failed.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath(name) });
  }

  await page.unroute('**/api/list_categories');
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(page.getByRole('radio', { name: /Not sure/ })).toBeChecked();
  await expect(failed).toBeHidden();
  await expect(page.getByLabel('Title')).toHaveValue(title);
  await expectSameDocument(page);
});

test('signing out another device shows it is under way, and that device is signed out', async ({ browser }) => {
  const grace = await personOn(browser, phone, 'Grace Okafor');
  const firefox = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0';
  const other = await personOn(browser, { ...desktop, userAgent: firefox }, 'Grace Okafor');
  await grace.page.goto('/account');
  await hydrated(grace.page);
  const row = grace.page.locator('.session', { hasText: 'Firefox on Windows' });
  await expect(row).toHaveCount(1);

  // The answer is held back a moment: the button says what it is doing and cannot be pressed twice.
  let release!: () => void;
  const held = new Promise<void>((resolve) => { release = resolve; });
  await grace.page.route('**/api/end_other_session', async (route) => { await held; await route.continue(); });
  await row.getByRole('button', { name: 'Sign out' }).click();
  await expect(row.getByRole('button', { name: 'Signing out…' })).toBeDisabled();
  release();
  await expect(row).toHaveCount(0);

  await other.page.goto('/');
  await expect(other.page).toHaveURL(/\/signin$/);
  for (const { context } of [grace, other]) {
    await context.close();
  }
});

test('a reply typed before the app has started is kept when it starts, and sent', async ({ browser, baseURL }) => {
  // No service worker: the app's code must come over the network, where it is held back here.
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  const page = await context.newPage();
  await signInAs(page, 'Luis Romero');
  const filed = await context.request.post('/api/create_request', {
    form: { title: `Label printer offline ${Date.now()}`, description: 'Since this morning.' },
    headers: { Accept: 'application/json' },
  });
  expect(filed.ok(), await filed.text()).toBeTruthy();
  const reference = (await filed.json()).reference as string;

  const release = await holdAppCode(page);
  await page.goto(`/requests/${reference}`);
  const box = page.getByLabel('Add a reply');
  await box.fill('Typed on a slow phone');
  expect(await page.locator('body[data-hydrated]').count()).toBe(0);
  release();
  await hydrated(page);
  await expect(box).toHaveValue('Typed on a slow phone');
  await page.getByRole('button', { name: 'Send reply' }).click();
  await expect(page.locator('.timeline')).toContainText('Typed on a slow phone');
  await expect(box).toHaveValue('');
  await context.close();
});

test('a search typed before the app has started is kept when it starts', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, serviceWorkers: 'block' });
  const page = await context.newPage();
  await signInAs(page, 'Luis Romero');
  for (const [path, label] of [['/', 'Search my requests'], ['/help', 'Search help articles']]) {
    const release = await holdAppCode(page);
    await page.goto(path);
    const box = page.getByLabel(label);
    await box.fill('printer');
    expect(await page.locator('body[data-hydrated]').count()).toBe(0);
    release();
    await hydrated(page);
    await expect(box).toHaveValue('printer');
    await box.press('Enter');
    await expect(page).toHaveURL(/[?&]q=printer/);
    await expect(box).toHaveValue('printer');
    await page.unrouteAll();
  }
  await context.close();
});
