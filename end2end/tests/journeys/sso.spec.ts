import { test, expect, type Page } from '@playwright/test';
import { desktop, expectAccessible, expectPhoneFriendly, hydrated, personOn, phone, screenshotPath } from '../helpers';

const issuer = process.env.OIDC_ISSUER ?? '';

/** Starts single sign-on from the sign-in page and signs in at the provider as `login`. */
async function signInWithSso(page: Page, email: string) {
  await page.goto('/signin');
  await hydrated(page);
  await page.getByText('Use single sign-on').click();
  await page.getByLabel('Work email').fill(email);
  await page.getByRole('button', { name: 'Continue' }).click();
  await signInAtProvider(page, email);
}

/** The provider's own sign-in page (oidc-provider's development form). */
async function signInAtProvider(page: Page, email: string) {
  await expect(page).toHaveURL(new RegExp(`^${issuer}/`));
  await page.locator('input[name="login"]').fill(email);
  await page.locator('input[name="password"]').fill('anything');
  await page.locator('button[type="submit"]').click();
}

// Someone who typed their address into the password form, then picked another way to sign in,
// does not type it again.
test('an address typed into sign-in follows into the way to sign in opened next', async ({ browser }) => {
  test.skip(!issuer, 'needs the OpenID provider make test starts');
  const context = await browser.newContext({ ...phone, baseURL: process.env.FRONTDOOR_URL });
  const page = await context.newPage();
  await page.goto('/signin');
  await hydrated(page);
  await page.locator('#email').fill('jordan@agency.example');
  await page.getByText('Email me a sign-in link instead').click();
  await expect(page.locator('#link-email')).toHaveValue('jordan@agency.example');
  const forgot = page.getByText('Forgot your password?');
  await forgot.click();
  await expect(page.locator('#reset-email')).toHaveValue('jordan@agency.example');
  // What was typed in a form itself stays when it is closed and opened again.
  await page.locator('#reset-email').fill('other@agency.example');
  await forgot.click();
  await forgot.click();
  await expect(page.locator('#reset-email')).toHaveValue('other@agency.example');
  await page.getByText('Use single sign-on').click();
  await expect(page.getByLabel('Work email')).toHaveValue('jordan@agency.example');
  await page.getByRole('button', { name: 'Continue' }).click();
  await signInAtProvider(page, 'jordan@agency.example');
  await expect(page).toHaveURL(/\/board$/);
  await context.close();
});

// Agency staff sign in with the agency's provider; someone it vouches for who is not staff is
// turned away with the reason.
test('staff sign in with the agency provider', async ({ browser }) => {
  test.skip(!issuer, 'needs the OpenID provider make test starts');
  const context = await browser.newContext({ ...desktop, baseURL: process.env.FRONTDOOR_URL });
  const page = await context.newPage();
  await signInWithSso(page, 'jordan@agency.example');
  await expect(page).toHaveURL(/\/board$/);
  await expect(page.locator('.app-header')).toContainText('Jordan Lee');

  const stranger = await (await browser.newContext({ ...desktop, baseURL: process.env.FRONTDOOR_URL })).newPage();
  await signInWithSso(stranger, 'someone@elsewhere.example');
  await expect(stranger).toHaveURL(/\/signin\?sso=/);
  await expect(stranger.getByRole('alert')).toContainText('There is no agency staff account with that address');
  await expect(stranger.getByLabel('Work email')).toBeVisible();
});

// An admin sets up a client company's provider on Integrations; a new person at the company's
// domain signs in with it and gets a contact account on the spot, on a phone.
test('a client company signs its people in with its own provider', async ({ browser }) => {
  test.skip(!issuer, 'needs the OpenID provider make test starts');
  const alex = await personOn(browser, desktop, 'Alex Morgan');
  await alex.page.goto('/admin/integrations');
  await hydrated(alex.page);
  const sso = alex.page.locator('section', { has: alex.page.getByRole('heading', { name: 'Single sign-on' }) });
  await expect(sso).toContainText("signed in by the agency's provider");
  await sso.getByText("Set up a company's provider").click();
  await sso.getByLabel('Company').selectOption({ label: 'Northwind Studio' });
  await sso.getByLabel('Issuer URL').fill('http://169.254.169.254/');
  await sso.getByLabel('Client ID').fill(process.env.OIDC_CLIENT_ID ?? 'test-client');
  await sso.getByLabel('Client secret').fill(process.env.OIDC_CLIENT_SECRET ?? 'test-secret');
  await sso.getByRole('button', { name: 'Save provider' }).click();
  await expect(sso.locator('#sso-issuer-error')).toContainText('private or local address');
  await sso.getByLabel('Issuer URL').fill(issuer);
  await sso.getByRole('button', { name: 'Save provider' }).click();
  await expect(sso.locator('.token-row', { hasText: 'Northwind Studio' })).toContainText(issuer);
  await alex.page.screenshot({ path: screenshotPath('sso-setup-desktop'), fullPage: true });
  await expectAccessible(alex.page);

  const newcomer = `newcomer${Date.now()}@northwind.example`;
  const context = await browser.newContext({ ...phone, viewport: { width: 360, height: 740 }, baseURL: process.env.FRONTDOOR_URL });
  const page = await context.newPage();
  await page.goto('/signin');
  await hydrated(page);
  await page.getByText('Use single sign-on').click();
  await page.screenshot({ path: screenshotPath('sso-sign-in-360'), fullPage: true });
  await signInWithSso(page, newcomer);
  await expect(page).toHaveURL(new RegExp(`^${process.env.FRONTDOOR_URL}/$`));
  await expect(page.locator('.app-header')).toContainText('Northwind');
  // A contact of Northwind, named as the provider calls them.
  const me = await (await page.request.post('/api/current_session', { headers: { Accept: 'application/json' } })).json();
  expect(me).toMatchObject({ name: newcomer, role: 'contact', account_name: 'Northwind Studio' });
  await page.screenshot({ path: screenshotPath('sso-signed-in-360'), fullPage: true });
  await expectPhoneFriendly(page);
  // Named by their address, one long word, they still fit a phone's list of people.
  const signedOut = await browser.newContext({ ...phone, viewport: { width: 360, height: 740 }, baseURL: process.env.FRONTDOOR_URL });
  const list = await signedOut.newPage();
  await list.goto('/signin');
  await expect(list.getByRole('button', { name: newcomer })).toBeVisible();
  await expectPhoneFriendly(list);
  await signedOut.close();

  // Removing it turns single sign-on off for the company: its addresses go to the agency's
  // provider, which signs in staff only.
  const row = sso.locator('.token-row', { hasText: 'Northwind Studio' });
  await row.getByRole('button', { name: 'Remove' }).click();
  await row.getByRole('alertdialog').getByRole('button', { name: 'Remove' }).click();
  await expect(sso.locator('.token-row', { hasText: 'Northwind Studio' })).toHaveCount(0);
});
