import { test, expect } from '@playwright/test';
import { authenticatorCode, desktop, hydrated, mailedLink, personOn, screenshotPath } from '../helpers';

// An agency admin invites a new agent, who joins by the emailed link, turns on two-step sign-in,
// and later signs in with a sign-in link plus a code from their authenticator app.
test('a new agent joins, sets up two-step sign-in and signs in with a link and a code', async ({ browser }) => {
  const admin = await personOn(browser, desktop, 'Alex Morgan');
  await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).click();
  await expect(admin.page.getByRole('heading', { name: 'Agency staff team' })).toBeVisible();
  await hydrated(admin.page);
  const email = `noor.${Date.now()}@agency.example`;
  await admin.page.getByLabel('Name', { exact: true }).fill('Noor Haddad');
  await admin.page.getByRole('textbox', { name: 'Email' }).fill(email);
  await admin.page.getByLabel('Role').selectOption('agent');
  await admin.page.getByRole('button', { name: 'Send invitation' }).click();
  await expect(admin.page.getByRole('status').filter({ hasText: `Invitation sent to ${email}.` })).toBeVisible();
  await admin.context.close();

  // Noor joins from the invitation and lands on the queue board.
  const context = await browser.newContext({ ...desktop });
  const page = await context.newPage();
  const invitation = await mailedLink(email);
  await page.goto(invitation);
  await hydrated(page);
  await page.getByRole('button', { name: 'Join and sign in' }).click();
  await expect(page).toHaveURL(/\/board$/);

  // Two-step sign-in: a wrong code is refused inline; the right one turns it on.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await hydrated(page);
  await page.getByRole('button', { name: 'Set up two-step sign-in' }).click();
  await expect(page.getByRole('img', { name: /QR code/ })).toBeVisible();
  const key = (await page.locator('code.key').textContent())!.trim();
  await page.screenshot({ path: screenshotPath('desktop-two-step-setup') });
  await page.getByLabel('Code from your app').fill('000000');
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.locator('#setup-code-error')).toContainText("didn't match");
  await page.getByLabel('Code from your app').fill(await authenticatorCode(key));
  await page.getByRole('button', { name: 'Turn on' }).click();
  await expect(page.locator('#two-step').getByText('On', { exact: true })).toBeVisible();

  // Later: a sign-in link by email, then the code step.
  await page.locator('.app-header').getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await hydrated(page);
  await page.getByText('Email me a sign-in link instead').click();
  await page.locator('#link-email').fill(email);
  await page.getByRole('button', { name: 'Email me a link' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'a sign-in link is on its way' })).toBeVisible();
  await page.goto(await mailedLink(email, invitation));
  await hydrated(page);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page).toHaveURL(/\/signin\/two-step$/);
  await expect(page.getByRole('heading', { name: 'Enter your code' })).toBeVisible();
  await hydrated(page);
  // The next 30-second step's code: the current one was used to turn it on.
  await page.getByLabel('Code').fill(await authenticatorCode(key, Date.now() + 30_000));
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/board$/);
  await expect(page.locator('.app-header')).toContainText('Noor Haddad');
  await context.close();
});
