import { test, expect, Page } from '@playwright/test';
import { desktop, hydrated, personOn, screenshotPath } from '../helpers';

/** The form choosing the companies on the tier `name`. */
function companiesOn(page: Page, name: string) {
  return page.getByRole('form', { name: `Companies on ${name}` });
}

// A company is on one tier at a time: putting it on a second tier takes it off the first, and the
// first tier's form shows that at once, so that saving it later cannot quietly move it back.
test('a company put on another tier leaves the first, on screen as on the server', async ({ browser }) => {
  const { context, page } = await personOn(browser, desktop, 'Alex Morgan');
  await page.goto('/desk');
  await hydrated(page);
  const stamp = Date.now().toString(36);
  const [gold, silver] = [`Gold ${stamp}`, `Silver ${stamp}`];
  for (const name of [gold, silver]) {
    const add = page.locator('details', { has: page.locator('summary', { hasText: 'Add a tier' }) });
    if ((await add.getAttribute('open')) === null) await add.locator('summary').click();
    await add.getByLabel('Tier name').fill(name);
    await add.getByRole('button', { name: 'Add tier' }).click();
    await expect(companiesOn(page, name)).toBeVisible();
  }
  const onGold = companiesOn(page, gold).getByLabel('Northwind Studio');
  const onSilver = companiesOn(page, silver).getByLabel('Northwind Studio');
  const silverId = await companiesOn(page, silver).locator('input[name="tier"]').getAttribute('value');
  try {
    await onGold.check();
    await companiesOn(page, gold).getByRole('button', { name: 'Save companies' }).click();
    await expect(companiesOn(page, gold).getByText('Saved')).toBeVisible();
    await onSilver.check();
    await companiesOn(page, silver).getByRole('button', { name: 'Save companies' }).click();
    await expect(companiesOn(page, silver).getByText('Saved')).toBeVisible();
    await expect(onGold).not.toBeChecked();
    await page.screenshot({ path: screenshotPath('desktop-tier-moved') });
    // A save elsewhere on the page (a canned reply, as it was) draws the tiers again: as saved.
    const canned = page.locator('section[aria-labelledby="canned-heading"]').locator('.settings-item').first();
    await canned.locator('summary').click();
    const reread = page.waitForResponse((response) => response.url().includes('/api/desk_options'));
    await canned.getByRole('button', { name: 'Save canned reply' }).click();
    await reread;
    await expect(companiesOn(page, gold).getByLabel('Northwind Studio')).not.toBeChecked();
    await expect(companiesOn(page, silver).getByLabel('Northwind Studio')).toBeChecked();

    // As the server has it.
    await page.reload();
    await hydrated(page);
    await expect(companiesOn(page, gold).getByLabel('Northwind Studio')).not.toBeChecked();
    await expect(companiesOn(page, silver).getByLabel('Northwind Studio')).toBeChecked();
  } finally {
    // Back on Standard, for the other journeys (tiers cannot be removed: theirs are left).
    const reset = await page.request.post('/api/save_tier_accounts', { form: { tier: silverId! } });
    expect(reset.ok()).toBeTruthy();
  }
  await context.close();
});
