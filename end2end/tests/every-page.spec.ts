import { test, expect, Page } from '@playwright/test';
import { expectAccessible, expectPhoneFriendly, expectWholeName, hydrated, screenshotPath, signInAs } from './helpers';

// Every page of the app, as the people who see it, in the light and in the dark theme
// (prefers-color-scheme): no serious or critical accessibility problems in either (axe), and a
// screenshot of each dark page at 360 px for people to look at (end2end/screenshots/dark-*.png).
// One browser context per person, reused for all their pages; the theme is switched on the page
// already loaded. Every problem found is collected, so that one run lists them all.

// The three people's tours are independent of one another.
test.describe.configure({ mode: 'parallel' });

// `phone`: the pages clients use, which must also work one-handed at 360 px (no sideways scroll,
// 44 px tap targets, text fields a phone does not zoom into).
type Check = { page: Page; problems: string[]; phone: boolean };

function checker(page: Page, phone: boolean): Check {
  return { page, problems: [], phone };
}

/** Checks the page as it is now in the light theme, then in the dark one; keeps a screenshot of the dark page. */
async function lightAndDark(check: Check, name: string, fullPage = true) {
  const { page } = check;
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    try {
      await expectAccessible(page);
    } catch (error) {
      // The list of violations from the failed comparison, without the colours of the terminal.
      const found = (error as Error).message.replace(/\u001b\[[0-9;]*m/g, '').split('\n')
        .filter((line) => /^\s*\+\s+"/.test(line)).map((line) => line.replace(/^\s*\+\s+/, '').replace(/,$/, ''));
      check.problems.push(`${name} (${colorScheme}, ${page.url().replace(/^https?:\/\/[^/]+/, '')}): ${found.length ? found.join('; ') : (error as Error).message.slice(0, 300)}`);
    }
  }
  if (check.phone) {
    try {
      await expectPhoneFriendly(page);
      // The people here have names of ordinary length.
      await expectWholeName(page);
    } catch (error) {
      check.problems.push(`${name} at 360 px: ${(error as Error).message.replace(/\u001b\[[0-9;]*m/g, '').slice(0, 400)}`);
    }
  }
  // From the top, so that the sticky header is not drawn in the middle of a whole-page screenshot.
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: screenshotPath(`dark-${name}`), fullPage, animations: 'disabled', scale: 'css' });
  await page.emulateMedia({ colorScheme: 'light' });
}

/**
 * Opens `path`, waits for the app and for `ready` (what shows that the page is there), then checks
 * it in both themes. The screenshot shows the whole page unless `fullPage` is false (the board, whose
 * columns scroll sideways and can be long).
 */
async function visit(check: Check, name: string, path: string, ready: (page: Page) => Promise<void>, fullPage = true) {
  const { page } = check;
  await test.step(name, async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(path);
    await hydrated(page);
    await ready(page);
    await lightAndDark(check, name, fullPage);
  });
}

const heading = (name: string | RegExp) => async (page: Page) => {
  await expect(page.getByRole('heading', { name, level: 1 })).toBeVisible();
};

test.beforeEach(async ({ page }) => {
  // The narrowest phone we design for.
  await page.setViewportSize({ width: 360, height: 780 });
});

test('every page signed out, light and dark', async ({ page }) => {
  test.setTimeout(120_000);
  const check = checker(page, true);
  await visit(check, 'sign-in', '/signin', heading('Sign in'));
  await visit(check, 'sign-in-two-step', '/signin/two-step', heading('Enter your code'));
  await visit(check, 'sign-in-link-expired', '/signin/link?token=not-a-token', heading("This link can't be used"));
  await visit(check, 'feedback-link-expired', '/feedback/not-a-token', heading("This link can't be used"));
  await visit(check, 'help-signed-out', '/help', async (p) => {
    await heading('Help')(p);
    await expect(p.locator('.article-row').first()).toBeVisible();
  });
  await visit(check, 'help-search-signed-out', '/help?q=password', async (p) => {
    await expect(p.locator('.article-row mark').first()).toBeVisible();
  });
  await visit(check, 'help-article-public', '/help/reset-your-password', heading('Reset your password'));
  await visit(check, 'not-found', '/no/such/page', heading("We couldn't find that page"));
  expect(check.problems).toEqual([]);
});

