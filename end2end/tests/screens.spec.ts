import { test, expect } from '@playwright/test';
import { expectAccessible, hydrated, signInAs } from './helpers';

// Screenshots of every screen at 360 px and at desktop width, for people to look at
// (end2end/screenshots/). Each also checks that the screen shows what it is for.
const widths = [{ name: '360', viewport: { width: 360, height: 780 } }, { name: 'desktop', viewport: { width: 1440, height: 900 } }];

for (const { name, viewport } of widths) {
  test(`screens at ${name}`, async ({ page }) => {
    // Some forty screens, each drawn and checked: minutes under a full parallel run on two cores.
    test.setTimeout(240_000);
    await page.setViewportSize(viewport);
    // Full pages on the phone, except the board, whose columns scroll sideways and can be long.
    const shot = (screen: string, fullPage = name === '360') => page.screenshot({ path: `screenshots/${screen}-${name}.png`, fullPage });

    await page.goto('/signin');
    await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
    await shot('sign-in');

    // Help, signed out: only the public articles, searchable.
    await page.goto('/help?q=password');
    await expect(page.locator('.article-row').first()).toContainText('Reset your password');
    await expect(page.locator('.article-row mark').first()).toBeVisible();
    await shot('help-search-signed-out');
    await expectAccessible(page);
    // The box shows the search before the app starts (a slow phone shows the server's page first).
    const served = await (await page.request.get('/help?q=password')).text();
    expect(served).toMatch(/id="help-q"[^>]*value="password"/);

    await signInAs(page, 'Dana Whitfield');
    await expect(page.locator('.ticket-row').first()).toBeVisible();
    await shot('my-requests');

    await page.getByRole('link', { name: 'New request' }).first().click();
    await page.getByRole('button', { name: 'Send request' }).click();
    await expect(page.locator('#title-error')).not.toBeEmpty();
    // The send button is below the form: the field to mend gets the focus, and comes into view.
    await expect(page.getByLabel('Title')).toBeFocused();
    await shot('new-request-error');

    await page.goto('/');
    await page.locator('.ticket-row a').first().click();
    await expect(page.locator('.ticket__title')).toBeVisible();
    await hydrated(page);
    await shot('ticket');
    // A request is within "My requests": its tab is marked as where one is.
    await expect(page.locator('.app-nav').getByRole('link', { name: 'My requests' })).toHaveAttribute('aria-current', 'true');
    // A client's request takes the page's width: no column is kept beside it for staff tools.
    const [card, main] = [await page.locator('.ticket').boundingBox(), await page.locator('main').boundingBox()];
    expect(card!.width).toBeGreaterThan(main!.width * 0.8);

    await page.goto('/help');
    await expect(page.getByRole('heading', { name: 'Acme Logistics' })).toBeVisible();
    await shot('help');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Acme: staging site access' }).click();
    await expect(page.getByRole('heading', { name: 'Acme: staging site access' })).toBeVisible();
    await expect(page.getByRole('group', { name: 'Was this article helpful?' })).toBeVisible();
    await shot('help-article');
    await expectAccessible(page);

    await page.goto('/team');
    await expect(page.getByRole('heading', { name: 'Acme Logistics team' })).toBeVisible();
    await shot('team');

    await page.goto('/account');
    await expect(page.locator('.session').first()).toBeVisible();
    await shot('account');

    await page.locator('.app-header').getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin$/);
    await signInAs(page, 'Jordan Lee');
    await expect(page.locator('.card').first()).toBeVisible();
    await shot('board', false);

    await page.goto('/board?view=list');
    await hydrated(page);
    await expect(page.locator('.queue-row').first()).toBeVisible();
    await shot('board-list', false);
    await expectAccessible(page);

    await page.goto('/board?priority=high');
    await hydrated(page);
    await page.getByText('Filters · 1 on').click();
    await expect(page.getByRole('form', { name: 'Filters' })).toBeVisible();
    await shot('board-filtered', false);
    await expectAccessible(page);
    // The page itself never scrolls sideways (the board's columns scroll within their own strip).
    expect(await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)).toBeLessThanOrEqual(0);

    await page.locator('.card a').first().click();
    await expect(page.getByRole('form', { name: 'Triage' })).toBeVisible();
    await shot('ticket-staff');
    await expectAccessible(page);

    await page.goto('/reports');
    await expect(page.getByRole('heading', { name: 'Requests filed' })).toBeVisible();
    await expect(page.locator('svg.chart')).toBeVisible();
    await shot('reports');
    await expectAccessible(page);
    const csv = await page.request.get('/reports/volume.csv');
    expect(csv.ok()).toBeTruthy();
    expect(await csv.text()).toMatch(/^Period starting,Requests filed\r\n/);
    // A figure with nothing to list offers no table nor CSV; one counting days still does.
    await page.goto('/reports?from=1970-01-01&to=1970-01-07');
    const figure = (name: string) => page.locator('.figure', { has: page.getByRole('heading', { name }) });
    await expect(figure('Requests filed').getByRole('link', { name: 'Download CSV' })).toBeVisible();
    await expect(figure('Portal usage by company').getByRole('link', { name: 'Download CSV' })).toHaveCount(0);

    await page.goto('/desk/articles');
    await expect(page.locator('.library__row').first()).toBeVisible();
    await shot('articles');
    await expectAccessible(page);
    await page.getByRole('link', { name: 'Get a copy of an invoice' }).click();
    await expect(page.getByLabel('Title')).toHaveValue('Get a copy of an invoice');
    await shot('article-editor');
    await expectAccessible(page);

    await page.goto('/desk');
    await expect(page.getByRole('heading', { name: 'Categories' })).toBeVisible();
    await expect(page.locator('.settings-item').first()).toBeVisible();
    await shot('desk');
    await expectAccessible(page);
    await hydrated(page);
    const rule = page.locator('.settings-item', { hasText: 'Outages are high priority' });
    await rule.locator('summary').click();
    await expect(rule.getByRole('form', { name: 'Edit rule' })).toBeVisible();
    await rule.screenshot({ path: `screenshots/desk-rule-${name}.png` });
    await expectAccessible(page);

    await page.locator('.app-header').getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/signin$/);
    await signInAs(page, 'Alex Morgan');
    await page.goto('/admin/audit');
    await expect(page.locator('.audit-entry').first()).toBeVisible();
    // Alex's own sign-in, newest: what was recorded with it reads as words, not as JSON.
    const signedIn = page.locator('.audit-entry[data-action="signed_in"]', { hasText: 'Alex Morgan' }).first();
    await expect(signedIn.locator('.audit-entry__facts')).toHaveText(/Method:\s*Demo sign-in/);
    // People by name, and someone signing in is named once (as who did it), not by an id.
    await expect(page.locator('.audit-entry__context', { hasText: 'user:' })).toHaveCount(0);
    await expect(signedIn.locator('.audit-entry__context')).not.toContainText('Alex Morgan');
    // The current page's tab is in sight, even where the bar is wider than the phone.
    await expect.poll(() => page.locator('.app-nav').evaluate((nav) => {
      const tab = nav.querySelector('[aria-current="page"]') as HTMLElement;
      return tab.offsetLeft >= nav.scrollLeft && tab.offsetLeft + tab.offsetWidth <= nav.scrollLeft + nav.clientWidth;
    })).toBe(true);
    await shot('audit-log');

    // Unreadable mail, as an admin finds it (posted through the mail hook).
    const hook = await page.request.post('/inbound/mail', {
      headers: { Authorization: `Bearer ${process.env.FRONTDOOR_INBOUND_SECRET}`, 'Content-Type': 'message/rfc822' },
      data: `Subject: no sender ${name}\r\n\r\nA script forgot its From line.`,
    });
    expect((await hook.json()).outcome).toBe('quarantined');
    await page.goto('/admin/mail');
    await expect(page.locator('.quarantine-item').first()).toContainText('No usable sender address');
    await expectAccessible(page);
    await shot('mail-quarantine');
  });
}
