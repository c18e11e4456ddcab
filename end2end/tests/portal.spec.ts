import { test, expect, Page } from '@playwright/test';
import { expectAccessible, expectPhoneFriendly, expectSameDocument, holdAppCode, hydrated, markDocument, signInAs } from './helpers';

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
