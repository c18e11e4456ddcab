import { test, expect } from '@playwright/test';
import { hydrated, mailedLink, personOn, phone, screenshotPath } from '../helpers';

// An account admin manages her own team from her phone: she invites a colleague, who joins by
// the link in the email the real mail server received, and sees the company's requests only
// once she allows it.
test('an account admin invites a colleague who joins by magic link and sees what the mode allows', async ({ browser }) => {
  const admin = await personOn(browser, phone, 'Ingrid Larsen');
  await admin.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Team' }).tap();
  await expect(admin.page.getByRole('heading', { name: 'Northwind Studio team' })).toBeVisible();
  await hydrated(admin.page);
  const ownOnly = admin.page.getByRole('radio', { name: /Each person sees their own requests/ });
  const everyone = admin.page.getByRole('radio', { name: /Everyone sees all company requests/ });
  await expect(ownOnly).toBeChecked();

  // 1. Invite: a bad address is refused inline and the name typed stays.
  const email = `ravi.${Date.now()}@northwind.example`;
  await admin.page.getByLabel('Name').fill('Ravi Patel');
  await admin.page.getByRole('textbox', { name: 'Email' }).fill('ravi@');
  await admin.page.getByRole('button', { name: 'Send invitation' }).tap();
  await expect(admin.page.locator('#email-error')).toContainText("doesn't look like an email address");
  await expect(admin.page.getByLabel('Name')).toHaveValue('Ravi Patel');
  await admin.page.getByRole('textbox', { name: 'Email' }).fill(email);
  await admin.page.getByRole('button', { name: 'Send invitation' }).tap();
  await expect(admin.page.getByRole('status').filter({ hasText: `Invitation sent to ${email}.` })).toBeVisible();
  const row = admin.page.locator(`.member[data-email="${email}"]`);
  await expect(row).toContainText('Invited');
  // Not yet joined: what an admin would do is take the invitation back, not "deactivate" her.
  await expect(row.getByRole('button', { name: 'Cancel invitation' })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Deactivate' })).toHaveCount(0);
  await admin.page.screenshot({ path: screenshotPath('phone-team'), fullPage: true });

  // 2. The colleague opens the link from the email on her own phone and joins.
  const link = await mailedLink(email);
  const colleagueContext = await browser.newContext({ ...phone });
  const colleague = await colleagueContext.newPage();
  await colleague.goto(link);
  await expect(colleague.getByRole('heading', { name: 'Welcome, Ravi Patel' })).toBeVisible();
  await hydrated(colleague);
  await colleague.getByRole('button', { name: 'Join and sign in' }).tap();
  await expect(colleague.getByRole('heading', { name: 'My requests' })).toBeVisible();
  await expect(colleague.locator('.app-header')).toContainText('Ravi Patel');
  // Own-requests mode: the company's other requests are not hers to see.
  await expect(colleague.getByRole('heading', { name: 'No open requests' })).toBeVisible();
  // The empty list offers "File a request" once: the floating "New request" button gives way.
  await expect(colleague.locator('.empty-state').getByRole('link', { name: 'File a request' })).toBeVisible();
  await expect(colleague.locator('.fab')).toBeHidden();

  // 3. The admin lets everyone see the company's requests; the colleague now sees them.
  await everyone.check();
  await admin.page.getByRole('button', { name: 'Save' }).tap();
  await expect(admin.page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await expect(row).toContainText('Active');
  await expect(row.getByRole('button', { name: 'Deactivate' })).toBeVisible();
  await colleague.reload();
  await expect(colleague.locator('.ticket-row').first()).toBeVisible();
  await expect(colleague.locator('.ticket-row')).not.toHaveCount(0);
  await expect(colleague.locator('.fab')).toBeVisible();

  // 4. The link worked once.
  await colleague.goto(link);
  await expect(colleague.getByRole('alert').filter({ hasText: 'already been used' })).toBeVisible();

  // Back to the demo's setting.
  await ownOnly.check();
  await admin.page.getByRole('button', { name: 'Save' }).tap();
  await expect(admin.page.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  await colleagueContext.close();
  await admin.context.close();
});
