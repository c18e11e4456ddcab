import { test, expect, Page } from '@playwright/test';
import { desktop, expectAccessible, personOn, phone, screenshotPath } from '../helpers';

/** The report's count of requests saved by help articles (this month); with none, the figure says only "Nothing in this period". */
async function savedInReport(page: Page): Promise<number> {
  await page.goto('/reports');
  const figure = page.locator('.figure', { has: page.getByRole('heading', { name: 'Requests saved by help articles' }) });
  await expect(figure.locator('.report-note').first()).toBeVisible();
  const note = figure.locator('.report-saved');
  if ((await note.count()) === 0) {
    await expect(figure).toContainText('Nothing in this period.');
    return 0;
  }
  await expect(note).toContainText('not filed');
  return Number((await note.textContent())!.match(/\d+/)![0]);
}

async function deflections(page: Page, slug: string): Promise<number> {
  await page.goto('/desk/articles');
  const count = page.locator(`.library__row[data-slug="${slug}"] .library__deflections`);
  await expect(count).toBeVisible();
  return Number(await count.textContent());
}

// A client about to file a request finds the answer in a suggested article instead; staff see
// the request it saved, and point another client at an article from a reply.
test('a suggested article answers a request before it is filed', async ({ browser }) => {
  const sam = await personOn(browser, desktop, 'Sam Rivera');
  const before = await deflections(sam.page, 'reset-your-password');
  const savedBefore = await savedInReport(sam.page);

  const tom = await personOn(browser, phone, 'Tom Becker');
  await tom.page.goto('/requests/new');
  await tom.page.getByLabel('Title').fill('Forgot my password');
  await tom.page.getByLabel('Description').fill('I cannot sign in since the weekend.');
  // Suggestions appear as they type, without a reload.
  const suggestion = tom.page.locator('.suggestion', { hasText: 'Reset your password' });
  await expect(suggestion).toBeVisible();
  await tom.page.screenshot({ path: screenshotPath('phone-request-suggestions'), fullPage: true });
  await expectAccessible(tom.page);
  await suggestion.tap();
  await expect(suggestion).toHaveAttribute('aria-expanded', 'true');
  const article = tom.page.getByRole('region', { name: 'Suggested article' });
  await expect(article.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
  await expect(article).toContainText('Email me a link');
  // Back to the request: what was typed is still there.
  await article.getByRole('button', { name: 'Back to my request' }).tap();
  await expect(tom.page.getByLabel('Description')).toHaveValue('I cannot sign in since the weekend.');
  await suggestion.tap();
  await tom.page.getByRole('button', { name: 'This solved it' }).tap();
  await expect(tom.page.getByRole('heading', { name: 'Glad that helped' })).toBeVisible();
  await tom.page.screenshot({ path: screenshotPath('phone-request-solved') });

  // The request it saved counts for the article.
  expect(await deflections(sam.page, 'reset-your-password')).toBe(before + 1);
  expect(await savedInReport(sam.page)).toBe(savedBefore + 1);

  // Staff link an article from a reply.
  await sam.page.goto('/board');
  await sam.page.locator('.card a').first().click();
  await expect(sam.page.getByRole('form', { name: 'Triage' })).toBeVisible();
  await sam.page.getByRole('button', { name: 'Link a help article' }).click();
  await sam.page.getByLabel('Search help articles').fill('invoice copy');
  await sam.page.getByRole('button', { name: 'Get a copy of an invoice' }).click();
  await expect(sam.page.getByLabel('Message')).toHaveValue(/\[Get a copy of an invoice\]\(\/help\/get-a-copy-of-an-invoice\)/);

  for (const context of [sam.context, tom.context]) {
    await context.close();
  }
});
