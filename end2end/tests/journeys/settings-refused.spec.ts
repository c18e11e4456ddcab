import { test, expect } from '@playwright/test';
import { desktop, followLinkTo, hydrated, personOn, phone, screenshotPath } from '../helpers';

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

// A part of a page whose data cannot be read says so in its place, with a way to read it again,
// and the rest of the page works: the board's filters and saved views, the away switch, the
// report's filters. (Read in the browser: the first page comes whole from the server.)
for (const [width, device] of [['desktop', desktop], ['360', { ...phone, viewport: { width: 360, height: 780 } }]] as const) {
  test(`a part whose data cannot be read says so and reads it again on request (${width})`, async ({ browser }) => {
    const { context, page } = await personOn(browser, device, 'Jordan Lee');
    await page.goto('/account');
    await hydrated(page);
    const parts = '**/api/{desk_options,am_i_away}';
    await page.route(parts, (route) => route.abort());
    await followLinkTo(page, '/board');
    const filters = page.getByRole('alert').filter({ hasText: 'The filters and saved views could not be loaded.' });
    const away = page.getByRole('alert').filter({ hasText: 'Whether you are away could not be loaded.' });
    await expect(filters).toContainText(unreachable);
    await expect(away).toBeVisible();
    await expect(page.locator('.card__link').first()).toBeVisible();
    await page.screenshot({ path: screenshotPath(`${width}-board-parts-unread`) });

    await page.unroute(parts);
    await filters.getByRole('button', { name: 'Try again' }).click();
    await expect(page.locator('.board-filters summary')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Saved views' })).toBeVisible();
    await away.getByRole('button', { name: 'Try again' }).click();
    await expect(page.locator('.away-toggle')).toBeVisible();
    await expect(filters).toHaveCount(0);
    await expect(away).toHaveCount(0);

    await page.route('**/api/desk_options', (route) => route.abort());
    await followLinkTo(page, '/reports');
    const reportFilters = page.getByRole('alert').filter({ hasText: "The report's filters could not be loaded." });
    await expect(reportFilters).toBeVisible();
    await page.unroute('**/api/desk_options');
    await reportFilters.getByRole('button', { name: 'Try again' }).click();
    await expect(reportFilters).toHaveCount(0);
    await expect(page.locator('.report-filters summary')).toBeVisible();
    await context.close();
  });
}

// An article's preview that cannot be drawn says so beside the text, which stays as written.
test('a preview that fails keeps the article being written', async ({ browser }) => {
  const { context, page } = await personOn(browser, desktop, 'Alex Morgan');
  await page.goto('/desk/articles/new');
  await hydrated(page);
  const body = page.getByLabel('Article (Markdown)');
  await body.fill('1. Open Settings\n2. Choose **Reset**');
  await page.route('**/api/preview_article', (route) => route.abort());
  await page.getByRole('button', { name: 'Preview' }).click();
  const failed = page.getByRole('alert').filter({ hasText: 'The preview could not be loaded.' });
  await expect(failed).toContainText(unreachable);
  await page.unroute('**/api/preview_article');
  await failed.getByRole('button', { name: 'Try again' }).click();
  await expect(page.locator('.preview strong')).toHaveText('Reset');
  await page.getByRole('button', { name: 'Write' }).click();
  await expect(body).toHaveValue('1. Open Settings\n2. Choose **Reset**');
  await context.close();
});

// Each settings form has its own answer and its own wait: a refused edit of one category shows
// in that form, not in the others nor in the form for a new one; a rule moves one place a press.
test('a refused edit answers in its own form; a rule moves one place at a time', async ({ browser }) => {
  const { context, page } = await personOn(browser, desktop, 'Alex Morgan');
  await page.goto('/desk');
  await hydrated(page);
  const categories = page.locator('section[aria-labelledby="categories-heading"]');
  const category = categories.locator('.settings-item').first();
  await category.locator('summary').click();
  const edit = category.getByRole('form', { name: 'Edit category' });
  await edit.getByLabel('Name').fill('');
  await edit.getByRole('button', { name: 'Save category' }).click();
  await expect(edit.getByRole('alert')).toHaveText('Give the category a short name.');
  await expect(categories.getByRole('alert')).toHaveCount(1);
  await expect(categories.getByRole('form', { name: 'New category' }).getByRole('button', { name: 'Add category' })).toBeEnabled();

  // While a move is on its way, the rule's move buttons wait for it.
  const rules = page.locator('section[aria-labelledby="rules-heading"]');
  const rule = rules.locator('.settings-item').first();
  await rule.locator('summary').click();
  let release = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/api/move_rule', async (route) => { await held; await route.abort(); });
  await rule.getByRole('button', { name: 'Move down' }).click();
  await expect(rule.getByRole('button', { name: 'Move down' })).toBeDisabled();
  release();
  await expect(rule.getByRole('alert').filter({ hasText: unreachable })).toBeVisible();
  await expect(rule.getByRole('button', { name: 'Move down' })).toBeEnabled();
  await context.close();
});
