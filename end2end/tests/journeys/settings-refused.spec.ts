import { test, expect } from '@playwright/test';
import { desktop, hydrated, personOn, screenshotPath } from '../helpers';

const unreachable = "We couldn't reach the server.";

// Buttons that act at once (no form around them) say so when the server cannot be reached, and
// leave things as they were: the away switch, retiring a category, deleting a canned reply,
// moving a rule.
test('a refused button on the staff screens says why and changes nothing', async ({ browser }) => {
  const { context, page } = await personOn(browser, desktop, 'Alex Morgan');
  await page.goto('/board');
  await hydrated(page);
  const away = page.locator('.away-toggle');
  const before = await away.getAttribute('aria-pressed');
  await page.route('**/api/set_away', (route) => route.abort());
  await away.click();
  await expect(page.locator('.page-head__actions').getByRole('alert').filter({ hasText: unreachable })).toBeVisible();
  await expect(away).toHaveAttribute('aria-pressed', before!);
  await page.screenshot({ path: screenshotPath('desktop-away-refused') });

  await page.goto('/desk');
  await hydrated(page);
  await page.route('**/api/{retire_category,delete_canned_reply,move_rule}', (route) => route.abort());
  const categories = page.locator('section[aria-labelledby="categories-heading"]');
  const category = categories.locator('.settings-item').first();
  const name = (await category.locator('summary strong').textContent())!;
  await category.locator('summary').click();
  await category.getByRole('button', { name: 'Retire category' }).click();
  await category.getByRole('button', { name: 'Retire', exact: true }).click();
  await expect(categories.getByRole('alert').filter({ hasText: unreachable })).toBeVisible();
  await expect(categories.locator('summary strong', { hasText: name })).toHaveCount(1);

  const canned = page.locator('section[aria-labelledby="canned-heading"]');
  const reply = canned.locator('.settings-item').first();
  await reply.locator('summary').click();
  await reply.getByRole('button', { name: 'Delete', exact: true }).click();
  await reply.getByRole('alertdialog').getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(canned.getByRole('alert').filter({ hasText: unreachable })).toBeVisible();
  await expect(canned.locator('.settings-item')).not.toHaveCount(0);

  const rules = page.locator('section[aria-labelledby="rules-heading"]');
  const rule = rules.locator('.settings-item').first();
  const first = (await rule.locator('summary strong').textContent())!;
  await rule.locator('summary').click();
  await rule.getByRole('button', { name: 'Move down' }).click();
  await expect(rule.getByRole('alert').filter({ hasText: unreachable })).toBeVisible();
  await expect(rules.locator('.settings-item summary strong').first()).toHaveText(first);
  await rule.screenshot({ path: screenshotPath('desktop-rule-move-refused') });
  await context.close();
});