test('every page of a client (account admin), light and dark', async ({ page }) => {
  test.setTimeout(180_000);
  const check = checker(page, true);
  await signInAs(page, 'Dana Whitfield');
  await visit(check, 'client-my-requests', '/', async (p) => {
    await heading('My requests')(p);
    await expect(p.locator('.ticket-row').first()).toBeVisible();
  });
  const request = (await page.locator('.ticket-row a').first().getAttribute('href'))!;
  expect(request).toMatch(/^\/requests\/[\w-]+$/);
  await visit(check, 'client-new-request', '/requests/new', heading('New request'));
  // The same form with its errors showing.
  await test.step('client-new-request-errors', async () => {
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page.locator('#title-error')).not.toBeEmpty();
    await lightAndDark(check, 'client-new-request-errors');
  });
  await visit(check, 'client-request', request, async (p) => {
    await expect(p.locator('.ticket__title')).toBeVisible();
  });
  await visit(check, 'client-help', '/help', heading('Help'));
  await visit(check, 'client-help-article', '/help/reset-your-password', heading('Reset your password'));
  await visit(check, 'client-talk', '/talk', heading('Talk to a person'));
  await visit(check, 'client-talk-about-request', `/talk?request=${request.split('/').pop()}`, heading('Talk to a person'));
  await visit(check, 'client-team', '/team', heading('Acme Logistics team'));
  await visit(check, 'client-account', '/account', async (p) => {
    await heading('Your account')(p);
    await expect(p.locator('.session').first()).toBeVisible();
  });
  expect(check.problems).toEqual([]);
});

test('every page of the agency staff (admin), light and dark', async ({ page }) => {
  test.setTimeout(240_000);
  const check = checker(page, false);
  await signInAs(page, 'Alex Morgan');
  await visit(check, 'staff-board', '/board', async (p) => {
    await heading('Queue board')(p);
    await expect(p.locator('.card').first()).toBeVisible();
  }, false);
  const request = (await page.locator('.card .card__link').first().getAttribute('href'))!;
  expect(request).toMatch(/^\/requests\/[\w-]+$/);
  await visit(check, 'staff-board-list', '/board?view=list', async (p) => {
    await expect(p.locator('.queue-row').first()).toBeVisible();
  }, false);
  await visit(check, 'staff-request', request, async (p) => {
    await expect(p.getByRole('form', { name: 'Triage' })).toBeVisible();
  });
  await visit(check, 'staff-new-request', '/requests/new', heading('File a request for a client'));
  await visit(check, 'staff-desk', '/desk', async (p) => {
    await heading('Desk settings')(p);
    await expect(p.locator('.settings-item').first()).toBeVisible();
  });
  await visit(check, 'staff-articles', '/desk/articles', async (p) => {
    await heading('Help articles')(p);
    await expect(p.locator('.library__row').first()).toBeVisible();
  });
  const article = (await page.locator('.library__row a').first().getAttribute('href'))!;
  expect(article).toMatch(/^\/desk\/articles\/[\w-]+$/);
  await visit(check, 'staff-article-editor', article, heading('Edit article'));
  await visit(check, 'staff-reports', '/reports', async (p) => {
    await heading('Reports')(p);
    await expect(p.locator('svg.chart').first()).toBeVisible();
  });
  await visit(check, 'staff-audit-log', '/admin/audit', async (p) => {
    await heading('Audit log')(p);
    await expect(p.locator('.audit-entry').first()).toBeVisible();
  });
  await visit(check, 'staff-mail', '/admin/mail', heading('Unreadable mail'));
  await visit(check, 'staff-integrations', '/admin/integrations', heading('Integrations'));
  await visit(check, 'staff-team', '/team', async (p) => {
    await expect(p.getByRole('heading', { level: 1 })).toHaveText(/ team$/);
  });
  await visit(check, 'staff-account', '/account', heading('Your account'));
  expect(check.problems).toEqual([]);
});
