import { test, expect } from '@playwright/test';
import { desktop, expectAccessible, expectPhoneFriendly, hydrated, liveConnected, personOn, phone, screenshotPath } from '../helpers';

// Runs against the second server (scripts/test.sh), whose clock this test moves forward through
// `POST /test/clock`: the server's own SLA timer then raises the warning, the breach and the
// escalation, exactly as time passing would.
const clockURL = process.env.FRONTDOOR_CLOCK_URL;

test('a rule routes a request, and its SLA warns, breaches and escalates as time passes', async ({ browser, request }) => {
  test.setTimeout(150_000);
  expect(clockURL, 'FRONTDOOR_CLOCK_URL: run through scripts/test.sh').toBeTruthy();
  const stamp = Date.now();
  const lead = await personOn(browser, desktop, 'Alex Morgan', clockURL);
  const desk = lead.page;

  // Working hours around the clock, so that the minutes moved below are all working time.
  await desk.goto('/desk');
  await hydrated(desk);
  await desk.locator('summary', { hasText: 'open 5 days a week' }).click();
  for (const day of ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday']) {
    await desk.getByLabel(day, { exact: true }).fill('00:00-24:00');
  }
  const hours = desk.getByRole('form', { name: 'Working hours' });
  await hours.getByRole('button', { name: 'Save working hours' }).click();
  await expect(hours.getByRole('status')).toHaveText('Saved');
  await expect(desk.locator('summary', { hasText: 'open 7 days a week' })).toBeVisible();

  // A missed High target raises the priority and hands the request to Hosting.
  const high = desk.locator('.settings-item', { hasText: 'High — first response' });
  await high.locator('summary').click();
  await high.getByLabel('When missed, raise the priority one step').check();
  await high.getByLabel('When missed, hand to team').selectOption({ label: 'Hosting' });
  await high.getByRole('button', { name: 'Save targets' }).click();
  await expect(high.locator('summary .badge')).toHaveText('Escalates');

  // The rule: Acme's "Something is broken" requests go to Web with High priority. Tried on a
  // sample first, then added.
  const ruleName = `Acme breakages ${stamp}`;
  await desk.getByText('Add a rule').click();
  const form = desk.getByRole('form', { name: 'New rule' });
  await form.getByLabel('Rule name').fill(ruleName);
  await form.getByRole('group', { name: 'comes from any of these companies' }).getByLabel('Acme Logistics').check();
  await form.getByRole('group', { name: 'is filed under any of these categories' }).getByLabel('Something is broken').check();
  await form.getByLabel('Team', { exact: true }).selectOption({ label: 'Web' });
  await form.getByRole('group', { name: /then set/ }).getByLabel('Priority', { exact: true }).selectOption('high');
  await form.getByLabel('Company', { exact: true }).selectOption({ label: 'Acme Logistics' });
  await form.getByRole('group', { name: 'Try it on a sample request' }).getByLabel('Category').selectOption({ label: 'Something is broken' });
  await form.getByLabel('Title').fill('Checkout fails');
  await form.getByRole('button', { name: 'Try on sample' }).click();
  const preview = form.locator('.route-preview');
  await expect(preview).toContainText(`would be routed by “${ruleName}”`);
  await expect(preview).toContainText('Team: Web');
  await expect(preview).toContainText('Priority: High');
  await desk.screenshot({ path: screenshotPath('desktop-rule-tried'), fullPage: true });
  await expectAccessible(desk);
  await form.getByRole('button', { name: 'Add rule' }).click();
  await expect(desk.locator('.settings-list li', { hasText: ruleName })).toBeVisible();

  // Mei, on her phone, reports a broken checkout.
  const client = await personOn(browser, phone, 'Mei Chen', clockURL);
  const phonePage = client.page;
  await phonePage.goto('/requests/new');
  await hydrated(phonePage);
  await phonePage.getByLabel('Title').fill(`Checkout fails for every card ${stamp}`);
  await phonePage.getByLabel('Description').fill('Since this morning no payment goes through.');
  await phonePage.getByLabel(/Something is broken/).check();
  await phonePage.getByRole('button', { name: 'Send request' }).tap();
  const reference = (await phonePage.locator('.confirmation .reference').textContent())!.trim();

  // The board shows where the rule put it and when the first answer is due.
  await desk.goto(`/board`);
  await hydrated(desk);
  await liveConnected(desk);
  const card = desk.locator(`.card[data-ref="${reference}"]`);
  await expect(card).toContainText('High');
  await expect(card.locator('.sla')).toHaveText('First response due in 4 h');
  await expect(card.locator('.sla')).toHaveClass(/sla--running/);
  await expect(card).toContainText(/Sam Rivera|Priya Shah/);

  // Time passes in steps shorter than a staff session's 2 idle hours, with the board in use.
  expect((await request.post(`${clockURL}/test/clock?minutes=100`)).ok()).toBeTruthy();
  await desk.reload();
  await hydrated(desk);
  await liveConnected(desk);
  await expect(card.locator('.sla')).toHaveText('First response due in 2 h');
  // 3 h 20 min in: past 80 % of the 4 hours, and the open board turns amber.
  expect((await request.post(`${clockURL}/test/clock?minutes=100`)).ok()).toBeTruthy();
  await expect(card.locator('.sla')).toHaveClass(/sla--warning/, { timeout: 15_000 });
  await expect(card.locator('.sla')).toHaveText('First response due in 40 min');

  // An hour later the target is missed: the breach escalates, on the open board, live.
  expect((await request.post(`${clockURL}/test/clock?minutes=60`)).ok()).toBeTruthy();
  await expect(card.locator('.sla')).toHaveClass(/sla--breached/, { timeout: 15_000 });
  await expect(card).toContainText('Critical');
  await expect(card).toContainText('Priya Shah');
  await desk.screenshot({ path: screenshotPath('desktop-board-breached') });

  // The history says what happened and why, for staff only.
  await card.locator('.card__link').click();
  const timeline = desk.locator('.timeline');
  await expect(timeline).toContainText(`Rule “${ruleName}” set`);
  await expect(timeline).toContainText('First response target is at risk');
  await expect(timeline).toContainText('First response target was missed');
  await expect(timeline).toContainText('Missed target escalated: priority to Critical');
  await expect(timeline).toContainText('team to Hosting');

  await phonePage.goto(`/requests/${reference}`);
  await hydrated(phonePage);
  await expect(phonePage.getByRole('heading', { name: `Checkout fails for every card ${stamp}` })).toBeVisible();
  await expect(phonePage.locator('.timeline')).toContainText('filed the request');
  await expect(phonePage.locator('.timeline')).not.toContainText('target');
  await expect(phonePage.locator('.timeline')).not.toContainText(ruleName);
  await expectPhoneFriendly(phonePage);

  await lead.context.close();
  await client.context.close();
});
